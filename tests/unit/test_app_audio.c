/* test_app_audio.c — the audio device through SDL's own headless drivers.
 *
 * - No device (SDL_AUDIODRIVER=nonexistent) and --no-audio are not errors: a silent handle,
 *   one line of log, every call works.
 * - SDL's disk driver records what a player would hear: every cue, played one after another
 *   with a gap, is a non-silent section of the cue's length, centred (left == right); a shot
 *   to the listener's right is louder in the right ear; mute records silence. Prints each
 *   cue's length, RMS and peak (dBFS). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio.h"

enum {
    RATE = APP_SYNTH_RATE,
    THRESHOLD = 30,      /* |sample| above this is sound (about -61 dBFS) */
    JOIN_GAP = RATE / 5, /* silence shorter than this stays inside a section (0.2 s) */
    GAP = RATE * 3 / 10, /* silence recorded between two cues (0.3 s) */
};

/* Waits (bounded) until the device has taken `frames` more frames than `from`. */
static void wait_rendered(AppAudio *a, uint64_t from, uint64_t frames)
{
    for (int i = 0; i < 20000 && app_audio_rendered(a) < from + frames; i++)
        SDL_Delay(1);
    assert_true(app_audio_rendered(a) >= from + frames);
}

static void wait_quiet(AppAudio *a)
{
    for (int i = 0; i < 20000 && app_audio_playing(a) > 0; i++)
        SDL_Delay(1);
    assert_int_equal(app_audio_playing(a), 0);
}

static void test_no_device_is_not_an_error(void **state)
{
    (void)state;
    setenv("SDL_AUDIODRIVER", "nonexistent", 1);
    FILE *log = tmpfile();
    assert_non_null(log);
    AppAudio *a = app_audio_create(true, log);
    assert_non_null(a);
    assert_false(app_audio_live(a));
    app_audio_set_listener(a, 1, 2);
    app_audio_play(a, APP_CUE_SHOT, 3, 4);
    app_audio_play_ui(a, APP_CUE_LEGEND);
    app_audio_set_volume(a, 140);
    assert_int_equal(app_audio_volume(a), 100);
    app_audio_set_muted(a, true);
    assert_true(app_audio_muted(a));
    assert_int_equal(app_audio_playing(a), 0);
    app_audio_destroy(a);
    char line[256] = "";
    rewind(log);
    assert_non_null(fgets(line, sizeof line, log));
    assert_non_null(strstr(line, "no sound"));
    assert_null(fgets(line, sizeof line, log)); /* said once */
    fclose(log);
    /* --no-audio: no device is even tried. */
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    a = app_audio_create(false, NULL);
    assert_false(app_audio_live(a));
    app_audio_play_ui(a, APP_CUE_CHAT);
    app_audio_destroy(a);
    /* And NULL is accepted everywhere. */
    app_audio_play(NULL, APP_CUE_SHOT, 0, 0);
    app_audio_set_volume(NULL, 5);
    app_audio_destroy(NULL);
}

static void test_dummy_driver_plays(void **state)
{
    (void)state;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    AppAudio *a = app_audio_create(true, stderr);
    assert_true(app_audio_live(a));
    app_audio_play_ui(a, APP_CUE_KILL);
    assert_int_equal(app_audio_played(a), 1);
    wait_quiet(a);
    app_audio_destroy(a);
}

typedef struct Section {
    size_t start, len; /* frames */
    double rms_l, rms_r, peak;
} Section;

