/* fuzz_names.c — libFuzzer target for the server's name rules (server/names.h, ICU).
 *
 * Any bytes are a name as typed in LOGIN. names_check must answer without a crash; a refused
 * name leaves nothing behind; an accepted one is valid text of 1..PROTO_NAME_MAX bytes, is
 * its own NFC form (checking it again gives the same name and key), has a non-empty key and
 * names_key gives that key too. names_key on the raw text (stored legacy names) never
 * crashes and always NUL-terminates. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "line.h"
#include "names.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* ICU's normalizers and spoof checker, opened once for the whole run. */
static Names *names;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[128];
    names = names_create(err, sizeof err);
    CHECK(names != NULL);
    return 0;
}

static bool terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    NameInfo info;
    memset(&info, 0xA5, sizeof info);
    NameError e = names_check(names, (const char *)data, size, &info);
    CHECK(e >= NAME_OK && e <= NAME_INTERNAL);
    CHECK(name_error_str(e) != NULL);
    if (e != NAME_OK) {
        CHECK(info.name[0] == '\0' && info.key[0] == '\0');
    } else {
        CHECK(terminated(info.name, sizeof info.name) && terminated(info.key, sizeof info.key));
        size_t n = strlen(info.name), k = strlen(info.key);
        CHECK(n >= 1 && n <= PROTO_NAME_MAX);
        CHECK(line_text_safe((const uint8_t *)info.name, n));
        CHECK(k >= 1 && k <= NAME_KEY_MAX);
        CHECK(line_utf8_valid((const uint8_t *)info.key, k));
        /* a fixed point: the stored name is accepted as it is, with the same key */
        NameInfo again;
        CHECK(names_check(names, info.name, n, &again) == NAME_OK);
        CHECK(strcmp(again.name, info.name) == 0);
        CHECK(strcmp(again.key, info.key) == 0);
        char key[NAME_KEY_MAX + 1];
        CHECK(names_key(names, info.name, key, sizeof key));
        CHECK(strcmp(key, info.key) == 0);
    }

    /* names_key takes NUL-terminated text: a copy up to the first NUL */
    char text[4 * PROTO_NAME_MAX + 2];
    size_t t = size < sizeof text - 1 ? size : sizeof text - 1;
    memcpy(text, data, t);
    text[t] = '\0';
    char key[NAME_KEY_MAX + 1];
    memset(key, 0xA5, sizeof key);
    if (names_key(names, text, key, sizeof key))
        CHECK(terminated(key, sizeof key));
    return 0;
}
