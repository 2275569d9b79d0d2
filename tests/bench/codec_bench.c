/* codec_bench.c — arena-codec-bench: how many bytes a snapshot costs on the wire, and how long
 * encoding and decoding take, on the real simulation with human-like inputs.
 *
 * Runs three scenarios (everyone moving, half the players idle, everyone idle), captures a
 * snapshot for viewer 0 every 2 ticks (30 Hz) and measures a naive float dump, a full
 * quantized snapshot and a delta against the snapshot sent 6 ticks (100 ms) earlier. Prints
 * markdown tables, then PASS/FAIL against the size targets; exits 1 if one is missed.
 * A measuring tool, not a test: timings vary with the machine and the build type. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "map.h"
#include "protocol.h"
#include "sim.h"
#include "snap_world.h"
#include "snapshot.h"

enum {
    SNAP_EVERY = 2, /* ticks between snapshots: 30 Hz */
    DELTA_BACK = 6, /* ticks: the baseline is the snapshot sent 100 ms earlier */
    RING = DELTA_BACK / SNAP_EVERY + 1,
    NAIVE_HEADER = 8,  /* u32 tick + u32 count */
    NAIVE_ENTITY = 40, /* u32 id, u32 type, f32 x y vx vy aim, i32 score, u32 flags, u32 owner */
    /* "A few bytes" when nothing moves: header and self block, plus the 1 bit every
     * unchanged entity costs. */
    IDLE_DELTA_FIXED = 12, /* bytes */
};

#define FULL_VS_NAIVE_MAX 0.25
#define DELTA_VS_FULL_MAX 0.40

typedef enum Scenario { SC_ALL_MOVING, SC_HALF_IDLE, SC_ALL_IDLE, SC_COUNT } Scenario;

static const char *const SCENARIO_NAME[SC_COUNT] = {"all moving", "half idle", "all idle"};

typedef struct Rng {
    uint64_t s;
} Rng;

