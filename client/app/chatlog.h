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
    APP_CHAT_PAGE = 7,        /* entries one Page Up / Page Down scrolls */
};

/* Opacity 0..1 of a line that arrived at line_us, at now_us. */
float app_chat_alpha(uint64_t line_us, uint64_t now_us, bool open);
/* History indices (for cli_chat_get) of the lines to draw, oldest first; with open == false
 * only lines that are not fully faded. Returns how many (<= cap). */
unsigned app_chat_visible(const CliChat *chat, uint64_t now_us, bool open, unsigned *idx,
                          unsigned cap);
/* Colour role of a history entry's kind. */
AppColorRole app_chat_color(uint8_t kind);

/* ---- wrapping and scrollback ----------------------------------------------------------- */

/* Width in pixels of the first len bytes of s (whole UTF-8 characters), as drawn. */
typedef int (*AppChatMeasure)(void *ctx, const char *s, size_t len);

typedef struct AppChatSpan {
    uint16_t start; /* byte offset in the line */
    uint16_t len;   /* bytes; never splits a UTF-8 character */
} AppChatSpan;

/* Cuts s into display lines at most max_w pixels wide: greedily, breaking after the last
 * space that fits (the space itself is dropped), a word longer than a whole line hard-broken
 * between characters (at least one character a line, so it always ends). Returns the number
 * of spans written (<= cap; the rest of s is left out when cap is reached); 0 for "". */
unsigned app_chat_wrap(const char *s, int max_w, AppChatMeasure m, void *ctx, AppChatSpan *out,
                       unsigned cap);

typedef struct AppChatRow {
    unsigned entry;   /* history index (cli_chat_get) */
    AppChatSpan span; /* the part of the entry's formatted line (cli_chat_format) */
} AppChatRow;

/* The display rows of the chat overlay, oldest first, at most rows_max: the visible entries
 * (app_chat_visible's rules), wrapped to max_w, newest at the bottom. scroll entries back
 * from the newest (the scrollback; 0 = live, clamped to what the history holds, written back
 * through *scroll). *more_below: newer entries are hidden below (scroll > 0). */
unsigned app_chat_layout(const CliChat *chat, uint64_t now_us, bool open, unsigned *scroll,
                         int max_w, AppChatMeasure m, void *ctx, AppChatRow *rows,
                         unsigned rows_max, bool *more_below);

#endif
