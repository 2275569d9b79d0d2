/* cli_chat.h — the client's view of the TCP chat: parsing server lines into history entries,
 * and turning what a player types into protocol lines.
 *
 * Owns the chat history ring (what a chat panel shows) and the mapping of typed commands
 * ("/me", "/w", "/who" ...) to the line protocol of docs/protocol.md "Login and chat". Pure
 * logic: no sockets, no clock (callers pass times), no allocation. Server lines are hostile
 * bytes: every field is length- and character-checked before it is stored. */
#ifndef ARENA_CLI_CHAT_H
#define ARENA_CLI_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

enum {
    CLI_CHAT_HISTORY = 64,  /* entries kept; older ones are overwritten */
    CLI_CHAT_WORD_MAX = 16, /* ERR code / LEAVE reason, bytes */
};

typedef enum CliChatKind {
    CLI_CHAT_SAY = 1, /* CHAT <name> <text> */
    CLI_CHAT_ACTION,  /* ACTION <name> <text> */
    CLI_CHAT_WHISPER, /* WHISPER <from> <to> <text> */
    CLI_CHAT_JOIN,    /* JOIN <id> <name> */
    CLI_CHAT_LEAVE,   /* LEAVE <id> <name> <reason> */
    CLI_CHAT_HIT,     /* HIT <shooter> <victim> */
    CLI_CHAT_NOTICE,  /* NOTICE <text> */
    CLI_CHAT_ERROR,   /* ERR <code> <text> */
    CLI_CHAT_LOCAL,   /* added by the client itself (a typing mistake, a connection note) */
    CLI_CHAT_INFO,    /* FAME <rank> <name> <time> <map> / FAME END <total> (word = "FAME",
                         text = the rest of the line) */
} CliChatKind;

typedef struct CliChatEntry {
    uint8_t kind;     /* CliChatKind */
    uint64_t time_us; /* when the line arrived (caller's clock) */
    int id;           /* JOIN/LEAVE: player id; -1 otherwise */
    /* SAY/ACTION: speaker; WHISPER: sender; JOIN/LEAVE: player; HIT: shooter. */
    char name[PROTO_NAME_MAX + 1];
    char other[PROTO_NAME_MAX + 1];   /* WHISPER: recipient; HIT: victim */
    char word[CLI_CHAT_WORD_MAX + 1]; /* ERR: code; LEAVE: reason */
    char text[PROTO_LINE_MAX + 1];    /* SAY/ACTION/WHISPER/NOTICE/ERR/LOCAL text */
} CliChatEntry;

typedef struct CliChat {
    CliChatEntry entries[CLI_CHAT_HISTORY];
    unsigned head;  /* next slot written */
    unsigned count; /* entries held, <= CLI_CHAT_HISTORY */
    uint64_t total; /* entries ever added */
} CliChat;

void cli_chat_init(CliChat *c);
/* Parses one server line (without its "\n"). Returns false, *out zeroed, for lines that are
 * not chat or notices (HELLO, OK, WHO, PONG, ...) or that are malformed (a name longer than
 * PROTO_NAME_MAX, an empty text, a bad id). */
bool cli_chat_parse(const char *line, uint64_t time_us, CliChatEntry *out);
/* Parses and, if it is a chat/notice line, appends it; returns the stored entry or NULL. */
const CliChatEntry *cli_chat_add_line(CliChat *c, const char *line, uint64_t time_us);
/* Appends a CLI_CHAT_LOCAL entry (text is truncated to PROTO_LINE_MAX bytes). */
void cli_chat_add_local(CliChat *c, const char *text, uint64_t time_us);
unsigned cli_chat_count(const CliChat *c);
/* Entry i, 0 = the oldest still held; NULL when i >= count. */
const CliChatEntry *cli_chat_get(const CliChat *c, unsigned i);
/* One display line: "<bob> hi", "* bob waves", "[bob -> ann] psst", "bob joined",
 * "bob left (quit)", "ann hit bob", "! text", "error (code): text". Returns strlen(out). */
size_t cli_chat_format(const CliChatEntry *e, char *out, size_t cap);

typedef enum CliChatCmd {
    CLI_CMD_SEND = 0, /* out holds the protocol line (no "\n") */
    CLI_CMD_NONE,     /* nothing to send (empty or only spaces) */
    CLI_CMD_UNKNOWN,  /* an unknown /command */
    CLI_CMD_USAGE,    /* a known command with missing or malformed arguments */
    CLI_CMD_TOO_LONG, /* chat text over PROTO_CHAT_MAX bytes */
    CLI_CMD_INVALID,  /* not valid UTF-8, or holds a control character, U+2028/U+2029 or a bidi
                         override (line_text_safe) */
} CliChatCmd;

/* Turns typed text into a protocol line:
 *   "hello"            -> "SAY hello"         ("//x" says "/x")
 *   "/me waves"        -> "ME waves"
 *   "/w bob hi", "/whisper bob hi", "/msg bob hi" -> "WHISPER bob hi"
 *   "/who" -> "WHO", "/help" -> "HELP", "/ping [t]" -> "PING [t]", "/quit [why]" -> "QUIT [why]"
 * Command words are case-insensitive. *is_chat (may be NULL) is set when the line is a chat
 * line (SAY, ME, WHISPER) that counts against flood control. out needs PROTO_LINE_MAX bytes. */
CliChatCmd cli_chat_command(const char *typed, char *out, size_t cap, bool *is_chat);
const char *cli_chat_cmd_str(CliChatCmd r);
/* Usage text from the command table: for typed text naming a known command, that command's
 * ("usage: /w NAME TEXT (also /whisper, /msg)"); otherwise every command ("commands: /me TEXT,
 * /w NAME TEXT, ..."). Returns strlen(out) (truncated to cap - 1). */
size_t cli_chat_usage(const char *typed, char *out, size_t cap);
/* The short hint from the same table: the everyday commands with their arguments, joined by
 * sep ("/me TEXT, /w NAME TEXT, /who, /help" for ", "). Returns strlen(out). */
size_t cli_chat_hint(const char *sep, char *out, size_t cap);
/* Line i of the in-game /help, from the same table: 0 is the heading, 1.. one command each
 * ("  /w NAME TEXT (also /whisper, /msg) — a private message to NAME"). Returns strlen(out),
 * 0 past the last line (the client's commands, not the server's HELP). */
size_t cli_chat_help_line(unsigned i, char *out, size_t cap);

#endif
