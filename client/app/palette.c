/* palette.c — see palette.h. Colours were picked to stay distinct from each other and from
 * the dark floor and blue-grey walls, and readable with white name labels. */
#include "palette.h"

static const AppColor player_palette[APP_PALETTE_SIZE] = {
    {232, 72, 72, 255},   /* red */
    {72, 148, 240, 255},  /* blue */
    {92, 200, 92, 255},   /* green */
    {240, 200, 60, 255},  /* yellow */
    {196, 92, 224, 255},  /* purple */
    {60, 212, 212, 255},  /* cyan */
    {246, 140, 48, 255},  /* orange */
    {242, 112, 172, 255}, /* pink */
    {164, 224, 60, 255},  /* lime */
    {124, 112, 244, 255}, /* indigo */
    {36, 164, 124, 255},  /* teal */
    {224, 164, 120, 255}, /* tan */
    {176, 52, 108, 255},  /* raspberry */
    {140, 196, 252, 255}, /* sky */
    {252, 240, 150, 255}, /* cream */
    {168, 116, 64, 255},  /* brown */
};

static const AppColor roles[APP_COL_COUNT] = {
    [APP_COL_BACKGROUND] = {13, 15, 20, 255},     [APP_COL_FLOOR] = {31, 35, 44, 255},
    [APP_COL_GRID] = {39, 44, 55, 255},           [APP_COL_SPAWN] = {52, 66, 78, 255},
    [APP_COL_WALL] = {78, 90, 116, 255},          [APP_COL_WALL_EDGE] = {120, 134, 164, 255},
    [APP_COL_WALL_SHADE] = {50, 58, 76, 255},     [APP_COL_TEXT] = {236, 238, 244, 255},
    [APP_COL_TEXT_DIM] = {150, 158, 176, 255},    [APP_COL_ACCENT] = {255, 214, 90, 255},
    [APP_COL_PANEL] = {10, 12, 18, 200},          [APP_COL_PANEL_EDGE] = {90, 100, 124, 255},
    [APP_COL_GOOD] = {96, 210, 120, 255},         [APP_COL_FULL] = {90, 160, 250, 255},
    [APP_COL_WARN] = {250, 190, 60, 255},         [APP_COL_BAD] = {244, 70, 70, 255},
    [APP_COL_SELF_RING] = {255, 255, 255, 255},   [APP_COL_CHAT_SAY] = {236, 238, 244, 255},
    [APP_COL_CHAT_ACTION] = {214, 150, 250, 255}, [APP_COL_CHAT_WHISPER] = {250, 140, 200, 255},
    [APP_COL_CHAT_JOIN] = {120, 220, 140, 255},   [APP_COL_CHAT_LEAVE] = {150, 158, 176, 255},
    [APP_COL_CHAT_HIT] = {250, 160, 80, 255},     [APP_COL_CHAT_NOTICE] = {250, 220, 100, 255},
    [APP_COL_CHAT_ERROR] = {250, 96, 96, 255},    [APP_COL_CHAT_LOCAL] = {120, 210, 240, 255},
};

AppColor app_color(AppColorRole role)
{
    if ((unsigned)role >= APP_COL_COUNT)
        return roles[APP_COL_TEXT];
    return roles[role];
}

/* HSL (h in turns, s and l 0..1) to an opaque colour. */
static AppColor hsl(float h, float s, float l)
{
    float c = (1.0f - (2.0f * l - 1.0f < 0 ? 1.0f - 2.0f * l : 2.0f * l - 1.0f)) * s;
    float hp = (h - (float)(int)h) * 6.0f;
    float m2 = hp - 2.0f * (float)(int)(hp / 2.0f);
    float x = c * (1.0f - (m2 - 1.0f < 0 ? 1.0f - m2 : m2 - 1.0f));
    float r = 0, g = 0, b = 0;
    switch ((int)hp) {
    case 0:
        r = c, g = x;
        break;
    case 1:
        r = x, g = c;
        break;
    case 2:
        g = c, b = x;
        break;
    case 3:
        g = x, b = c;
        break;
    case 4:
        r = x, b = c;
        break;
    default:
        r = c, b = x;
        break;
    }
    float m = l - c / 2.0f;
    return (AppColor){(uint8_t)((r + m) * 255.0f + 0.5f), (uint8_t)((g + m) * 255.0f + 0.5f),
                      (uint8_t)((b + m) * 255.0f + 0.5f), 255};
}

AppColor app_player_color(unsigned id)
{
    id %= APP_PLAYER_COLOURS;
    if (id < APP_PALETTE_SIZE)
        return player_palette[id];
    /* 240 more: 48 hues at five lightness / saturation levels, odd levels' hues half a step
     * round (every pair at least 7 RGB units apart; test_app_palette). */
    static const float light[5] = {0.60f, 0.45f, 0.75f, 0.55f, 0.68f};
    static const float sat[5] = {0.85f, 0.75f, 0.80f, 0.45f, 0.50f};
    unsigned k = id - APP_PALETTE_SIZE, level = k / 48;
    float h = ((float)(k % 48) + 0.5f * (float)(level % 2)) / 48.0f;
    return hsl(h, sat[level], light[level]);
}

static uint8_t lerp8(uint8_t a, uint8_t b, float t)
{
    float v = (float)a + ((float)b - (float)a) * t;
    return (uint8_t)(v + 0.5f);
}

AppColor app_color_mix(AppColor a, AppColor b, float t)
{
    if (!(t >= 0.0f))
        t = 0.0f;
    if (t > 1.0f)
        t = 1.0f;
    AppColor c = {lerp8(a.r, b.r, t), lerp8(a.g, b.g, t), lerp8(a.b, b.b, t), lerp8(a.a, b.a, t)};
    return c;
}

AppColor app_color_fade(AppColor c, float f)
{
    if (!(f >= 0.0f))
        f = 0.0f;
    if (f > 1.0f)
        f = 1.0f;
    c.a = (uint8_t)((float)c.a * f + 0.5f);
    return c;
}

unsigned app_color_dist2(AppColor a, AppColor b)
{
    int dr = (int)a.r - (int)b.r, dg = (int)a.g - (int)b.g, db = (int)a.b - (int)b.b;
    return (unsigned)(dr * dr + dg * dg + db * db);
}

void app_palette_print(FILE *out)
{
    static const struct {
        const char *name;
        AppColorRole role;
    } shown[] = {{"floor", APP_COL_FLOOR},       {"wall", APP_COL_WALL}, {"bad", APP_COL_BAD},
                 {"chat_say", APP_COL_CHAT_SAY}, {"good", APP_COL_GOOD}, {"accent", APP_COL_ACCENT},
                 {"text", APP_COL_TEXT}};
    for (unsigned i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        AppColor c = roles[shown[i].role];
        fprintf(out, "%s %u %u %u\n", shown[i].name, c.r, c.g, c.b);
    }
    for (unsigned i = 0; i < APP_PALETTE_SIZE; i++) {
        AppColor c = player_palette[i];
        fprintf(out, "player %u %u %u %u\n", i, c.r, c.g, c.b);
    }
}
