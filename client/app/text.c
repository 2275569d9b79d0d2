/* text.c — see text.h. */
#include "text.h"

#include <SDL_ttf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const int font_px[APP_FONT_COUNT] = {13, 16, 22, 56};
static const bool font_bold[APP_FONT_COUNT] = {false, false, true, true};

typedef struct TextEntry {
    uint32_t hash;
    uint8_t font;
    char *str; /* NULL = free slot */
    SDL_Texture *tex;
    int w, h;
    uint64_t used; /* frame number of the last use */
} TextEntry;

struct AppText {
    Gfx *gfx;
    TTF_Font *fonts[APP_FONT_COUNT];
    int height[APP_FONT_COUNT];
    TextEntry entries[APP_TEXT_CACHE];
    unsigned held;
    uint64_t frame;
    uint64_t hits, misses;
};

static uint32_t fnv1a(const char *s, uint8_t font)
{
    uint32_t h = 2166136261u ^ font;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

AppText *app_text_create(Gfx *g, char *err, size_t errlen)
{
    const char *env = getenv("ARENA_FONT");
    const char *path = env != NULL && env[0] != '\0' ? env : APP_FONT_DEFAULT_PATH;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (env != NULL && env[0] != '\0')
            snprintf(err, errlen, "cannot open the font %s (from ARENA_FONT): %s", path,
                     strerror(errno));
        else
            snprintf(err, errlen,
                     "cannot open the font %s: %s; install the Debian package %s "
                     "(apt-get install %s) or set ARENA_FONT to a .ttf file",
                     path, strerror(errno), APP_FONT_PACKAGE, APP_FONT_PACKAGE);
        return NULL;
    }
    AppText *t = calloc(1, sizeof *t);
    if (t == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->gfx = g;
    for (int i = 0; i < APP_FONT_COUNT; i++) {
        t->fonts[i] = TTF_OpenFont(path, font_px[i]);
        if (t->fonts[i] == NULL) {
            snprintf(err, errlen, "cannot load the font %s: %s%s", path, TTF_GetError(),
                     env != NULL ? "" : "; reinstall the Debian package " APP_FONT_PACKAGE);
            app_text_destroy(t);
            return NULL;
        }
        if (font_bold[i])
            TTF_SetFontStyle(t->fonts[i], TTF_STYLE_BOLD);
        TTF_SetFontHinting(t->fonts[i], TTF_HINTING_LIGHT);
        t->height[i] = TTF_FontHeight(t->fonts[i]);
    }
    return t;
}

static void entry_free(TextEntry *e)
{
    if (e->tex != NULL)
        SDL_DestroyTexture(e->tex);
    free(e->str);
    memset(e, 0, sizeof *e);
}

void app_text_destroy(AppText *t)
{
    if (t == NULL)
        return;
    for (unsigned i = 0; i < APP_TEXT_CACHE; i++)
        if (t->entries[i].str != NULL)
            entry_free(&t->entries[i]);
    for (int i = 0; i < APP_FONT_COUNT; i++)
        if (t->fonts[i] != NULL)
            TTF_CloseFont(t->fonts[i]);
    free(t);
}

/* The cached entry for (f, s), rendering it on a miss; NULL if s is empty or rendering
 * failed. */
static TextEntry *lookup(AppText *t, AppFont f, const char *s)
{
    if (s == NULL || s[0] == '\0' || (unsigned)f >= APP_FONT_COUNT)
        return NULL;
    uint32_t h = fnv1a(s, (uint8_t)f);
    TextEntry *free_slot = NULL, *oldest = NULL;
    for (unsigned i = 0; i < APP_TEXT_CACHE; i++) {
        TextEntry *e = &t->entries[i];
        if (e->str == NULL) {
            if (free_slot == NULL)
                free_slot = e;
            continue;
        }
        if (e->hash == h && e->font == f && strcmp(e->str, s) == 0) {
            e->used = t->frame;
            t->hits++;
            return e;
        }
        if (oldest == NULL || e->used < oldest->used)
            oldest = e;
    }
    t->misses++;
    TextEntry *e = free_slot != NULL ? free_slot : oldest;
    if (e->str != NULL) {
        entry_free(e);
        t->held--;
    }
    SDL_Surface *surf = TTF_RenderUTF8_Blended(t->fonts[f], s, (SDL_Color){255, 255, 255, 255});
    if (surf == NULL)
        return NULL;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(t->gfx->ren, surf);
    int w = surf->w, hgt = surf->h;
    SDL_FreeSurface(surf);
    size_t n = strlen(s);
    char *copy = malloc(n + 1);
    if (tex == NULL || copy == NULL) {
        if (tex != NULL)
            SDL_DestroyTexture(tex);
        free(copy);
        return NULL;
    }
    memcpy(copy, s, n + 1);
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    *e = (TextEntry){
        .hash = h, .font = (uint8_t)f, .str = copy, .tex = tex, .w = w, .h = hgt, .used = t->frame};
    t->held++;
    return e;
}

void app_text_size(AppText *t, AppFont f, const char *s, int *w, int *h)
{
    TextEntry *e = lookup(t, f, s);
    *w = e != NULL ? e->w : 0;
    *h = e != NULL ? e->h : ((unsigned)f < APP_FONT_COUNT ? t->height[f] : 0);
}

int app_text_measure(AppText *t, AppFont f, const char *s, size_t len)
{
    char buf[1024];
    if ((unsigned)f >= APP_FONT_COUNT || len == 0)
        return 0;
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    int w = 0, h = 0;
    return TTF_SizeUTF8(t->fonts[f], buf, &w, &h) == 0 ? w : 0;
}

int app_text_height(const AppText *t, AppFont f)
{
    return (unsigned)f < APP_FONT_COUNT ? t->height[f] : 0;
}

int app_text_draw(AppText *t, AppFont f, const char *s, AppColor c, int x, int y, AppAlign a,
                  bool shadow)
{
    TextEntry *e = lookup(t, f, s);
    if (e == NULL || c.a == 0)
        return e != NULL ? e->w : 0;
    gfx_flush(t->gfx); /* shapes drawn before this text stay below it */
    if (a == APP_ALIGN_CENTER)
        x -= e->w / 2;
    else if (a == APP_ALIGN_RIGHT)
        x -= e->w;
    SDL_Rect dst = {x, y, e->w, e->h};
    if (shadow) {
        SDL_Rect sh = {x + 1, y + 1, e->w, e->h};
        SDL_SetTextureColorMod(e->tex, 0, 0, 0);
        SDL_SetTextureAlphaMod(e->tex, (Uint8)(c.a * 3 / 4));
        SDL_RenderCopy(t->gfx->ren, e->tex, NULL, &sh);
    }
    SDL_SetTextureColorMod(e->tex, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(e->tex, c.a);
    SDL_RenderCopy(t->gfx->ren, e->tex, NULL, &dst);
    return e->w;
}

int app_text_draw_in(AppText *t, AppFont f, const char *s, AppColor c, AppRect r, AppAlign a,
                     bool shadow)
{
    int h = app_text_height(t, f);
    int y = r.y + (r.h - h) / 2;
    int x = a == APP_ALIGN_CENTER ? r.x + r.w / 2 : a == APP_ALIGN_RIGHT ? r.x + r.w : r.x;
    return app_text_draw(t, f, s, c, x, y, a, shadow);
}

void app_text_frame(AppText *t)
{
    t->frame++;
}

void app_text_cache_stats(const AppText *t, uint64_t *hits, uint64_t *misses, unsigned *held)
{
    *hits = t->hits;
    *misses = t->misses;
    *held = t->held;
}
