/* gfx.c — see gfx.h. */
#include "gfx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI_F 3.14159265358979f

static void pick_refresh(Gfx *g)
{
    SDL_DisplayMode mode;
    int d = SDL_GetWindowDisplayIndex(g->win);
    g->refresh_hz = 0;
    if (d >= 0 && SDL_GetCurrentDisplayMode(d, &mode) == 0 && mode.refresh_rate > 0)
        g->refresh_hz = mode.refresh_rate;
}

bool gfx_create(Gfx *g, const AppOptions *o, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    /* Software means no GPU at all: without this hint SDL would present the software
     * renderer's surface through an OpenGL texture (and load the GL stack to do it). */
    if (o->software)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    g->win = SDL_CreateWindow("Localhost Arena", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                              o->win_w, o->win_h, SDL_WINDOW_RESIZABLE);
    if (g->win == NULL) {
        snprintf(err, errlen, "cannot open a window: %s", SDL_GetError());
        return false;
    }
    SDL_SetWindowMinimumSize(g->win, APP_WINDOW_MIN_W, APP_WINDOW_MIN_H);
    /* Accelerated with vsync, accelerated, then software: the first that works. */
    Uint32 tries[3];
    int n = 0;
    if (!o->software) {
        if (o->vsync)
            tries[n++] = SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC;
        tries[n++] = SDL_RENDERER_ACCELERATED;
    }
    tries[n++] = SDL_RENDERER_SOFTWARE;
    for (int i = 0; i < n && g->ren == NULL; i++)
        g->ren = SDL_CreateRenderer(g->win, -1, tries[i]);
    if (g->ren == NULL) {
        snprintf(err, errlen, "cannot create a renderer: %s", SDL_GetError());
        SDL_DestroyWindow(g->win);
        g->win = NULL;
        return false;
    }
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(g->ren, &info) == 0) {
        snprintf(g->renderer_name, sizeof g->renderer_name, "%s", info.name);
        g->software =
            (info.flags & SDL_RENDERER_SOFTWARE) != 0 || strcmp(info.name, "software") == 0;
        /* The software renderer may claim vsync, but its presents (a window surface update)
         * do not wait for the display: pace frames ourselves. */
        g->vsync = (info.flags & SDL_RENDERER_PRESENTVSYNC) != 0 && !g->software;
    }
    SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_BLEND);
    pick_refresh(g);
    gfx_update_size(g);
    g->cap = 16384;
    g->verts = malloc((size_t)g->cap * sizeof *g->verts);
    if (g->verts == NULL) {
        snprintf(err, errlen, "out of memory");
        gfx_destroy(g);
        return false;
    }
    return true;
}

void gfx_destroy(Gfx *g)
{
    free(g->verts);
    g->verts = NULL;
    if (g->ren != NULL)
        SDL_DestroyRenderer(g->ren);
    if (g->win != NULL)
        SDL_DestroyWindow(g->win);
    g->ren = NULL;
    g->win = NULL;
}

bool gfx_update_size(Gfx *g)
{
    int w = 0, h = 0, ww = 0, wh = 0;
    if (SDL_GetRendererOutputSize(g->ren, &w, &h) != 0 || w <= 0 || h <= 0)
        SDL_GetWindowSize(g->win, &w, &h);
    SDL_GetWindowSize(g->win, &ww, &wh);
    g->mouse_sx = ww > 0 ? (float)w / (float)ww : 1.0f;
    g->mouse_sy = wh > 0 ? (float)h / (float)wh : 1.0f;
    bool changed = w != g->w || h != g->h;
    g->w = w;
    g->h = h;
    if (changed)
        pick_refresh(g);
    return changed;
}

void gfx_window_to_output(const Gfx *g, int wx, int wy, int *x, int *y)
{
    *x = (int)((float)wx * g->mouse_sx);
    *y = (int)((float)wy * g->mouse_sy);
}

void gfx_mouse(const Gfx *g, int *x, int *y)
{
    int wx = 0, wy = 0;
    SDL_GetMouseState(&wx, &wy);
    gfx_window_to_output(g, wx, wy, x, y);
}

void gfx_clear(Gfx *g, AppColor c)
{
    g->nverts = 0;
    SDL_SetRenderDrawColor(g->ren, c.r, c.g, c.b, 255);
    SDL_RenderClear(g->ren);
}

void gfx_flush(Gfx *g)
{
    if (g->nverts > 0)
        SDL_RenderGeometry(g->ren, NULL, g->verts, g->nverts, NULL, 0);
    g->nverts = 0;
}

void gfx_present(Gfx *g)
{
    gfx_flush(g);
    SDL_RenderPresent(g->ren);
}

/* Room for n more vertices (flushing when the batch is full). */
static SDL_Vertex *reserve(Gfx *g, int n)
{
    if (g->nverts + n > g->cap)
        gfx_flush(g);
    SDL_Vertex *v = g->verts + g->nverts;
    g->nverts += n;
    return v;
}

static void vert(SDL_Vertex *v, float x, float y, AppColor c)
{
    v->position.x = x;
    v->position.y = y;
    v->color = (SDL_Color){c.r, c.g, c.b, c.a};
    v->tex_coord.x = 0.0f;
    v->tex_coord.y = 0.0f;
}

