/* palette.h — every colour arena-client draws with: the player palette and the UI roles.
 *
 * Owns the fixed player palette (a player's colour is chosen by its id alone, so everyone
 * sees the same colour for the same player), the map and HUD colours, and small colour
 * arithmetic. Pure: no SDL, no state. The integration test (tests/integration/
 * client_screenshot.sh) looks for the floor, wall and player colours in a screenshot: keep it
 * in step when changing them. */
#ifndef ARENA_APP_PALETTE_H
#define ARENA_APP_PALETTE_H

#include <stdint.h>
#include <stdio.h>

typedef struct AppColor {
    uint8_t r, g, b, a;
} AppColor;

enum {
    APP_PALETTE_SIZE = 16,    /* the named player colours (the first ones given out) */
    APP_PLAYER_COLOURS = 256, /* all player colours: the named ones, then generated hues */
};

typedef enum AppColorRole {
    APP_COL_BACKGROUND = 0, /* outside the map, title screen */
    APP_COL_FLOOR,          /* walkable tiles */
    APP_COL_GRID,           /* subtle tile grid on the floor */
    APP_COL_SPAWN,          /* spawn point marker */
    APP_COL_WALL,           /* wall tiles (top face) */
    APP_COL_WALL_EDGE,      /* lit edge of a wall next to floor */
    APP_COL_WALL_SHADE,     /* shadowed edge of a wall */
    APP_COL_TEXT,           /* normal text */
    APP_COL_TEXT_DIM,       /* secondary text */
    APP_COL_ACCENT,         /* focus, the local player's label */
    APP_COL_PANEL,          /* translucent panel background */
    APP_COL_PANEL_EDGE,     /* panel border */
    APP_COL_GOOD,           /* ok values, net graph normal bars */
    APP_COL_FULL,           /* net graph: full (non-delta) snapshot */
    APP_COL_WARN,           /* late snapshots, middling values */
    APP_COL_BAD,            /* lost snapshots, errors */
    APP_COL_SELF_RING,      /* ring around the local player */
    APP_COL_CHAT_SAY,       /* chat colours by kind */
    APP_COL_CHAT_ACTION,
    APP_COL_CHAT_WHISPER,
    APP_COL_CHAT_JOIN,
    APP_COL_CHAT_LEAVE,
    APP_COL_CHAT_HIT,
    APP_COL_CHAT_NOTICE,
    APP_COL_CHAT_ERROR,
    APP_COL_CHAT_LOCAL,
    APP_COL_COUNT,
} AppColorRole;

AppColor app_color(AppColorRole role);
/* Player colour number id % APP_PLAYER_COLOURS (opaque): 0..15 the named set, then hues
 * around the circle by the golden angle at three lightness levels, never the map's grey
 * blues. The one palette function everything that draws a player uses. */
AppColor app_player_color(unsigned id);
/* Linear mix: t = 0 gives a, t = 1 gives b (t is clamped); alpha is mixed too. */
AppColor app_color_mix(AppColor a, AppColor b, float t);
/* c with its alpha multiplied by f (clamped to 0..1). */
AppColor app_color_fade(AppColor c, float f);
/* Squared RGB distance (0 .. 3 * 255^2), alpha ignored. */
unsigned app_color_dist2(AppColor a, AppColor b);
/* The colours a screenshot test looks for, one per line, "ROLE R G B" for the map's roles
 * (floor, wall), the warnings' "bad" red (the HUD's CONNECTION PROBLEM) and "player ID R G B" for
 * each palette entry (arena-client --print-palette):
 * tests read the palette from its owner instead of copying it. */
void app_palette_print(FILE *out);

#endif
