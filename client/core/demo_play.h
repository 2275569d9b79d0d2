/* demo_play.h — playing a demo file (docs/demo.md): index, seek, frames in order, names.
 *
 * Owns a demo being played from a caller-owned buffer (the whole file): at creation every
 * record is read and every frame decoded once (so a bad file is refused with a clear error
 * before anything is shown), and the keyframes, chat lines and events are indexed. Playback
 * decodes frames forward from the nearest keyframe and feeds them to a CliInterp, the live
 * client's interpolation, sampled at whatever render tick the caller chooses (pause, speed and
 * seeking are the caller's clock). Pure: no I/O, no SDL; allocates only in create. */
#ifndef ARENA_DEMO_PLAY_H
#define ARENA_DEMO_PLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli_interp.h"
#include "demo.h"
#include "map.h"

/* A chat line or an event, in file order. */
typedef struct DemoLine {
    uint32_t tick;
    uint8_t type; /* DEMO_REC_CHAT or DEMO_REC_EVENT */
    DemoChat chat;
    MsgEvent event;
} DemoLine;

typedef struct DemoPlay DemoPlay;

/* Reads the whole demo in buf[0..len) (kept by reference: it must outlive the player). NULL
 * with a reason in err if it is not a playable demo. A file cut short inside its last record
 * (a crash while recording) is played up to there, with a warning (demo_play_warning). */
DemoPlay *demo_play_create(const uint8_t *buf, size_t len, char *err, size_t errlen);
void demo_play_destroy(DemoPlay *p);

const DemoHeader *demo_play_header(const DemoPlay *p);
const Map *demo_play_map(const DemoPlay *p);
const char *demo_play_warning(const DemoPlay *p); /* "" if none */
uint32_t demo_play_first_tick(const DemoPlay *p);
uint32_t demo_play_last_tick(const DemoPlay *p);
unsigned demo_play_frames(const DemoPlay *p);

/* Makes frames up to just past render tick rt available for sampling, decoding forward (or
 * from the keyframe at or before rt when rt went back or jumped more than a keyframe
 * interval), and applies the events up to rt to the names. */
void demo_play_update(DemoPlay *p, double rt);
/* The entities at rt (after demo_play_update(p, rt)), interpolated; returns how many. */
unsigned demo_play_sample(const DemoPlay *p, double rt, CliEntityView *out, unsigned cap);
/* The newest decoded frame at or before the last update's rt (NULL before the first). */
const Snapshot *demo_play_frame_at(const DemoPlay *p, uint32_t tick);
/* The name of player slot at the last update's rt ("" if none), and whether a legend. */
const char *demo_play_name(const DemoPlay *p, unsigned slot);
bool demo_play_legend(const DemoPlay *p, unsigned slot);
/* The player's palette colour (EVENT PLAYER), or its slot number before one is known. */
unsigned demo_play_colour(const DemoPlay *p, unsigned slot);
/* Chat lines and events: all of them, in order. */
const DemoLine *demo_play_lines(const DemoPlay *p, unsigned *n);

/* Every frame from the start, decoded in order, to fn (a headless replay); stops early when
 * fn returns false. */
void demo_play_each_frame(const DemoPlay *p, bool (*fn)(const Snapshot *s, void *user), void *user);

#endif
