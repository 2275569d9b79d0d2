/* sfx.c — see sfx.h. */
#include "sfx.h"

#include <string.h>

#include "snapshot.h"

void app_sfx_init(AppSfx *s, uint64_t chat_total)
{
    memset(s, 0, sizeof *s);
    s->chat_total = chat_total;
}

void app_sfx_out_clear(AppSfxOut *o)
{
    o->n = 0;
    o->dropped = 0;
}

void app_sfx_add(AppSfxOut *o, AppCue cue, bool ui, float x, float y)
{
    if (o->n == APP_SFX_OUT_MAX) {
        o->dropped++;
        return;
    }
    o->c[o->n++] = (AppSfxCue){cue, ui, x, y};
}

void app_sfx_shots(AppSfx *s, const CliEntityView *views, unsigned n, int self, AppSfxOut *o)
{
    uint8_t now[sizeof s->shot_seen] = {0};
    for (unsigned i = 0; i < n; i++) {
        const CliEntityView *v = &views[i];
        if (v->type != SNAP_ENT_SHOT || v->id >= PROTO_MAX_ENTITIES)
            continue;
        now[v->id / 8] |= (uint8_t)(1u << (v->id % 8));
        bool seen = (s->shot_seen[v->id / 8] >> (v->id % 8)) & 1u;
        if (!seen && s->shots_primed && (int)v->owner != self)
            app_sfx_add(o, APP_CUE_SHOT_OTHER, false, v->x, v->y);
    }
    memcpy(s->shot_seen, now, sizeof now);
    s->shots_primed = true;
}

void app_sfx_self(AppSfx *s, bool alive, bool fired, uint8_t cooldown, uint32_t tick, float x,
                  float y, AppSfxOut *o)
{
    if (s->self_known && alive && !s->self_alive)
        app_sfx_add(o, APP_CUE_RESPAWN, false, x, y);
    bool shot = (fired && tick != s->fired_tick) || (s->self_known && cooldown > s->cooldown);
    if (alive && shot) {
        s->fired_tick = fired ? tick : s->fired_tick;
        app_sfx_add(o, APP_CUE_SHOT, false, x, y);
    }
    s->self_known = true;
    s->self_alive = alive;
    s->cooldown = cooldown;
}

static AppCue chat_cue(const CliChatEntry *e, const char *self_name, bool *sound)
{
    bool mine = self_name[0] != '\0' && strcmp(e->name, self_name) == 0;
    *sound = !mine;
    switch (e->kind) {
    case CLI_CHAT_SAY:
    case CLI_CHAT_ACTION:
        return APP_CUE_CHAT;
    case CLI_CHAT_WHISPER:
        return APP_CUE_WHISPER;
    case CLI_CHAT_JOIN:
        return APP_CUE_JOIN;
    case CLI_CHAT_LEAVE:
        return APP_CUE_LEAVE;
    default:
        *sound = false;
        return APP_CUE_CHAT;
    }
}

void app_sfx_chat(AppSfx *s, const CliChat *chat, const char *self_name, AppSfxOut *o)
{
    uint64_t total = chat->total;
    uint64_t fresh = total > s->chat_total ? total - s->chat_total : 0;
    unsigned count = cli_chat_count(chat);
    if (fresh > count)
        fresh = count; /* more arrived than the history keeps: the kept ones */
    s->chat_total = total;
    bool heard[APP_CUE_COUNT] = {false}; /* one of each per frame: a burst is one ping */
    for (unsigned i = count - (unsigned)fresh; i < count; i++) {
        bool sound;
        AppCue c = chat_cue(cli_chat_get(chat, i), self_name != NULL ? self_name : "", &sound);
        if (sound && !heard[c])
            app_sfx_add(o, c, true, 0.0f, 0.0f);
        heard[c] = heard[c] || sound;
    }
}

void app_sfx_hit(int self, unsigned shooter, unsigned victim, float x, float y, AppSfxOut *o)
{
    app_sfx_damage(self, shooter, victim, x, y, o);
    app_sfx_kill(self, shooter, victim, x, y, o);
}

void app_sfx_damage(int self, unsigned shooter, unsigned victim, float x, float y, AppSfxOut *o)
{
    if ((int)victim == self)
        app_sfx_add(o, APP_CUE_HURT, true, x, y);
    else if ((int)shooter == self)
        app_sfx_add(o, APP_CUE_HIT, true, x, y);
    else
        app_sfx_add(o, APP_CUE_HIT, false, x, y);
}

void app_sfx_kill(int self, unsigned killer, unsigned victim, float x, float y, AppSfxOut *o)
{
    if ((int)victim == self)
        app_sfx_add(o, APP_CUE_DEATH, true, x, y);
    else if ((int)killer == self)
        app_sfx_add(o, APP_CUE_KILL, true, x, y);
    else
        app_sfx_add(o, APP_CUE_DEATH, false, x, y);
}

void app_sfx_legend(AppSfxOut *o)
{
    app_sfx_add(o, APP_CUE_LEGEND, true, 0.0f, 0.0f);
}

void app_sfx_match(bool start, AppSfxOut *o)
{
    app_sfx_add(o, start ? APP_CUE_MATCH_START : APP_CUE_MATCH_END, true, 0.0f, 0.0f);
}
