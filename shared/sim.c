/* sim.c — the deterministic simulation step (the rules are specified in the docs, "Simulation").
 *
 * Owns movement, wall collision, shooting, hits and respawns. Integer only (Q8 positions,
 * Q14 directions): no floats, no right shifts of negative values, no signed overflow, so the
 * server, client prediction and bots agree bit for bit on every compiler. Never allocates,
 * never does I/O, keeps no state outside the SimWorld / SimPlayer it is given. */
#include "sim.h"

#include <assert.h>
#include <string.h>

#include "lagcomp.h"
#include "sim_internal.h"

enum {
    TILE_FP = MAP_TILE_UNITS * SIM_FP_ONE, /* Q8 units per tile edge */
    Q14_ONE = 1 << 14,
    DIAG_NUM = 181, /* diagonal input scale 181/256 ~ 1/sqrt(2) */
    /* Velocities are clamped to this before anything else; a no-op for any state the
     * simulation produces (|v| <= SIM_MAX_SPEED), it keeps garbage states from overflowing. */
    VEL_SANE = 1 << 20,
};

/* Quarter-wave sine, Q14: k_sin_q14[i] = round(16384 * sin(i * pi / 2048)), i = 0..1024.
 * Generated once with mpmath at 50 digits (no value is within 1e-5 of a rounding boundary):
 *   for i in range(1025): print(int(mpmath.floor(16384 * mpmath.sin(i * mpmath.pi / 2048)
 *                                                 + mpmath.mpf('0.5'))))
 */
