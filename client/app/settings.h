/* settings.h — the player's settings: what they are, their defaults, limits and key bindings.
 *
 * Owns AppSettings (name, colour, volume and mute, fullscreen, mouse sensitivity, the key
 * bindings), its defaults, clamping, and the binding rules (one input per action: binding an
 * input already used by another action gives that action this one's old input). Pure: no SDL,
 * no files. The file format is settings_file.c's (docs/client.md, "Settings file"); the screen
 * is settings_screen.c's. Inputs are SDL scancodes (USB HID usage numbers, stable across SDL
 * versions) or mouse buttons (APP_INPUT_MOUSE + button), named by settings_keys.c. */
#ifndef ARENA_APP_SETTINGS_H
#define ARENA_APP_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "protocol.h"

enum {
    APP_SET_VOLUME_MAX = 100,
    APP_SET_VOLUME_DEFAULT = 80,
    APP_SET_SENS_MIN = 10, /* mouse sensitivity, percent */
    APP_SET_SENS_MAX = 400,
    APP_SET_SENS_DEFAULT = 100,
    APP_SET_COLOUR_AUTO = -1, /* no colour asked for: the server picks */
    APP_SET_COLOUR_MAX = 255, /* palette index */
    APP_INPUT_NONE = 0,       /* an unbound action */
    APP_INPUT_SCANCODE_MAX = 511,
    APP_INPUT_MOUSE = 1000, /* APP_INPUT_MOUSE + 1 = left button, + 2 middle, + 3 right ... */
    APP_INPUT_MOUSE_MAX = 8,
    APP_INPUT_NAME_MAX = 24,
    APP_BIND_REFUSED = -2,
};

typedef enum AppAction {
    APP_ACT_UP = 0,
    APP_ACT_DOWN,
    APP_ACT_LEFT,
    APP_ACT_RIGHT,
    APP_ACT_FIRE,
    APP_ACT_CHAT,
    APP_ACT_SCORES,
    APP_ACT_NETGRAPH,
    APP_ACT_ZOOM_IN,
    APP_ACT_ZOOM_OUT,
    APP_ACT_ZOOM_RESET,
    APP_ACT_OVERVIEW,
    APP_ACT_COUNT,
} AppAction;

typedef struct AppSettings {
    char name[PROTO_NAME_MAX + 1]; /* "" = the default ($USER) */
    int colour;                    /* palette index 0..255, or APP_SET_COLOUR_AUTO */
    int volume;                    /* 0..100 */
    bool mute;
    bool fullscreen;
    int sensitivity;          /* percent, APP_SET_SENS_MIN..MAX */
    int bind[APP_ACT_COUNT];  /* primary input per action (APP_INPUT_NONE = unbound) */
    int bind2[APP_ACT_COUNT]; /* fixed second input (arrows, keypad): not rebindable */
} AppSettings;

void app_settings_default(AppSettings *s);
/* Brings every value into its range (volume 0..100, sensitivity, colour, bindings valid);
 * returns how many values it had to change. */
unsigned app_settings_clamp(AppSettings *s);
/* Binds input to action. An input already bound to another action moves: that action gets
 * action's previous input (a swap, so no action is left unbound by accident); a fixed second
 * input equal to it is dropped. Returns the other action that changed, -1 when none did, or
 * APP_BIND_REFUSED for an invalid or reserved input (Esc: the menu, F11: fullscreen). */
int app_settings_bind(AppSettings *s, AppAction action, int input);
/* The action input triggers (primary or fixed second binding), or -1. */
int app_settings_action_of(const AppSettings *s, int input);
/* True if input is this action's primary or second input. */
bool app_settings_is(const AppSettings *s, AppAction action, int input);
/* The settings file's name of an action ("move_up"), and back (-1 if unknown). */
const char *app_action_key(AppAction a);
/* What the screen calls it ("Move up"). */
const char *app_action_label(AppAction a);
int app_action_from_key(const char *key);

/* Input names (settings_keys.c): "W", "Up", "F3", "Mouse1"; false if the input is not one
 * we name. */
bool app_input_name(int input, char *out, size_t cap);
/* The input for a name (case-insensitive), or APP_INPUT_NONE. */
int app_input_from_name(const char *name);
bool app_input_valid(int input);
/* Inputs no action may take: Escape (menu) and F11 (fullscreen). */
bool app_input_reserved(int input);
/* The in-game key hint from the bindings ("WASD move   mouse aim   left button fire   Enter
 * chat   Tab scores   F3 network   Esc menu" with the defaults); its length, 0 if it does not
 * fit. */
size_t app_settings_hint(const AppSettings *s, char *out, size_t cap);

#endif
