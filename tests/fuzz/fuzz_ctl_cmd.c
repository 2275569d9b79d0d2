/* fuzz_ctl_cmd.c — libFuzzer target for the operator command parser (server/ctl_cmd.h).
 *
 * Any bytes, cut at the first NUL as the control socket's line reader would hand them over,
 * are a command line. ctl_parse must answer without a crash. On success every field is
 * NUL-terminated within its array, the text is safe (line_text_safe: no forged lines or bidi
 * overrides reach the players), the minutes are what the verb allows, and the address flag
 * agrees with the target; on failure the error text is non-empty and NUL-terminated, even in
 * a small buffer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_cmd.h"
#include "line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static bool terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1);
    if (line == NULL)
        return 0;
    memcpy(line, data, size);
    line[size] = '\0';

    CtlCommand c;
    memset(&c, 0xA5, sizeof c);
    char err[160];
    memset(err, 0xA5, sizeof err);
    if (ctl_parse(line, &c, err, sizeof err)) {
        CHECK(c.verb >= CTL_HELP && c.verb <= CTL_SAY);
        CHECK(terminated(c.target, sizeof c.target) && terminated(c.text, sizeof c.text));
        size_t tn = strlen(c.target), xn = strlen(c.text);
        CHECK(tn <= CTL_TARGET_MAX);
        CHECK(line_text_valid((const uint8_t *)c.target, tn));
        CHECK(memchr(c.target, ' ', tn) == NULL);
        CHECK(line_text_safe((const uint8_t *)c.text, xn));
        bool has_target = c.verb == CTL_KICK || c.verb == CTL_BAN || c.verb == CTL_UNBAN ||
                          c.verb == CTL_MUTE || c.verb == CTL_UNMUTE;
        CHECK(has_target == (tn > 0));
        if (c.verb == CTL_KICK || c.verb == CTL_BAN)
            CHECK(xn <= CTL_REASON_MAX);
        else if (c.verb == CTL_SAY)
            CHECK(xn >= 1 && xn <= PROTO_CHAT_MAX);
        else
            CHECK(xn == 0);
        if (c.verb == CTL_MUTE)
            CHECK(c.minutes >= 1 && c.minutes <= CTL_MAX_MINUTES && !c.target_is_ip);
        else if (c.verb == CTL_BAN)
            CHECK(c.minutes <= CTL_MAX_MINUTES); /* 0 = forever */
        else
            CHECK(c.minutes == 0);
        if (!c.target_is_ip)
            CHECK(c.ip == 0);
        else
            CHECK(has_target && strspn(c.target, "0123456789.") == tn);
    } else {
        CHECK(terminated(err, sizeof err) && err[0] != '\0');
        /* and with a tiny buffer */
        char small[4];
        CHECK(!ctl_parse(line, &c, small, sizeof small));
        CHECK(terminated(small, sizeof small));
    }
    free(line);
    return 0;
}
