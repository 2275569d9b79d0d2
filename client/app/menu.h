/* menu.h — the in-game menu (Esc): Resume, Settings, Disconnect, Quit, and the controls.
 *
 * Owns the menu's keyboard and mouse handling and drawing; the game keeps running behind it
 * (a network game does not pause). Disconnect leaves politely and returns to the title
 * screen; Quit leaves politely and exits. One of the SDL platform files. */
#ifndef ARENA_APP_MENU_H
#define ARENA_APP_MENU_H

#include <SDL.h>

struct App;

void menu_open(struct App *app);
void menu_event(struct App *app, const SDL_Event *ev);
void menu_draw(struct App *app);

#endif
