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
