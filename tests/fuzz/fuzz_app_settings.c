/* fuzz_app_settings.c — libFuzzer target for the settings file parser (client/app/
 * settings_file.h).
 *
 * Any bytes are a settings file as read from disk (an exact-size copy, no NUL after it).
 * app_settings_parse must answer without a crash or a read past the text; whatever it
 * accepted or not, the result is within range (clamping changes nothing more), and formatting
 * it then parsing the file gives the same settings with no error (what a save then a load
 * does). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "settings_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > APP_SETTINGS_FILE_MAX + 64)
        return 0;
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    static AppSettings a, b;
    static char out[APP_SETTINGS_FILE_MAX];
    AppSettingsReport r;
    (void)app_settings_parse(text, size, &a, &r);
    free(text);
    CHECK(r.errors == 0 || r.error_line > 0);
    CHECK(app_settings_clamp(&a) == 0);
    size_t n = app_settings_format(&a, out, sizeof out);
    CHECK(n > 0 && n < sizeof out);
    CHECK(app_settings_parse(out, n, &b, &r));
    CHECK(r.unknown == 0);
    CHECK(strcmp(a.name, b.name) == 0 && a.colour == b.colour && a.volume == b.volume);
    CHECK(a.mute == b.mute && a.fullscreen == b.fullscreen && a.sensitivity == b.sensitivity);
    CHECK(memcmp(a.bind, b.bind, sizeof a.bind) == 0);
    CHECK(memcmp(a.bind2, b.bind2, sizeof a.bind2) == 0);
    return 0;
}
