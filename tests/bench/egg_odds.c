/* egg_odds.c — SPOILER. arena-egg-odds: how often players who are not looking trip the hidden
 * road (server/egg.c). Runs the real simulation and the real hunt rules, no network, with
 * wandering players like arena-bot's "wander" behaviour: a random one of 8 directions (or
 * standing still, one time in five) held for 0.5-2 s, the aim sweeping, firing in bursts. It
 * counts each step of the hunt reached; a find also needs the word said in chat, which
 * wanderers never do, so the last column is the upper bound "road walked".
 * Prints a markdown table; a measuring tool, not a test. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "egg.h"
#include "map.h"
#include "sim.h"

typedef struct Wanderer {
    uint8_t move;
    int hold; /* ticks left on this direction */
    int fire; /* ticks left in a burst */
    int aim_speed;
} Wanderer;

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static const uint8_t dirs[8] = {SIM_BTN_UP,
                                SIM_BTN_DOWN,
                                SIM_BTN_LEFT,
                                SIM_BTN_RIGHT,
                                SIM_BTN_UP | SIM_BTN_LEFT,
                                SIM_BTN_UP | SIM_BTN_RIGHT,
                                SIM_BTN_DOWN | SIM_BTN_LEFT,
                                SIM_BTN_DOWN | SIM_BTN_RIGHT};

static void wander(Wanderer *w, SimInput *in, const SimPlayer *p, uint64_t *rng)
{
    bool stuck = p->vx == 0 && p->vy == 0 && w->move != 0;
    if (--w->hold <= 0 || stuck) {
        w->move = rng_next(rng) % 5 == 0 ? 0 : dirs[rng_next(rng) % 8];
        w->hold = 30 + (int)(rng_next(rng) % 91); /* 0.5 - 2 s */
        w->aim_speed = (int)(rng_next(rng) % 201) - 100;
    }
    if (w->fire > 0)
        w->fire--;
    else if (rng_next(rng) % 120 == 0)
        w->fire = 20 + (int)(rng_next(rng) % 40);
    in->buttons = (uint8_t)(w->move | (w->fire > 0 ? SIM_BTN_FIRE : 0));
    in->aim = (uint16_t)((in->aim + w->aim_speed) & (SIM_ANGLE_STEPS - 1));
}

static char text[PROTO_MAP_TEXT_MAX + 1];

int main(int argc, char **argv)
{
    unsigned players = 16, runs = 100, minutes = 10;
    uint64_t seed = 1;
    const char *map_path = ARENA_ASSETS_DIR "/arena.map";
    static const struct option opts[] = {{"players", required_argument, NULL, 'p'},
                                         {"runs", required_argument, NULL, 'r'},
                                         {"minutes", required_argument, NULL, 'm'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"map", required_argument, NULL, 'M'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "p:r:m:s:M:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            players = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'r':
            runs = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'm':
            minutes = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 's':
            seed = strtoull(optarg, NULL, 10);
            break;
        case 'M':
            map_path = optarg;
            break;
        default:
            printf("usage: arena-egg-odds [--players N] [--runs R] [--minutes M] [--seed S] "
                   "[--map FILE]\n");
            return c == 'h' ? 0 : 2;
        }
    }
    if (players < 1 || players > PROTO_MAX_PLAYERS || runs < 1 || minutes < 1) {
        fprintf(stderr, "arena-egg-odds: players 1..256, runs and minutes >= 1\n");
        return 2;
    }
    FILE *f = fopen(map_path, "rb");
    if (f == NULL) {
        perror(map_path);
        return 1;
    }
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    static Map map;
    MapError err;
    if (!map_load(&map, text, n, &err)) {
        fprintf(stderr, "%s:%d:%d: %s\n", map_path, err.line, err.col, err.msg);
        return 1;
    }
    static SimWorld world;
    static Egg egg;
    static SimInput inputs[PROTO_MAX_PLAYERS];
    static Wanderer wand[PROTO_MAX_PLAYERS];
    uint64_t riddles = 0, roads = 0, runs_with_riddle = 0, runs_with_road = 0;
    uint64_t corner_ticks = 0, plate_steps = 0;
    uint64_t rng = seed;
    uint32_t ticks = minutes * 60u * PROTO_TICK_HZ;
    for (unsigned r = 0; r < runs; r++) {
        sim_init(&world, &map);
        egg_init(&egg, &map);
        if (!egg.enabled) {
            fprintf(stderr, "arena-egg-odds: this map has no hidden road\n");
            return 1;
        }
        memset(wand, 0, sizeof wand);
        memset(inputs, 0, sizeof inputs);
        for (unsigned i = 0; i < players; i++)
            sim_add_player(&world, i);
        uint64_t r_riddles = 0, r_roads = 0;
        for (uint32_t t = 0; t < ticks; t++) {
            for (unsigned i = 0; i < players; i++)
                wander(&wand[i], &inputs[i], &world.players[i], &rng);
            sim_step(&world, inputs);
            for (unsigned i = 0; i < players; i++) {
                const SimPlayer *p = &world.players[i];
                EggNews news = egg_step(&egg, &map, i, p, &inputs[i], world.tick);
                corner_ticks += egg.p[i].zone == egg.corner;
                if (egg.p[i].stage == EGG_ROAD && egg.p[i].step > 0)
                    plate_steps++;
                if (news == EGG_NEWS_RIDDLE)
                    r_riddles++;
                else if (news == EGG_NEWS_ROAD_DONE)
                    r_roads++;
            }
        }
        riddles += r_riddles;
        roads += r_roads;
        runs_with_riddle += r_riddles > 0;
        runs_with_road += r_roads > 0;
    }
    double player_hours = (double)players * runs * minutes / 60.0;
    printf("## Wandering players and the hidden road (map \"%s\")\n\n", map.name);
    printf("%u runs x %u players x %u minutes = %.0f player-hours of wandering, seed %llu.\n\n",
           runs, players, minutes, player_hours, (unsigned long long)seed);
    printf("| step | times reached | per player-hour | runs where it happened |\n");
    printf("|---|---:|---:|---:|\n");
    printf("| in the quiet corner (ticks) | %llu | %.1f s | - |\n",
           (unsigned long long)corner_ticks, corner_ticks / (double)PROTO_TICK_HZ / player_hours);
    printf("| 1. stood still 3 s in the corner (riddle told) | %llu | %.3f | %llu / %u |\n",
           (unsigned long long)riddles, riddles / player_hours,
           (unsigned long long)runs_with_riddle, runs);
    printf("| 2. then walked 127 . 0 . 0 . 1 in time | %llu | %.4f | %llu / %u |\n",
           (unsigned long long)roads, roads / player_hours, (unsigned long long)runs_with_road,
           runs);
    printf("| 3. then said the word | 0 (wanderers never say it) | 0 | 0 / %u |\n", runs);
    return 0;
}
