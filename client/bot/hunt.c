/* hunt.c — see hunt.h. SPOILER. */
#include "hunt.h"

#include <string.h>

enum {
    TILE = MAP_TILE_UNITS * SIM_FP_ONE, /* Q8 */
    STILL_TIMEOUT_US = 8000000,         /* no riddle by then: step out and come back */
};

static unsigned zone_named(const Map *m, const char *name)
{
    for (unsigned z = 0; z < MAP_MAX_ZONES; z++)
        if (strcmp(m->zone_names[z], name) == 0)
            return z + 1;
    return 0;
}

/* First tile (reading order) of a zone; false if none. */
static bool zone_tile(const Map *m, unsigned zone, int16_t *tx, int16_t *ty)
{
    for (int y = 0; y < m->h; y++)
        for (int x = 0; x < m->w; x++)
            if (zone != 0 && map_zone_at(m, x, y) == zone) {
                *tx = (int16_t)x;
                *ty = (int16_t)y;
                return true;
            }
    return false;
}

/* A floor tile next to (tx, ty) that belongs to no zone: where to step off a plate. */
static bool off_tile(const Map *m, int16_t tx, int16_t ty, int16_t *ox, int16_t *oy)
{
    static const int d[4][2] = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
    for (int r = 1; r < 4; r++)
        for (int k = 0; k < 4; k++) {
            int x = tx + d[k][0] * r, y = ty + d[k][1] * r;
            if (!map_is_wall(m, x, y) && map_zone_at(m, x, y) == 0) {
                *ox = (int16_t)x;
                *oy = (int16_t)y;
                return true;
            }
        }
    return false;
}

void hunt_init(Hunt *h, const Map *map)
{
    memset(h, 0, sizeof *h);
    unsigned corner = zone_named(map, "quiet corner");
    unsigned p127 = zone_named(map, "127"), p0 = zone_named(map, "0"), p1 = zone_named(map, "1");
    int16_t x127, y127, x0, y0, x1, y1, ox, oy;
    h->ok = zone_tile(map, corner, &h->corner_tx, &h->corner_ty) &&
            zone_tile(map, p127, &x127, &y127) && zone_tile(map, p0, &x0, &y0) &&
            zone_tile(map, p1, &x1, &y1) && off_tile(map, x0, y0, &ox, &oy);
    if (!h->ok)
        return;
    /* 127 . 0 . (step off) 0 . 1 */
    const int16_t gx[] = {x127, x0, ox, x0, x1}, gy[] = {y127, y0, oy, y0, y1};
    h->ngoals = 5;
    for (unsigned i = 0; i < h->ngoals; i++) {
        h->goal_tx[i] = gx[i];
        h->goal_ty[i] = gy[i];
    }
    h->phase = HUNT_TO_CORNER;
}

static void set_phase(Hunt *h, HuntPhase p, uint64_t now_us)
{
    h->phase = (uint8_t)p;
    h->phase_since_us = now_us;
}

void hunt_notice(Hunt *h, const char *text, uint64_t now_us)
{
    if (h->phase == HUNT_STILL && strstr(text, "quiet corner") != NULL &&
        strstr(text, "127") != NULL) {
        h->goal = 0;
        set_phase(h, HUNT_ROAD, now_us);
    } else if ((h->phase == HUNT_ROAD || h->phase == HUNT_WAIT_WORD) &&
               strstr(text, "reached localhost") != NULL) {
        set_phase(h, HUNT_SAY, now_us);
    } else if (strstr(text, "The road fades") != NULL && h->phase != HUNT_DONE) {
        set_phase(h, HUNT_TO_CORNER, now_us); /* start over */
    }
}

/* Next tile on a shortest 4-connected floor path from (sx, sy) to (gx, gy); false if none.
 * Breadth-first from the goal, so the first step is read off directly. */