/* splitmix64 */
static uint32_t rng_next(Rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static uint32_t rng_below(Rng *r, uint32_t n)
{
    return (uint32_t)(((uint64_t)rng_next(r) * n) >> 32);
}

/* A human holding a direction and an aim for 0.3-2 s, sometimes firing. */
typedef struct Pilot {
    SimInput in;
    uint32_t hold; /* ticks left on the current choice */
    bool idle;
} Pilot;

static void pilot_tick(Pilot *p, Rng *r)
{
    if (p->idle) {
        p->in.buttons = 0;
        p->in.aim = 0;
        return;
    }
    if (p->hold == 0) {
        static const uint8_t DIRS[8] = {
            SIM_BTN_UP,   SIM_BTN_UP | SIM_BTN_RIGHT,  SIM_BTN_RIGHT, SIM_BTN_RIGHT | SIM_BTN_DOWN,
            SIM_BTN_DOWN, SIM_BTN_DOWN | SIM_BTN_LEFT, SIM_BTN_LEFT,  SIM_BTN_LEFT | SIM_BTN_UP,
        };
        p->hold = 18 + rng_below(r, 103); /* 0.3 .. 2 s */
        p->in.buttons = DIRS[rng_below(r, 8)];
        if (rng_below(r, 10) < 4)
            p->in.buttons |= SIM_BTN_FIRE;
        p->in.aim = (uint16_t)rng_below(r, SIM_ANGLE_STEPS);
    }
    p->hold--;
}

typedef struct Stat {
    double sum;
    double max;
    unsigned n;
} Stat;

static void stat_add(Stat *s, double v)
{
    s->sum += v;
    if (s->n == 0 || v > s->max)
        s->max = v;
    s->n++;
}

static double stat_mean(const Stat *s)
{
    return s->n ? s->sum / s->n : 0.0;
}

typedef struct Result {
    Stat naive, full, delta, ents, shots;
    Stat enc_full_ns, enc_delta_ns, dec_delta_ns;
    unsigned omitted_full, omitted_delta;
} Result;

typedef struct Bench {
    Map map;
    SimWorld world;
    SimInput inputs[PROTO_MAX_PLAYERS];
    Pilot pilots[PROTO_MAX_PLAYERS];
    SnapEntity cur_mem[PROTO_MAX_ENTITIES], scratch_mem[PROTO_MAX_ENTITIES],
        dec_mem[PROTO_MAX_ENTITIES];
    SnapEntity ring_mem[RING][PROTO_MAX_ENTITIES];
    Snapshot ring[RING]; /* sent snapshots, by capture number */
    uint8_t buf[PROTO_MAX_DATAGRAM];
} Bench;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool run_scenario(Bench *b, Scenario sc, unsigned players, unsigned ticks, uint64_t seed,
                         Result *res)
{
    Rng rng = {seed};
    memset(res, 0, sizeof *res);
    sim_init(&b->world, &b->map);
    memset(b->pilots, 0, sizeof b->pilots);
    memset(b->inputs, 0, sizeof b->inputs);
    for (unsigned i = 0; i < players; i++) {
        if (!sim_add_player(&b->world, i)) {
            fprintf(stderr, "arena-codec-bench: cannot add player %u\n", i);
            return false;
        }
        b->pilots[i].idle = sc == SC_ALL_IDLE || (sc == SC_HALF_IDLE && i % 2 == 1);
    }
    for (unsigned k = 0; k < RING; k++)
        snap_init(&b->ring[k], b->ring_mem[k], PROTO_MAX_ENTITIES);

    Snapshot cur, scratch, dec;
    snap_init(&cur, b->cur_mem, PROTO_MAX_ENTITIES);
    snap_init(&scratch, b->scratch_mem, PROTO_MAX_ENTITIES);
    snap_init(&dec, b->dec_mem, PROTO_MAX_ENTITIES);
    unsigned captures = 0;
    for (unsigned t = 0; t < ticks; t++) {
        for (unsigned i = 0; i < players; i++) {
            pilot_tick(&b->pilots[i], &rng);
            b->inputs[i] = b->pilots[i].in;
        }
        sim_step(&b->world, b->inputs);
        if (b->world.tick % SNAP_EVERY != 0)
            continue;
        if (!snap_capture(&b->world, 0, b->world.tick, &cur)) {
            fprintf(stderr, "arena-codec-bench: capture failed at tick %u\n", b->world.tick);
            return false;
        }
        SnapEncodeReport rep;
        stat_add(&res->naive, NAIVE_HEADER + NAIVE_ENTITY * (cur.count + (cur.has_self ? 1 : 0)));
        unsigned shots = 0;
        for (uint16_t i = 0; i < cur.count; i++)
            shots += cur.ents[i].type == SNAP_ENT_SHOT;
        stat_add(&res->ents, cur.count + (cur.has_self ? 1 : 0));
        stat_add(&res->shots, shots);

        uint64_t t0 = now_ns();
        SnapError err = snap_encode(
            &(SnapEncodeArgs){
                .target = &cur, .budget = sizeof b->buf, .out = b->buf, .sent = &scratch},
            &rep);
        uint64_t t1 = now_ns();
        if (err != SNAP_OK) {
            fprintf(stderr, "arena-codec-bench: full encode: %s\n", snap_error_str(err));
            return false;
        }
        stat_add(&res->full, (double)rep.bytes);
        res->omitted_full += rep.omitted;
        stat_add(&res->enc_full_ns, (double)(t1 - t0));

        /* The delta goes against what was sent DELTA_BACK ticks ago (full until then). */
        Snapshot *sent = &b->ring[captures % RING];
        const Snapshot *base = captures >= RING - 1 ? &b->ring[(captures + 1) % RING] : NULL;
        t0 = now_ns();
        err = snap_encode(&(SnapEncodeArgs){.target = &cur,
                                            .baseline = base,
                                            .budget = sizeof b->buf,
                                            .out = b->buf,
                                            .sent = sent},
                          &rep);
        t1 = now_ns();
        if (err != SNAP_OK) {
            fprintf(stderr, "arena-codec-bench: delta encode: %s\n", snap_error_str(err));
            return false;
        }
        if (base)
            res->omitted_delta += rep.omitted;
        t0 = t1 - t0;
        uint64_t d0 = now_ns();
        err = snap_decode(b->buf, rep.bytes, base, &dec);
        uint64_t d1 = now_ns();
        if (err != SNAP_OK || !snap_equal(&dec, sent)) {
            fprintf(stderr, "arena-codec-bench: delta does not decode to what was sent: %s\n",
                    snap_error_str(err));
            return false;
        }
        if (base) {
            stat_add(&res->delta, (double)rep.bytes);
            stat_add(&res->enc_delta_ns, (double)t0);
            stat_add(&res->dec_delta_ns, (double)(d1 - d0));
        }
        captures++;
    }
    return true;
}

static void print_result(Scenario sc, const Result *r, unsigned players, unsigned ticks,
                         uint64_t seed)
{
    double naive = stat_mean(&r->naive), full = stat_mean(&r->full), delta = stat_mean(&r->delta);
    printf("### %s\n\n", SCENARIO_NAME[sc]);
    printf("%u players, %u ticks, seed %llu, viewer 0, %u snapshots at %d Hz; "
           "%.1f entities per snapshot (self included) of which %.1f shots (max %.0f).\n\n",
           players, ticks, (unsigned long long)seed, r->full.n, PROTO_TICK_HZ / SNAP_EVERY,
           stat_mean(&r->ents), stat_mean(&r->shots), r->shots.max);
    printf("| encoding | mean bytes | max bytes | / naive | / full |\n");
    printf("|---|---:|---:|---:|---:|\n");
    printf("| naive float dump (%d B header + %d B per entity) | %.1f | %.0f | 1.000 | - |\n",
           NAIVE_HEADER, NAIVE_ENTITY, naive, r->naive.max);
    printf("| full quantized | %.1f | %.0f | %.3f | 1.000 |\n", full, r->full.max,
           naive > 0 ? full / naive : 0.0);
    printf("| delta vs %d ticks back | %.1f | %.0f | %.3f | %.3f |\n\n", DELTA_BACK, delta,
           r->delta.max, naive > 0 ? delta / naive : 0.0, full > 0 ? delta / full : 0.0);
    printf("| per snapshot | mean ns | max ns |\n");
    printf("|---|---:|---:|\n");
    printf("| encode full | %.0f | %.0f |\n", stat_mean(&r->enc_full_ns), r->enc_full_ns.max);
    printf("| encode delta | %.0f | %.0f |\n", stat_mean(&r->enc_delta_ns), r->enc_delta_ns.max);
    printf("| decode delta | %.0f | %.0f |\n\n", stat_mean(&r->dec_delta_ns), r->dec_delta_ns.max);
    if (r->omitted_full || r->omitted_delta)
        printf("Over the %d-byte budget: %u entities left out of full snapshots, %u updates "
               "left out of deltas (sizes above are capped by the budget).\n\n",
               PROTO_MAX_DATAGRAM, r->omitted_full, r->omitted_delta);
}

static bool verdict(const char *what, bool ok, double got, double limit)
{
    printf("%s: %s (%.3f, limit %.3f)\n", ok ? "PASS" : "FAIL", what, got, limit);
    return ok;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: arena-codec-bench [--players N] [--ticks T] [--seed S] [--map FILE]\n"
            "  --players N  players in the world, 1..%d (default 16)\n"
            "  --ticks T    simulation ticks per scenario (default 3600 = 60 s)\n"
            "  --seed S     seed of the simulated inputs (default 1)\n"
            "  --map FILE   map file (default %s)\n"
            "Prints snapshot sizes and codec timings as markdown, then PASS/FAIL against the\n"
            "size targets: full <= %.0f%% of naive, delta <= %.0f%% of full with everyone\n"
            "moving, delta <= %d bytes + 1 bit per entity with everyone idle. Exit status 1\n"
            "if a target is missed, 2 on bad arguments or errors. The targets are set for\n"
            "the default 16 players; with very few players the fixed header dominates.\n",
            PROTO_MAX_PLAYERS, ARENA_ASSETS_DIR "/arena.map", FULL_VS_NAIVE_MAX * 100,
            DELTA_VS_FULL_MAX * 100, IDLE_DELTA_FIXED);
}

