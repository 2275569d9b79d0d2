/* synth.c — see synth.h. */
#include "synth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TWO_PI     6.28318530717958647692
#define FADE_S     0.004    /* every layer fades out over its last 4 ms: no clicks */
#define NOISE_SEED 0xA5EEDu /* the one seed of every noise layer (plus cue and layer index) */

typedef enum Wave { W_SINE, W_SQUARE, W_SAW, W_TRI, W_NOISE } Wave;

/* One layer of a cue: a wave from start for dur seconds, its pitch sliding exponentially from
 * f0 to f1 (noise: its low-pass cutoff slides), a linear attack then an exponential decay
 * with time constant tau (0: held), an optional one-pole low-pass at lp Hz (tones only). */
typedef struct Layer {
    Wave wave;
    float start, dur;
    float f0, f1;
    float amp;
    float attack, tau;
    float lp;
} Layer;

enum { LAYERS_MAX = 20 };

typedef struct Recipe {
    const char *name;
    float seconds;
    float peak; /* the rendered cue is scaled so that its largest sample is this */
    Layer l[LAYERS_MAX];
} Recipe;

/* Notes, Hz. */
#define C4 261.63f
#define E4 329.63f
#define G4 392.00f
#define A4 440.00f
#define C5 523.25f
#define E5 659.26f
#define G5 783.99f
#define C6 1046.50f

/* A brass-ish note of the fanfare: square and saw an octave down, softened by a low-pass. */
#define HORN(t, d, f, tau)                                                                         \
    {W_SQUARE, t, d, f, f, 0.40f, 0.012f, tau, 3200.0f},                                           \
        {W_SAW, t, d, (f) / 2, (f) / 2, 0.30f, 0.02f, tau, 2400.0f},                               \
    {                                                                                              \
        W_SINE, t, d, (f)*2, (f)*2, 0.08f, 0.01f, (tau) / 2, 0.0f                                  \
    }

