/* mixer.c — see mixer.h. */
#include "mixer.h"

#include <math.h>
#include <string.h>

#define QUARTER_PI 0.78539816339744830962f

void app_mix_init(AppMixer *m)
{
    memset(m, 0, sizeof *m);
    m->master = 1.0f;
}

static float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

float app_mix_spatial(float lx, float ly, float x, float y, float *gl, float *gr)
{
    float dx = x - lx, dy = y - ly;
    float d = sqrtf(dx * dx + dy * dy);
    float g = 1.0f;
    if (!(d <= APP_MIX_FAR)) /* also NaN */
        g = 0.0f;
    else if (d > APP_MIX_NEAR) {
        float t = (d - APP_MIX_NEAR) / (APP_MIX_FAR - APP_MIX_NEAR);
        g = (1.0f - t) * (1.0f - t);
    }
    float p = clampf(dx / APP_MIX_PAN_UNITS, -1.0f, 1.0f) * APP_MIX_PAN_MAX;
    if (p != p)
        p = 0.0f;
    float a = (p + 1.0f) * QUARTER_PI; /* 0 = left only, pi/2 = right only */
    *gl = g * cosf(a);
    *gr = g * sinf(a);
    return g;
}

void app_mix_centre(float *gl, float *gr)
{
    *gl = *gr = cosf(QUARTER_PI);
}

void app_mix_play(AppMixer *m, const float *pcm, uint32_t frames, float gl, float gr)
{
    if (pcm == NULL || frames == 0 || (gl <= 0.0f && gr <= 0.0f))
        return;
    AppVoice *v;
    if (m->count < APP_MIX_VOICES) {
        v = &m->voices[m->count++];
    } else {
        unsigned best = 0; /* full: the voice with the least left to play */
        for (unsigned i = 1; i < m->count; i++)
            if (m->voices[i].frames - m->voices[i].pos <
                m->voices[best].frames - m->voices[best].pos)
                best = i;
        v = &m->voices[best];
        m->replaced++;
    }
    *v = (AppVoice){pcm, frames, 0, gl, gr};
    m->played++;
}

void app_mix_set_volume(AppMixer *m, int volume)
{
    m->master = (float)(volume < 0 ? 0 : volume > 100 ? 100 : volume) / 100.0f;
}

void app_mix_set_muted(AppMixer *m, bool muted)
{
    m->muted = muted;
}

static int16_t to_s16(float v)
{
    v = clampf(v, -1.0f, 1.0f) * 32767.0f;
    return (int16_t)lrintf(v);
}

void app_mix_render(AppMixer *m, int16_t *out, size_t frames)
{
    float g = m->muted ? 0.0f : m->master;
    for (size_t i = 0; i < frames; i++) {
        float l = 0.0f, r = 0.0f;
        for (unsigned k = 0; k < m->count; k++) {
            AppVoice *v = &m->voices[k];
            if (v->pos >= v->frames)
                continue;
            float s = v->pcm[v->pos++];
            l += s * v->gl;
            r += s * v->gr;
        }
        out[2 * i] = to_s16(l * g);
        out[2 * i + 1] = to_s16(r * g);
    }
    unsigned k = 0;
    for (unsigned i = 0; i < m->count; i++)
        if (m->voices[i].pos < m->voices[i].frames)
            m->voices[k++] = m->voices[i];
    m->count = k;
    m->rendered += frames;
}

unsigned app_mix_active(const AppMixer *m)
{
    return m->count;
}