void gfx_triangle(Gfx *g, float x0, float y0, float x1, float y1, float x2, float y2, AppColor c)
{
    if (c.a == 0)
        return;
    SDL_Vertex *v = reserve(g, 3);
    vert(&v[0], x0, y0, c);
    vert(&v[1], x1, y1, c);
    vert(&v[2], x2, y2, c);
}

static void quad4(Gfx *g, float x0, float y0, AppColor c0, float x1, float y1, AppColor c1,
                  float x2, float y2, AppColor c2, float x3, float y3, AppColor c3)
{
    SDL_Vertex *v = reserve(g, 6);
    vert(&v[0], x0, y0, c0);
    vert(&v[1], x1, y1, c1);
    vert(&v[2], x2, y2, c2);
    vert(&v[3], x0, y0, c0);
    vert(&v[4], x2, y2, c2);
    vert(&v[5], x3, y3, c3);
}

void gfx_rect(Gfx *g, float x, float y, float w, float h, AppColor c)
{
    if (c.a == 0 || w <= 0.0f || h <= 0.0f)
        return;
    quad4(g, x, y, c, x + w, y, c, x + w, y + h, c, x, y + h, c);
}

void gfx_rect_r(Gfx *g, AppRect r, AppColor c)
{
    gfx_rect(g, (float)r.x, (float)r.y, (float)r.w, (float)r.h, c);
}

void gfx_rect_vgrad(Gfx *g, float x, float y, float w, float h, AppColor top, AppColor bottom)
{
    if (w <= 0.0f || h <= 0.0f)
        return;
    quad4(g, x, y, top, x + w, y, top, x + w, y + h, bottom, x, y + h, bottom);
}

void gfx_frame(Gfx *g, float x, float y, float w, float h, float t, AppColor c)
{
    gfx_rect(g, x, y, w, t, c);
    gfx_rect(g, x, y + h - t, w, t, c);
    gfx_rect(g, x, y + t, t, h - 2 * t, c);
    gfx_rect(g, x + w - t, y + t, t, h - 2 * t, c);
}

void gfx_frame_r(Gfx *g, AppRect r, float t, AppColor c)
{
    gfx_frame(g, (float)r.x, (float)r.y, (float)r.w, (float)r.h, t, c);
}

static int segments_for(float r)
{
    int n = (int)(r * 0.9f);
    if (n < 10)
        n = 10;
    if (n > 64)
        n = 64;
    return n;
}

void gfx_circle_grad(Gfx *g, float cx, float cy, float r, AppColor inner, AppColor outer)
{
    if (r <= 0.0f || (inner.a == 0 && outer.a == 0))
        return;
    int n = segments_for(r);
    SDL_Vertex *v = reserve(g, 3 * n);
    float px = cx + r, py = cy;
    for (int i = 1; i <= n; i++) {
        float a = 2.0f * PI_F * (float)i / (float)n;
        float qx = cx + r * cosf(a), qy = cy + r * sinf(a);
        vert(&v[0], cx, cy, inner);
        vert(&v[1], px, py, outer);
        vert(&v[2], qx, qy, outer);
        v += 3;
        px = qx;
        py = qy;
    }
}

void gfx_circle(Gfx *g, float cx, float cy, float r, AppColor c)
{
    gfx_circle_grad(g, cx, cy, r, c, c);
}

void gfx_ring(Gfx *g, float cx, float cy, float r_in, float r_out, AppColor c)
{
    if (r_out <= 0.0f || c.a == 0)
        return;
    if (r_in < 0.0f)
        r_in = 0.0f;
    int n = segments_for(r_out);
    float c0 = 1.0f, s0 = 0.0f;
    for (int i = 1; i <= n; i++) {
        float a = 2.0f * PI_F * (float)i / (float)n;
        float c1 = cosf(a), s1 = sinf(a);
        quad4(g, cx + r_in * c0, cy + r_in * s0, c, cx + r_out * c0, cy + r_out * s0, c,
              cx + r_out * c1, cy + r_out * s1, c, cx + r_in * c1, cy + r_in * s1, c);
        c0 = c1;
        s0 = s1;
    }
}

void gfx_line(Gfx *g, float x0, float y0, float x1, float y1, float w, AppColor c0, AppColor c1)
{
    float dx = x1 - x0, dy = y1 - y0;
    float len = sqrtf(dx * dx + dy * dy);
    if (len < 1e-3f || w <= 0.0f)
        return;
    float nx = -dy / len * w * 0.5f, ny = dx / len * w * 0.5f;
    quad4(g, x0 + nx, y0 + ny, c0, x1 + nx, y1 + ny, c1, x1 - nx, y1 - ny, c1, x0 - nx, y0 - ny,
          c0);
}

bool gfx_save_bmp(Gfx *g, const char *path, char *err, size_t errlen)
{
    gfx_flush(g);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, g->w, g->h, 24, SDL_PIXELFORMAT_BGR24);
    if (s == NULL) {
        snprintf(err, errlen, "cannot make the screenshot surface: %s", SDL_GetError());
        return false;
    }
    bool ok = SDL_RenderReadPixels(g->ren, NULL, SDL_PIXELFORMAT_BGR24, s->pixels, s->pitch) == 0;
    if (!ok)
        snprintf(err, errlen, "cannot read the window's pixels: %s", SDL_GetError());
    else if (SDL_SaveBMP(s, path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, SDL_GetError());
        ok = false;
    }
    SDL_FreeSurface(s);
    return ok;
}
