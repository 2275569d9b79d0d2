/* settings_screen.h — the settings screen: an overlay over the title screen or the arena.
 *
 * Owns the screen's state (which row has the focus, the name being edited, waiting for a key
 * to bind), its keyboard and mouse handling (settings_screen.c) and its layout and drawing
 * (settings_view.c), applying a changed setting at once (settings_apply: fullscreen, and the
 * one call site for the audio module's volume and mute), and saving the file when the screen
 * closes. The game keeps running behind it. One of the SDL platform files. */
#ifndef ARENA_APP_SETTINGS_SCREEN_H
#define ARENA_APP_SETTINGS_SCREEN_H

#include <SDL.h>
#include <stdbool.h>

#include "field.h"
#include "layout.h"
#include "settings.h"

struct App;

typedef enum SettingsRow {
    SR_NAME = 0,
    SR_COLOUR,
    SR_VOLUME,
    SR_MUTE,
    SR_FULLSCREEN,
    SR_SENS,
    SR_BIND0, /* SR_BIND0 + action */
    SR_RESET = SR_BIND0 + APP_ACT_COUNT,
    SR_DONE,
    SR_COUNT,
} SettingsRow;

enum {
    SETTINGS_MSG_MAX = 200,
};

typedef struct SettingsUi {
    bool open;
    int focus;      /* SettingsRow */
    bool capturing; /* waiting for the key (or mouse button) to bind to focus's action */
    AppField name;
    char msg[SETTINGS_MSG_MAX];
    bool msg_bad;
} SettingsUi;

typedef struct SettingsLayout {
    AppRect panel, title;
    AppRect rows[SR_COUNT];  /* the whole clickable row */
    AppRect value[SR_COUNT]; /* its value box (left half: less, right half: more) */
    AppRect msg, hint;
} SettingsLayout;

void settings_open(struct App *app);
/* Saves (if the file can be written) and closes. */
void settings_close(struct App *app);
void settings_event(struct App *app, const SDL_Event *ev);
void settings_draw(struct App *app);
/* Makes the current settings take effect: fullscreen and the audio volume. Called at
 * start-up and after every change. */
void settings_apply(struct App *app);
/* Writes the settings file now (a failure is said on stderr and the screen). */
void settings_save(struct App *app);
/* F11 / Alt+Enter: flips fullscreen and saves. */
void settings_toggle_fullscreen(struct App *app);
/* The title screen's way in: a Settings button in its corner (title.c calls both). */
bool settings_title_event(struct App *app, const SDL_Event *ev);
void settings_title_draw(struct App *app);
/* Layout (settings_view.c). */
void settings_layout(int w, int h, SettingsLayout *l);
AppRect settings_title_button(int w, int h);

#endif
