/* cli_chat.c — see cli_chat.h. Pure string handling over fixed buffers; every copy is bounded
 * and every field of a server line is checked before it is stored. */
#include "cli_chat.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "line.h"

void cli_chat_init(CliChat *c)
{
    memset(c, 0, sizeof *c);
}

/* Copies the next space-delimited word of *p (1..maxlen bytes) into dst and moves *p past it
 * and one following space. False if the word is empty or too long. */
static bool take_word(const char **p, char *dst, size_t maxlen)
{
    const char *s = *p;
    size_t n = strcspn(s, " ");
    if (n == 0 || n > maxlen)
        return false;
    memcpy(dst, s, n);
    dst[n] = '\0';
    s += n;
    if (*s == ' ')
        s++;
    *p = s;
    return true;
}

/* The rest of the line as text: non-empty, at most PROTO_LINE_MAX bytes. */
static bool take_text(const char *s, char *dst)
{
    size_t n = strlen(s);
    if (n == 0 || n > PROTO_LINE_MAX)
        return false;
    memcpy(dst, s, n + 1);
    return true;
}

static bool take_id(const char **p, int *id)
{
    char word[8];
    if (!take_word(p, word, 4))
        return false;
    int v = 0;
    for (const char *d = word; *d != '\0'; d++) {
        if (*d < '0' || *d > '9')
            return false;
        v = v * 10 + (*d - '0');
    }
    if (v >= PROTO_MAX_PLAYERS || (word[0] == '0' && word[1] != '\0'))
        return false;
    *id = v;
    return true;
}

static bool parse_fields(const char *cmd, const char *rest, CliChatEntry *e)
{
    const char *p = rest;
    if (strcmp(cmd, "CHAT") == 0 || strcmp(cmd, "ACTION") == 0) {
        e->kind = cmd[0] == 'C' ? CLI_CHAT_SAY : CLI_CHAT_ACTION;
        return take_word(&p, e->name, PROTO_NAME_MAX) && take_text(p, e->text);
    }
    if (strcmp(cmd, "WHISPER") == 0) {
        e->kind = CLI_CHAT_WHISPER;
        return take_word(&p, e->name, PROTO_NAME_MAX) && take_word(&p, e->other, PROTO_NAME_MAX) &&
               take_text(p, e->text);
    }
    if (strcmp(cmd, "JOIN") == 0) {
        e->kind = CLI_CHAT_JOIN;
        return take_id(&p, &e->id) && take_word(&p, e->name, PROTO_NAME_MAX) && *p == '\0';
    }
    if (strcmp(cmd, "LEAVE") == 0) {
        e->kind = CLI_CHAT_LEAVE;
        return take_id(&p, &e->id) && take_word(&p, e->name, PROTO_NAME_MAX) &&
               take_word(&p, e->word, CLI_CHAT_WORD_MAX) && *p == '\0';
    }
    if (strcmp(cmd, "HIT") == 0) {
        e->kind = CLI_CHAT_HIT;
        return take_word(&p, e->name, PROTO_NAME_MAX) && take_word(&p, e->other, PROTO_NAME_MAX) &&
               *p == '\0';
    }
    if (strcmp(cmd, "NOTICE") == 0) {
        e->kind = CLI_CHAT_NOTICE;
        return take_text(p, e->text);
    }
    /* The hall of fame (the answer to /fame); WHO, HELP and PONG answers are the
     * application's to present (they come with their own structure). */
    if (strcmp(cmd, "FAME") == 0) {
        e->kind = CLI_CHAT_INFO;
        snprintf(e->word, sizeof e->word, "%s", cmd);
        return take_text(p, e->text);
    }
    if (strcmp(cmd, "ERR") == 0) {
        e->kind = CLI_CHAT_ERROR;
        if (!take_word(&p, e->word, CLI_CHAT_WORD_MAX))
            return false;
        if (*p != '\0')
            (void)take_text(p, e->text);
        return true;
    }
    return false;
}

bool cli_chat_parse(const char *line, uint64_t time_us, CliChatEntry *out)
{
    memset(out, 0, sizeof *out);
    out->id = -1;
    size_t len = strlen(line);
    if (len == 0 || len > PROTO_LINE_MAX || !line_text_valid((const uint8_t *)line, len))
        goto reject;
    char cmd[8];
    const char *rest = line;
    if (!take_word(&rest, cmd, sizeof cmd - 1))
        goto reject;
    if (!parse_fields(cmd, rest, out))
        goto reject;
    out->time_us = time_us;
    return true;
reject:
    memset(out, 0, sizeof *out);
    out->id = -1;
    return false;
}

