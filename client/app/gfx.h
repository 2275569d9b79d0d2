/* gfx.h — the window, the SDL renderer and batched drawing primitives.
 *
 * Owns the SDL window and renderer (accelerated with vsync when possible, else accelerated,
 * else software; --software forces the latter), the output size in pixels, and a vertex batch
 * through which every filled shape (rects, circles, rings, thick lines) goes to
 * SDL_RenderGeometry in as few calls as possible. Anything that draws textures (text.c) must
 * call gfx_flush first so that shapes and text keep their order. One of the SDL platform
 * files: the client core never sees this. */
#ifndef ARENA_APP_GFX_H
#define ARENA_APP_GFX_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

#include "app_options.h"
#include "layout.h"
#include "palette.h"

typedef struct Gfx {
    SDL_Window *win;
    SDL_Renderer *ren;
    int w, h;                 /* renderer output, pixels */
    float mouse_sx, mouse_sy; /* window coordinates -> output pixels */
    bool vsync;               /* presents wait for the display */
    bool software;
    int refresh_hz; /* display refresh rate, 0 unknown */
    char renderer_name[32];
    SDL_Vertex *verts;
    int nverts, cap;
} Gfx;

/* Opens the window and renderer as the options ask. False with a reason in err. */
bool gfx_create(Gfx *g, const AppOptions *o, char *err, size_t errlen);
void gfx_destroy(Gfx *g);
/* Re-reads the output size (after a resize); true if it changed. */
bool gfx_update_size(Gfx *g);
/* Mouse position in output pixels. */
void gfx_mouse(const Gfx *g, int *x, int *y);
void gfx_window_to_output(const Gfx *g, int wx, int wy, int *x, int *y);

void gfx_clear(Gfx *g, AppColor c);
void gfx_flush(Gfx *g);
void gfx_present(Gfx *g);

/* Batched shapes (pixels). */
void gfx_rect(Gfx *g, float x, float y, float w, float h, AppColor c);
void gfx_rect_r(Gfx *g, AppRect r, AppColor c);
/* A frame of thickness t inside the rectangle. */
void gfx_frame(Gfx *g, float x, float y, float w, float h, float t, AppColor c);
void gfx_frame_r(Gfx *g, AppRect r, float t, AppColor c);
/* Vertical gradient from top colour to bottom colour. */
void gfx_rect_vgrad(Gfx *g, float x, float y, float w, float h, AppColor top, AppColor bottom);
void gfx_triangle(Gfx *g, float x0, float y0, float x1, float y1, float x2, float y2, AppColor c);
void gfx_circle(Gfx *g, float cx, float cy, float r, AppColor c);
/* A circle whose colour fades from `inner` at the centre to `outer` at the rim (glows). */
void gfx_circle_grad(Gfx *g, float cx, float cy, float r, AppColor inner, AppColor outer);
void gfx_ring(Gfx *g, float cx, float cy, float r_in, float r_out, AppColor c);
/* A line of width w whose colour goes from c0 at (x0, y0) to c1 at (x1, y1). */
void gfx_line(Gfx *g, float x0, float y0, float x1, float y1, float w, AppColor c0, AppColor c1);

/* Reads what has been drawn so far (before gfx_present) and saves it as a 24-bit BMP. */
bool gfx_save_bmp(Gfx *g, const char *path, char *err, size_t errlen);

#endif
