/* audio.h — arena-client's sound: the SDL audio device, the cues and where they are heard.
 *
 * Owns the device (SDL's own audio, 48 kHz signed 16-bit stereo, a callback that runs the
 * mixer, mixer.h), the synthesized cues (synth.h, rendered once at create), the listener's
 * position and the volume and mute settings. No audio device is never an error: create logs
 * one line and returns a silent handle on which every call works and does nothing; every
 * function also accepts NULL. One of the SDL platform files. */
#ifndef ARENA_APP_AUDIO_H
#define ARENA_APP_AUDIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "synth.h"

#define APP_AUDIO_DEFAULT_VOLUME 80 /* 0..100 */

typedef struct AppAudio AppAudio;

/* Opens the default audio device (SDL's audio subsystem is initialised here) unless enabled
 * is false (--no-audio). When there is no device, or it cannot be opened, says so once on
 * log (may be NULL) and returns a silent handle. NULL only for no memory. */
AppAudio *app_audio_create(bool enabled, FILE *log);
/* Stops the device and frees everything; accepts NULL. With a device, first says on the log
 * how many cues were played, by name ("arena-client: sound: 12 cues shot=9 chat=3"). */
void app_audio_destroy(AppAudio *a);
/* True when a device is open and sounds are heard (or recorded, SDL's disk driver). */
bool app_audio_live(const AppAudio *a);

/* A cue from world position (x, y): panned and attenuated by its offset from the listener. */
void app_audio_play(AppAudio *a, AppCue cue, float x, float y);
/* A UI cue: centred, full loudness (chat pings, join/leave, match start/end, the fanfare). */
void app_audio_play_ui(AppAudio *a, AppCue cue);
/* Where the ears are, world units: the local player, or the camera's centre. */
void app_audio_set_listener(AppAudio *a, float x, float y);
/* 0..100 (clamped) and mute: the settings screen's controls. */
void app_audio_set_volume(AppAudio *a, int volume);
void app_audio_set_muted(AppAudio *a, bool muted);
int app_audio_volume(const AppAudio *a);
bool app_audio_muted(const AppAudio *a);
/* Sounds still playing (tests wait for 0); 0 when silent. */
unsigned app_audio_playing(AppAudio *a);
/* Cues started since create, and stereo frames the device has taken (tests). */
uint64_t app_audio_played(AppAudio *a);
uint64_t app_audio_rendered(AppAudio *a);

#endif