static bool next_tile(const Map *m, int sx, int sy, int gx, int gy, int *nx, int *ny)
{
    static const int d[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
    uint16_t dist[MAP_MAX_H][MAP_MAX_W];
    uint16_t queue[MAP_MAX_W * MAP_MAX_H];
    memset(dist, 0xFF, sizeof dist);
    unsigned qh = 0, qt = 0;
    if (map_is_wall(m, gx, gy) || map_is_wall(m, sx, sy))
        return false;
    dist[gy][gx] = 0;
    queue[qt++] = (uint16_t)(gy * MAP_MAX_W + gx);
    while (qh < qt) {
        int cx = queue[qh] % MAP_MAX_W, cy = queue[qh] / MAP_MAX_W;
        qh++;
        if (cx == sx && cy == sy)
            break;
        for (int k = 0; k < 4; k++) {
            int x = cx + d[k][0], y = cy + d[k][1];
            if (map_is_wall(m, x, y) || dist[y][x] != 0xFFFF)
                continue;
            dist[y][x] = (uint16_t)(dist[cy][cx] + 1);
            queue[qt++] = (uint16_t)(y * MAP_MAX_W + x);
        }
    }
    if (dist[sy][sx] == 0xFFFF)
        return false;
    if (dist[sy][sx] == 0) {
        *nx = sx;
        *ny = sy;
        return true;
    }
    for (int k = 0; k < 4; k++) {
        int x = sx + d[k][0], y = sy + d[k][1];
        if (!map_is_wall(m, x, y) && dist[y][x] == dist[sy][sx] - 1) {
            *nx = x;
            *ny = y;
            return true;
        }
    }
    return false;
}

/* One axis: push towards the target unless we would overshoot (friction stops a player in
 * about 8 x its speed); units are Q8. */
static int axis(int32_t d, int32_t v)
{
    int32_t ad = d < 0 ? -d : d, av = v < 0 ? -v : v;
    if (ad < 2 * SIM_FP_ONE)
        return 0;
    bool towards = (d > 0) == (v > 0) || v == 0;
    if (towards && ad <= 8 * av + SIM_FP_ONE)
        return 0; /* coast in */
    return d > 0 ? 1 : -1;
}

static uint8_t steer_to(const Map *m, const SimPlayer *p, int gx, int gy)
{
    int sx = p->x / TILE, sy = p->y / TILE, nx, ny;
    if (!next_tile(m, sx, sy, gx, gy, &nx, &ny))
        return 0;
    int32_t cx = nx * TILE + TILE / 2, cy = ny * TILE + TILE / 2;
    int ax = axis(cx - p->x, p->vx), ay = axis(cy - p->y, p->vy);
    uint8_t b = 0;
    if (ax > 0)
        b |= SIM_BTN_RIGHT;
    if (ax < 0)
        b |= SIM_BTN_LEFT;
    if (ay > 0)
        b |= SIM_BTN_DOWN;
    if (ay < 0)
        b |= SIM_BTN_UP;
    return b;
}

static bool at_tile(const SimPlayer *p, int tx, int ty)
{
    return p->x / TILE == tx && p->y / TILE == ty;
}

uint8_t hunt_steer(Hunt *h, const Map *map, const SimPlayer *self, uint64_t now_us)
{
    if (!h->ok || !self->alive)
        return 0;
    switch ((HuntPhase)h->phase) {
    case HUNT_START:
    case HUNT_TO_CORNER: {
        int32_t cx = h->corner_tx * TILE + TILE / 2, cy = h->corner_ty * TILE + TILE / 2;
        bool centred = at_tile(self, h->corner_tx, h->corner_ty) &&
                       (cx - self->x) * (cx - self->x) < 16 * SIM_FP_ONE * SIM_FP_ONE &&
                       (cy - self->y) * (cy - self->y) < 16 * SIM_FP_ONE * SIM_FP_ONE;
        if (centred) {
            set_phase(h, HUNT_STILL, now_us);
            return 0;
        }
        return steer_to(map, self, h->corner_tx, h->corner_ty);
    }
    case HUNT_STILL:
        if (now_us - h->phase_since_us > STILL_TIMEOUT_US) /* pushed? go round again */
            set_phase(h, HUNT_TO_CORNER, now_us);
        return 0; /* hands off: friction brings us to rest exactly */
    case HUNT_ROAD:
        if (h->goal < h->ngoals && at_tile(self, h->goal_tx[h->goal], h->goal_ty[h->goal]))
            h->goal++;
        if (h->goal >= h->ngoals) {
            set_phase(h, HUNT_WAIT_WORD, now_us);
            return 0;
        }
        return steer_to(map, self, h->goal_tx[h->goal], h->goal_ty[h->goal]);
    case HUNT_WAIT_WORD:
    case HUNT_SAY:
    case HUNT_DONE:
        return 0;
    }
    return 0;
}

bool hunt_wants_to_say(Hunt *h, const char **line)
{
    if (h->phase != HUNT_SAY)
        return false;
    h->phase = HUNT_DONE;
    *line = "SAY Pyhtonista"; /* the speaker's own spelling, "Pyhtonista e gamer" */
    return true;
}
