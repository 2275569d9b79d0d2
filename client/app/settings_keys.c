/* settings_keys.c — names of the inputs a binding can use (see settings.h). The numbers are
 * SDL's scancodes, which are the USB HID keyboard usage numbers; named here so that the
 * settings model and its file parser stay free of SDL. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "settings.h"

enum {
    SC_A = 4,
    SC_1 = 30,
    SC_F1 = 58,
    SC_KP_1 = 89,
    SC_ESCAPE = 41,
    SC_F11 = 68,
};

static const struct {
    int code;
    const char *name;
} named[] = {
    {40, "Return"},       {42, "Backspace"},   {43, "Tab"},         {44, "Space"},
    {45, "Minus"},        {46, "Equals"},      {47, "LeftBracket"}, {48, "RightBracket"},
    {49, "Backslash"},    {51, "Semicolon"},   {52, "Apostrophe"},  {53, "Grave"},
    {54, "Comma"},        {55, "Period"},      {56, "Slash"},       {57, "CapsLock"},
    {73, "Insert"},       {74, "Home"},        {75, "PageUp"},      {76, "Delete"},
    {77, "End"},          {78, "PageDown"},    {79, "Right"},       {80, "Left"},
    {81, "Down"},         {82, "Up"},          {84, "KeypadSlash"}, {85, "KeypadStar"},
    {86, "KeypadMinus"},  {87, "KeypadPlus"},  {88, "KeypadEnter"}, {98, "Keypad0"},
    {99, "KeypadPeriod"}, {224, "LeftCtrl"},   {225, "LeftShift"},  {226, "LeftAlt"},
    {228, "RightCtrl"},   {229, "RightShift"}, {230, "RightAlt"},
};

bool app_input_valid(int input)
{
    if (input >= APP_INPUT_MOUSE + 1 && input <= APP_INPUT_MOUSE + APP_INPUT_MOUSE_MAX)
        return true;
    char buf[APP_INPUT_NAME_MAX];
    return input > 0 && input <= APP_INPUT_SCANCODE_MAX && app_input_name(input, buf, sizeof buf);
}

bool app_input_reserved(int input)
{
    return input == SC_ESCAPE || input == SC_F11;
}

bool app_input_name(int input, char *out, size_t cap)
{
    int n = -1;
    if (input >= SC_A && input < SC_A + 26)
        n = snprintf(out, cap, "%c", 'A' + (input - SC_A));
    else if (input >= SC_1 && input < SC_1 + 10)
        n = snprintf(out, cap, "%c", input == SC_1 + 9 ? '0' : '1' + (input - SC_1));
    else if (input >= SC_F1 && input < SC_F1 + 12)
        n = snprintf(out, cap, "F%d", input - SC_F1 + 1);
    else if (input >= SC_KP_1 && input < SC_KP_1 + 9)
        n = snprintf(out, cap, "Keypad%d", input - SC_KP_1 + 1);
    else if (input == SC_ESCAPE)
        n = snprintf(out, cap, "Escape");
    else if (input >= APP_INPUT_MOUSE + 1 && input <= APP_INPUT_MOUSE + APP_INPUT_MOUSE_MAX)
        n = snprintf(out, cap, "Mouse%d", input - APP_INPUT_MOUSE);
    else {
        for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
            if (named[i].code == input) {
                n = snprintf(out, cap, "%s", named[i].name);
                break;
            }
    }
    if (n < 0 || (size_t)n >= cap) {
        if (cap > 0)
            out[0] = '\0';
        return false;
    }
    return true;
}

int app_input_from_name(const char *name)
{
    for (int code = 1; code <= APP_INPUT_SCANCODE_MAX; code++) {
        char buf[APP_INPUT_NAME_MAX];
        if (app_input_name(code, buf, sizeof buf) && strcasecmp(buf, name) == 0)
            return code;
    }
    for (int b = 1; b <= APP_INPUT_MOUSE_MAX; b++) {
        char buf[APP_INPUT_NAME_MAX];
        snprintf(buf, sizeof buf, "Mouse%d", b);
        if (strcasecmp(buf, name) == 0)
            return APP_INPUT_MOUSE + b;
    }
    return APP_INPUT_NONE;
}

/* What the key hint calls an action's input: the mouse buttons in words, an unbound action
 * "(unbound)". */
static void hint_name(const AppSettings *s, AppAction a, char *out, size_t cap)
{
    int in = s->bind[a];
    if (in == APP_INPUT_MOUSE + 1)
        snprintf(out, cap, "left button");
    else if (in == APP_INPUT_MOUSE + 3)
        snprintf(out, cap, "right button");
    else if (!app_input_name(in, out, cap))
        snprintf(out, cap, "(unbound)");
}

size_t app_settings_hint(const AppSettings *s, char *out, size_t cap)
{
    char k[4][24], fire[24], chat[24], scores[24], net[24];
    bool letters = true;
    for (int i = 0; i < 4; i++) {
        hint_name(s, (AppAction)(APP_ACT_UP + i), k[i], sizeof k[i]);
        letters = letters && strlen(k[i]) == 1;
    }
    hint_name(s, APP_ACT_FIRE, fire, sizeof fire);
    hint_name(s, APP_ACT_CHAT, chat, sizeof chat);
    hint_name(s, APP_ACT_SCORES, scores, sizeof scores);
    hint_name(s, APP_ACT_NETGRAPH, net, sizeof net);
    if (strcmp(chat, "Return") == 0)
        snprintf(chat, sizeof chat, "Enter");
    /* W A S D reads as "WASD"; other keys (or names) as "Up/Left/Down/Right". */
    char move[100];
    if (letters)
        snprintf(move, sizeof move, "%s%s%s%s", k[0], k[2], k[1], k[3]);
    else
        snprintf(move, sizeof move, "%s/%s/%s/%s", k[0], k[2], k[1], k[3]);
    int n = snprintf(out, cap,
                     "%s move   mouse aim   %s fire   %s chat   %s scores   %s network   "
                     "Esc menu",
                     move, fire, chat, scores, net);
    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}
