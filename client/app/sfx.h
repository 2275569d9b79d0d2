/* sfx.h — which sound each thing the client sees makes.
 *
 * Owns the rules from game events to cues (synth.h) and the little state they need: the shots
 * already heard, the chat lines already heard, whether the local player was alive. Each call
 * appends what should be played to an AppSfxOut (a cue, heard from a world position or as a
 * UI sound); arena.c hands them to the audio device. Pure: no SDL, no clock, no allocation.
 *
 * The entry points, one per event:
 *   app_sfx_shots      every frame, the sampled world: someone else's new shot;
 *   app_sfx_self       every frame, the predicted local player: own shot, respawn;
 *   app_sfx_chat       every frame, the chat history: chat, whisper, join, leave;
 *   app_sfx_hit        a fatal HIT event when its burst is shown (hit+kill for the
 *                      shooter, hurt+death for the victim);
 *   app_sfx_damage     damage that does not kill (for health: hit / hurt);
 *   app_sfx_kill       a kill (kill confirmation / death);
 *   app_sfx_legend     the legend announcement (the fanfare);
 *   app_sfx_match      match start / end (UI). */
#ifndef ARENA_APP_SFX_H
#define ARENA_APP_SFX_H

#include <stdbool.h>
#include <stdint.h>

#include "cli_chat.h"
#include "cli_interp.h"
#include "protocol.h"
#include "synth.h"

enum {
    APP_SFX_OUT_MAX = 48, /* cues per frame at most (more are dropped, counted) */
};

typedef struct AppSfxCue {
    AppCue cue;
    bool ui;    /* centred, full loudness; else heard from (x, y) */
    float x, y; /* world units */
} AppSfxCue;

typedef struct AppSfxOut {
    AppSfxCue c[APP_SFX_OUT_MAX];
    unsigned n;
    unsigned dropped;
} AppSfxOut;

typedef struct AppSfx {
    uint8_t shot_seen[(PROTO_MAX_ENTITIES + 7) / 8]; /* shot ids in the last frame */
    bool shots_primed;   /* the first frame only learns which shots exist */
    uint64_t chat_total; /* chat entries ever added, when last looked at */
    bool self_known, self_alive;
    uint32_t fired_tick; /* prediction tick of the last own shot heard */
    uint8_t cooldown;    /* the local player's fire cooldown last frame */
} AppSfx;

/* chat_total: the chat history's total now (lines already there make no sound). */
void app_sfx_init(AppSfx *s, uint64_t chat_total);
void app_sfx_out_clear(AppSfxOut *o);
void app_sfx_add(AppSfxOut *o, AppCue cue, bool ui, float x, float y);

/* Shots in views[0..n) that were not there last frame and are not self's: SHOT_OTHER where
 * the shot is. self: the local player's id (-1 unknown). */
void app_sfx_shots(AppSfx *s, const CliEntityView *views, unsigned n, int self, AppSfxOut *o);
/* The predicted local player at (x, y) at prediction tick `tick`: a shot (fired this tick,
 * once; or its fire cooldown went up since the last frame: a shot between two frames, when
 * a frame runs several ticks) and a respawn (alive again after being dead). */
void app_sfx_self(AppSfx *s, bool alive, bool fired, uint8_t cooldown, uint32_t tick, float x,
                  float y, AppSfxOut *o);
/* New chat lines: CHAT for SAY/ACTION from others, WHISPER for a whisper from someone else,
 * JOIN / LEAVE for other players (self_name: ours, "" unknown). */
void app_sfx_chat(AppSfx *s, const CliChat *chat, const char *self_name, AppSfxOut *o);
/* A fatal HIT event (health 0 after it) shown at the victim's (x, y): damage and kill. */
void app_sfx_hit(int self, unsigned shooter, unsigned victim, float x, float y, AppSfxOut *o);
/* Damage that did not kill: HIT for the shooter (self), HURT for the victim (self), HIT from
 * (x, y) for others' fights. */
void app_sfx_damage(int self, unsigned shooter, unsigned victim, float x, float y, AppSfxOut *o);
/* A kill: KILL for the killer (self), HURT+DEATH for the victim (self), DEATH from (x, y) for
 * others. */
void app_sfx_kill(int self, unsigned killer, unsigned victim, float x, float y, AppSfxOut *o);
/* The legend announcement (MSG_EV_LEGEND while playing): the fanfare, for everyone. */
void app_sfx_legend(AppSfxOut *o);
/* Match start (true) or end (false). */
void app_sfx_match(bool start, AppSfxOut *o);

#endif