static CliChatEntry *push_slot(CliChat *c)
{
    CliChatEntry *e = &c->entries[c->head];
    c->head = (c->head + 1) % CLI_CHAT_HISTORY;
    if (c->count < CLI_CHAT_HISTORY)
        c->count++;
    c->total++;
    return e;
}

const CliChatEntry *cli_chat_add_line(CliChat *c, const char *line, uint64_t time_us)
{
    CliChatEntry e;
    if (!cli_chat_parse(line, time_us, &e))
        return NULL;
    CliChatEntry *slot = push_slot(c);
    *slot = e;
    return slot;
}

void cli_chat_add_local(CliChat *c, const char *text, uint64_t time_us)
{
    CliChatEntry *e = push_slot(c);
    memset(e, 0, sizeof *e);
    e->kind = CLI_CHAT_LOCAL;
    e->id = -1;
    e->time_us = time_us;
    snprintf(e->text, sizeof e->text, "%s", text);
}

unsigned cli_chat_count(const CliChat *c)
{
    return c->count;
}

const CliChatEntry *cli_chat_get(const CliChat *c, unsigned i)
{
    if (i >= c->count)
        return NULL;
    unsigned first = (c->head + CLI_CHAT_HISTORY - c->count) % CLI_CHAT_HISTORY;
    return &c->entries[(first + i) % CLI_CHAT_HISTORY];
}

