/* arena.c — see arena.h. */
#include "arena.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "chatlog.h"
#include "cli_chat.h"
#include "game_view.h"
#include "hud.h"
#include "menu.h"
#include "quant.h"
#include "timing.h"

bool arena_init(App *app)
{
    ArenaState *a = &app->arena;
    if (a->views == NULL)
        a->views = calloc(PROTO_MAX_ENTITIES, sizeof *a->views);
    return a->views != NULL;
}

void arena_free(App *app)
{
    ArenaState *a = &app->arena;
    free(a->views);
    a->views = NULL;
    if (a->minimap != NULL)
        SDL_DestroyTexture(a->minimap);
    a->minimap = NULL;
}

void arena_enter(App *app)
{
    ArenaState *a = &app->arena;
    app_camera_init(&a->cam, app->gfx.w, app->gfx.h);
    a->overview = app->opt.overview;
    a->zoom = 1.0f;
    a->chat_open = false;
    a->chat_scroll = 0;
    app_field_init(&a->chat, PROTO_LINE_MAX - 16);
    a->menu_open = false;
    a->menu_sel = 0;
    a->scores_held = false;
    a->entered_us = app->now_us;
    a->nviews = 0;
    a->self_ready = false;
    a->fired_tick = 0;
    a->hud_next_us = 0;
    a->last_attacker = -1;
    app_sfx_init(&a->sfx, cli_conn_chat_history(app->session->conn)->total);
    app_sfx_out_clear(&a->sfx_out);
    app->screen = APP_SCREEN_ARENA;
    SDL_StopTextInput();
}

static void open_chat(App *app)
{
    ArenaState *a = &app->arena;
    a->chat_open = true;
    a->chat_scroll = 0;
    app_field_clear(&a->chat);
    SDL_StartTextInput();
}

static void close_chat(App *app)
{
    app->arena.chat_open = false;
    app->arena.chat_scroll = 0;
    SDL_StopTextInput();
}

static void send_chat(App *app)
{
    ArenaState *a = &app->arena;
    char text[APP_FIELD_CAP + 1];
    snprintf(text, sizeof text, "%s", a->chat.text);
    close_chat(app);
    /* /quit (as the command table reads it) means leaving: do it the polite way, back to
     * the title screen. */
    char line[PROTO_LINE_MAX];
    if (cli_chat_command(text, line, sizeof line, NULL) == CLI_CMD_SEND &&
        strncmp(line, "QUIT", 4) == 0 && (line[4] == '\0' || line[4] == ' ')) {
        app_leave(app, false);
        return;
    }
    app_session_chat(app->session, text, app->now_us);
}

static void zoom_by(ArenaState *a, float factor)
{
    a->overview = false;
    a->zoom *= factor;
    if (a->zoom < APP_ZOOM_MIN)
        a->zoom = APP_ZOOM_MIN;
    if (a->zoom > APP_ZOOM_MAX)
        a->zoom = APP_ZOOM_MAX;
}

static void chat_key(App *app, const SDL_KeyboardEvent *k)
{
    ArenaState *a = &app->arena;
    switch (k->keysym.sym) {
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        send_chat(app);
        break;
    case SDLK_ESCAPE:
        close_chat(app);
        break;
    case SDLK_BACKSPACE:
        app_field_backspace(&a->chat);
        break;
    case SDLK_DELETE:
        app_field_delete(&a->chat);
        break;
    case SDLK_LEFT:
        app_field_left(&a->chat);
        break;
    case SDLK_RIGHT:
        app_field_right(&a->chat);
        break;
    case SDLK_HOME:
        app_field_home(&a->chat);
        break;
    case SDLK_END:
        app_field_end(&a->chat);
        a->chat_scroll = 0; /* back to live */
        break;
    case SDLK_PAGEUP: /* app_chat_layout clamps it to the history */
        a->chat_scroll += APP_CHAT_PAGE;
        break;
    case SDLK_PAGEDOWN:
        a->chat_scroll = a->chat_scroll > APP_CHAT_PAGE ? a->chat_scroll - APP_CHAT_PAGE : 0;
        break;
    case SDLK_v:
        if (k->keysym.mod & KMOD_CTRL) {
            char *clip = SDL_GetClipboardText();
            if (clip != NULL) {
                (void)app_field_insert(&a->chat, clip);
                SDL_free(clip);
            }
        }
        break;
    default:
        break;
    }
}