static const Recipe recipes[APP_CUE_COUNT] = {
    [APP_CUE_SHOT] = {"shot",
                      0.14f,
                      0.80f,
                      {{W_NOISE, 0, 0.14f, 7000, 700, 0.55f, 0.001f, 0.030f, 0},
                       {W_SQUARE, 0, 0.10f, 900, 220, 0.30f, 0.001f, 0.035f, 5000},
                       {W_SINE, 0, 0.14f, 160, 55, 0.60f, 0.002f, 0.050f, 0}}},
    [APP_CUE_SHOT_OTHER] = {"shot-other",
                            0.13f,
                            0.55f,
                            {{W_NOISE, 0, 0.13f, 3800, 450, 0.55f, 0.001f, 0.030f, 0},
                             {W_SQUARE, 0, 0.09f, 620, 160, 0.25f, 0.001f, 0.030f, 3000},
                             {W_SINE, 0, 0.13f, 130, 50, 0.50f, 0.002f, 0.045f, 0}}},
    [APP_CUE_HIT] = {"hit",
                     0.09f,
                     0.60f,
                     {{W_TRI, 0, 0.09f, 1900, 1500, 0.70f, 0.001f, 0.028f, 0},
                      {W_SINE, 0, 0.06f, 2800, 2800, 0.35f, 0.001f, 0.015f, 0},
                      {W_NOISE, 0, 0.02f, 9000, 4000, 0.20f, 0.0005f, 0.006f, 0}}},
    [APP_CUE_HURT] = {"hurt",
                      0.24f,
                      0.85f,
                      {{W_NOISE, 0, 0.20f, 1400, 180, 0.60f, 0.001f, 0.060f, 0},
                       {W_SINE, 0, 0.24f, 230, 80, 0.85f, 0.002f, 0.080f, 0},
                       {W_SQUARE, 0, 0.18f, 115, 70, 0.20f, 0.002f, 0.060f, 900}}},
    [APP_CUE_DEATH] = {"death",
                       0.75f,
                       0.80f,
                       {{W_SAW, 0, 0.75f, 440, 55, 0.50f, 0.003f, 0.35f, 2500},
                        {W_SQUARE, 0.02f, 0.70f, 222, 40, 0.30f, 0.003f, 0.30f, 1200},
                        {W_NOISE, 0, 0.55f, 2200, 100, 0.35f, 0.001f, 0.22f, 0}}},
    [APP_CUE_RESPAWN] = {"respawn",
                         0.38f,
                         0.60f,
                         {{W_TRI, 0, 0.12f, G4, G4, 0.60f, 0.004f, 0.08f, 0},
                          {W_TRI, 0.08f, 0.12f, C5, C5, 0.60f, 0.004f, 0.08f, 0},
                          {W_TRI, 0.16f, 0.22f, G5, G5, 0.60f, 0.004f, 0.10f, 0},
                          {W_SINE, 0, 0.36f, 300, 1400, 0.18f, 0.05f, 0.20f, 0}}},
    [APP_CUE_KILL] = {"kill",
                      0.48f,
                      0.70f,
                      {{W_SINE, 0, 0.20f, 1318.5f, 1318.5f, 0.70f, 0.001f, 0.09f, 0},
                       {W_TRI, 0, 0.12f, 2637, 2637, 0.12f, 0.001f, 0.04f, 0},
                       {W_SINE, 0.09f, 0.39f, 1760, 1760, 0.80f, 0.001f, 0.15f, 0},
                       {W_TRI, 0.09f, 0.25f, 3520, 3520, 0.12f, 0.001f, 0.06f, 0}}},
    [APP_CUE_MATCH_START] = {"match-start",
                             1.25f,
                             0.70f,
                             {{W_SQUARE, 0.0f, 0.13f, A4, A4, 0.40f, 0.003f, 0.10f, 2500},
                              {W_SQUARE, 0.3f, 0.13f, A4, A4, 0.40f, 0.003f, 0.10f, 2500},
                              {W_SQUARE, 0.6f, 0.13f, A4, A4, 0.40f, 0.003f, 0.10f, 2500},
                              {W_SQUARE, 0.9f, 0.35f, 880, 880, 0.45f, 0.003f, 0.20f, 3500},
                              {W_SAW, 0.9f, 0.35f, 440, 440, 0.25f, 0.003f, 0.20f, 2500}}},
    [APP_CUE_MATCH_END] = {"match-end",
                           1.35f,
                           0.70f,
                           {{W_TRI, 0.0f, 0.30f, G4, G4, 0.50f, 0.005f, 0.20f, 0},
                            {W_TRI, 0.25f, 0.30f, E4, E4, 0.50f, 0.005f, 0.20f, 0},
                            {W_TRI, 0.50f, 0.85f, C4, C4, 0.50f, 0.008f, 0.45f, 0},
                            {W_TRI, 0.50f, 0.85f, G4, G4, 0.30f, 0.008f, 0.45f, 0},
                            {W_TRI, 0.50f, 0.85f, C5, C5, 0.30f, 0.008f, 0.45f, 0},
                            {W_SAW, 0.50f, 0.85f, C4 / 2, C4 / 2, 0.20f, 0.01f, 0.45f, 800}}},
    [APP_CUE_JOIN] = {"join",
                      0.26f,
                      0.50f,
                      {{W_SINE, 0, 0.10f, 660, 660, 0.60f, 0.003f, 0.05f, 0},
                       {W_SINE, 0.08f, 0.18f, 990, 990, 0.60f, 0.003f, 0.07f, 0}}},
    [APP_CUE_LEAVE] = {"leave",
                       0.26f,
                       0.45f,
                       {{W_SINE, 0, 0.10f, 990, 990, 0.60f, 0.003f, 0.05f, 0},
                        {W_SINE, 0.08f, 0.18f, 660, 600, 0.60f, 0.003f, 0.07f, 0}}},
    [APP_CUE_CHAT] = {"chat",
                      0.12f,
                      0.45f,
                      {{W_SINE, 0, 0.12f, 1480, 1480, 0.70f, 0.001f, 0.040f, 0},
                       {W_SINE, 0, 0.06f, 2960, 2960, 0.25f, 0.001f, 0.020f, 0}}},
    [APP_CUE_WHISPER] = {"whisper",
                         0.32f,
                         0.50f,
                         {{W_SINE, 0, 0.12f, 1175, 1175, 0.60f, 0.002f, 0.05f, 0},
                          {W_SINE, 0.12f, 0.20f, 1568, 1568, 0.60f, 0.002f, 0.07f, 0},
                          {W_TRI, 0.12f, 0.20f, 3136, 3136, 0.08f, 0.002f, 0.05f, 0}}},
    [APP_CUE_LEGEND] = {"legend",
                        2.10f,
                        0.80f,
                        {HORN(0.00f, 0.12f, C5, 0.10f),
                         HORN(0.13f, 0.12f, E5, 0.10f),
                         HORN(0.26f, 0.12f, G5, 0.10f),
                         HORN(0.39f, 0.45f, C6, 0.30f),
                         HORN(0.86f, 0.14f, G5, 0.10f),
                         {W_TRI, 1.01f, 1.09f, C6, C6, 0.45f, 0.012f, 0.55f, 0},
                         {W_TRI, 1.01f, 1.09f, G5, G5, 0.30f, 0.012f, 0.55f, 0},
                         {W_TRI, 1.01f, 1.09f, E5, E5, 0.30f, 0.012f, 0.55f, 0},
                         {W_NOISE, 1.01f, 0.9f, 9000, 5000, 0.12f, 0.002f, 0.35f, 0}}},
};

