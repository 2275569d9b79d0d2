/* storage_rows.c — see storage_rows.h. */
#include "storage_rows.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool storage_parse_int64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    if (s == NULL || *s == '\0' || (*s != '-' && (*s < '0' || *s > '9')))
        return false;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = (int64_t)v;
    return true;
}

/* Copies src (NULL = "") into dst[cap]; false if it does not fit. */
static bool copy_field(char *dst, size_t cap, const char *src)
{
    size_t n = src != NULL ? strlen(src) : 0;
    if (n >= cap)
        return false;
    memcpy(dst, src != NULL ? src : "", n);
    dst[n] = '\0';
    return true;
}

bool storage_ban_from_text(const char *const col[6], Ban *out)
{
    memset(out, 0, sizeof *out);
    int64_t kind = 0, until = 0;
    if (!storage_parse_int64(col[0], BAN_IP, BAN_NAME, &kind) ||
        !storage_parse_int64(col[4], 0, INT64_MAX, &until))
        return false;
    out->kind = kind == BAN_NAME ? BAN_NAME : BAN_IP;
    out->until = until;
    if (!copy_field(out->target, sizeof out->target, col[1]) ||
        !copy_field(out->target2, sizeof out->target2, col[2]) ||
        !copy_field(out->label, sizeof out->label, col[3]) ||
        !copy_field(out->reason, sizeof out->reason, col[5]) || out->target[0] == '\0')
        return false;
    if (out->kind == BAN_IP) {
        struct in_addr a;
        if (inet_pton(AF_INET, out->target, &a) != 1)
            return false;
        out->ip = a.s_addr;
    }
    return true;
}

static bool is_hash_hex(const char *s)
{
    if (strlen(s) != STORAGE_HASH_HEX - 1)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

bool storage_fame_from_text(const char *const col[7], FameRow *out)
{
    memset(out, 0, sizeof *out);
    int64_t rank = 0;
    if (!storage_parse_int64(col[0], 1, INT32_MAX, &rank))
        return false;
    out->rank = (int)rank;
    if (!copy_field(out->name, sizeof out->name, col[1]) ||
        !copy_field(out->key, sizeof out->key, col[2]) ||
        !copy_field(out->alt, sizeof out->alt, col[3]) ||
        !copy_field(out->found_at, sizeof out->found_at, col[4]) ||
        !copy_field(out->map, sizeof out->map, col[5]) ||
        !copy_field(out->claim_hash, sizeof out->claim_hash, col[6]))
        return false;
    return out->claim_hash[0] == '\0' || is_hash_hex(out->claim_hash);
}
