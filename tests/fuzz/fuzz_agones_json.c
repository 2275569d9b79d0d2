/* fuzz_agones_json.c — libFuzzer target for what the Agones client reads from the SDK sidecar
 * (server/agones_json.h: GET /gameserver's status.state) and the label values it makes.
 *
 * Any bytes are a sidecar's answer. agones_parse_gameserver must answer without a crash; on
 * success the state is 1..31 ASCII letters, NUL-terminated, and the port is set (0 for none);
 * on failure the buffer is untouched. The
 * same bytes, cut at the first NUL, are a map name: its label value is a valid Kubernetes
 * label value. */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agones_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char st[AGONES_STATE_MAX];
    memset(st, 0x5A, sizeof st);
    uint16_t port = 0xA5A5;
    if (agones_parse_gameserver((const char *)data, size, st, sizeof st, "default", &port)) {
        CHECK(port != 0xA5A5); /* 0 (none) or the port: always set on success */
        size_t n = strnlen(st, sizeof st);
        CHECK(n > 0 && n < sizeof st);
        for (size_t i = 0; i < n; i++)
            CHECK(isalpha((unsigned char)st[i]) && (unsigned char)st[i] < 0x80);
    } else {
        for (size_t i = 0; i < sizeof st; i++)
            CHECK(st[i] == 0x5A);
        CHECK(port == 0xA5A5);
    }
    char *name = malloc(size + 1);
    if (name == NULL)
        return 0;
    memcpy(name, data, size);
    name[size] = '\0';
    char v[AGONES_LABEL_VALUE_MAX];
    agones_label_value(name, v, sizeof v);
    size_t n = strlen(v);
    CHECK(n >= 1 && n <= 63);
    CHECK(isalnum((unsigned char)v[0]) && isalnum((unsigned char)v[n - 1]));
    for (size_t i = 0; i < n; i++)
        CHECK(isalnum((unsigned char)v[i]) || v[i] == '-' || v[i] == '_' || v[i] == '.');
    free(name);
    return 0;
}