double app_synth_seconds(AppCue cue)
{
    return (unsigned)cue < APP_CUE_COUNT ? (double)recipes[cue].seconds : 0.0;
}

size_t app_synth_frames(AppCue cue, unsigned rate)
{
    return (size_t)lround(app_synth_seconds(cue) * (double)rate);
}

const char *app_cue_name(AppCue cue)
{
    return (unsigned)cue < APP_CUE_COUNT ? recipes[cue].name : "?";
}

static uint32_t xorshift32(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static double wave_at(Wave w, double phase, uint32_t *rng)
{
    switch (w) {
    case W_SINE:
        return sin(TWO_PI * phase);
    case W_SQUARE:
        return phase < 0.5 ? 1.0 : -1.0;
    case W_SAW:
        return 2.0 * phase - 1.0;
    case W_TRI:
        return phase < 0.5 ? 4.0 * phase - 1.0 : 3.0 - 4.0 * phase;
    case W_NOISE:
        return (double)xorshift32(rng) / 2147483647.5 - 1.0;
    }
    return 0.0;
}

/* One-pole low-pass coefficient for cutoff hz at rate. */
static double lp_coeff(double hz, unsigned rate)
{
    double a = 1.0 - exp(-TWO_PI * hz / (double)rate);
    return a > 1.0 ? 1.0 : a;
}

static void render_layer(const Layer *ly, uint32_t seed, unsigned rate, float *out, size_t frames)
{
    size_t first = (size_t)lround((double)ly->start * rate);
    size_t n = (size_t)lround((double)ly->dur * rate);
    if (first >= frames)
        return;
    if (n > frames - first)
        n = frames - first;
    uint32_t rng = seed;
    double phase = 0.0, lp = 0.0;
    double fade = FADE_S * rate;
    double ratio = ly->f0 > 0.0f ? (double)ly->f1 / ly->f0 : 1.0;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        double f = ly->f0 * pow(ratio, (double)i / (double)n);
        double x = wave_at(ly->wave, phase, &rng);
        phase += f / rate;
        phase -= floor(phase);
        double cut = ly->wave == W_NOISE ? f : (double)ly->lp;
        if (cut > 0.0) {
            lp += lp_coeff(cut, rate) * (x - lp);
            x = lp;
        }
        double env = ly->attack > 0.0f && t < ly->attack ? t / ly->attack : 1.0;
        if (ly->tau > 0.0f && t >= ly->attack)
            env *= exp(-(t - ly->attack) / ly->tau);
        double left = (double)(n - i);
        if (left < fade)
            env *= left / fade;
        out[first + i] += (float)(x * env * ly->amp);
    }
}

void app_synth_render(AppCue cue, unsigned rate, float *out, size_t frames)
{
    memset(out, 0, frames * sizeof *out);
    if ((unsigned)cue >= APP_CUE_COUNT || rate == 0)
        return;
    const Recipe *r = &recipes[cue];
    for (unsigned k = 0; k < LAYERS_MAX && r->l[k].dur > 0.0f; k++)
        render_layer(&r->l[k], NOISE_SEED + 97u * (uint32_t)cue + k, rate, out, frames);
    float peak = 0.0f;
    for (size_t i = 0; i < frames; i++)
        peak = fmaxf(peak, fabsf(out[i]));
    if (peak <= 0.0f)
        return;
    float g = r->peak / peak;
    for (size_t i = 0; i < frames; i++)
        out[i] *= g;
}

bool app_synth_bank_init(AppSynthBank *b, unsigned rate)
{
    memset(b, 0, sizeof *b);
    b->rate = rate;
    for (unsigned c = 0; c < APP_CUE_COUNT; c++) {
        size_t n = app_synth_frames((AppCue)c, rate);
        b->pcm[c] = malloc((n > 0 ? n : 1) * sizeof(float));
        if (b->pcm[c] == NULL) {
            app_synth_bank_free(b);
            return false;
        }
        b->frames[c] = (uint32_t)n;
        app_synth_render((AppCue)c, rate, b->pcm[c], n);
    }
    return true;
}

void app_synth_bank_free(AppSynthBank *b)
{
    for (unsigned c = 0; c < APP_CUE_COUNT; c++) {
        free(b->pcm[c]);
        b->pcm[c] = NULL;
        b->frames[c] = 0;
    }
}
