/* effects.h — short-lived visual effects in the arena: hit bursts and muzzle flashes.
 *
 * Owns a fixed pool of particles and flashes (world units, seconds) and the queue of hits
 * waiting to be shown: a hit EVENT arrives as soon as the server simulated it, but remote
 * players are drawn an interpolation delay in the past, so the burst waits until the render
 * tick reaches the hit's tick and then appears where the victim is drawn. Pure: no SDL, no
 * clock, deterministic for a given seed; never allocates (a full pool replaces the oldest). */
#ifndef ARENA_APP_EFFECTS_H
#define ARENA_APP_EFFECTS_H

#include <stdbool.h>
#include <stdint.h>

#include "palette.h"

enum {
    APP_FX_PARTICLES = 768,
    APP_FX_FLASHES = 64,
    APP_FX_PENDING = 64,
    APP_FX_HIT_PARTICLES = 16,    /* particles per hit burst */
    APP_FX_LEGEND_PARTICLES = 96, /* sparks of a legend's fireworks */
};

#define APP_FX_HIT_LIFE_S    0.45f /* particle lifetime after a hit, seconds */
#define APP_FX_FLASH_LIFE_S  0.25f
#define APP_FX_MUZZLE_LIFE_S 0.08f
#define APP_FX_LEGEND_LIFE_S 2.2f

typedef struct AppParticle {
    float x, y, vx, vy; /* world units, units per second */
    float age, life;    /* seconds */
    float size;         /* world units */
    AppColor color;
} AppParticle;

typedef struct AppFlash {
    float x, y;
    float age, life;
    float r0, r1; /* radius grows from r0 to r1 over the life, world units */
    float angle;  /* muzzle flashes: direction, radians */
    bool muzzle;
    AppColor color;
} AppFlash;

typedef struct AppPendingHit {
    uint16_t shooter, victim;
    double tick; /* show when the render tick reaches this */
    bool legend; /* not a hit: fireworks for `victim`, who just became a legend */
    bool fatal;  /* the hit killed (the victim's health after it was 0) */
} AppPendingHit;

typedef struct AppEffects {
    AppParticle parts[APP_FX_PARTICLES];
    unsigned part_count, part_next; /* part_next: slot replaced when full */
    AppFlash flashes[APP_FX_FLASHES];
    unsigned flash_count, flash_next;
    AppPendingHit pending[APP_FX_PENDING];
    unsigned pending_count;
    uint64_t rng;
} AppEffects;

void app_fx_init(AppEffects *fx, uint64_t seed);
/* A burst of APP_FX_HIT_PARTICLES particles in colour c and a white flash ring at (x, y). */
void app_fx_hit(AppEffects *fx, float x, float y, AppColor c);
/* Fireworks: three golden rings and APP_FX_LEGEND_PARTICLES sparks rising from (x, y). */
void app_fx_legend(AppEffects *fx, float x, float y);
/* Queues a legend's fireworks for player `who` at render tick `tick`. */
void app_fx_queue_legend(AppEffects *fx, uint16_t who, double tick);
/* A short flash in front of a player that fired, along angle (radians). */
void app_fx_muzzle(AppEffects *fx, float x, float y, float angle, AppColor c);
/* Advances every effect by dt_s seconds and removes the expired ones. */
void app_fx_update(AppEffects *fx, double dt_s);
/* Queues a hit to be shown at render tick `tick` (the oldest is dropped when full). */
void app_fx_queue_hit(AppEffects *fx, uint16_t shooter, uint16_t victim, double tick);
/* Removes and returns (oldest first) the queued hits whose tick is <= render_tick. */
unsigned app_fx_take_due(AppEffects *fx, double render_tick, AppPendingHit *out, unsigned cap);
/* 1 at birth down to 0 at the end of life. */
float app_fx_particle_alpha(const AppParticle *p);
float app_fx_flash_alpha(const AppFlash *f);
float app_fx_flash_radius(const AppFlash *f);

#endif
