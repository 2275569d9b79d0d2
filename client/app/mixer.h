/* mixer.h — arena-client's sound mixer and where a sound is heard from.
 *
 * Owns a fixed set of voices (a cue's samples, a position in them, a gain per ear), the
 * master volume and mute, and the sum of the voices into interleaved signed 16-bit stereo
 * (clipped, never wrapped). Also the one pure function that places a sound: stereo panning
 * and attenuation by distance from the listener. Pure: no SDL, no clock, never allocates
 * (a full set of voices replaces the one nearest its end). The SDL callback (audio.c) calls
 * app_mix_render under the device lock. */
#ifndef ARENA_APP_MIXER_H
#define ARENA_APP_MIXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    APP_MIX_VOICES = 32, /* sounds playing at once */
};

/* Distance model, world units: full loudness up to NEAR, silent from FAR (a little more than
 * a 1280-pixel-wide view at zoom 1 from its centre to a corner), fading as (1-t)^2 between.
 * The pan reaches its widest (PAN_MAX, never one ear only) at PAN_UNITS to a side. */
#define APP_MIX_NEAR      160.0f
#define APP_MIX_FAR       1400.0f
#define APP_MIX_PAN_UNITS 640.0f
#define APP_MIX_PAN_MAX   0.8f

typedef struct AppVoice {
    const float *pcm; /* mono samples, -1..1, owned by the caller (the synth bank) */
    uint32_t frames, pos;
    float gl, gr; /* gain per ear */
} AppVoice;

typedef struct AppMixer {
    AppVoice voices[APP_MIX_VOICES];
    unsigned count;
    float master; /* 0..1 */
    bool muted;
    uint64_t played, replaced; /* voices started; started over a playing one (set full) */
    uint64_t rendered;         /* stereo frames rendered so far */
} AppMixer;

void app_mix_init(AppMixer *m);
/* Gains for a sound at (x, y) heard by a listener at (lx, ly): equal-power panning by the
 * horizontal offset, attenuation by distance (see APP_MIX_*). The centre gives 0.7071 per
 * ear. Returns the distance gain (0 = inaudible). */
float app_mix_spatial(float lx, float ly, float x, float y, float *gl, float *gr);
/* A UI sound: centred, full loudness (the same as a sound at the listener). */
void app_mix_centre(float *gl, float *gr);
/* Starts pcm[0..frames) with per-ear gains. Silent gains (both 0) start nothing. */
void app_mix_play(AppMixer *m, const float *pcm, uint32_t frames, float gl, float gr);
/* 0..100, clamped. */
void app_mix_set_volume(AppMixer *m, int volume);
void app_mix_set_muted(AppMixer *m, bool muted);
/* Mixes `frames` stereo frames into out[2*frames] (L, R, L, R...) and advances the voices;
 * finished voices are removed. Muted: silence, and the voices still advance. */
void app_mix_render(AppMixer *m, int16_t *out, size_t frames);
unsigned app_mix_active(const AppMixer *m);

#endif
