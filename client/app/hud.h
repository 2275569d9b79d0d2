/* hud.h — everything drawn over the arena: numbers, net graph, minimap, scoreboard, chat.
 *
 * Owns the HUD: ping, loss, snapshot rate, interpolation delay, kbit/s in and out and FPS
 * (top left, refreshed four times a second); the net graph (F3: per-snapshot size and
 * lateness over the last 3 s, lost and late snapshots in their own colours); the minimap;
 * the score line; the death notice; the controls hint; the chat overlay (fading lines, the
 * input line while typing) and the scoreboard (Tab). One of the SDL platform files. */
#ifndef ARENA_APP_HUD_H
#define ARENA_APP_HUD_H

#define APP_NETGRAPH_WINDOW_S 3.0 /* seconds of snapshots the net graph shows */

struct App;

void hud_draw(struct App *app);

#endif