static const int16_t k_sin_q14[1025] = {
    0,     25,    50,    75,    101,   126,   151,   176,   201,   226,   251,   276,   302,
    327,   352,   377,   402,   427,   452,   477,   503,   528,   553,   578,   603,   628,
    653,   678,   704,   729,   754,   779,   804,   829,   854,   879,   904,   929,   955,
    980,   1005,  1030,  1055,  1080,  1105,  1130,  1155,  1180,  1205,  1230,  1255,  1280,
    1306,  1331,  1356,  1381,  1406,  1431,  1456,  1481,  1506,  1531,  1556,  1581,  1606,
    1631,  1656,  1681,  1706,  1731,  1756,  1781,  1806,  1831,  1856,  1881,  1906,  1931,
    1956,  1981,  2006,  2031,  2055,  2080,  2105,  2130,  2155,  2180,  2205,  2230,  2255,
    2280,  2305,  2329,  2354,  2379,  2404,  2429,  2454,  2479,  2503,  2528,  2553,  2578,
    2603,  2628,  2652,  2677,  2702,  2727,  2752,  2776,  2801,  2826,  2851,  2875,  2900,
    2925,  2949,  2974,  2999,  3024,  3048,  3073,  3098,  3122,  3147,  3172,  3196,  3221,
    3246,  3270,  3295,  3320,  3344,  3369,  3393,  3418,  3442,  3467,  3492,  3516,  3541,
    3565,  3590,  3614,  3639,  3663,  3688,  3712,  3737,  3761,  3786,  3810,  3835,  3859,
    3883,  3908,  3932,  3957,  3981,  4005,  4030,  4054,  4078,  4103,  4127,  4151,  4176,
    4200,  4224,  4249,  4273,  4297,  4321,  4346,  4370,  4394,  4418,  4442,  4467,  4491,
    4515,  4539,  4563,  4587,  4612,  4636,  4660,  4684,  4708,  4732,  4756,  4780,  4804,
    4828,  4852,  4876,  4900,  4924,  4948,  4972,  4996,  5020,  5044,  5068,  5092,  5115,
    5139,  5163,  5187,  5211,  5235,  5259,  5282,  5306,  5330,  5354,  5377,  5401,  5425,
    5449,  5472,  5496,  5520,  5543,  5567,  5591,  5614,  5638,  5661,  5685,  5708,  5732,
    5756,  5779,  5803,  5826,  5850,  5873,  5897,  5920,  5943,  5967,  5990,  6014,  6037,
    6060,  6084,  6107,  6130,  6154,  6177,  6200,  6223,  6247,  6270,  6293,  6316,  6339,
    6363,  6386,  6409,  6432,  6455,  6478,  6501,  6524,  6547,  6570,  6593,  6616,  6639,
    6662,  6685,  6708,  6731,  6754,  6777,  6800,  6823,  6846,  6868,  6891,  6914,  6937,
    6960,  6982,  7005,  7028,  7050,  7073,  7096,  7118,  7141,  7164,  7186,  7209,  7231,
    7254,  7276,  7299,  7321,  7344,  7366,  7389,  7411,  7434,  7456,  7478,  7501,  7523,
    7545,  7568,  7590,  7612,  7635,  7657,  7679,  7701,  7723,  7746,  7768,  7790,  7812,
    7834,  7856,  7878,  7900,  7922,  7944,  7966,  7988,  8010,  8032,  8054,  8076,  8098,
    8119,  8141,  8163,  8185,  8207,  8228,  8250,  8272,  8293,  8315,  8337,  8358,  8380,
    8401,  8423,  8445,  8466,  8488,  8509,  8531,  8552,  8573,  8595,  8616,  8638,  8659,
    8680,  8702,  8723,  8744,  8765,  8787,  8808,  8829,  8850,  8871,  8892,  8914,  8935,
    8956,  8977,  8998,  9019,  9040,  9061,  9082,  9102,  9123,  9144,  9165,  9186,  9207,
    9227,  9248,  9269,  9290,  9310,  9331,  9352,  9372,  9393,  9413,  9434,  9455,  9475,
    9496,  9516,  9537,  9557,  9577,  9598,  9618,  9638,  9659,  9679,  9699,  9720,  9740,
    9760,  9780,  9800,  9820,  9841,  9861,  9881,  9901,  9921,  9941,  9961,  9981,  10001,
    10020, 10040, 10060, 10080, 10100, 10120, 10139, 10159, 10179, 10198, 10218, 10238, 10257,
    10277, 10296, 10316, 10336, 10355, 10374, 10394, 10413, 10433, 10452, 10471, 10491, 10510,
    10529, 10549, 10568, 10587, 10606, 10625, 10644, 10663, 10683, 10702, 10721, 10740, 10759,
    10778, 10796, 10815, 10834, 10853, 10872, 10891, 10909, 10928, 10947, 10966, 10984, 11003,
    11021, 11040, 11059, 11077, 11096, 11114, 11133, 11151, 11169, 11188, 11206, 11224, 11243,
    11261, 11279, 11297, 11316, 11334, 11352, 11370, 11388, 11406, 11424, 11442, 11460, 11478,
    11496, 11514, 11532, 11550, 11567, 11585, 11603, 11621, 11638, 11656, 11674, 11691, 11709,
    11727, 11744, 11762, 11779, 11797, 11814, 11831, 11849, 11866, 11883, 11901, 11918, 11935,
    11952, 11970, 11987, 12004, 12021, 12038, 12055, 12072, 12089, 12106, 12123, 12140, 12157,
    12173, 12190, 12207, 12224, 12240, 12257, 12274, 12290, 12307, 12324, 12340, 12357, 12373,
    12390, 12406, 12423, 12439, 12455, 12472, 12488, 12504, 12520, 12537, 12553, 12569, 12585,
    12601, 12617, 12633, 12649, 12665, 12681, 12697, 12713, 12729, 12744, 12760, 12776, 12792,
    12807, 12823, 12839, 12854, 12870, 12885, 12901, 12916, 12932, 12947, 12963, 12978, 12993,
    13008, 13024, 13039, 13054, 13069, 13085, 13100, 13115, 13130, 13145, 13160, 13175, 13190,
    13205, 13219, 13234, 13249, 13264, 13279, 13293, 13308, 13323, 13337, 13352, 13366, 13381,
    13395, 13410, 13424, 13439, 13453, 13467, 13482, 13496, 13510, 13524, 13538, 13553, 13567,
    13581, 13595, 13609, 13623, 13637, 13651, 13665, 13678, 13692, 13706, 13720, 13733, 13747,
    13761, 13774, 13788, 13802, 13815, 13829, 13842, 13856, 13869, 13882, 13896, 13909, 13922,
    13935, 13949, 13962, 13975, 13988, 14001, 14014, 14027, 14040, 14053, 14066, 14079, 14092,
    14104, 14117, 14130, 14143, 14155, 14168, 14181, 14193, 14206, 14218, 14231, 14243, 14256,
    14268, 14280, 14293, 14305, 14317, 14329, 14341, 14354, 14366, 14378, 14390, 14402, 14414,
    14426, 14438, 14449, 14461, 14473, 14485, 14497, 14508, 14520, 14531, 14543, 14555, 14566,
    14578, 14589, 14601, 14612, 14623, 14635, 14646, 14657, 14668, 14680, 14691, 14702, 14713,
    14724, 14735, 14746, 14757, 14768, 14779, 14789, 14800, 14811, 14822, 14832, 14843, 14854,
    14864, 14875, 14885, 14896, 14906, 14917, 14927, 14937, 14948, 14958, 14968, 14978, 14989,
    14999, 15009, 15019, 15029, 15039, 15049, 15059, 15069, 15078, 15088, 15098, 15108, 15118,
    15127, 15137, 15146, 15156, 15166, 15175, 15184, 15194, 15203, 15213, 15222, 15231, 15240,
    15250, 15259, 15268, 15277, 15286, 15295, 15304, 15313, 15322, 15331, 15340, 15349, 15357,
    15366, 15375, 15383, 15392, 15401, 15409, 15418, 15426, 15435, 15443, 15451, 15460, 15468,
    15476, 15485, 15493, 15501, 15509, 15517, 15525, 15533, 15541, 15549, 15557, 15565, 15573,
    15581, 15588, 15596, 15604, 15611, 15619, 15627, 15634, 15642, 15649, 15656, 15664, 15671,
    15679, 15686, 15693, 15700, 15707, 15715, 15722, 15729, 15736, 15743, 15750, 15757, 15763,
    15770, 15777, 15784, 15791, 15797, 15804, 15810, 15817, 15824, 15830, 15837, 15843, 15849,
    15856, 15862, 15868, 15875, 15881, 15887, 15893, 15899, 15905, 15911, 15917, 15923, 15929,
    15935, 15941, 15946, 15952, 15958, 15964, 15969, 15975, 15980, 15986, 15991, 15997, 16002,
    16008, 16013, 16018, 16024, 16029, 16034, 16039, 16044, 16049, 16054, 16059, 16064, 16069,
    16074, 16079, 16084, 16088, 16093, 16098, 16103, 16107, 16112, 16116, 16121, 16125, 16130,
    16134, 16138, 16143, 16147, 16151, 16156, 16160, 16164, 16168, 16172, 16176, 16180, 16184,
    16188, 16192, 16195, 16199, 16203, 16207, 16210, 16214, 16218, 16221, 16225, 16228, 16232,
    16235, 16238, 16242, 16245, 16248, 16251, 16255, 16258, 16261, 16264, 16267, 16270, 16273,
    16276, 16279, 16281, 16284, 16287, 16290, 16292, 16295, 16298, 16300, 16303, 16305, 16308,
    16310, 16312, 16315, 16317, 16319, 16321, 16324, 16326, 16328, 16330, 16332, 16334, 16336,
    16338, 16340, 16341, 16343, 16345, 16347, 16348, 16350, 16352, 16353, 16355, 16356, 16358,
    16359, 16360, 16362, 16363, 16364, 16365, 16367, 16368, 16369, 16370, 16371, 16372, 16373,
    16374, 16375, 16375, 16376, 16377, 16378, 16378, 16379, 16380, 16380, 16381, 16381, 16382,
    16382, 16382, 16383, 16383, 16383, 16384, 16384, 16384, 16384, 16384, 16384,
};