size_t cli_chat_format(const CliChatEntry *e, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    int n = 0;
    switch (e->kind) {
    case CLI_CHAT_SAY:
        n = snprintf(out, cap, "<%s> %s", e->name, e->text);
        break;
    case CLI_CHAT_ACTION:
        n = snprintf(out, cap, "* %s %s", e->name, e->text);
        break;
    case CLI_CHAT_WHISPER:
        n = snprintf(out, cap, "[%s -> %s] %s", e->name, e->other, e->text);
        break;
    case CLI_CHAT_JOIN:
        n = snprintf(out, cap, "%s joined", e->name);
        break;
    case CLI_CHAT_LEAVE:
        n = snprintf(out, cap, "%s left (%s)", e->name, e->word);
        break;
    case CLI_CHAT_HIT:
        n = snprintf(out, cap, "%s hit %s", e->name, e->other);
        break;
    case CLI_CHAT_NOTICE:
        n = snprintf(out, cap, "! %s", e->text);
        break;
    case CLI_CHAT_ERROR:
        n = snprintf(out, cap, "error (%s): %s", e->word, e->text);
        break;
    case CLI_CHAT_LOCAL:
        n = snprintf(out, cap, "%s", e->text);
        break;
    case CLI_CHAT_INFO:
        if (strncmp(e->text, "END ", 4) == 0)
            n = snprintf(out, cap, "hall of fame: %s in all", e->text + 4);
        else
            n = snprintf(out, cap, "hall of fame #%s", e->text);
        break;
    default:
        out[0] = '\0';
        break;
    }
    if (n < 0) {
        out[0] = '\0';
        return 0;
    }
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

/* ---- typed commands --------------------------------------------------------------------- */

static const char *skip_spaces(const char *s)
{
    while (*s == ' ')
        s++;
    return s;
}

/* Writes "VERB text" (or "VERB" when text is empty and allowed). */
static CliChatCmd emit(char *out, size_t cap, const char *verb, const char *text,
                       bool text_required, bool chat_limit)
{
    size_t n = strlen(text);
    if (text_required && n == 0)
        return CLI_CMD_USAGE;
    if (chat_limit && n > PROTO_CHAT_MAX)
        return CLI_CMD_TOO_LONG;
    int k = n > 0 ? snprintf(out, cap, "%s %s", verb, text) : snprintf(out, cap, "%s", verb);
    /* The server reads at most PROTO_LINE_MAX bytes including "\n". */
    if (k < 0 || (size_t)k >= cap || (size_t)k + 1 > PROTO_LINE_MAX)
        return CLI_CMD_TOO_LONG;
    return CLI_CMD_SEND;
}

/* What a command takes after its word. */
typedef enum CmdArgs {
    ARGS_NONE = 0,  /* nothing (anything typed after the word is ignored) */
    ARGS_TEXT,      /* chat text, required, at most PROTO_CHAT_MAX bytes */
    ARGS_OPT_TEXT,  /* optional text, passed on as typed */
    ARGS_NAME_TEXT, /* a player name, then chat text */
} CmdArgs;

/* The client's slash commands: one row each drives dispatch, the argument check and the
 * usage text (cli_chat_usage). */
typedef struct ChatCommand {
    const char *words[3]; /* the first is the one shown; the others are aliases */
    const char *verb;     /* the protocol line's verb (docs/protocol.md §5) */
    CmdArgs args;
    bool chat;         /* a chat line (flood control, CliStats.chat_sent) */
    const char *usage; /* after the word, "" for none */
    bool hint;         /* in the short hint (cli_chat_hint) the HUD and the menu show */
    const char *what;  /* one line for /help (cli_chat_help_line) */
} ChatCommand;

static const ChatCommand commands[] = {
    {{"me"}, "ME", ARGS_TEXT, true, " TEXT", true, "an action: \"* you TEXT\""},
    {{"w", "whisper", "msg"},
     "WHISPER",
     ARGS_NAME_TEXT,
     true,
     " NAME TEXT",
     true,
     "a private message to NAME"},
    {{"who"}, "WHO", ARGS_NONE, false, "", true, "who is online, with score and ping"},
    {{"fame"}, "FAME", ARGS_NONE, false, "", false, "the server's hall of fame"},
    {{"help"}, "HELP", ARGS_NONE, false, "", true, "this list"},
    {{"ping"}, "PING", ARGS_OPT_TEXT, false, " [TEXT]", false, "measure the round trip"},
    {{"quit"},
     "QUIT",
     ARGS_OPT_TEXT,
     false,
     " [REASON]",
     false,
     "leave the server (back to the title screen)"},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

/* The command named by the word after '/' in s ("/w bob hi"); *rest is what follows it. */
static const ChatCommand *find_command(const char *s, const char **rest)
{
    const char *p = s + 1;
    size_t wn = strcspn(p, " ");
    *rest = skip_spaces(p + wn);
    for (unsigned i = 0; i < N_COMMANDS; i++)
        for (unsigned k = 0; k < 3 && commands[i].words[k] != NULL; k++)
            if (strlen(commands[i].words[k]) == wn && strncasecmp(p, commands[i].words[k], wn) == 0)
                return &commands[i];
    return NULL;
}

/* "WHISPER name text" from "name text". */
static CliChatCmd emit_whisper(char *out, size_t cap, const char *rest)
{
    size_t nn = strcspn(rest, " ");
    const char *text = skip_spaces(rest + nn);
    if (nn == 0 || nn > PROTO_NAME_MAX || *text == '\0')
        return CLI_CMD_USAGE;
    if (strlen(text) > PROTO_CHAT_MAX)
        return CLI_CMD_TOO_LONG;
    int k = snprintf(out, cap, "WHISPER %.*s %s", (int)nn, rest, text);
    return (k < 0 || (size_t)k >= cap || (size_t)k + 1 > PROTO_LINE_MAX) ? CLI_CMD_TOO_LONG
                                                                         : CLI_CMD_SEND;
}

static CliChatCmd run_command(const ChatCommand *c, const char *rest, char *out, size_t cap)
{
    switch (c->args) {
    case ARGS_NONE:
        return emit(out, cap, c->verb, "", false, false);
    case ARGS_TEXT:
        return emit(out, cap, c->verb, rest, true, true);
    case ARGS_OPT_TEXT:
        return emit(out, cap, c->verb, rest, false, false);
    case ARGS_NAME_TEXT:
        return emit_whisper(out, cap, rest);
    }
    return CLI_CMD_UNKNOWN;
}

CliChatCmd cli_chat_command(const char *typed, char *out, size_t cap, bool *is_chat)
{
    bool chat = false;
    CliChatCmd r;
    if (is_chat != NULL)
        *is_chat = false;
    if (cap > 0)
        out[0] = '\0';
    size_t len = strlen(typed);
    if (!line_text_safe((const uint8_t *)typed, len))
        return CLI_CMD_INVALID; /* the server would refuse it too (ERR args) */
    const char *s = skip_spaces(typed);
    if (*s == '\0')
        return CLI_CMD_NONE;
    if (s[0] != '/' || s[1] == '/') {
        chat = true;
        r = emit(out, cap, "SAY", s[0] == '/' ? s + 1 : s, true, true);
    } else {
        const char *rest = NULL;
        const ChatCommand *c = find_command(s, &rest);
        if (c == NULL)
            return CLI_CMD_UNKNOWN;
        chat = c->chat;
        r = run_command(c, rest, out, cap);
    }
    if (r != CLI_CMD_SEND && cap > 0)
        out[0] = '\0';
    if (r == CLI_CMD_SEND && is_chat != NULL)
        *is_chat = chat;
    return r;
}

/* Appends printf-style text at *n, keeping out terminated; stops quietly when full. */
static void append(char *out, size_t cap, size_t *n, const char *fmt, const char *a, const char *b)
{
    if (*n >= cap)
        return;
    int k = snprintf(out + *n, cap - *n, fmt, a, b);
    if (k > 0)
        *n = *n + (size_t)k < cap ? *n + (size_t)k : cap - 1;
}

size_t cli_chat_usage(const char *typed, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    out[0] = '\0';
    size_t n = 0;
    const char *s = typed != NULL ? skip_spaces(typed) : "";
    const char *rest = NULL;
    const ChatCommand *c = s[0] == '/' && s[1] != '/' ? find_command(s, &rest) : NULL;
    if (c != NULL) {
        append(out, cap, &n, "usage: /%s%s", c->words[0], c->usage);
        for (unsigned k = 1; k < 3 && c->words[k] != NULL; k++)
            append(out, cap, &n, k == 1 ? " (also /%s%s" : ", /%s%s", c->words[k], "");
        if (c->words[1] != NULL)
            append(out, cap, &n, ")%s%s", "", "");
        return n;
    }
    append(out, cap, &n, "commands:%s%s", "", "");
    for (unsigned i = 0; i < N_COMMANDS; i++)
        append(out, cap, &n, i == 0 ? " /%s%s" : ", /%s%s", commands[i].words[0],
               commands[i].usage);
    append(out, cap, &n, "; //TEXT says /TEXT%s%s", "", "");
    return n;
}

size_t cli_chat_hint(const char *sep, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    out[0] = '\0';
    size_t n = 0;
    const char *before = "";
    for (unsigned i = 0; i < N_COMMANDS; i++) {
        if (!commands[i].hint)
            continue;
        append(out, cap, &n, "%s/%s", before, commands[i].words[0]);
        append(out, cap, &n, "%s%s", commands[i].usage, "");
        before = sep;
    }
    return n;
}

size_t cli_chat_help_line(unsigned i, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    out[0] = '\0';
    size_t n = 0;
    if (i == 0) {
        append(out, cap, &n,
               "chat commands (anything else is said to everyone; //TEXT says "
               "/TEXT; PgUp/PgDn scroll the chat)%s%s",
               "", "");
        return n;
    }
    if (i > N_COMMANDS)
        return 0;
    const ChatCommand *c = &commands[i - 1];
    append(out, cap, &n, "  /%s%s", c->words[0], c->usage);
    for (unsigned k = 1; k < 3 && c->words[k] != NULL; k++)
        append(out, cap, &n, k == 1 ? " (also /%s%s" : ", /%s%s", c->words[k], "");
    if (c->words[1] != NULL)
        append(out, cap, &n, ")%s%s", "", "");
    append(out, cap, &n, " \u2014 %s%s", c->what, "");
    return n;
}

_Static_assert(PROTO_CHAT_MAX == 200, "cli_chat_cmd_str's TOO_LONG text names PROTO_CHAT_MAX");

const char *cli_chat_cmd_str(CliChatCmd r)
{
    switch (r) {
    case CLI_CMD_SEND:
        return "ok";
    case CLI_CMD_NONE:
        return "nothing to send";
    case CLI_CMD_UNKNOWN:
        return "unknown command (try /help)";
    case CLI_CMD_USAGE:
        return "missing or malformed arguments (cli_chat_usage says what the command takes)";
    case CLI_CMD_TOO_LONG: /* the number is PROTO_CHAT_MAX (asserted above the function) */
        return "message too long (at most 200 bytes)";
    case CLI_CMD_INVALID:
        return "message has invalid characters (controls, line separators or bidi overrides)";
    }
    return "?";
}
