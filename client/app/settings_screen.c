/* settings_screen.c — see settings_screen.h: opening, closing, applying, and the events. */
#include "settings_screen.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "audio.h"
#include "cli_files.h"
#include "field_keys.h"
#include "settings_store.h"

/* The one place the settings reach the audio module (client/app/audio.h). */
static void settings_apply_audio(App *app)
{
    app_audio_set_volume(app->audio, app->settings.volume);
    app_audio_set_muted(app->audio, app->settings.mute);
}

void settings_apply(App *app)
{
    Uint32 want = app->settings.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0;
    Uint32 have = SDL_GetWindowFlags(app->gfx.win) & SDL_WINDOW_FULLSCREEN_DESKTOP;
    if (have != want) {
        if (SDL_SetWindowFullscreen(app->gfx.win, want) != 0)
            fprintf(stderr, "arena-client: cannot change to %s: %s\n",
                    want ? "full screen" : "a window", SDL_GetError());
        gfx_update_size(&app->gfx);
    }
    settings_apply_audio(app);
}

void settings_save(App *app)
{
    char err[CLI_FILES_PATH_MAX + 128];
    if (!app_settings_save(app->opt.settings, &app->settings, err, sizeof err)) {
        fprintf(stderr, "arena-client: cannot save the settings: %s\n", err);
        snprintf(app->setui.msg, sizeof app->setui.msg, "Not saved: %.150s", err);
        app->setui.msg_bad = true;
    }
}

void settings_toggle_fullscreen(App *app)
{
    app->settings.fullscreen = !app->settings.fullscreen;
    settings_apply(app);
    settings_save(app);
}

void settings_open(App *app)
{
    SettingsUi *u = &app->setui;
    u->open = true;
    u->focus = SR_NAME;
    u->capturing = false;
    u->msg[0] = '\0';
    u->msg_bad = false;
    app_field_init(&u->name, PROTO_NAME_MAX);
    app_field_set(&u->name, app->settings.name[0] ? app->settings.name : app->name);
    SDL_StartTextInput();
    SDL_ShowCursor(SDL_ENABLE);
}

void settings_close(App *app)
{
    SettingsUi *u = &app->setui;
    if (app_name_valid(u->name.text)) {
        /* valid: at most PROTO_NAME_MAX bytes */
        memcpy(app->settings.name, u->name.text, u->name.len + 1);
        if (app->session == NULL) { /* a name changes at the next join */
            memcpy(app->name, u->name.text, u->name.len + 1);
            app_field_set(&app->title.name, u->name.text);
        }
    }
    u->open = false;
    u->capturing = false;
    settings_save(app);
    if (app->screen != APP_SCREEN_TITLE)
        SDL_StopTextInput();
}

static void step(int *v, int lo, int hi, int by)
{
    *v += by;
    if (*v < lo)
        *v = hi; /* values wrap round, like the palette */
    else if (*v > hi)
        *v = lo;
}

/* Left / right (or a click on a value's half) on a row: dir -1 or +1. */
static void adjust(App *app, int row, int dir, bool big)
{
    AppSettings *s = &app->settings;
    switch (row) {
    case SR_COLOUR:
        step(&s->colour, APP_SET_COLOUR_AUTO, APP_SET_COLOUR_MAX, dir * (big ? 16 : 1));
        break;
    case SR_VOLUME:
        s->volume += dir * (big ? 25 : 5);
        break;
    case SR_SENS:
        s->sensitivity += dir * (big ? 50 : 10);
        break;
    case SR_MUTE:
        s->mute = !s->mute;
        break;
    case SR_FULLSCREEN:
        s->fullscreen = !s->fullscreen;
        break;
    default:
        return;
    }
    (void)app_settings_clamp(s);
    settings_apply(app);
}

static void activate(App *app, int row)
{
    SettingsUi *u = &app->setui;
    if (row >= SR_BIND0 && row < SR_BIND0 + APP_ACT_COUNT) {
        u->capturing = true;
        snprintf(u->msg, sizeof u->msg, "Press a key or mouse button for %s (Esc cancels)",
                 app_action_label((AppAction)(row - SR_BIND0)));
        u->msg_bad = false;
    } else if (row == SR_RESET) {
        AppSettings d;
        app_settings_default(&d);
        memcpy(app->settings.bind, d.bind, sizeof d.bind);
        memcpy(app->settings.bind2, d.bind2, sizeof d.bind2);
        snprintf(u->msg, sizeof u->msg, "Keys reset to the defaults.");
        u->msg_bad = false;
    } else if (row == SR_DONE) {
        settings_close(app);
    } else {
        adjust(app, row, +1, false);
    }
}

/* The input pressed while capturing. */
static void bind_input(App *app, int input)
{
    SettingsUi *u = &app->setui;
    AppAction act = (AppAction)(u->focus - SR_BIND0);
    u->capturing = false;
    char name[APP_INPUT_NAME_MAX];
    if (!app_input_name(input, name, sizeof name))
        snprintf(name, sizeof name, "that key");
    int other = app_settings_bind(&app->settings, act, input);
    u->msg_bad = other == APP_BIND_REFUSED;
    if (other == APP_BIND_REFUSED) {
        snprintf(u->msg, sizeof u->msg, "%s cannot be bound (Esc is the menu, F11 full screen)",
                 name);
    } else if (other >= 0) {
        char was[APP_INPUT_NAME_MAX];
        if (!app_input_name(app->settings.bind[other], was, sizeof was))
            snprintf(was, sizeof was, "nothing");
        snprintf(u->msg, sizeof u->msg, "%s: %s. It was %s's, which now has %s.",
                 app_action_label(act), name, app_action_label((AppAction)other), was);
    } else {
        snprintf(u->msg, sizeof u->msg, "%s: %s", app_action_label(act), name);
    }
}

