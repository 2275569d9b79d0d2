/* audio.c — see audio.h. */
#include "audio.h"

#include <SDL.h>
#include <stdlib.h>

#include "mixer.h"

struct AppAudio {
    SDL_AudioDeviceID dev; /* 0: silent */
    bool subsystem;        /* we initialised SDL's audio subsystem */
    AppSynthBank bank;
    AppMixer mix; /* under the device lock once dev != 0 */
    float lx, ly;
    int volume;
    bool muted;
    FILE *log;
    uint64_t cues[APP_CUE_COUNT]; /* started, by cue (the summary on destroy) */
};

static void callback(void *user, Uint8 *stream, int len)
{
    AppAudio *a = user;
    app_mix_render(&a->mix, (int16_t *)(void *)stream, (size_t)len / (2 * sizeof(int16_t)));
}

static void say(FILE *log, const char *what)
{
    if (log != NULL)
        fprintf(log, "arena-client: no sound: %s\n", what);
}

/* Opens the device; false (and said on log) when there is none. */
static bool open_device(AppAudio *a, FILE *log)
{
    if (SDL_WasInit(SDL_INIT_AUDIO) == 0) {
        if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
            say(log, SDL_GetError());
            return false;
        }
        a->subsystem = true;
    }
    if (!app_synth_bank_init(&a->bank, APP_SYNTH_RATE)) {
        say(log, "out of memory for the sounds");
        return false;
    }
    SDL_AudioSpec want = {0}, have;
    want.freq = APP_SYNTH_RATE;
    want.format = AUDIO_S16SYS;
    want.channels = 2;
    want.samples = 512; /* ~11 ms: a shot is heard with its muzzle flash */
    want.callback = callback;
    want.userdata = a;
    /* No changes allowed: SDL converts whatever the hardware wants from this format. */
    a->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (a->dev == 0) {
        say(log, SDL_GetError());
        return false;
    }
    SDL_PauseAudioDevice(a->dev, 0);
    return true;
}

AppAudio *app_audio_create(bool enabled, FILE *log)
{
    AppAudio *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    app_mix_init(&a->mix);
    a->log = log;
    a->volume = APP_AUDIO_DEFAULT_VOLUME;
    app_mix_set_volume(&a->mix, a->volume);
    if (!enabled) {
        say(log, "--no-audio given");
        return a;
    }
    if (!open_device(a, log)) {
        app_synth_bank_free(&a->bank);
        if (a->subsystem)
            SDL_QuitSubSystem(SDL_INIT_AUDIO);
        a->subsystem = false;
    }
    return a;
}

void app_audio_destroy(AppAudio *a)
{
    if (a == NULL)
        return;
    if (a->dev != 0 && a->log != NULL) {
        uint64_t total = 0;
        for (unsigned c = 0; c < APP_CUE_COUNT; c++)
            total += a->cues[c];
        fprintf(a->log, "arena-client: sound: %llu cues", (unsigned long long)total);
        for (unsigned c = 0; c < APP_CUE_COUNT; c++)
            if (a->cues[c] > 0)
                fprintf(a->log, " %s=%llu", app_cue_name((AppCue)c),
                        (unsigned long long)a->cues[c]);
        fprintf(a->log, "\n");
    }
    if (a->dev != 0)
        SDL_CloseAudioDevice(a->dev);
    if (a->subsystem)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    app_synth_bank_free(&a->bank);
    free(a);
}

bool app_audio_live(const AppAudio *a)
{
    return a != NULL && a->dev != 0;
}

static void start(AppAudio *a, AppCue cue, float gl, float gr)
{
    if (!app_audio_live(a) || (unsigned)cue >= APP_CUE_COUNT)
        return;
    a->cues[cue]++;
    SDL_LockAudioDevice(a->dev);
    app_mix_play(&a->mix, a->bank.pcm[cue], a->bank.frames[cue], gl, gr);
    SDL_UnlockAudioDevice(a->dev);
}

void app_audio_play(AppAudio *a, AppCue cue, float x, float y)
{
    if (a == NULL)
        return;
    float gl, gr;
    app_mix_spatial(a->lx, a->ly, x, y, &gl, &gr);
    start(a, cue, gl, gr);
}

void app_audio_play_ui(AppAudio *a, AppCue cue)
{
    float gl, gr;
    app_mix_centre(&gl, &gr);
    start(a, cue, gl, gr);
}

void app_audio_set_listener(AppAudio *a, float x, float y)
{
    if (a == NULL)
        return;
    a->lx = x;
    a->ly = y;
}

void app_audio_set_volume(AppAudio *a, int volume)
{
    if (a == NULL)
        return;
    a->volume = volume < 0 ? 0 : volume > 100 ? 100 : volume;
    if (a->dev != 0)
        SDL_LockAudioDevice(a->dev);
    app_mix_set_volume(&a->mix, a->volume);
    if (a->dev != 0)
        SDL_UnlockAudioDevice(a->dev);
}

void app_audio_set_muted(AppAudio *a, bool muted)
{
    if (a == NULL)
        return;
    a->muted = muted;
    if (a->dev != 0)
        SDL_LockAudioDevice(a->dev);
    app_mix_set_muted(&a->mix, muted);
    if (a->dev != 0)
        SDL_UnlockAudioDevice(a->dev);
}

int app_audio_volume(const AppAudio *a)
{
    return a != NULL ? a->volume : 0;
}

bool app_audio_muted(const AppAudio *a)
{
    return a != NULL && a->muted;
}

unsigned app_audio_playing(AppAudio *a)
{
    if (!app_audio_live(a))
        return 0;
    SDL_LockAudioDevice(a->dev);
    unsigned n = app_mix_active(&a->mix);
    SDL_UnlockAudioDevice(a->dev);
    return n;
}

uint64_t app_audio_played(AppAudio *a)
{
    if (!app_audio_live(a))
        return 0;
    SDL_LockAudioDevice(a->dev);
    uint64_t n = a->mix.played;
    SDL_UnlockAudioDevice(a->dev);
    return n;
}

uint64_t app_audio_rendered(AppAudio *a)
{
    if (!app_audio_live(a))
        return 0;
    SDL_LockAudioDevice(a->dev);
    uint64_t n = a->mix.rendered;
    SDL_UnlockAudioDevice(a->dev);
    return n;
}
