/* fame.c — see fame.h. Rows are kept sorted by rank; a lookup by key walks them (a few thousand
 * rows at most, and only at a login or a find). */
#include "fame.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

struct Fame {
    int n;
    int total;
    FameRow rows[FAME_CACHE_MAX];
};

Fame *fame_create(void)
{
    return calloc(1, sizeof(Fame));
}

void fame_destroy(Fame *f)
{
    free(f);
}

void fame_hash(const uint8_t secret[FAME_SECRET_BYTES], char hex[STORAGE_HASH_HEX])
{
    unsigned char h[(STORAGE_HASH_HEX - 1) / 2];
    crypto_generichash(h, sizeof h, secret, FAME_SECRET_BYTES, NULL, 0);
    sodium_bin2hex(hex, STORAGE_HASH_HEX, h, sizeof h);
}

/* The index of the first row with rank >= rank. */
static int lower_bound(const Fame *f, int rank)
{
    int lo = 0, hi = f->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (f->rows[mid].rank < rank)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool add_row(Fame *f, const FameRow *row)
{
    int i = lower_bound(f, row->rank);
    if (i < f->n && f->rows[i].rank == row->rank) {
        f->rows[i] = *row;
        return true;
    }
    if (f->n == FAME_CACHE_MAX) {
        if (i == f->n)
            return false; /* the first ranks are kept */
        f->n--;
    }
    memmove(&f->rows[i + 1], &f->rows[i], (size_t)(f->n - i) * sizeof f->rows[0]);
    f->rows[i] = *row;
    f->n++;
    return true;
}

int fame_add_rows(Fame *f, const FameRow *rows, int n, int total)
{
    int lost = 0;
    for (int i = 0; i < n; i++)
        lost += !add_row(f, &rows[i]);
    if (total > f->total)
        f->total = total;
    if (f->total < f->n)
        f->total = f->n;
    return lost;
}

/* The first row whose keys match (key, alt), NULL if none. */
static const FameRow *find(const Fame *f, const char *key, const char *alt)
{
    for (int i = 0; i < f->n; i++)
        if (name_keys_match(f->rows[i].key, f->rows[i].alt, key, alt))
            return &f->rows[i];
    return NULL;
}

int fame_rank(const Fame *f, const char *key, const char *alt)
{
    const FameRow *r = find(f, key, alt);
    return r != NULL ? r->rank : 0;
}

FameClaim fame_claim(const Fame *f, const char *key, const char *alt, const uint8_t *secret,
                     int *rank)
{
    const FameRow *r = find(f, key, alt);
    if (rank != NULL)
        *rank = r != NULL ? r->rank : 0;
    if (r == NULL)
        return FAME_NOT_LEGEND;
    if (r->claim_hash[0] == '\0')
        return FAME_CLAIM_UNSET;
    if (secret == NULL)
        return FAME_CLAIM_WRONG;
    char given[STORAGE_HASH_HEX];
    fame_hash(secret, given);
    return sodium_memcmp(given, r->claim_hash, STORAGE_HASH_HEX - 1) == 0 ? FAME_CLAIM_OK
                                                                          : FAME_CLAIM_WRONG;
}

bool fame_set_claim(Fame *f, int rank, const char hash[STORAGE_HASH_HEX])
{
    int i = lower_bound(f, rank);
    if (i >= f->n || f->rows[i].rank != rank || f->rows[i].claim_hash[0] != '\0')
        return false;
    snprintf(f->rows[i].claim_hash, sizeof f->rows[i].claim_hash, "%s", hash);
    return true;
}

int fame_list(const Fame *f, FameEntry *out, int cap, int *total)
{
    int n = f->n < cap ? f->n : cap;
    for (int i = 0; i < n; i++) {
        const FameRow *r = &f->rows[i];
        out[i].rank = r->rank;
        snprintf(out[i].name, sizeof out[i].name, "%s", r->name);
        snprintf(out[i].found_at, sizeof out[i].found_at, "%s", r->found_at);
        snprintf(out[i].map, sizeof out[i].map, "%s", r->map);
    }
    if (total != NULL)
        *total = f->total;
    return n;
}
