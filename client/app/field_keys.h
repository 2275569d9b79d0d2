/* field_keys.h — the editing keys of a one-line text field (field.h), from SDL key events.
 *
 * Owns what Backspace, Delete, Left/Right, Home/End and Ctrl+V do to an AppField, so every
 * text field of the client (title screen, settings) edits the same way. */
#ifndef ARENA_APP_FIELD_KEYS_H
#define ARENA_APP_FIELD_KEYS_H

#include <SDL.h>
#include <stdbool.h>

#include "field.h"

/* Applies key k (with modifiers mod) to f; false if k is not an editing key. Ctrl+V pastes
 * the clipboard only when paste is true. */
bool app_field_key(AppField *f, SDL_Keycode k, Uint16 mod, bool paste);

#endif
