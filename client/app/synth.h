/* synth.h — arena-client's sound effects, synthesized from numbers at start-up.
 *
 * Owns the list of cues (what the game can sound like) and their recipes: each cue is a few
 * layers of an oscillator (sine, square, saw, triangle) or filtered noise, with a pitch sweep
 * and an attack/decay envelope, summed and scaled to the cue's peak. Pure and deterministic:
 * the noise comes from a fixed seed, so a cue renders to the same samples on every run; no
 * SDL, no files (the project ships no sound files). The bank allocates once, at init. */
#ifndef ARENA_APP_SYNTH_H
#define ARENA_APP_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define APP_SYNTH_RATE 48000 /* samples per second the bank is rendered at by default */

typedef enum AppCue {
    APP_CUE_SHOT = 0,    /* the local player fired */
    APP_CUE_SHOT_OTHER,  /* someone else fired (softer, lower) */
    APP_CUE_HIT,         /* your shot hit someone */
    APP_CUE_HURT,        /* you were hit */
    APP_CUE_DEATH,       /* you died */
    APP_CUE_RESPAWN,     /* you are back in the arena */
    APP_CUE_KILL,        /* your shot killed someone: the confirmation ding */
    APP_CUE_MATCH_START, /* three-two-one-go */
    APP_CUE_MATCH_END,   /* a closing cadence */
    APP_CUE_JOIN,        /* a player joined */
    APP_CUE_LEAVE,       /* a player left */
    APP_CUE_CHAT,        /* a chat line from someone else */
    APP_CUE_WHISPER,     /* a whisper to you */
    APP_CUE_LEGEND,      /* the legend fanfare: a little tune */
    APP_CUE_COUNT
} AppCue;

/* Seconds a cue lasts (its rendered length). */
double app_synth_seconds(AppCue cue);
/* Frames (samples) a cue lasts at rate. */
size_t app_synth_frames(AppCue cue, unsigned rate);
/* The cue's name ("shot", "legend", ...) for logs and tests; "?" for a bad cue. */
const char *app_cue_name(AppCue cue);
/* Renders cue at rate into out[0..frames): mono, -1..1, peak at the cue's level. frames must
 * be app_synth_frames(cue, rate). Deterministic. */
void app_synth_render(AppCue cue, unsigned rate, float *out, size_t frames);

typedef struct AppSynthBank {
    unsigned rate;
    float *pcm[APP_CUE_COUNT];
    uint32_t frames[APP_CUE_COUNT];
} AppSynthBank;

/* Renders every cue at rate (a few hundred kilobytes). False on no memory (nothing held). */
bool app_synth_bank_init(AppSynthBank *b, unsigned rate);
void app_synth_bank_free(AppSynthBank *b);

#endif
