/* game_view.h — drawing the arena world: map, players, shots, effects, crosshair.
 *
 * Owns how the world looks: the tile map (floor, a subtle grid, spawn points, walls with lit
 * and shaded edges), players as circles in their palette colour with a facing line and a name
 * label (the local player ringed in white, dead players faded), shots as bright streaks, hit
 * bursts and muzzle flashes, and the aiming crosshair. Everything is culled to the camera's
 * view. Reads the frame's sampled world from ArenaState; never touches the connection. One
 * of the SDL platform files. */
#ifndef ARENA_APP_GAME_VIEW_H
#define ARENA_APP_GAME_VIEW_H

struct App;

/* Draws the world for this frame (camera and world already updated by arena.c). */
void game_view_draw(struct App *app);
/* The crosshair at the mouse position (drawn last, above the HUD). */
void game_view_draw_crosshair(struct App *app, int mx, int my);

#endif
