/* hud_match.h — the match's part of the HUD: health, kills and rank, the match clock (top
 * centre), the kill feed (top right) and the end screen (endscreen.c). */
#ifndef ARENA_APP_HUD_MATCH_H
#define ARENA_APP_HUD_MATCH_H

struct App;

/* Health bar, kills, rank and the clock or phase, top centre. */
void hud_match_bar(struct App *app);
/* The kill feed, top right, below the minimap when there is one (top: its first line's y). */
void hud_killfeed(struct App *app, int top);
/* The end screen while the match is over: the winner and everyone's kills, deaths and
 * accuracy (endscreen.c). */
void endscreen_draw(struct App *app);

#endif
