/* chatlog.h — which chat lines the arena overlay shows, and how faded.
 *
 * Owns the overlay's rules: while playing, the newest lines show for APP_CHAT_SHOW_S seconds
 * and then fade out over APP_CHAT_FADE_S; with the chat input open the recent history shows
 * at full strength. Each kind of line (chat, action, whisper, join, leave, hit, notice, error,
 * the client's own notes) has its own colour. Pure: no SDL, no clock. */
#ifndef ARENA_APP_CHATLOG_H
#define ARENA_APP_CHATLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "cli_chat.h"
#include "palette.h"

#define APP_CHAT_SHOW_S 8.0 /* seconds a line stays at full strength */
#define APP_CHAT_FADE_S 2.0 /* then fades out over this long */

enum {
    APP_CHAT_LINES_IDLE = 6,  /* lines shown while playing */
    APP_CHAT_LINES_OPEN = 14, /* lines shown while typing */
};

/* Opacity 0..1 of a line that arrived at line_us, at now_us. */
float app_chat_alpha(uint64_t line_us, uint64_t now_us, bool open);
/* History indices (for cli_chat_get) of the lines to draw, oldest first; with open == false
 * only lines that are not fully faded. Returns how many (<= cap). */
unsigned app_chat_visible(const CliChat *chat, uint64_t now_us, bool open, unsigned *idx,
                          unsigned cap);
/* Colour role of a history entry's kind. */
AppColorRole app_chat_color(uint8_t kind);

#endif
