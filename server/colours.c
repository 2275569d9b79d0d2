/* colours.c — see colours.h. */
#include "colours.h"

#include <string.h>

int srv_colour_pick(const bool taken[SRV_COLOURS], int wanted)
{
    if (wanted < 0 || wanted >= SRV_COLOURS) {
        for (int c = 0; c < SRV_COLOURS; c++)
            if (!taken[c])
                return c;
        return -1;
    }
    for (int d = 0; d < SRV_COLOURS; d++) {
        if (wanted - d >= 0 && !taken[wanted - d])
            return wanted - d;
        if (wanted + d < SRV_COLOURS && !taken[wanted + d])
            return wanted + d;
    }
    return -1;
}

void srv_colour_taken(const unsigned uses[SRV_COLOURS], bool taken[SRV_COLOURS])
{
    unsigned least = uses[0];
    for (int c = 1; c < SRV_COLOURS; c++)
        if (uses[c] < least)
            least = uses[c];
    for (int c = 0; c < SRV_COLOURS; c++)
        taken[c] = uses[c] > least;
}

bool srv_colour_parse(const char *s, int *out)
{
    if (strncmp(s, "colour=", 7) != 0)
        return false;
    s += 7;
    size_t n = strlen(s);
    if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
        return false;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v >= SRV_COLOURS)
        return false;
    *out = v;
    return true;
}
