/* behave.c — arena-bot's behaviours: what each bot does with its controls, decided 20 times
 * a second from what any client sees (its predicted player, the interpolated others, the
 * map), and its chat. The hunt itself is hunt.c's (spoiler). */
#include <math.h>
#include <string.h>

#include "bot.h"
#include "quant.h"

const char *const bot_behaviour_names[BH_COUNT] = {"wander", "chase", "strafe",
                                                   "idle",   "hunt",  "load"};

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double bot_rng_unit(uint64_t *s)
{
    return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

static uint64_t rng_range_us(uint64_t *s, double lo_s, double hi_s)
{
    return (uint64_t)((lo_s + (hi_s - lo_s) * bot_rng_unit(s)) * 1e6);
}

/* ---- behaviours ------------------------------------------------------------------------- */

static const uint8_t directions[8] = {
    SIM_BTN_UP,   SIM_BTN_UP | SIM_BTN_RIGHT,  SIM_BTN_RIGHT, SIM_BTN_DOWN | SIM_BTN_RIGHT,
    SIM_BTN_DOWN, SIM_BTN_DOWN | SIM_BTN_LEFT, SIM_BTN_LEFT,  SIM_BTN_UP | SIM_BTN_LEFT,
};

/* True if no wall tile lies on the segment (world units), sampled every 8 units. */
static bool line_of_sight(const Map *m, float x0, float y0, float x1, float y1)
{
    float dx = x1 - x0, dy = y1 - y0;
    float len = sqrtf(dx * dx + dy * dy);
    int steps = (int)(len / 8.0f) + 1;
    for (int i = 1; i < steps; i++) {
        float t = (float)i / (float)steps;
        int tx = (int)floorf((x0 + dx * t) / MAP_TILE_UNITS);
        int ty = (int)floorf((y0 + dy * t) / MAP_TILE_UNITS);
        if (map_is_wall(m, tx, ty))
            return false;
    }
    return true;
}

/* The nearest alive, visible other player from the interpolated view; false if none. */
static bool nearest_target(const Map *m, const CliEntityView *v, unsigned n, float sx, float sy,
                           const CliEntityView **tv, float *dist)
{
    bool found = false;
    float best = 0.0f;
    for (unsigned i = 0; i < n; i++) {
        if (v[i].type != SNAP_ENT_PLAYER || !(v[i].flags & SNAP_FLAG_ALIVE))
            continue;
        float dx = v[i].x - sx, dy = v[i].y - sy;
        float d = sqrtf(dx * dx + dy * dy);
        if ((found && d >= best) || !line_of_sight(m, sx, sy, v[i].x, v[i].y))
            continue;
        found = true;
        best = d;
        *tv = &v[i];
    }
    *dist = best;
    return found;
}

/* Where to aim a shot (it starts SIM_SHOT_MUZZLE_UNITS out and flies SIM_SHOT_SPEED a tick) to
 * meet a target seen at its place moving with its velocity: the first t with |p + v t - s| =
 * muzzle + speed t. As players lead projectiles; a target that turns is missed. */
static float lead_aim(float sx, float sy, const CliEntityView *t)
{
    const float muzzle = SIM_SHOT_MUZZLE_UNITS, speed = (float)SIM_SHOT_SPEED / SIM_FP_ONE;
    float px = t->x - sx, py = t->y - sy;
    float a = t->vx * t->vx + t->vy * t->vy - speed * speed; /* < 0: targets are slower */
    float b = 2.0f * (px * t->vx + py * t->vy) - 2.0f * muzzle * speed;
    float c = px * px + py * py - muzzle * muzzle;
    float disc = b * b - 4.0f * a * c, when = 0.0f;
    if (disc >= 0.0f)
        when = (-b - sqrtf(disc)) / (2.0f * a);
    if (when < 0.0f)
        when = 0.0f;
    return atan2f(py + t->vy * when, px + t->vx * when);
}

static uint8_t buttons_towards(float dx, float dy, float deadzone)
{
    uint8_t b = 0;
    if (dx > deadzone)
        b |= SIM_BTN_RIGHT;
    if (dx < -deadzone)
        b |= SIM_BTN_LEFT;
    if (dy > deadzone)
        b |= SIM_BTN_DOWN;
    if (dy < -deadzone)
        b |= SIM_BTN_UP;
    return b;
}

static void wander_turn(Bot *b, uint64_t now_us)
{
    /* One time in five stand still for a moment. */
    b->move = bot_rng_unit(&b->rng) < 0.2 ? 0 : directions[rng_next(&b->rng) % 8];
    b->aim_speed = (float)((bot_rng_unit(&b->rng) * 2.0 - 1.0) * 3.0);
    b->next_turn_us = now_us + rng_range_us(&b->rng, 0.5, 2.0);
}

static void maybe_fire(Bot *b, uint64_t now_us, double chance)
{
    if (now_us >= b->next_fire_us) {
        if (bot_rng_unit(&b->rng) < chance)
            b->fire_until_us = now_us + rng_range_us(&b->rng, 0.1, 0.4);
        b->next_fire_us = now_us + rng_range_us(&b->rng, 0.5, 1.5);
    }
}

/* Decides the controls of one bot from its predicted self and the interpolated others. */
/* The hunt (hunt.h): reads the server's notices, walks, says the word once. */
static void hunt_think(Bot *b, CliConn *c, const Map *m, const CliPredict *p, uint64_t now_us)
{
    if (!b->hunt_ready) {
        hunt_init(&b->hunt, m);
        b->hunt_ready = true;
    }
    const CliChat *chat = cli_conn_chat_history(c);
    unsigned count = cli_chat_count(chat);
    uint64_t fresh = chat->total - b->chat_seen;
    for (unsigned i = fresh < count ? count - (unsigned)fresh : 0; i < count; i++) {
        const CliChatEntry *e = cli_chat_get(chat, i);
        if (e == NULL || e->kind != CLI_CHAT_NOTICE)
            continue;
        hunt_notice(&b->hunt, e->text, now_us);
        size_t n = strlen(b->name);
        if (strncmp(e->text, b->name, n) == 0 && strncmp(e->text + n, " found the Road", 15) == 0)
            b->legend = true;
    }
    b->chat_seen = chat->total;
    b->input.buttons = hunt_steer(&b->hunt, m, &p->player, now_us);
    cli_conn_set_input(c, &b->input);
    const char *line;
    if (hunt_wants_to_say(&b->hunt, &line))
        cli_conn_send_line(c, line);
}

/* --behaviour load: wander's controls, steered by the newest snapshot's self block (a light
 * connection predicts nothing and keeps no view of the others). */
static void load_think(Bot *b, uint64_t now_us)
{
    const Snapshot *s = cli_conn_latest_snapshot(b->conn);
    if (s == NULL || !s->has_self)
        return;
    bool stuck = s->self.vx == 0 && s->self.vy == 0 && b->move != 0;
    if (now_us >= b->next_turn_us || stuck)
        wander_turn(b, now_us);
    b->aim += b->aim_speed * ((float)THINK_US / 1e6f);
    maybe_fire(b, now_us, 0.5);
}

static void set_controls(Bot *b, uint64_t now_us)
{
    if (b->aim > PI_F)
        b->aim -= 2.0f * PI_F;
    if (b->aim < -PI_F)
        b->aim += 2.0f * PI_F;
    b->input.buttons = b->move;
    if (now_us < b->fire_until_us)
        b->input.buttons |= SIM_BTN_FIRE;
    b->input.aim = q_aim12_from_radians(b->aim);
    cli_conn_set_input(b->conn, &b->input);
}

void bot_think(Bot *b, Behaviour bh, uint64_t now_us, CliEntityView *views, unsigned cap)
{
    CliConn *c = b->conn;
    const Map *m = cli_conn_map(c);
    const CliPredict *p = cli_conn_predict(c);
    if (bh == BH_LOAD) {
        load_think(b, now_us);
        set_controls(b, now_us);
        return;
    }
    if (m == NULL || !p->ready)
        return;
    if (bh == BH_HUNT) {
        hunt_think(b, c, m, p, now_us);
        return;
    }
    float dt = (float)THINK_US / 1e6f;
    float sx = (float)p->player.x / SIM_FP_ONE, sy = (float)p->player.y / SIM_FP_ONE;
    CliInterp *ip = cli_conn_interp(c);
    unsigned n = cli_interp_sample(ip, cli_interp_render_tick(ip, now_us), views, cap);
    const CliEntityView *tv = NULL;
    float dist = 0;
    bool target = bh != BH_IDLE && nearest_target(m, views, n, sx, sy, &tv, &dist);
    float tx = target ? tv->x : 0.0f, ty = target ? tv->y : 0.0f;
    bool stuck = p->player.vx == 0 && p->player.vy == 0 && b->move != 0;

    switch (bh) {
    case BH_IDLE:
    case BH_HUNT: /* handled above */
    case BH_LOAD:
    case BH_COUNT:
        b->move = 0;
        break;
    case BH_WANDER:
        if (now_us >= b->next_turn_us || stuck)
            wander_turn(b, now_us);
        b->aim += b->aim_speed * dt;
        maybe_fire(b, now_us, 0.5);
        break;
    case BH_CHASE:
        if (target) {
            float dx = tx - sx, dy = ty - sy;
            b->aim = lead_aim(sx, sy, tv);
            /* Close in to mid range, back off when too near. */
            if (dist > 160.0f)
                b->move = buttons_towards(dx, dy, 16.0f);
            else if (dist < 80.0f)
                b->move = buttons_towards(-dx, -dy, 16.0f);
            else
                b->move = 0;
            if (dist < 600.0f)
                maybe_fire(b, now_us, 0.9);
        } else {
            if (now_us >= b->next_turn_us || stuck)
                wander_turn(b, now_us);
            b->aim += b->aim_speed * dt;
        }
        break;
    case BH_STRAFE:
        if (now_us >= b->next_turn_us || stuck) {
            b->strafe_dir = -b->strafe_dir;
            b->next_turn_us = now_us + rng_range_us(&b->rng, 0.4, 1.0);
        }
        b->move = b->strafe_dir > 0 ? SIM_BTN_RIGHT : SIM_BTN_LEFT;
        if (target) /* at the seen place: a strafer's target swings back and forth */
            b->aim = atan2f(ty - sy, tx - sx);
        else
            b->aim += 1.5f * dt;
        maybe_fire(b, now_us, target ? 0.8 : 0.2);
        break;
    }
    set_controls(b, now_us);
}

void bot_maybe_chat(Bot *b, const Options *o, uint64_t now, uint64_t chat_start, uint64_t play_end)
{
    if (o->chat_every <= 0 || chat_start == 0 || cli_conn_state(b->conn) != CLI_PLAYING)
        return;
    if (b->next_chat_us == 0)
        b->next_chat_us = chat_start + rng_range_us(&b->rng, 0.0, o->chat_every);
    if (now < b->next_chat_us || now + CHAT_MARGIN_US > play_end)
        return;
    char text[PROTO_CHAT_MAX + 1];
    ++b->chats;
    if (o->say != NULL)
        snprintf(text, sizeof text, "%s", o->say);
    else
        snprintf(text, sizeof text, "hello from %s #%u", b->name, b->chats);
    (void)cli_conn_chat(b->conn, text);
    b->next_chat_us += (uint64_t)(o->chat_every * 1e6);
}
