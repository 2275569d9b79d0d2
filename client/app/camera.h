/* camera.h — where the arena view looks and how big the world is drawn.
 *
 * Owns the mapping between world units (x east, y south; a tile is MAP_TILE_UNITS) and window
 * pixels: a centre point, a scale in pixels per world unit chosen so that a sensible part of
 * the arena is visible whatever the window size, a user zoom, and a smooth follow of the local
 * player that never shows much beyond the map's edge. Pure maths: no SDL, no clock (callers
 * pass elapsed seconds). */
#ifndef ARENA_APP_CAMERA_H
#define ARENA_APP_CAMERA_H

#include <stdbool.h>
#include <stdint.h>

/* At zoom 1 at least this much of the world is visible (world units): 36 x 20 tiles, a bit
 * more than a shot's range (about 540 units) in every direction from the centre. */
#define APP_VIEW_UNITS_W 1152.0f
#define APP_VIEW_UNITS_H 640.0f
#define APP_ZOOM_MIN     0.25f
#define APP_ZOOM_MAX     3.0f
/* Follow time constant, seconds: the camera closes 1 - 1/e of the distance in this time. */
#define APP_CAMERA_FOLLOW_S 0.12
/* Fraction of the half view that may lie beyond the map's edge. */
#define APP_CAMERA_EDGE 0.35f
/* A target farther than this (world units) is jumped to rather than followed (respawn). */
#define APP_CAMERA_JUMP_UNITS 700.0f

typedef struct AppCamera {
    float x, y;         /* world point at the centre of the view */
    float scale;        /* pixels per world unit (base scale x zoom) */
    float zoom;         /* user zoom, 1 = default */
    int view_w, view_h; /* pixels */
    bool placed;        /* has a position (the first follow jumps) */
} AppCamera;

void app_camera_init(AppCamera *c, int view_w, int view_h);
/* Pixels per world unit at zoom 1 for a view of w x h pixels. */
float app_camera_base_scale(int view_w, int view_h);
void app_camera_resize(AppCamera *c, int view_w, int view_h);
/* Sets the zoom (clamped to APP_ZOOM_MIN..APP_ZOOM_MAX) and the scale. */
void app_camera_set_zoom(AppCamera *c, float zoom);
/* The zoom at which a map of map_w x map_h world units just fits the view. */
float app_camera_fit_zoom(const AppCamera *c, float map_w, float map_h);
/* Moves towards (tx, ty) with exponential smoothing over dt_s seconds (jumps when not placed
 * yet or when far away), then keeps the view on the map: at most APP_CAMERA_EDGE of the half
 * view beyond an edge (a map smaller than the view is centred). */
void app_camera_follow(AppCamera *c, float tx, float ty, double dt_s, float map_w, float map_h);
/* Keeps the view on the map (as above) without moving towards anything. */
void app_camera_clamp(AppCamera *c, float map_w, float map_h);
void app_camera_to_screen(const AppCamera *c, float wx, float wy, float *sx, float *sy);
void app_camera_to_world(const AppCamera *c, float sx, float sy, float *wx, float *wy);
/* The 12-bit aim (0 = east, 1024 = south) from a player drawn at screen (px, py) towards the
 * cursor at (mx, my); `fallback` when the cursor is on the player. */
uint16_t app_camera_aim12(float px, float py, float mx, float my, uint16_t fallback);
/* The world rectangle the view shows. */
void app_camera_visible(const AppCamera *c, float *x0, float *y0, float *x1, float *y1);

#endif
