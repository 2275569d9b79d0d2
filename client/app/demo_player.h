/* demo_player.h — arena-client --demo FILE: the demo player's window.
 *
 * Owns the player's loop and what it draws: the map, the players and shots interpolated
 * between the demo's frames (demo_play.h, the live client's interpolation), names, chat and
 * events as in a game, the scoreboard (click a name to follow), the timeline (click to seek)
 * and the playback line (time, speed, pause, who is followed). Keys: demo_ctl.h and
 * docs/client.md. One of the SDL platform files. */
#ifndef ARENA_APP_DEMO_PLAYER_H
#define ARENA_APP_DEMO_PLAYER_H

struct App;

/* Plays app->opt.demo until Esc, the window closes or --quit-after; the exit status (1 if the
 * file cannot be played, with the reason on stderr). */
int demo_player_run(struct App *app);

#endif
