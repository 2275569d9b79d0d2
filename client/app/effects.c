/* effects.c — see effects.h. */
#include "effects.h"

#include <math.h>
#include <string.h>

#define TWO_PI 6.28318530717958647692f

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static float rng_unit(uint64_t *s)
{
    return (float)(rng_next(s) >> 40) * (1.0f / 16777216.0f);
}

void app_fx_init(AppEffects *fx, uint64_t seed)
{
    memset(fx, 0, sizeof *fx);
    fx->rng = seed;
}

static AppParticle *new_particle(AppEffects *fx)
{
    if (fx->part_count < APP_FX_PARTICLES)
        return &fx->parts[fx->part_count++];
    AppParticle *p = &fx->parts[fx->part_next]; /* full: replace round-robin */
    fx->part_next = (fx->part_next + 1) % APP_FX_PARTICLES;
    return p;
}

static AppFlash *new_flash(AppEffects *fx)
{
    if (fx->flash_count < APP_FX_FLASHES)
        return &fx->flashes[fx->flash_count++];
    AppFlash *f = &fx->flashes[fx->flash_next];
    fx->flash_next = (fx->flash_next + 1) % APP_FX_FLASHES;
    return f;
}

void app_fx_hit(AppEffects *fx, float x, float y, AppColor c)
{
    AppColor hot = app_color_mix(c, (AppColor){255, 255, 255, 255}, 0.35f);
    for (unsigned i = 0; i < APP_FX_HIT_PARTICLES; i++) {
        AppParticle *p = new_particle(fx);
        float a = TWO_PI * ((float)i + rng_unit(&fx->rng)) / APP_FX_HIT_PARTICLES;
        float speed = 90.0f + 170.0f * rng_unit(&fx->rng); /* units per second */
        p->x = x;
        p->y = y;
        p->vx = cosf(a) * speed;
        p->vy = sinf(a) * speed;
        p->age = 0.0f;
        p->life = APP_FX_HIT_LIFE_S * (0.6f + 0.4f * rng_unit(&fx->rng));
        p->size = 2.0f + 2.5f * rng_unit(&fx->rng);
        p->color = (i % 3 == 0) ? hot : c;
    }
    AppFlash *f = new_flash(fx);
    *f = (AppFlash){.x = x,
                    .y = y,
                    .life = APP_FX_FLASH_LIFE_S,
                    .r0 = 10.0f,
                    .r1 = 42.0f,
                    .color = {255, 255, 255, 255}};
}

void app_fx_legend(AppEffects *fx, float x, float y)
{
    static const AppColor sparks[4] = {
        {255, 214, 90, 255}, {255, 245, 200, 255}, {255, 160, 60, 255}, {120, 220, 255, 255}};
    for (unsigned i = 0; i < APP_FX_LEGEND_PARTICLES; i++) {
        AppParticle *p = new_particle(fx);
        float a = TWO_PI * rng_unit(&fx->rng);
        float speed = 60.0f + 260.0f * rng_unit(&fx->rng);
        p->x = x;
        p->y = y;
        p->vx = cosf(a) * speed;
        p->vy = sinf(a) * speed - 120.0f; /* rising */
        p->age = 0.0f;
        p->life = APP_FX_LEGEND_LIFE_S * (0.5f + 0.5f * rng_unit(&fx->rng));
        p->size = 2.5f + 3.5f * rng_unit(&fx->rng);
        p->color = sparks[i % 4];
    }
    for (unsigned k = 0; k < 3; k++) {
        AppFlash *f = new_flash(fx);
        *f = (AppFlash){.x = x,
                        .y = y,
                        .life = 0.6f + 0.4f * (float)k,
                        .r0 = 12.0f,
                        .r1 = 70.0f + 50.0f * (float)k,
                        .color = {255, 214, 90, 255}};
    }
}

void app_fx_queue_legend(AppEffects *fx, uint16_t who, double tick)
{
    app_fx_queue_hit(fx, who, who, tick);
    fx->pending[fx->pending_count - 1].legend = true;
}

void app_fx_muzzle(AppEffects *fx, float x, float y, float angle, AppColor c)
{
    AppFlash *f = new_flash(fx);
    *f = (AppFlash){.x = x,
                    .y = y,
                    .life = APP_FX_MUZZLE_LIFE_S,
                    .r0 = 6.0f,
                    .r1 = 10.0f,
                    .angle = angle,
                    .muzzle = true,
                    .color = app_color_mix(c, (AppColor){255, 255, 230, 255}, 0.7f)};
}

void app_fx_update(AppEffects *fx, double dt_s)
{
    float dt = dt_s > 0.0 ? (float)dt_s : 0.0f;
    float drag = expf(-4.0f * dt); /* particles slow down as they fly */
    unsigned k = 0;
    for (unsigned i = 0; i < fx->part_count; i++) {
        AppParticle p = fx->parts[i];
        p.age += dt;
        if (p.age >= p.life)
            continue;
        p.x += p.vx * dt;
        p.y += p.vy * dt;
        p.vx *= drag;
        p.vy *= drag;
        fx->parts[k++] = p;
    }
    fx->part_count = k;
    if (fx->part_next >= k)
        fx->part_next = 0;
    k = 0;
    for (unsigned i = 0; i < fx->flash_count; i++) {
        AppFlash f = fx->flashes[i];
        f.age += dt;
        if (f.age >= f.life)
            continue;
        fx->flashes[k++] = f;
    }
    fx->flash_count = k;
    if (fx->flash_next >= k)
        fx->flash_next = 0;
}

void app_fx_queue_hit(AppEffects *fx, uint16_t shooter, uint16_t victim, double tick)
{
    if (fx->pending_count == APP_FX_PENDING) {
        memmove(fx->pending, fx->pending + 1, (APP_FX_PENDING - 1) * sizeof fx->pending[0]);
        fx->pending_count--;
    }
    fx->pending[fx->pending_count++] = (AppPendingHit){shooter, victim, tick, false, false};
}

unsigned app_fx_take_due(AppEffects *fx, double render_tick, AppPendingHit *out, unsigned cap)
{
    unsigned n = 0, k = 0;
    for (unsigned i = 0; i < fx->pending_count; i++) {
        if (fx->pending[i].tick <= render_tick && n < cap)
            out[n++] = fx->pending[i];
        else
            fx->pending[k++] = fx->pending[i];
    }
    fx->pending_count = k;
    return n;
}

float app_fx_particle_alpha(const AppParticle *p)
{
    float t = p->life > 0.0f ? 1.0f - p->age / p->life : 0.0f;
    return t < 0.0f ? 0.0f : t;
}

float app_fx_flash_alpha(const AppFlash *f)
{
    float t = f->life > 0.0f ? 1.0f - f->age / f->life : 0.0f;
    return t < 0.0f ? 0.0f : t;
}

float app_fx_flash_radius(const AppFlash *f)
{
    float t = f->life > 0.0f ? f->age / f->life : 1.0f;
    if (t > 1.0f)
        t = 1.0f;
    return f->r0 + (f->r1 - f->r0) * t;
}
