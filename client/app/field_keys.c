/* field_keys.c — see field_keys.h. */
#include "field_keys.h"

static bool paste_clipboard(AppField *f)
{
    char *clip = SDL_GetClipboardText();
    if (clip != NULL) {
        (void)app_field_insert(f, clip);
        SDL_free(clip);
    }
    return true;
}

bool app_field_key(AppField *f, SDL_Keycode k, Uint16 mod, bool paste)
{
    switch (k) {
    case SDLK_BACKSPACE:
        app_field_backspace(f);
        return true;
    case SDLK_DELETE:
        app_field_delete(f);
        return true;
    case SDLK_LEFT:
        app_field_left(f);
        return true;
    case SDLK_RIGHT:
        app_field_right(f);
        return true;
    case SDLK_HOME:
        app_field_home(f);
        return true;
    case SDLK_END:
        app_field_end(f);
        return true;
    case SDLK_v:
        return paste && (mod & KMOD_CTRL) ? paste_clipboard(f) : false;
    default:
        return false;
    }
}