/* ---- integer helpers ----------------------------------------------------------------- */

/* a / b rounded to nearest, halves away from zero; b > 0. */
static int64_t div_round(int64_t a, int64_t b)
{
    return a >= 0 ? (a + b / 2) / b : -((-a + b / 2) / b);
}

/* a / b rounded toward minus infinity; b > 0 (C division truncates toward zero). */
static int32_t floor_div(int32_t a, int32_t b)
{
    int32_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static int32_t clamp_i32(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* floor(sqrt(v)), bit by bit. */
static uint64_t isqrt_u64(uint64_t v)
{
    uint64_t r = 0, bit = (uint64_t)1 << 62;
    while (bit > v) {
        bit >>= 2;
    }
    while (bit != 0) {
        if (v >= r + bit) {
            v -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return r;
}

static int32_t sin_q14(uint32_t a)
{
    a &= SIM_ANGLE_STEPS - 1;
    uint32_t r = a & 1023;
    switch (a >> 10) {
    case 0:
        return k_sin_q14[r];
    case 1:
        return k_sin_q14[1024 - r];
    case 2:
        return -k_sin_q14[r];
    default:
        return -k_sin_q14[1024 - r];
    }
}

void sim_angle_dir(uint16_t aim, int32_t *dx, int32_t *dy)
{
    *dx = sin_q14((uint32_t)aim + 1024); /* cos */
    *dy = sin_q14(aim);                  /* y grows south, so angle 1024 points down */
}

/* ---- player movement ----------------------------------------------------------------- */

/* v * (256 - SIM_FRICTION) / 256, rounded toward zero so small speeds decay to exactly 0. */
static int32_t apply_friction(int32_t v)
{
    return (int32_t)((int64_t)v * (256 - SIM_FRICTION) / 256);
}

/* Scales (vx, vy) down to at most SIM_MAX_SPEED. Dividing by ceil(sqrt(|v|^2)) and truncating
 * toward zero guarantees the result's length never exceeds the limit. */
static void clamp_speed(int32_t *vx, int32_t *vy)
{
    const int64_t max = SIM_MAX_SPEED;
    int64_t s2 = (int64_t)*vx * *vx + (int64_t)*vy * *vy;
    if (s2 <= max * max) {
        return;
    }
    int64_t s = (int64_t)isqrt_u64((uint64_t)s2);
    if (s * s < s2) {
        s++;
    }
    *vx = (int32_t)((int64_t)*vx * max / s);
    *vy = (int32_t)((int64_t)*vy * max / s);
}

static bool column_has_wall(const Map *m, int32_t tx, int32_t ty0, int32_t ty1)
{
    for (int32_t ty = ty0; ty <= ty1; ty++) {
        if (map_is_wall(m, tx, ty)) {
            return true;
        }
    }
    return false;
}

static bool row_has_wall(const Map *m, int32_t ty, int32_t tx0, int32_t tx1)
{
    for (int32_t tx = tx0; tx <= tx1; tx++) {
        if (map_is_wall(m, tx, ty)) {
            return true;
        }
    }
    return false;
}

/* The player box covers Q8 sub-units [x - H, x + H) on each axis (half open), so a box flush
 * against a wall touches it without overlapping. Moving along one axis checks only the tile
 * columns (rows) the leading edge enters, nearest first; the first with a wall stops the box
 * flush against it and zeroes that velocity component. |v| < one tile, so this never skips a
 * wall. */
static void move_x(const Map *m, SimPlayer *p)
{
    const int32_t h = SIM_PLAYER_HALF;
    if (p->vx == 0) {
        return;
    }
    int32_t ty0 = floor_div(p->y - h, TILE_FP);
    int32_t ty1 = floor_div(p->y + h - 1, TILE_FP);
    if (p->vx > 0) {
        int32_t to = floor_div(p->x + p->vx + h - 1, TILE_FP);
        for (int32_t c = floor_div(p->x + h - 1, TILE_FP) + 1; c <= to; c++) {
            if (column_has_wall(m, c, ty0, ty1)) {
                p->x = c * TILE_FP - h;
                p->vx = 0;
                return;
            }
        }
    } else {
        int32_t to = floor_div(p->x + p->vx - h, TILE_FP);
        for (int32_t c = floor_div(p->x - h, TILE_FP) - 1; c >= to; c--) {
            if (column_has_wall(m, c, ty0, ty1)) {
                p->x = (c + 1) * TILE_FP + h;
                p->vx = 0;
                return;
            }
        }
    }
    p->x += p->vx;
}

static void move_y(const Map *m, SimPlayer *p)
{
    const int32_t h = SIM_PLAYER_HALF;
    if (p->vy == 0) {
        return;
    }
    int32_t tx0 = floor_div(p->x - h, TILE_FP);
    int32_t tx1 = floor_div(p->x + h - 1, TILE_FP);
    if (p->vy > 0) {
        int32_t to = floor_div(p->y + p->vy + h - 1, TILE_FP);
        for (int32_t r = floor_div(p->y + h - 1, TILE_FP) + 1; r <= to; r++) {
            if (row_has_wall(m, r, tx0, tx1)) {
                p->y = r * TILE_FP - h;
                p->vy = 0;
                return;
            }
        }
    } else {
        int32_t to = floor_div(p->y + p->vy - h, TILE_FP);
        for (int32_t r = floor_div(p->y - h, TILE_FP) - 1; r >= to; r--) {
            if (row_has_wall(m, r, tx0, tx1)) {
                p->y = (r + 1) * TILE_FP + h;
                p->vy = 0;
                return;
            }
        }
    }
    p->y += p->vy;
}

bool sim_player_step(const Map *map, SimPlayer *p, const SimInput *in)
{
    assert(map != NULL && p != NULL && in != NULL);
    if (!p->alive) {
        return false;
    }
    /* Defensive normalisation (a no-op for every state the simulation produces): keep the
     * centre inside the grid and the velocity small enough that nothing below overflows. */
    const int32_t h = SIM_PLAYER_HALF;
    p->x = clamp_i32(p->x, h, (int32_t)map->w * TILE_FP - h);
    p->y = clamp_i32(p->y, h, (int32_t)map->h * TILE_FP - h);
    p->vx = clamp_i32(p->vx, -VEL_SANE, VEL_SANE);
    p->vy = clamp_i32(p->vy, -VEL_SANE, VEL_SANE);

    p->aim = (uint16_t)(in->aim & (SIM_ANGLE_STEPS - 1));

    unsigned b = in->buttons;
    int32_t ix = ((b & SIM_BTN_RIGHT) ? 1 : 0) - ((b & SIM_BTN_LEFT) ? 1 : 0);
    int32_t iy = ((b & SIM_BTN_DOWN) ? 1 : 0) - ((b & SIM_BTN_UP) ? 1 : 0);
    int32_t acc = (ix != 0 && iy != 0) ? SIM_ACCEL * DIAG_NUM / 256 : SIM_ACCEL;
    p->vx = apply_friction(p->vx + ix * acc);
    p->vy = apply_friction(p->vy + iy * acc);
    clamp_speed(&p->vx, &p->vy);

    move_x(map, p);
    move_y(map, p);

    if (p->cooldown > 0) {
        p->cooldown--;
    }
    bool fire = (b & SIM_BTN_FIRE) != 0 && p->cooldown == 0;
    if (fire) {
        p->cooldown = SIM_FIRE_COOLDOWN;
    }
    p->fired = fire;
    return fire;
}

/* ---- world --------------------------------------------------------------------------- */

void sim_push_event(SimWorld *w, SimEventType type, unsigned a, unsigned b, unsigned c)
{
    if (w->event_count < SIM_MAX_EVENTS) {
        SimEvent *e = &w->events[w->event_count++];
        e->type = (uint8_t)type;
        e->a = (uint16_t)a;
        e->b = (uint16_t)b;
        e->c = (uint16_t)c;
    }
}

static void inc16(uint16_t *v)
{
    if (*v < UINT16_MAX)
        (*v)++;
}

static int32_t tile_centre(uint16_t t)
{
    return (int32_t)t * TILE_FP + TILE_FP / 2;
}

/* The spawn whose nearest player is farthest: the index of the largest md[i] (each spawn's
 * squared distance to its nearest player), ties to the lowest index. */
static unsigned farthest(const int64_t *md, unsigned count)
{
    unsigned best = 0;
    int64_t best_d = -1;
    for (unsigned i = 0; i < count; i++) {
        if (md[i] > best_d) {
            best_d = md[i];
            best = i;
        }
    }
    return best;
}

/* The spawn farthest from every other alive player (max over spawns of the min squared
 * distance; ties go to the lowest index). Nobody else alive: spawn slot % spawn_count. */
static unsigned best_spawn(const SimWorld *w, unsigned slot)
{
    const Map *m = w->map;
    /* The other alive players, gathered once: the spawn loop below then runs over a dense
     * array (a respawn in a full 256-player arena is 64 x 255 distance checks). */
    int64_t ox[PROTO_MAX_PLAYERS], oy[PROTO_MAX_PLAYERS];
    unsigned n = 0;
    for (unsigned j = 0; j < PROTO_MAX_PLAYERS; j++) {
        const SimPlayer *o = &w->players[j];
        if (j != slot && o->active && o->alive) {
            ox[n] = o->x;
            oy[n] = o->y;
            n++;
        }
    }
    if (n == 0) {
        return slot % m->spawn_count;
    }
    int64_t md[MAP_MAX_SPAWNS];
    for (unsigned i = 0; i < m->spawn_count; i++) {
        int64_t sx = tile_centre(m->spawns[i].tx), sy = tile_centre(m->spawns[i].ty);
        md[i] = INT64_MAX;
        for (unsigned k = 0; k < n; k++) {
            int64_t dx = ox[k] - sx, dy = oy[k] - sy;
            int64_t d = dx * dx + dy * dy;
            if (d < md[i]) {
                md[i] = d;
            }
        }
    }
    return farthest(md, m->spawn_count);
}

static void spawn_at(SimWorld *w, unsigned slot, unsigned spawn)
{
    SimPlayer *p = &w->players[slot];
    const MapSpawn *s = &w->map->spawns[spawn];
    p->x = tile_centre(s->tx);
    p->y = tile_centre(s->ty);
    p->vx = 0;
    p->vy = 0;
    p->alive = true;
    p->fired = false;
    p->cooldown = 0;
    p->respawn = 0;
    p->health = SIM_MAX_HEALTH;
    p->protect = SIM_PROTECT_TICKS;
    sim_push_event(w, SIM_EV_SPAWN, slot, 0, 0);
}

void sim_spawn(SimWorld *w, unsigned slot)
{
    spawn_at(w, slot, best_spawn(w, slot));
}

void sim_spawn_all(SimWorld *w)
{
    const Map *m = w->map;
    /* md[i]: the squared distance from spawn i to the nearest player spawned so far, kept as
     * each one is placed: the choices of sim_spawn one by one, in O(spawns x players). */
    int64_t md[MAP_MAX_SPAWNS];
    for (unsigned i = 0; i < m->spawn_count; i++)
        md[i] = INT64_MAX;
    bool any = false;
    for (unsigned slot = 0; slot < PROTO_MAX_PLAYERS; slot++) {
        if (!w->players[slot].active)
            continue;
        /* as best_spawn: slot % spawn_count while nobody else is alive */
        spawn_at(w, slot, any ? farthest(md, m->spawn_count) : slot % m->spawn_count);
        any = true;
        const SimPlayer *p = &w->players[slot];
        for (unsigned i = 0; i < m->spawn_count; i++) {
            int64_t dx = p->x - tile_centre(m->spawns[i].tx),
                    dy = p->y - tile_centre(m->spawns[i].ty);
            int64_t d = dx * dx + dy * dy;
            if (d < md[i])
                md[i] = d;
        }
    }
}

static void spawn_shot(SimWorld *w, unsigned owner, uint16_t lag)
{
    const SimPlayer *p = &w->players[owner];
    for (unsigned i = 0; i < PROTO_MAX_SHOTS; i++) {
        SimShot *s = &w->shots[i];
        if (s->active) {
            continue;
        }
        int32_t dx, dy;
        sim_angle_dir(p->aim, &dx, &dy);
        const int64_t muzzle = SIM_SHOT_MUZZLE_UNITS * SIM_FP_ONE;
        s->active = true;
        s->owner = (uint16_t)owner;
        s->ttl = SIM_SHOT_TTL;
        s->x = p->x + (int32_t)div_round(dx * muzzle, Q14_ONE);
        s->y = p->y + (int32_t)div_round(dy * muzzle, Q14_ONE);
        s->vx = (int32_t)div_round((int64_t)dx * SIM_SHOT_SPEED, Q14_ONE);
        s->vy = (int32_t)div_round((int64_t)dy * SIM_SHOT_SPEED, Q14_ONE);
        s->lag = lag;
        return;
    }
}

/* A shot of `shooter` met `victim`: a protected victim, or any victim after the match ended,
 * takes nothing; else it loses SIM_SHOT_DAMAGE health and dies at 0. */
static void damage(SimWorld *w, unsigned shooter, unsigned victim)
{
    SimPlayer *v = &w->players[victim];
    SimPlayer *k = &w->players[shooter];
    if (v->protect > 0 || w->match.phase == SIM_PHASE_ENDED)
        return;
    v->health = v->health > SIM_SHOT_DAMAGE ? (uint8_t)(v->health - SIM_SHOT_DAMAGE) : 0;
    if (k->active)
        inc16(&k->hits);
    sim_push_event(w, SIM_EV_HIT, shooter, victim, v->health);
    if (v->health > 0)
        return;
    if (k->active)
        inc16(&k->score);
    inc16(&v->deaths);
    v->alive = false;
    v->fired = false;
    v->respawn = SIM_RESPAWN_TICKS;
    v->vx = 0;
    v->vy = 0;
    sim_push_event(w, SIM_EV_KILL, shooter, victim, 0);
    sim_push_event(w, SIM_EV_DEATH, victim, 0, 0);
}

/* Moves one shot; removes it on a wall, at the end of its life, or when it hits someone. A shot
 * with a view lag meets the others where they were that long before this tick (history, the
 * present tick recorded); the walls and the shot itself are never rewound. */
static void step_shot(SimWorld *w, SimShot *s, const LcHistory *hist, const uint16_t *active,
                      unsigned nactive)
{
    const Map *m = w->map;
    int64_t nx = (int64_t)s->x + s->vx, ny = (int64_t)s->y + s->vy;
    if (s->ttl > 0) {
        s->ttl--;
    }
    if (nx < 0 || ny < 0 || nx >= (int64_t)m->w * TILE_FP || ny >= (int64_t)m->h * TILE_FP ||
        s->ttl == 0) {
        memset(s, 0, sizeof *s);
        return;
    }
    s->x = (int32_t)nx;
    s->y = (int32_t)ny;
    if (map_is_wall(m, s->x / TILE_FP, s->y / TILE_FP)) {
        memset(s, 0, sizeof *s);
        return;
    }
    const int64_t r2 = (int64_t)SIM_HIT_RADIUS * SIM_HIT_RADIUS;
    for (unsigned k = 0; k < nactive; k++) {
        unsigned j = active[k];
        SimPlayer *v = &w->players[j];
        if (j == s->owner || !v->alive) {
            continue;
        }
        int64_t dx = (int64_t)v->x - s->x, dy = (int64_t)v->y - s->y;
        if (s->lag != 0 && hist != NULL) {
            /* Where it was is within what it can move in that time of where it is: most
             * players are too far for the rewind to matter, and it is skipped for them. */
            const int64_t reach = SIM_HIT_RADIUS + lc_max_drift(s->lag);
            int32_t rx, ry;
            if (dx * dx + dy * dy > reach * reach ||
                !lc_rewind(hist, j, w->tick + 1u, s->lag, &rx, &ry)) {
                continue; /* out of reach, or not hittable at the rewound time */
            }
            dx = (int64_t)rx - s->x;
            dy = (int64_t)ry - s->y;
        }
        if (dx * dx + dy * dy > r2) {
            continue;
        }
        damage(w, s->owner, j);
        memset(s, 0, sizeof *s);
        return;
    }
}

void sim_init(SimWorld *w, const Map *map)
{
    assert(w != NULL && map != NULL);
    assert(map->w >= MAP_MIN_W && map->h >= MAP_MIN_H && map->spawn_count > 0);
    memset(w, 0, sizeof *w);
    w->map = map;
    w->match.phase = SIM_PHASE_RUNNING; /* free for all until sim_match_configure */
}

bool sim_add_player(SimWorld *w, unsigned slot)
{
    if (slot >= PROTO_MAX_PLAYERS || w->players[slot].active) {
        return false;
    }
    SimPlayer *p = &w->players[slot];
    memset(p, 0, sizeof *p);
    p->active = true;
    sim_spawn(w, slot);
    return true;
}

void sim_remove_player(SimWorld *w, unsigned slot)
{
    if (slot >= PROTO_MAX_PLAYERS) {
        return;
    }
    memset(&w->players[slot], 0, sizeof w->players[slot]);
    for (unsigned i = 0; i < PROTO_MAX_SHOTS; i++) {
        if (w->shots[i].active && w->shots[i].owner == slot) {
            memset(&w->shots[i], 0, sizeof w->shots[i]);
        }
    }
}

void sim_step(SimWorld *w, const SimInput inputs[PROTO_MAX_PLAYERS])
{
    sim_step_lagcomp(w, inputs, NULL);
}

void sim_step_lagcomp(SimWorld *w, const SimInput inputs[PROTO_MAX_PLAYERS], const SimLagComp *lc)
{
    assert(w != NULL && w->map != NULL && inputs != NULL);
    assert(lc == NULL || (lc->history != NULL && lc->view_lag != NULL));
    w->event_count = 0;
    for (unsigned slot = 0; slot < PROTO_MAX_PLAYERS; slot++) {
        SimPlayer *p = &w->players[slot];
        if (!p->active) {
            continue;
        }
        if (p->alive) {
            if (p->protect > 0) {
                p->protect--;
            }
            if (sim_player_step(w->map, p, &inputs[slot])) {
                spawn_shot(w, slot, lc != NULL ? lc->view_lag[slot] : 0);
                inc16(&p->shots);
                p->protect = 0; /* shooting ends spawn protection */
            }
        } else {
            p->fired = false;
            if (p->respawn > 0) {
                p->respawn--;
            }
            if (p->respawn == 0) {
                sim_spawn(w, slot);
            }
        }
    }
    const LcHistory *hist = NULL;
    if (lc != NULL) {
        lc_record(lc->history, w, w->tick + 1u); /* the players as they are at this tick */
        hist = lc->history;
    }
    /* The players shots can meet, in slot order (active does not change while shots move):
     * a shot walks these, not all PROTO_MAX_PLAYERS slots. */
    uint16_t active[PROTO_MAX_PLAYERS];
    unsigned nactive = 0;
    for (unsigned slot = 0; slot < PROTO_MAX_PLAYERS; slot++) {
        if (w->players[slot].active) {
            active[nactive++] = (uint16_t)slot;
        }
    }
    for (unsigned i = 0; i < PROTO_MAX_SHOTS; i++) {
        if (w->shots[i].active) {
            step_shot(w, &w->shots[i], hist, active, nactive);
        }
    }
    w->tick++;
    sim_match_step(w);
}

void sim_skip_ticks(SimWorld *w, uint32_t n)
{
    w->tick += n;
}

/* ---- hash ---------------------------------------------------------------------------- */

static uint64_t fnv_le(uint64_t h, uint32_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        h ^= (v >> (8 * i)) & 0xFFu;
        h *= UINT64_C(1099511628211);
    }
    return h;
}

uint64_t sim_hash(const SimWorld *w)
{
    uint64_t h = UINT64_C(14695981039346656037);
    h = fnv_le(h, w->tick, 4);
    for (unsigned i = 0; i < PROTO_MAX_PLAYERS; i++) {
        const SimPlayer *p = &w->players[i];
        h = fnv_le(h, p->active ? 1u : 0u, 1);
        h = fnv_le(h, p->alive ? 1u : 0u, 1);
        h = fnv_le(h, p->fired ? 1u : 0u, 1);
        h = fnv_le(h, (uint32_t)p->x, 4);
        h = fnv_le(h, (uint32_t)p->y, 4);
        h = fnv_le(h, (uint32_t)p->vx, 4);
        h = fnv_le(h, (uint32_t)p->vy, 4);
        h = fnv_le(h, p->aim, 2);
        h = fnv_le(h, p->score, 2);
        h = fnv_le(h, p->cooldown, 1);
        h = fnv_le(h, p->respawn, 1);
        h = fnv_le(h, p->health, 1);
        h = fnv_le(h, p->protect, 1);
        h = fnv_le(h, p->deaths, 2);
        h = fnv_le(h, p->shots, 2);
        h = fnv_le(h, p->hits, 2);
    }
    for (unsigned i = 0; i < PROTO_MAX_SHOTS; i++) {
        const SimShot *s = &w->shots[i];
        h = fnv_le(h, s->active ? 1u : 0u, 1);
        h = fnv_le(h, s->owner, 2);
        h = fnv_le(h, s->ttl, 1);
        h = fnv_le(h, (uint32_t)s->x, 4);
        h = fnv_le(h, (uint32_t)s->y, 4);
        h = fnv_le(h, (uint32_t)s->vx, 4);
        h = fnv_le(h, (uint32_t)s->vy, 4);
        if (s->lag != 0) {
            /* Only when set: a world without lag compensation hashes as it always did. */
            h = fnv_le(h, s->lag, 2);
        }
    }
    const SimMatch *m = &w->match;
    h = fnv_le(h, m->phase, 1);
    h = fnv_le(h, m->has_winner ? 1u : 0u, 1);
    h = fnv_le(h, m->winner, 2);
    h = fnv_le(h, m->phase_end, 4);
    h = fnv_le(h, m->number, 4);
    return h;
}
