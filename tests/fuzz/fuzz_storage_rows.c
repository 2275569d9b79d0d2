/* fuzz_storage_rows.c — libFuzzer target for the storage row decoder (server/storage_rows.h).
 *
 * The input is up to 13 columns as a database hands them back as text, separated by NUL bytes
 * (a column's text cannot hold one); a column that is missing, or that is the single byte 0xff,
 * is SQL NULL. The first 6 are decoded as a ban, the next 7 as a fame row. Each column is its own
 * exact-size allocation, so a read past one is caught. Whatever the decoders answer, every
 * output string ends within its buffer; an accepted ban has a known kind, an until >= 0, its
 * columns' text (NULL as "") and, for an IP ban, the address of its target; an accepted fame
 * row has a rank > 0, its columns' text and a claim hash that is "" or 64 lowercase hex
 * digits. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage_rows.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

enum { COLS = 13, BAN_COLS = 6, FAME_COLS = 7 };

#define TERMINATED(field) CHECK(memchr((field), '\0', sizeof(field)) != NULL)

static bool same_text(const char *got, const char *col)
{
    return strcmp(got, col != NULL ? col : "") == 0;
}

static void check_ban(const char *const col[BAN_COLS])
{
    Ban b;
    memset(&b, 0xa5, sizeof b); /* the decoder must not rely on a cleared output */
    bool ok = storage_ban_from_text(col, &b);
    TERMINATED(b.target);
    TERMINATED(b.target2);
    TERMINATED(b.label);
    TERMINATED(b.reason);
    if (!ok)
        return;
    CHECK(b.kind == BAN_IP || b.kind == BAN_NAME);
    CHECK(b.until >= 0);
    CHECK(b.target[0] != '\0');
    CHECK(same_text(b.target, col[1]) && same_text(b.target2, col[2]) &&
          same_text(b.label, col[3]) && same_text(b.reason, col[5]));
    if (b.kind == BAN_IP) {
        struct in_addr a;
        CHECK(inet_pton(AF_INET, b.target, &a) == 1);
        CHECK(b.ip == a.s_addr);
    }
}

static void check_fame(const char *const col[FAME_COLS])
{
    FameRow r;
    memset(&r, 0xa5, sizeof r);
    bool ok = storage_fame_from_text(col, &r);
    TERMINATED(r.name);
    TERMINATED(r.key);
    TERMINATED(r.alt);
    TERMINATED(r.found_at);
    TERMINATED(r.map);
    TERMINATED(r.claim_hash);
    if (!ok)
        return;
    CHECK(r.rank > 0);
    CHECK(same_text(r.name, col[1]) && same_text(r.key, col[2]) && same_text(r.alt, col[3]) &&
          same_text(r.found_at, col[4]) && same_text(r.map, col[5]) &&
          same_text(r.claim_hash, col[6]));
    size_t n = strlen(r.claim_hash);
    CHECK(n == 0 || (n == STORAGE_HASH_HEX - 1 && strspn(r.claim_hash, "0123456789abcdef") == n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *owned[COLS] = {0};
    const char *col[COLS] = {0};
    size_t pos = 0;
    for (int i = 0; i < COLS && pos <= size; i++) {
        const uint8_t *end = memchr(data + pos, '\0', size - pos);
        size_t len = end != NULL ? (size_t)(end - (data + pos)) : size - pos;
        if (end == NULL && len == 0)
            break; /* nothing after the last separator: this and the rest are missing */
        if (!(len == 1 && data[pos] == 0xff)) {
            owned[i] = malloc(len + 1);
            if (owned[i] == NULL)
                break;
            memcpy(owned[i], data + pos, len);
            owned[i][len] = '\0';
            col[i] = owned[i];
        }
        pos += len + 1;
    }
    check_ban(col);
    check_fame(col + BAN_COLS);
    for (int i = 0; i < COLS; i++)
        free(owned[i]);
    return 0;
}