/* A pressed input (key or mouse button) that is bound to an action. */
static void press(App *app, int input)
{
    ArenaState *a = &app->arena;
    switch (app_settings_action_of(&app->settings, input)) {
    case APP_ACT_CHAT:
        open_chat(app);
        break;
    case APP_ACT_SCORES:
        a->scores_held = true;
        app_session_want_scores(app->session, app->now_us);
        break;
    case APP_ACT_NETGRAPH:
        app->netgraph = !app->netgraph;
        break;
    case APP_ACT_OVERVIEW:
        a->overview = !a->overview;
        break;
    case APP_ACT_ZOOM_IN:
        zoom_by(a, 1.15f);
        break;
    case APP_ACT_ZOOM_OUT:
        zoom_by(a, 1.0f / 1.15f);
        break;
    case APP_ACT_ZOOM_RESET:
        a->overview = false;
        a->zoom = 1.0f;
        break;
    default: /* movement and fire are held, read each frame by arena_input */
        break;
    }
}

void arena_event(App *app, const SDL_Event *ev)
{
    ArenaState *a = &app->arena;
    if (a->menu_open) {
        menu_event(app, ev);
        return;
    }
    int sc = ev->type == SDL_KEYDOWN || ev->type == SDL_KEYUP ? (int)ev->key.keysym.scancode : 0;
    switch (ev->type) {
    case SDL_TEXTINPUT:
        if (a->chat_open) {
            (void)app_field_insert(&a->chat, ev->text.text);
            a->chat_scroll = 0; /* typing is back to live */
        }
        break;
    case SDL_KEYDOWN:
        if (app_settings_is(&app->settings, APP_ACT_NETGRAPH, sc)) {
            app->netgraph = !app->netgraph;
            break;
        }
        if (a->chat_open) {
            chat_key(app, &ev->key);
            break;
        }
        if (ev->key.keysym.sym == SDLK_ESCAPE) {
            menu_open(app);
        } else if (ev->key.keysym.sym == SDLK_PAGEUP) { /* the scrollback opens the chat */
            open_chat(app);
            a->chat_scroll = APP_CHAT_PAGE;
        } else {
            press(app, sc);
        }
        break;
    case SDL_KEYUP:
        if (app_settings_is(&app->settings, APP_ACT_SCORES, sc))
            a->scores_held = false;
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (!a->chat_open)
            press(app, APP_INPUT_MOUSE + ev->button.button);
        break;
    case SDL_MOUSEWHEEL: {
        /* Mouse sensitivity scales the wheel's zoom step (aim follows the pointer itself). */
        float step = 0.1f * (float)app->settings.sensitivity / 100.0f;
        if (ev->wheel.y != 0)
            zoom_by(a, ev->wheel.y > 0 ? 1.0f + step : 1.0f / (1.0f + step));
        break;
    }
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_FOCUS_LOST)
            a->scores_held = false;
        break;
    default:
        break;
    }
}

static double auto_unit(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (double)((z ^ (z >> 31)) >> 11) * (1.0 / 9007199254740992.0);
}

/* --autoplay: hold a random direction for 0.4-1.5 s (sometimes none), sweep the aim, fire in
 * bursts: enough movement, turning and shooting to measure prediction and drawing. */
static void autoplay(App *app, SimInput *in)
{
    static const uint8_t dirs[8] = {
        SIM_BTN_UP,   SIM_BTN_UP | SIM_BTN_RIGHT,  SIM_BTN_RIGHT, SIM_BTN_DOWN | SIM_BTN_RIGHT,
        SIM_BTN_DOWN, SIM_BTN_DOWN | SIM_BTN_LEFT, SIM_BTN_LEFT,  SIM_BTN_UP | SIM_BTN_LEFT,
    };
    ArenaState *a = &app->arena;
    uint64_t now = app->now_us;
    if (a->auto_rng == 0)
        a->auto_rng = now | 1;
    if (now >= a->auto_turn_us) {
        double r = auto_unit(&a->auto_rng);
        a->auto_move = r < 0.15 ? 0 : dirs[(unsigned)(auto_unit(&a->auto_rng) * 8) % 8];
        a->auto_spin = (float)((auto_unit(&a->auto_rng) * 2.0 - 1.0) * 3.0);
        a->auto_turn_us = now + (uint64_t)((0.4 + 1.1 * auto_unit(&a->auto_rng)) * 1e6);
    }
    if (now >= a->auto_fire_us) {
        a->auto_fire_until_us = now + (uint64_t)((0.1 + 0.4 * auto_unit(&a->auto_rng)) * 1e6);
        a->auto_fire_us = now + (uint64_t)((0.5 + 1.0 * auto_unit(&a->auto_rng)) * 1e6);
    }
    a->auto_aim += a->auto_spin * (float)app->frame_dt;
    a->aim = q_aim12_from_radians(a->auto_aim);
    in->buttons = a->auto_move | (now < a->auto_fire_until_us ? SIM_BTN_FIRE : 0);
    in->aim = a->aim;
}

