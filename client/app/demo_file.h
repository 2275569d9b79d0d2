/* demo_file.h — a demo file from disk for arena-client --demo, and the headless replay
 * (--dump-positions).
 *
 * Owns reading the whole file into memory (the player decodes from there) and the text the
 * headless replay prints. No SDL. */
#ifndef ARENA_APP_DEMO_FILE_H
#define ARENA_APP_DEMO_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "demo_play.h"

enum {
    APP_DEMO_FILE_MAX = 1 << 30, /* bytes: a longer file is refused (about 10 h of 64 players) */
};

/* Reads path into a malloc'd buffer; NULL with a reason in err. */
uint8_t *app_demo_read(const char *path, size_t *len, char *err, size_t errlen);
/* Opens path as a demo player (*buf receives the file's bytes, to free after the player). */
DemoPlay *app_demo_open(const char *path, uint8_t **buf, char *err, size_t errlen);
/* --dump-positions: every frame's entities, one line each: `tick id x y` (x, y in 1/8 world
 * units, as the snapshot carries them). Returns the exit status (0, or 1 with a reason on
 * err). */
int app_demo_dump(const char *path, FILE *out, FILE *err);

#endif
