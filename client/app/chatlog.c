/* chatlog.c — see chatlog.h. */
#include "chatlog.h"

float app_chat_alpha(uint64_t line_us, uint64_t now_us, bool open)
{
    if (open)
        return 1.0f;
    double age = now_us > line_us ? (double)(now_us - line_us) / 1e6 : 0.0;
    if (age <= APP_CHAT_SHOW_S)
        return 1.0f;
    double t = (age - APP_CHAT_SHOW_S) / APP_CHAT_FADE_S;
    return t >= 1.0 ? 0.0f : (float)(1.0 - t);
}

unsigned app_chat_visible(const CliChat *chat, uint64_t now_us, bool open, unsigned *idx,
                          unsigned cap)
{
    unsigned want = open ? APP_CHAT_LINES_OPEN : APP_CHAT_LINES_IDLE;
    if (want > cap)
        want = cap;
    unsigned total = cli_chat_count(chat);
    /* Walk back from the newest, then reverse into oldest-first order. */
    unsigned n = 0;
    for (unsigned i = total; i > 0 && n < want; i--) {
        const CliChatEntry *e = cli_chat_get(chat, i - 1);
        if (e == NULL)
            break;
        if (!open && app_chat_alpha(e->time_us, now_us, false) <= 0.0f)
            break; /* older lines are even more faded */
        if (e->kind == CLI_CHAT_HIT)
            continue; /* hits and kills are the kill feed's (killfeed.h), not chat */
        idx[n++] = i - 1;
    }
    for (unsigned a = 0, b = n; a + 1 < b; a++, b--) {
        unsigned t = idx[a];
        idx[a] = idx[b - 1];
        idx[b - 1] = t;
    }
    return n;
}

AppColorRole app_chat_color(uint8_t kind)
{
    switch (kind) {
    case CLI_CHAT_SAY:
        return APP_COL_CHAT_SAY;
    case CLI_CHAT_ACTION:
        return APP_COL_CHAT_ACTION;
    case CLI_CHAT_WHISPER:
        return APP_COL_CHAT_WHISPER;
    case CLI_CHAT_JOIN:
        return APP_COL_CHAT_JOIN;
    case CLI_CHAT_LEAVE:
        return APP_COL_CHAT_LEAVE;
    case CLI_CHAT_HIT:
        return APP_COL_CHAT_HIT;
    case CLI_CHAT_NOTICE:
        return APP_COL_CHAT_NOTICE;
    case CLI_CHAT_ERROR:
        return APP_COL_CHAT_ERROR;
    case CLI_CHAT_LOCAL:
        return APP_COL_CHAT_LOCAL;
    default:
        return APP_COL_TEXT;
    }
}