/* Is one of action's inputs held down now? */
static bool held(const AppSettings *s, AppAction action, const Uint8 *keys, Uint32 mouse)
{
    const int in[2] = {s->bind[action], s->bind2[action]};
    for (int i = 0; i < 2; i++) {
        if (in[i] > APP_INPUT_MOUSE && in[i] <= APP_INPUT_MOUSE + APP_INPUT_MOUSE_MAX) {
            if (mouse & SDL_BUTTON((Uint32)(in[i] - APP_INPUT_MOUSE)))
                return true;
        } else if (in[i] > 0 && in[i] < SDL_NUM_SCANCODES && keys[in[i]]) {
            return true;
        }
    }
    return false;
}

void arena_input(App *app)
{
    ArenaState *a = &app->arena;
    CliConn *c = app->session->conn;
    SimInput in = {0, a->aim};
    bool focus = (SDL_GetWindowFlags(app->gfx.win) & SDL_WINDOW_INPUT_FOCUS) != 0;
    if (app->opt.autoplay) {
        autoplay(app, &in);
    } else if (!a->chat_open && !a->menu_open && !app->setui.open && focus) {
        const Uint8 *k = SDL_GetKeyboardState(NULL);
        Uint32 mb = SDL_GetMouseState(NULL, NULL);
        const AppSettings *s = &app->settings;
        static const struct {
            AppAction act;
            uint8_t button;
        } held_buttons[] = {{APP_ACT_UP, SIM_BTN_UP},
                            {APP_ACT_DOWN, SIM_BTN_DOWN},
                            {APP_ACT_LEFT, SIM_BTN_LEFT},
                            {APP_ACT_RIGHT, SIM_BTN_RIGHT},
                            {APP_ACT_FIRE, SIM_BTN_FIRE}};
        for (unsigned i = 0; i < sizeof held_buttons / sizeof held_buttons[0]; i++)
            if (held(s, held_buttons[i].act, k, mb))
                in.buttons |= held_buttons[i].button;
        a->scores_held = held(s, APP_ACT_SCORES, k, mb);
        int mx, my;
        gfx_mouse(&app->gfx, &mx, &my);
        if (a->self_ready) {
            float px, py;
            app_camera_to_screen(&a->cam, a->self_x, a->self_y, &px, &py);
            a->aim = app_camera_aim12(px, py, (float)mx, (float)my, a->aim);
            in.aim = a->aim;
        }
    }
    cli_conn_set_input(c, &in);
}

/* Samples the world once for this frame: remote entities at the render tick, the local
 * player where prediction puts it. */
static void sample_world(App *app)
{
    ArenaState *a = &app->arena;
    CliConn *c = app->session->conn;
    CliInterp *ip = cli_conn_interp(c);
    a->render_tick = cli_interp_render_tick(ip, app->now_us);
    a->nviews = cli_interp_sample(ip, a->render_tick, a->views, PROTO_MAX_ENTITIES);
    const CliPredict *p = cli_conn_predict(c);
    a->self_ready = p->ready;
    if (p->ready) {
        double alpha = app_tick_alpha(cli_conn_clock(c), app->now_us);
        cli_predict_render(p, alpha, &a->self_x, &a->self_y);
        a->self_alive = p->player.alive;
        app_sfx_self(&a->sfx, p->player.alive, p->player.fired, p->player.cooldown, p->tick,
                     a->self_x, a->self_y, &a->sfx_out);
        /* A shot of our own: flash the muzzle at once (the shot itself comes with the
         * snapshots). */
        if (p->player.fired && p->tick != a->fired_tick && p->player.alive) {
            a->fired_tick = p->tick;
            float ang = q_aim12_to_radians(p->player.aim);
            int id = cli_conn_player_id(c);
            app_fx_muzzle(&app->session->fx, a->self_x + 16.0f * cosf(ang),
                          a->self_y + 16.0f * sinf(ang), ang,
                          app_session_player_color(app->session, id >= 0 ? (unsigned)id : 0));
        }
    }
    app_sfx_shots(&a->sfx, a->views, a->nviews, cli_conn_player_id(c), &a->sfx_out);
}

