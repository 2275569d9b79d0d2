/* camera.c — see camera.h. */
#include "camera.h"

#include <math.h>

#include "quant.h"

float app_camera_base_scale(int view_w, int view_h)
{
    if (view_w < 1)
        view_w = 1;
    if (view_h < 1)
        view_h = 1;
    /* The smaller ratio: both the width and the height of the minimum view fit. */
    float sx = (float)view_w / APP_VIEW_UNITS_W;
    float sy = (float)view_h / APP_VIEW_UNITS_H;
    return sx < sy ? sx : sy;
}

void app_camera_init(AppCamera *c, int view_w, int view_h)
{
    c->x = c->y = 0.0f;
    c->zoom = 1.0f;
    c->placed = false;
    app_camera_resize(c, view_w, view_h);
}

void app_camera_resize(AppCamera *c, int view_w, int view_h)
{
    c->view_w = view_w > 1 ? view_w : 1;
    c->view_h = view_h > 1 ? view_h : 1;
    c->scale = app_camera_base_scale(c->view_w, c->view_h) * c->zoom;
}

void app_camera_set_zoom(AppCamera *c, float zoom)
{
    if (!(zoom >= APP_ZOOM_MIN))
        zoom = APP_ZOOM_MIN;
    if (zoom > APP_ZOOM_MAX)
        zoom = APP_ZOOM_MAX;
    c->zoom = zoom;
    c->scale = app_camera_base_scale(c->view_w, c->view_h) * zoom;
}

float app_camera_fit_zoom(const AppCamera *c, float map_w, float map_h)
{
    float base = app_camera_base_scale(c->view_w, c->view_h);
    if (!(map_w > 0.0f) || !(map_h > 0.0f))
        return 1.0f;
    float zx = (float)c->view_w / (map_w * base);
    float zy = (float)c->view_h / (map_h * base);
    return zx < zy ? zx : zy;
}

static float clamp_axis(float centre, float half_view, float size)
{
    if (2.0f * half_view >= size)
        return size / 2.0f; /* the map is narrower than the view: centre it */
    /* Up to APP_CAMERA_EDGE of the half view may show what lies beyond the edge, so a player
     * by the wall is not pushed under the HUD in a corner of the screen. */
    float lo = half_view * (1.0f - APP_CAMERA_EDGE), hi = size - lo;
    if (centre < lo)
        return lo;
    if (centre > hi)
        return hi;
    return centre;
}

void app_camera_clamp(AppCamera *c, float map_w, float map_h)
{
    if (!(map_w > 0.0f) || !(map_h > 0.0f))
        return;
    float hw = (float)c->view_w / (2.0f * c->scale);
    float hh = (float)c->view_h / (2.0f * c->scale);
    c->x = clamp_axis(c->x, hw, map_w);
    c->y = clamp_axis(c->y, hh, map_h);
}

void app_camera_follow(AppCamera *c, float tx, float ty, double dt_s, float map_w, float map_h)
{
    float dx = tx - c->x, dy = ty - c->y;
    if (!c->placed || dx * dx + dy * dy > APP_CAMERA_JUMP_UNITS * APP_CAMERA_JUMP_UNITS) {
        c->x = tx;
        c->y = ty;
        c->placed = true;
    } else if (dt_s > 0.0) {
        float k = (float)(1.0 - exp(-dt_s / APP_CAMERA_FOLLOW_S));
        c->x += dx * k;
        c->y += dy * k;
    }
    app_camera_clamp(c, map_w, map_h);
}

void app_camera_to_screen(const AppCamera *c, float wx, float wy, float *sx, float *sy)
{
    *sx = (wx - c->x) * c->scale + (float)c->view_w / 2.0f;
    *sy = (wy - c->y) * c->scale + (float)c->view_h / 2.0f;
}

void app_camera_to_world(const AppCamera *c, float sx, float sy, float *wx, float *wy)
{
    *wx = (sx - (float)c->view_w / 2.0f) / c->scale + c->x;
    *wy = (sy - (float)c->view_h / 2.0f) / c->scale + c->y;
}

void app_camera_visible(const AppCamera *c, float *x0, float *y0, float *x1, float *y1)
{
    app_camera_to_world(c, 0.0f, 0.0f, x0, y0);
    app_camera_to_world(c, (float)c->view_w, (float)c->view_h, x1, y1);
}

uint16_t app_camera_aim12(float px, float py, float mx, float my, uint16_t fallback)
{
    float dx = mx - px, dy = my - py;
    if (dx * dx + dy * dy < 1.0f)
        return fallback;
    return q_aim12_from_radians(atan2f(dy, dx));
}
