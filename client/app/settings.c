/* settings.c — see settings.h. */
#include "settings.h"

#include <string.h>

enum {
    SC_A = 4,
    SC_D = 7,
    SC_M = 16,
    SC_S = 22,
    SC_W = 26,
    SC_0 = 39,
    SC_RETURN = 40,
    SC_TAB = 43,
    SC_MINUS = 45,
    SC_EQUALS = 46,
    SC_F3 = 60,
    SC_RIGHT = 79,
    SC_LEFT = 80,
    SC_DOWN = 81,
    SC_UP = 82,
    SC_KP_MINUS = 86,
    SC_KP_PLUS = 87,
    SC_KP_ENTER = 88,
};

static const struct {
    const char *key, *label;
    int bind, bind2;
} actions[APP_ACT_COUNT] = {
    [APP_ACT_UP] = {"move_up", "Move up", SC_W, SC_UP},
    [APP_ACT_DOWN] = {"move_down", "Move down", SC_S, SC_DOWN},
    [APP_ACT_LEFT] = {"move_left", "Move left", SC_A, SC_LEFT},
    [APP_ACT_RIGHT] = {"move_right", "Move right", SC_D, SC_RIGHT},
    [APP_ACT_FIRE] = {"fire", "Fire", APP_INPUT_MOUSE + 1, APP_INPUT_NONE},
    [APP_ACT_CHAT] = {"chat", "Chat", SC_RETURN, SC_KP_ENTER},
    [APP_ACT_SCORES] = {"scoreboard", "Scoreboard (hold)", SC_TAB, APP_INPUT_NONE},
    [APP_ACT_NETGRAPH] = {"net_graph", "Net graph", SC_F3, APP_INPUT_NONE},
    [APP_ACT_ZOOM_IN] = {"zoom_in", "Zoom in", SC_EQUALS, SC_KP_PLUS},
    [APP_ACT_ZOOM_OUT] = {"zoom_out", "Zoom out", SC_MINUS, SC_KP_MINUS},
    [APP_ACT_ZOOM_RESET] = {"zoom_reset", "Zoom reset", SC_0, APP_INPUT_NONE},
    [APP_ACT_OVERVIEW] = {"whole_map", "Whole map", SC_M, APP_INPUT_NONE},
};

void app_settings_default(AppSettings *s)
{
    memset(s, 0, sizeof *s);
    s->colour = APP_SET_COLOUR_AUTO;
    s->volume = APP_SET_VOLUME_DEFAULT;
    s->sensitivity = APP_SET_SENS_DEFAULT;
    for (int a = 0; a < APP_ACT_COUNT; a++) {
        s->bind[a] = actions[a].bind;
        s->bind2[a] = actions[a].bind2;
    }
}

static unsigned clamp_int(int *v, int lo, int hi)
{
    if (*v < lo) {
        *v = lo;
        return 1;
    }
    if (*v > hi) {
        *v = hi;
        return 1;
    }
    return 0;
}

unsigned app_settings_clamp(AppSettings *s)
{
    unsigned changed = clamp_int(&s->volume, 0, APP_SET_VOLUME_MAX);
    changed += clamp_int(&s->sensitivity, APP_SET_SENS_MIN, APP_SET_SENS_MAX);
    changed += clamp_int(&s->colour, APP_SET_COLOUR_AUTO, APP_SET_COLOUR_MAX);
    s->name[PROTO_NAME_MAX] = '\0';
    for (int a = 0; a < APP_ACT_COUNT; a++) {
        if (s->bind[a] != APP_INPUT_NONE &&
            (!app_input_valid(s->bind[a]) || app_input_reserved(s->bind[a]))) {
            s->bind[a] = actions[a].bind;
            changed++;
        }
        if (s->bind2[a] != actions[a].bind2 && s->bind2[a] != APP_INPUT_NONE) {
            s->bind2[a] = actions[a].bind2;
            changed++;
        }
    }
    /* Duplicates (a hand-edited file): the later action loses its primary input. */
    for (int a = 0; a < APP_ACT_COUNT; a++)
        for (int b = a + 1; b < APP_ACT_COUNT; b++)
            if (s->bind[b] != APP_INPUT_NONE && s->bind[b] == s->bind[a]) {
                s->bind[b] = APP_INPUT_NONE;
                changed++;
            }
    /* A primary input that is another action's second input wins over it. */
    for (int a = 0; a < APP_ACT_COUNT; a++)
        for (int b = 0; b < APP_ACT_COUNT; b++)
            if (s->bind2[b] != APP_INPUT_NONE && s->bind2[b] == s->bind[a] && a != b) {
                s->bind2[b] = APP_INPUT_NONE;
                changed++;
            }
    return changed;
}

int app_settings_bind(AppSettings *s, AppAction action, int input)
{
    if ((unsigned)action >= APP_ACT_COUNT || !app_input_valid(input) || app_input_reserved(input))
        return APP_BIND_REFUSED;
    int old = s->bind[action], other = -1;
    for (int a = 0; a < APP_ACT_COUNT; a++) {
        if (a != (int)action && s->bind[a] == input) {
            s->bind[a] = old;
            other = a;
        }
        if (s->bind2[a] == input) {
            s->bind2[a] = APP_INPUT_NONE;
            if (a != (int)action)
                other = a;
        }
    }
    s->bind[action] = input;
    return other;
}

int app_settings_action_of(const AppSettings *s, int input)
{
    if (input == APP_INPUT_NONE)
        return -1;
    for (int a = 0; a < APP_ACT_COUNT; a++)
        if (s->bind[a] == input || s->bind2[a] == input)
            return a;
    return -1;
}

bool app_settings_is(const AppSettings *s, AppAction action, int input)
{
    return input != APP_INPUT_NONE && (unsigned)action < APP_ACT_COUNT &&
           (s->bind[action] == input || s->bind2[action] == input);
}

const char *app_action_key(AppAction a)
{
    return (unsigned)a < APP_ACT_COUNT ? actions[a].key : "?";
}

const char *app_action_label(AppAction a)
{
    return (unsigned)a < APP_ACT_COUNT ? actions[a].label : "?";
}

int app_action_from_key(const char *key)
{
    for (int a = 0; a < APP_ACT_COUNT; a++)
        if (strcmp(actions[a].key, key) == 0)
            return a;
    return -1;
}
