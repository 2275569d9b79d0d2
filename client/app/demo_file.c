/* demo_file.c — see demo_file.h. */
#include "demo_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint8_t *app_demo_read(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            if (cap >= APP_DEMO_FILE_MAX) {
                snprintf(err, errlen, "%s: larger than %d bytes", path, APP_DEMO_FILE_MAX);
                goto fail;
            }
            cap = cap ? cap * 2 : 1 << 16;
            uint8_t *nb = realloc(buf, cap);
            if (nb == NULL) {
                snprintf(err, errlen, "%s: out of memory", path);
                goto fail;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "cannot read %s", path);
        goto fail;
    }
    fclose(f);
    *len = n;
    return buf;
fail:
    free(buf);
    fclose(f);
    return NULL;
}

DemoPlay *app_demo_open(const char *path, uint8_t **buf, char *err, size_t errlen)
{
    size_t len = 0;
    *buf = app_demo_read(path, &len, err, errlen);
    if (*buf == NULL)
        return NULL;
    char why[256];
    DemoPlay *p = demo_play_create(*buf, len, why, sizeof why);
    if (p == NULL) {
        snprintf(err, errlen, "%s: %s", path, why);
        free(*buf);
        *buf = NULL;
    }
    return p;
}

static bool dump_frame(const Snapshot *s, void *user)
{
    FILE *out = user;
    for (uint16_t i = 0; i < s->count; i++)
        fprintf(out, "%u %u %u %u\n", (unsigned)s->tick, (unsigned)s->ents[i].id,
                (unsigned)s->ents[i].x, (unsigned)s->ents[i].y);
    return !ferror(out);
}

int app_demo_dump(const char *path, FILE *out, FILE *err)
{
    char why[512];
    uint8_t *buf;
    DemoPlay *p = app_demo_open(path, &buf, why, sizeof why);
    if (p == NULL) {
        fprintf(err, "arena-client: %s\n", why);
        return 1;
    }
    if (demo_play_warning(p)[0] != '\0')
        fprintf(err, "arena-client: %s: %s\n", path, demo_play_warning(p));
    demo_play_each_frame(p, dump_frame, out);
    int rc = fflush(out) == 0 && !ferror(out) ? 0 : 1;
    if (rc != 0)
        fprintf(err, "arena-client: error writing the positions\n");
    demo_play_destroy(p);
    free(buf);
    return rc;
}
