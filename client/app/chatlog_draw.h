/* chatlog_draw.h — drawing the chat overlay's history: wrapped lines (chatlog.h's layout,
 * measured with the chat font) and the "more below" marker of the scrollback. One of the SDL
 * platform files; the rules are chatlog.h's. */
#ifndef ARENA_APP_CHATLOG_DRAW_H
#define ARENA_APP_CHATLOG_DRAW_H

struct App;

/* Draws the visible history in the column x .. x + width, its last row ending at bottom
 * (rows lh pixels apart), with the scrollback of app->arena.chat_scroll. */
void app_chat_draw_history(struct App *app, int x, int width, int bottom, int lh);

#endif
