/* text.h — fonts and a cache of rendered strings.
 *
 * Owns the TrueType fonts (DejaVu Sans from Debian's fonts-dejavu-core, or the file named by
 * ARENA_FONT) and a cache of rendered text textures keyed by (font, string): each string is
 * rasterised once in white and tinted at draw time with the texture colour and alpha mods, so
 * a label drawn every frame costs one texture copy. The least recently used entries are
 * evicted when the cache is full. One of the SDL platform files. */
#ifndef ARENA_APP_TEXT_H
#define ARENA_APP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gfx.h"
#include "palette.h"

#define APP_FONT_DEFAULT_PATH "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define APP_FONT_PACKAGE      "fonts-dejavu-core"

typedef enum AppFont {
    APP_FONT_SMALL = 0, /* HUD numbers, labels */
    APP_FONT_NORMAL,    /* chat, lists, fields */
    APP_FONT_BIG,       /* headings, buttons (bold) */
    APP_FONT_HUGE,      /* the title (bold) */
    APP_FONT_COUNT,
} AppFont;

typedef enum AppAlign {
    APP_ALIGN_LEFT = 0,
    APP_ALIGN_CENTER,
    APP_ALIGN_RIGHT,
} AppAlign;

enum {
    APP_TEXT_CACHE = 1024, /* cached strings */
};

typedef struct AppText AppText;

/* Opens the fonts (ARENA_FONT or APP_FONT_DEFAULT_PATH). NULL with a reason in err naming the
 * missing file and the Debian package. */
AppText *app_text_create(Gfx *g, char *err, size_t errlen);
void app_text_destroy(AppText *t);
/* Draws s with its top-left (or top-centre, top-right) at (x, y); returns its width. shadow:
 * a dark copy one pixel down-right first, for text over the arena. */
int app_text_draw(AppText *t, AppFont f, const char *s, AppColor c, int x, int y, AppAlign a,
                  bool shadow);
/* Like app_text_draw, vertically centred in rectangle r (x by alignment within r). */
int app_text_draw_in(AppText *t, AppFont f, const char *s, AppColor c, AppRect r, AppAlign a,
                     bool shadow);
/* Size of s in pixels (cached like drawing). */
void app_text_size(AppText *t, AppFont f, const char *s, int *w, int *h);
int app_text_height(const AppText *t, AppFont f);
/* Width of the first len bytes of s (whole UTF-8 characters) without rendering or caching
 * (TTF_SizeUTF8): for measuring many candidate lines, as chat wrapping does. */
int app_text_measure(AppText *t, AppFont f, const char *s, size_t len);
/* Call once per frame: ages the cache. */
void app_text_frame(AppText *t);
/* Cache statistics: lookups that found / did not find a texture. */
void app_text_cache_stats(const AppText *t, uint64_t *hits, uint64_t *misses, unsigned *held);

#endif