static void key(App *app, const SDL_KeyboardEvent *k)
{
    SettingsUi *u = &app->setui;
    SDL_Keycode sym = k->keysym.sym;
    if (u->capturing) {
        if (sym == SDLK_ESCAPE) {
            u->capturing = false;
            u->msg[0] = '\0';
        } else {
            bind_input(app, (int)k->keysym.scancode);
        }
        return;
    }
    if (u->focus == SR_NAME && app_field_key(&u->name, sym, 0, false))
        return;
    bool shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    switch (sym) {
    case SDLK_ESCAPE:
        settings_close(app);
        break;
    case SDLK_UP:
        u->focus = (u->focus + SR_COUNT - 1) % SR_COUNT;
        break;
    case SDLK_DOWN:
        u->focus = (u->focus + 1) % SR_COUNT;
        break;
    case SDLK_TAB:
        u->focus = (u->focus + (shift ? SR_COUNT - 1 : 1)) % SR_COUNT;
        break;
    case SDLK_LEFT:
    case SDLK_RIGHT:
        adjust(app, u->focus, sym == SDLK_LEFT ? -1 : +1, shift);
        break;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
    case SDLK_SPACE:
        if (u->focus == SR_NAME) /* Enter leaves the name; Space is not in names */
            u->focus = sym == SDLK_SPACE ? u->focus : SR_COLOUR;
        else
            activate(app, u->focus);
        break;
    case SDLK_BACKSPACE:
    case SDLK_DELETE:
        if (u->focus >= SR_BIND0 && u->focus < SR_BIND0 + APP_ACT_COUNT) {
            app->settings.bind[u->focus - SR_BIND0] = APP_INPUT_NONE;
            snprintf(u->msg, sizeof u->msg, "%s: unbound",
                     app_action_label((AppAction)(u->focus - SR_BIND0)));
            u->msg_bad = false;
        }
        break;
    default:
        break;
    }
}

static int hit(App *app, int x, int y)
{
    SettingsLayout l;
    settings_layout(app->gfx.w, app->gfx.h, &l);
    for (int i = 0; i < SR_COUNT; i++)
        if (app_rect_contains(l.rows[i], x, y))
            return i;
    return -1;
}

static void click(App *app, int x, int y, int button)
{
    SettingsUi *u = &app->setui;
    if (u->capturing) {
        bind_input(app, APP_INPUT_MOUSE + button);
        return;
    }
    if (button != SDL_BUTTON_LEFT)
        return;
    int row = hit(app, x, y);
    if (row < 0)
        return;
    u->focus = row;
    SettingsLayout l;
    settings_layout(app->gfx.w, app->gfx.h, &l);
    AppRect v = l.value[row];
    if ((row == SR_COLOUR || row == SR_VOLUME || row == SR_SENS) && app_rect_contains(v, x, y))
        adjust(app, row, x < v.x + v.w / 2 ? -1 : +1, false);
    else if (row != SR_NAME && row != SR_COLOUR && row != SR_VOLUME && row != SR_SENS)
        activate(app, row);
}

void settings_event(App *app, const SDL_Event *ev)
{
    SettingsUi *u = &app->setui;
    int x, y;
    switch (ev->type) {
    case SDL_TEXTINPUT:
        if (u->focus == SR_NAME && !u->capturing)
            (void)app_field_insert(&u->name, ev->text.text);
        break;
    case SDL_KEYDOWN:
        key(app, &ev->key);
        break;
    case SDL_MOUSEMOTION:
        gfx_window_to_output(&app->gfx, ev->motion.x, ev->motion.y, &x, &y);
        if (!u->capturing && hit(app, x, y) >= 0)
            u->focus = hit(app, x, y);
        break;
    case SDL_MOUSEBUTTONDOWN:
        gfx_window_to_output(&app->gfx, ev->button.x, ev->button.y, &x, &y);
        click(app, x, y, ev->button.button);
        break;
    case SDL_MOUSEWHEEL:
        if (!u->capturing && ev->wheel.y != 0)
            adjust(app, u->focus, ev->wheel.y > 0 ? +1 : -1, false);
        break;
    default:
        break;
    }
}

bool settings_title_event(App *app, const SDL_Event *ev)
{
    if (ev->type == SDL_KEYDOWN && ev->key.keysym.sym == SDLK_F2) {
        settings_open(app);
        return true;
    }
    if (ev->type != SDL_MOUSEBUTTONDOWN || ev->button.button != SDL_BUTTON_LEFT)
        return false;
    int x, y;
    gfx_window_to_output(&app->gfx, ev->button.x, ev->button.y, &x, &y);
    if (!app_rect_contains(settings_title_button(app->gfx.w, app->gfx.h), x, y))
        return false;
    settings_open(app);
    return true;
}