/* Non-silent sections of interleaved stereo s16 (silences shorter than JOIN_GAP joined). */
static unsigned sections(const int16_t *s, size_t frames, Section *out, unsigned cap)
{
    unsigned n = 0;
    size_t last = 0;
    bool in = false;
    for (size_t i = 0; i < frames; i++) {
        int v = abs(s[2 * i]) > abs(s[2 * i + 1]) ? abs(s[2 * i]) : abs(s[2 * i + 1]);
        if (v <= THRESHOLD)
            continue;
        if (in && i - last < JOIN_GAP) {
            last = i;
            continue;
        }
        if (in)
            out[n - 1].len = last + 1 - out[n - 1].start;
        if (n == cap)
            return n;
        out[n++] = (Section){.start = i};
        in = true;
        last = i;
    }
    if (in)
        out[n - 1].len = last + 1 - out[n - 1].start;
    for (unsigned k = 0; k < n; k++) {
        double l = 0, r = 0, p = 0;
        for (size_t i = out[k].start; i < out[k].start + out[k].len; i++) {
            l += (double)s[2 * i] * s[2 * i];
            r += (double)s[2 * i + 1] * s[2 * i + 1];
            p = fmax(p, fmax(fabs((double)s[2 * i]), fabs((double)s[2 * i + 1])));
        }
        out[k].rms_l = sqrt(l / (double)out[k].len) / 32768.0;
        out[k].rms_r = sqrt(r / (double)out[k].len) / 32768.0;
        out[k].peak = p / 32768.0;
    }
    return n;
}

static double db(double v)
{
    return v > 0 ? 20.0 * log10(v) : -120.0;
}

static int16_t *record(const char *path, size_t *frames)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    int16_t *s = malloc((size_t)bytes + 4);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)bytes, f), (size_t)bytes);
    fclose(f);
    *frames = (size_t)bytes / 4;
    return s;
}

static void test_disk_records_every_cue(void **state)
{
    (void)state;
    char path[] = "/tmp/arena-audio-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    setenv("SDL_AUDIODRIVER", "disk", 1);
    setenv("SDL_DISKAUDIOFILE", path, 1);
    AppAudio *a = app_audio_create(true, stderr);
    assert_true(app_audio_live(a));
    app_audio_set_volume(a, 100);
    wait_rendered(a, 0, GAP);
    for (unsigned c = 0; c < APP_CUE_COUNT; c++) {
        app_audio_play_ui(a, (AppCue)c);
        wait_quiet(a);
        wait_rendered(a, app_audio_rendered(a), GAP);
    }
    /* A shot 400 units to the right of the listener; then a muted one (silence). */
    app_audio_set_listener(a, 1000, 1000);
    app_audio_play(a, APP_CUE_SHOT, 1400, 1000);
    wait_quiet(a);
    wait_rendered(a, app_audio_rendered(a), GAP);
    app_audio_set_muted(a, true);
    app_audio_play_ui(a, APP_CUE_LEGEND);
    wait_quiet(a);
    wait_rendered(a, app_audio_rendered(a), GAP);
    app_audio_destroy(a);

    size_t frames;
    int16_t *s = record(path, &frames);
    unlink(path);
    Section sec[APP_CUE_COUNT + 4];
    unsigned n = sections(s, frames, sec, APP_CUE_COUNT + 4);
    printf("recorded %.2f s, %u sections\n", (double)frames / RATE, n);
    assert_int_equal(n, APP_CUE_COUNT + 1);
    for (unsigned c = 0; c < APP_CUE_COUNT; c++) {
        double want = app_synth_seconds((AppCue)c), got = (double)sec[c].len / RATE;
        printf("  %-12s %6.0f ms (cue %4.0f ms)  rms %6.1f dBFS  peak %6.1f dBFS\n",
               app_cue_name((AppCue)c), got * 1e3, want * 1e3, db(sec[c].rms_l), db(sec[c].peak));
        assert_true(fabs(got - want) < 0.02); /* within 20 ms of the cue's length */
        assert_true(sec[c].peak > 0.25 && sec[c].rms_l > 0.02);
        assert_true(fabs(sec[c].rms_l - sec[c].rms_r) < 1e-3); /* a UI cue is centred */
    }
    const Section *right = &sec[APP_CUE_COUNT];
    printf("  shot 400 units right: rms L %.1f R %.1f dBFS\n", db(right->rms_l), db(right->rms_r));
    assert_true(right->rms_r > 1.5 * right->rms_l);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_device_is_not_an_error),
        cmocka_unit_test(test_dummy_driver_plays),
        cmocka_unit_test(test_disk_records_every_cue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
