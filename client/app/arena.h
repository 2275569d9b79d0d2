/* arena.h — the arena screen: controls in, the world, the HUD and the menu out.
 *
 * Owns the in-game UI state (camera, chat input, Esc menu, scoreboard key, zoom, the controls
 * hint) and, per frame, turns the keyboard and mouse into the core's controls
 * (cli_conn_set_input: WASD/arrows move, the mouse aims from the player's screen position,
 * the left button fires), samples the interpolated world once, and has game_view.c, hud.c and
 * menu.c draw it. One of the SDL platform files. */
#ifndef ARENA_APP_ARENA_H
#define ARENA_APP_ARENA_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "camera.h"
#include "cli_interp.h"
#include "field.h"
#include "map.h"
#include "sfx.h"

#define APP_HINT_S 12.0 /* the controls hint shows this long after entering */

struct App;

typedef struct ArenaState {
    AppCamera cam;
    bool overview; /* whole map in view */
    float zoom;    /* user zoom when not in overview */
    bool chat_open;
    AppField chat;
    unsigned chat_scroll; /* chat scrollback: entries back from the newest (0 = live) */
    bool menu_open;
    int menu_sel;
    bool scores_held;
    uint64_t entered_us;
    /* This frame's world, sampled once. */
    CliEntityView *views; /* PROTO_MAX_ENTITIES */
    unsigned nviews;
    double render_tick;
    bool self_ready; /* the local player is known */
    bool self_alive;
    float self_x, self_y; /* where the local player is drawn, world units */
    uint16_t aim;         /* 12-bit, the local player's aim */
    uint32_t fired_tick;  /* newest predicted tick that showed a muzzle flash */
    /* Minimap: the map, one pixel per tile. */
    SDL_Texture *minimap;
    uint32_t minimap_checksum;
    /* HUD text, refreshed a few times a second so the text cache is not churned. */
    uint64_t hud_next_us;
    char hud_ping[32], hud_loss[32], hud_rate[32], hud_delay[32], hud_in[32], hud_out[32],
        hud_fps[32];
    int hud_ping_level, hud_loss_level; /* 0 good, 1 warn, 2 bad */
    int last_attacker;                  /* who hit us last (-1 none) */
    AppSfx sfx;                         /* which events made which sound (sfx.h) */
    AppSfxOut sfx_out;                  /* this frame's cues, played at its end */
    /* --autoplay: a wandering, sweeping, bursting player. */
    uint64_t auto_rng;
    uint64_t auto_turn_us, auto_fire_us, auto_fire_until_us;
    uint8_t auto_move;
    float auto_aim, auto_spin; /* radians, radians per second */
} ArenaState;

/* Allocates the view buffer (once). False if out of memory. */
bool arena_init(struct App *app);
void arena_free(struct App *app);
/* Entering the arena (first snapshot). */
void arena_enter(struct App *app);
void arena_event(struct App *app, const SDL_Event *ev);
/* Before the core runs this frame: the controls. */
void arena_input(struct App *app);
/* After it ran: sample the world, follow with the camera, draw everything. */
void arena_draw(struct App *app);

#endif