static bool parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (*s == '-' || *s == '\0')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

static bool load_map(Map *m, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "arena-codec-bench: %s: %s\n", path, strerror(errno));
        return false;
    }
    char *text = malloc(PROTO_MAP_TEXT_MAX + 1);
    size_t len = text ? fread(text, 1, PROTO_MAP_TEXT_MAX + 1, f) : 0;
    bool read_error = ferror(f) != 0;
    fclose(f);
    if (!text || read_error || len > PROTO_MAP_TEXT_MAX) {
        fprintf(stderr, "arena-codec-bench: %s: %s\n", path,
                !text        ? "out of memory"
                : read_error ? "read error"
                             : "map file too large");
        free(text);
        return false;
    }
    MapError err;
    bool ok = map_load(m, text, len, &err);
    free(text);
    if (!ok)
        fprintf(stderr, "%s:%d:%d: %s\n", path, err.line, err.col, err.msg);
    return ok;
}

int main(int argc, char **argv)
{
    unsigned long long players = 16, ticks = 3600, seed = 1;
    const char *map_path = ARENA_ASSETS_DIR "/arena.map";
    static const struct option OPTS[] = {
        {"players", required_argument, NULL, 'p'}, {"ticks", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'},    {"map", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "p:t:s:m:h", OPTS, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (!parse_uint(optarg, PROTO_MAX_PLAYERS, &players) || players == 0) {
                fprintf(stderr, "arena-codec-bench: --players wants 1..%d\n", PROTO_MAX_PLAYERS);
                return 2;
            }
            break;
        case 't':
            if (!parse_uint(optarg, 100000000ull, &ticks) || ticks < 2 * DELTA_BACK) {
                fprintf(stderr, "arena-codec-bench: --ticks wants %d..100000000\n", 2 * DELTA_BACK);
                return 2;
            }
            break;
        case 's':
            if (!parse_uint(optarg, UINT64_MAX, &seed)) {
                fprintf(stderr, "arena-codec-bench: --seed wants a number\n");
                return 2;
            }
            break;
        case 'm':
            map_path = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "arena-codec-bench: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }

    Bench *b = calloc(1, sizeof *b);
    if (!b) {
        fprintf(stderr, "arena-codec-bench: out of memory\n");
        return 2;
    }
    if (!load_map(&b->map, map_path)) {
        free(b);
        return 2;
    }

    printf("## Snapshot codec bench (map \"%s\", budget %d bytes)\n\n", b->map.name,
           PROTO_MAX_DATAGRAM);
    printf("The naive baseline is a struct dump: an 8-byte header (u32 tick, u32 count) and "
           "40 bytes per entity (u32 id, u32 type, f32 x, y, vx, vy, aim, i32 score, u32 "
           "flags, u32 owner), the viewer included.\n\n");
    Result res[SC_COUNT];
    for (int sc = 0; sc < SC_COUNT; sc++) {
        if (!run_scenario(b, (Scenario)sc, (unsigned)players, (unsigned)ticks, seed, &res[sc])) {
            free(b);
            return 2;
        }
        print_result((Scenario)sc, &res[sc], (unsigned)players, (unsigned)ticks, seed);
    }

    bool ok = true;
    for (int sc = 0; sc < SC_COUNT; sc++) {
        double ratio = stat_mean(&res[sc].full) / stat_mean(&res[sc].naive);
        char what[96];
        snprintf(what, sizeof what, "full <= naive / 4, %s", SCENARIO_NAME[sc]);
        ok &= verdict(what, ratio <= FULL_VS_NAIVE_MAX, ratio, FULL_VS_NAIVE_MAX);
    }
    double moving = stat_mean(&res[SC_ALL_MOVING].delta) / stat_mean(&res[SC_ALL_MOVING].full);
    ok &= verdict("delta <= 40% of full, all moving", moving <= DELTA_VS_FULL_MAX, moving,
                  DELTA_VS_FULL_MAX);
    double idle = stat_mean(&res[SC_ALL_IDLE].delta);
    double idle_max = IDLE_DELTA_FIXED + (stat_mean(&res[SC_ALL_IDLE].ents) + 7) / 8;
    ok &= verdict("delta bytes, all idle", idle <= idle_max, idle, idle_max);
    free(b);
    return ok ? 0 : 1;
}
