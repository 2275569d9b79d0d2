/* ctl_cmd.h — the operator's commands (arena-ctl), parsed from one line of text.
 *
 * Owns the syntax of the control protocol (docs/operations.md "Operator control"): a command
 * word (case-insensitive) and its arguments, checked here so the server only ever executes a
 * well-formed command. Pure: no I/O, no Server; any byte string gets a command or an error
 * text. */
#ifndef ARENA_SRV_CTL_CMD_H
#define ARENA_SRV_CTL_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

enum {
    CTL_LINE_MAX = PROTO_LINE_MAX, /* a command line, bytes with its "\n" */
    CTL_REASON_MAX = 120,
    CTL_TARGET_MAX = 4 * PROTO_NAME_MAX, /* a name as typed (normalized later) or an address */
    CTL_MAX_MINUTES = 525600 * 10,       /* ten years */
};

typedef enum CtlVerb {
    CTL_HELP = 0,
    CTL_STATUS,
    CTL_WHO,
    CTL_BANS,
    CTL_KICK,   /* target, reason */
    CTL_BAN,    /* target, minutes (0 = forever), reason */
    CTL_UNBAN,  /* target */
    CTL_MUTE,   /* target, minutes (default 10) */
    CTL_UNMUTE, /* target */
    CTL_SAY,    /* text */
} CtlVerb;

typedef struct CtlCommand {
    CtlVerb verb;
    char target[CTL_TARGET_MAX + 1];
    bool target_is_ip;
    uint32_t ip; /* network order, when target_is_ip */
    unsigned minutes;
    char text[PROTO_CHAT_MAX + 1]; /* reason (kick, ban) or what to say */
} CtlCommand;

/* Parses one line (no terminator). False with a reason for people in err. */
bool ctl_parse(const char *line, CtlCommand *out, char *err, size_t errlen);
/* The usage line of command i (for `help` and arena-ctl --help); NULL past the last. */
const char *ctl_usage(size_t i);

#endif