/* Hits whose time has come: a burst where the victim is drawn. */
static void show_hits(App *app)
{
    ArenaState *a = &app->arena;
    AppSession *s = app->session;
    int self = cli_conn_player_id(s->conn);
    AppPendingHit due[APP_FX_PENDING];
    unsigned n = app_fx_take_due(&s->fx, a->render_tick, due, APP_FX_PENDING);
    for (unsigned i = 0; i < n; i++) {
        float x = 0, y = 0;
        bool found = false;
        if ((int)due[i].victim == self) {
            found = a->self_ready;
            x = a->self_x;
            y = a->self_y;
            if (!due[i].legend)
                a->last_attacker = due[i].shooter;
        } else {
            for (unsigned k = 0; k < a->nviews; k++)
                if (a->views[k].id == due[i].victim && a->views[k].type == SNAP_ENT_PLAYER) {
                    x = a->views[k].x;
                    y = a->views[k].y;
                    found = true;
                    break;
                }
        }
        if (found && due[i].legend)
            app_fx_legend(&s->fx, x, y);
        else if (found)
            app_fx_hit(&s->fx, x, y, app_session_player_color(app->session, due[i].victim));
        if (due[i].legend)
            app_sfx_legend(&a->sfx_out);
        else if (found && due[i].fatal) /* hit + kill confirmation, or hurt + death */
            app_sfx_hit(self, due[i].shooter, due[i].victim, x, y, &a->sfx_out);
        else if (found)
            app_sfx_damage(self, due[i].shooter, due[i].victim, x, y, &a->sfx_out);
    }
}

/* This frame's sounds: new chat lines, then everything queued, heard from the local player
 * (or the camera's centre in whole-map view, or before the player is known). */
static void play_sounds(App *app)
{
    ArenaState *a = &app->arena;
    CliConn *c = app->session->conn;
    int self = cli_conn_player_id(c);
    const char *me = self >= 0 ? cli_conn_player_name(c, (unsigned)self) : NULL;
    app_sfx_chat(&a->sfx, cli_conn_chat_history(c), me != NULL ? me : app->name, &a->sfx_out);
    if (app->session->match_change != APP_MATCH_SAME)
        app_sfx_match(app->session->match_change == APP_MATCH_STARTED, &a->sfx_out);
    app->session->match_change = APP_MATCH_SAME;
    if (a->self_ready && !a->overview)
        app_audio_set_listener(app->audio, a->self_x, a->self_y);
    else
        app_audio_set_listener(app->audio, a->cam.x, a->cam.y);
    for (unsigned i = 0; i < a->sfx_out.n; i++) {
        const AppSfxCue *q = &a->sfx_out.c[i];
        if (q->ui)
            app_audio_play_ui(app->audio, q->cue);
        else
            app_audio_play(app->audio, q->cue, q->x, q->y);
    }
    app_sfx_out_clear(&a->sfx_out);
}

static void update_camera(App *app)
{
    ArenaState *a = &app->arena;
    const Map *m = cli_conn_map(app->session->conn);
    float mw = m != NULL ? (float)m->w * MAP_TILE_UNITS : 0.0f;
    float mh = m != NULL ? (float)m->h * MAP_TILE_UNITS : 0.0f;
    app_camera_resize(&a->cam, app->gfx.w, app->gfx.h);
    if (a->overview && m != NULL) {
        app_camera_set_zoom(&a->cam, app_camera_fit_zoom(&a->cam, mw, mh) * 0.98f);
        a->cam.x = mw / 2.0f;
        a->cam.y = mh / 2.0f;
        a->cam.placed = true;
        return;
    }
    app_camera_set_zoom(&a->cam, a->zoom);
    if (a->self_ready)
        app_camera_follow(&a->cam, a->self_x, a->self_y, app->frame_dt, mw, mh);
    else
        app_camera_clamp(&a->cam, mw, mh);
}

void arena_draw(App *app)
{
    ArenaState *a = &app->arena;
    sample_world(app);
    show_hits(app);
    app_fx_update(&app->session->fx, app->frame_dt);
    update_camera(app);
    play_sounds(app);
    app_session_arena_frame(app->session, app->now_us);
    game_view_draw(app);
    hud_draw(app);
    if (a->menu_open)
        menu_draw(app);
    int mx, my;
    gfx_mouse(&app->gfx, &mx, &my);
    bool cursor_in = (SDL_GetWindowFlags(app->gfx.win) & SDL_WINDOW_MOUSE_FOCUS) != 0;
    if (!a->menu_open && !a->chat_open && cursor_in) {
        SDL_ShowCursor(SDL_DISABLE);
        game_view_draw_crosshair(app, mx, my);
    } else {
        SDL_ShowCursor(SDL_ENABLE);
    }
}
