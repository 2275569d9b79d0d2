/* egg.c — see egg.h. SPOILER. */
#include "egg.h"

#include <ctype.h>
#include <string.h>

/* What the speaker called himself on his "Quem sou eu" slide, misspelling and all. */
static const char egg_word[] = "Pyhtonista";

static unsigned zone_named(const Map *m, const char *name)
{
    for (unsigned z = 0; z < MAP_MAX_ZONES; z++)
        if (strcmp(m->zone_names[z], name) == 0)
            return z + 1; /* map_zone_at numbering: 1..26 */
    return 0;
}

void egg_init(Egg *e, const Map *map)
{
    memset(e, 0, sizeof *e);
    e->corner = (uint8_t)zone_named(map, "quiet corner");
    e->plate[0] = (uint8_t)zone_named(map, "127");
    e->plate[1] = (uint8_t)zone_named(map, "0");
    e->plate[2] = (uint8_t)zone_named(map, "1");
    e->enabled = e->corner && e->plate[0] && e->plate[1] && e->plate[2];
}

void egg_reset(Egg *e, unsigned slot)
{
    if (slot < PROTO_MAX_PLAYERS)
        memset(&e->p[slot], 0, sizeof e->p[slot]);
}

EggStage egg_stage(const Egg *e, unsigned slot)
{
    return slot < PROTO_MAX_PLAYERS ? (EggStage)e->p[slot].stage : EGG_NONE;
}

/* The plate the road expects at `step`: 127, 0, 0, 1. */
static uint8_t expected(const Egg *e, unsigned step)
{
    static const uint8_t order[EGG_ROAD_STEPS] = {0, 1, 1, 2};
    return e->plate[order[step]];
}

static bool is_plate(const Egg *e, uint8_t zone)
{
    return zone != 0 && (zone == e->plate[0] || zone == e->plate[1] || zone == e->plate[2]);
}

EggNews egg_step(Egg *e, const Map *map, unsigned slot, const SimPlayer *p, const SimInput *in,
                 uint32_t tick)
{
    if (!e->enabled || slot >= PROTO_MAX_PLAYERS)
        return EGG_NEWS_NONE;
    EggPlayer *ep = &e->p[slot];
    int32_t tile = MAP_TILE_UNITS * SIM_FP_ONE;
    uint8_t zone = (uint8_t)map_zone_at(map, p->x / tile, p->y / tile);
    uint8_t prev_zone = ep->zone;
    bool moved = p->x != ep->last_x || p->y != ep->last_y;
    ep->zone = zone;
    ep->last_x = p->x;
    ep->last_y = p->y;

    switch ((EggStage)ep->stage) {
    case EGG_NONE:
        if (p->alive && zone == e->corner && !moved && in->buttons == 0) {
            if (++ep->still >= EGG_STILL_TICKS) {
                ep->stage = EGG_ROAD;
                ep->step = 0;
                ep->still = 0;
                ep->deadline = tick + EGG_ROAD_TICKS;
                return EGG_NEWS_RIDDLE;
            }
        } else {
            ep->still = 0;
        }
        return EGG_NEWS_NONE;
    case EGG_ROAD:
        if (!p->alive || tick > ep->deadline) {
            egg_reset(e, slot);
            ep->zone = zone;
            return EGG_NEWS_LOST;
        }
        if (zone != prev_zone && is_plate(e, zone)) { /* stepped onto a plate */
            if (zone == expected(e, ep->step))
                ep->step++;
            else
                ep->step = zone == expected(e, 0) ? 1 : 0; /* wrong plate: start again */
            if (ep->step == EGG_ROAD_STEPS) {
                ep->stage = EGG_WORD;
                ep->deadline = tick + EGG_WORD_TICKS;
                return EGG_NEWS_ROAD_DONE;
            }
        }
        return EGG_NEWS_NONE;
    case EGG_WORD:
        if (tick > ep->deadline) {
            egg_reset(e, slot);
            ep->zone = zone;
            return EGG_NEWS_LOST;
        }
        return EGG_NEWS_NONE;
    case EGG_FOUND:
        return EGG_NEWS_NONE;
    }
    return EGG_NEWS_NONE;
}

/* Case-insensitive search for the word as a whole word in text (ASCII folding only). */
static bool says_word(const char *text)
{
    size_t n = strlen(egg_word);
    for (const char *s = text; *s != '\0'; s++) {
        if (s != text && isalnum((unsigned char)s[-1]))
            continue;
        size_t i = 0;
        while (i < n && s[i] != '\0' &&
               tolower((unsigned char)s[i]) == tolower((unsigned char)egg_word[i]))
            i++;
        if (i == n && !isalnum((unsigned char)s[n]))
            return true;
    }
    return false;
}

bool egg_say(Egg *e, unsigned slot, const char *text, uint32_t tick)
{
    if (!e->enabled || slot >= PROTO_MAX_PLAYERS)
        return false;
    EggPlayer *ep = &e->p[slot];
    if (ep->stage != EGG_WORD || tick > ep->deadline || !says_word(text))
        return false;
    ep->stage = EGG_FOUND;
    return true;
}
