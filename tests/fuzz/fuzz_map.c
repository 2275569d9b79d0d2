/* fuzz_map.c — libFuzzer target for the map loader.
 *
 * Feeds arbitrary bytes to map_load. Rejections must carry a sane error position and a
 * NUL-terminated message; accepted maps must satisfy everything the simulation relies on:
 * size limits, a closed wall border, spawns on floor inside the grid, declared zones only.
 * Accepted maps are then played for a few dozen ticks with inputs taken from the same bytes:
 * whatever the geometry, no player box may overlap a wall or leave the grid. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static Map g_map; /* large: off the stack; the fuzzer runs one input at a time */
static SimWorld g_world;
static SimInput g_inputs[PROTO_MAX_PLAYERS];

static void check_box(const Map *m, const SimPlayer *p)
{
    const int32_t t = MAP_TILE_UNITS * SIM_FP_ONE, h = SIM_PLAYER_HALF;
    if (p->x - h < 0 || p->y - h < 0 || p->x + h > m->w * t || p->y + h > m->h * t) {
        abort();
    }
    for (int32_t ty = (p->y - h) / t; ty <= (p->y + h - 1) / t; ty++) {
        for (int32_t tx = (p->x - h) / t; tx <= (p->x + h - 1) / t; tx++) {
            if (map_is_wall(m, tx, ty)) {
                abort();
            }
        }
    }
}

/* Plays the map: 8 players, 64 ticks, buttons and aims cycled from the input bytes. */
static void play(const Map *m, const uint8_t *data, size_t size)
{
    enum { PLAYERS = 8, TICKS = 64 };
    sim_init(&g_world, m);
    memset(g_inputs, 0, sizeof g_inputs);
    for (unsigned s = 0; s < PLAYERS; s++) {
        if (!sim_add_player(&g_world, s * 31)) {
            abort();
        }
    }
    for (unsigned t = 0; t < TICKS; t++) {
        for (unsigned s = 0; s < PLAYERS; s++) {
            uint8_t b = data[(t * PLAYERS + s) % size];
            g_inputs[s * 31].buttons = (uint8_t)(b & SIM_BTN_MASK);
            g_inputs[s * 31].aim = (uint16_t)(b * 16u + t);
        }
        sim_step(&g_world, g_inputs);
        for (unsigned s = 0; s < PLAYERS; s++) {
            check_box(m, &g_world.players[s * 31]);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MapError err;
    /* An exact-size copy so ASan flags any read past the end. */
    char *text = malloc(size > 0 ? size : 1);
    if (text == NULL) {
        return 0;
    }
    if (size > 0) {
        memcpy(text, data, size);
    }
    bool ok = map_load(&g_map, text, size, &err);
    free(text);
    if (!ok) {
        if (err.line < 1 || err.col < 0 || memchr(err.msg, '\0', sizeof err.msg) == NULL ||
            err.msg[0] == '\0') {
            abort();
        }
        return 0;
    }
    const Map *m = &g_map;
    if (m->w < MAP_MIN_W || m->w > MAP_MAX_W || m->h < MAP_MIN_H || m->h > MAP_MAX_H) {
        abort();
    }
    if (m->name[0] == '\0' || strlen(m->name) > PROTO_MAP_NAME_MAX) {
        abort();
    }
    for (int tx = 0; tx < m->w; tx++) {
        if (!map_is_wall(m, tx, 0) || !map_is_wall(m, tx, m->h - 1)) {
            abort();
        }
    }
    for (int ty = 0; ty < m->h; ty++) {
        if (!map_is_wall(m, 0, ty) || !map_is_wall(m, m->w - 1, ty)) {
            abort();
        }
        for (int tx = 0; tx < m->w; tx++) {
            unsigned z = map_zone_at(m, tx, ty);
            if (z > MAP_MAX_ZONES || (z != 0 && m->zone_names[z - 1][0] == '\0')) {
                abort();
            }
            if (z != 0 && map_is_wall(m, tx, ty)) {
                abort();
            }
        }
    }
    if (m->spawn_count < 1 || m->spawn_count > MAP_MAX_SPAWNS) {
        abort();
    }
    for (unsigned i = 0; i < m->spawn_count; i++) {
        const MapSpawn *s = &m->spawns[i];
        if (s->tx >= m->w || s->ty >= m->h || map_is_wall(m, s->tx, s->ty)) {
            abort();
        }
    }
    if (m->checksum != map_fnv1a32(data, size)) {
        abort();
    }
    play(m, data, size); /* size > 0: an accepted map is never empty */
    return 0;
}
