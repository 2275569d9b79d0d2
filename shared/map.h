/* map.h — the arena map: a tile grid with walls, floor, spawn points and named zones.
 *
 * Owns the text map format (docs/maps.md) and its loader. The loader parses a caller-supplied
 * buffer (no files here) into a fixed-size Map, never allocates, and on failure reports the
 * 1-based line and column of the first problem with a message a map author can act on. */
#ifndef ARENA_MAP_H
#define ARENA_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

enum {
    MAP_TILE_UNITS = 32, /* world units per tile edge */
    MAP_MAX_W = 128,     /* tiles */
    MAP_MAX_H = 128,
    MAP_MIN_W = 3,
    MAP_MIN_H = 3,
    MAP_MAX_SPAWNS = 64,
    MAP_MAX_ZONES = 26, /* zone letters 'a'..'z' */
    MAP_ZONE_NAME_MAX = 32,
    MAP_FORMAT_VERSION = 1,
};

typedef enum MapTile { MAP_FLOOR = 0, MAP_WALL = 1 } MapTile;

typedef struct MapSpawn {
    uint16_t tx, ty; /* tile coordinates */
} MapSpawn;

typedef struct Map {
    char name[PROTO_MAP_NAME_MAX + 1];
    uint16_t w, h;                                         /* tiles */
    uint8_t tiles[MAP_MAX_H][MAP_MAX_W];                   /* MapTile, [ty][tx] */
    uint8_t zones[MAP_MAX_H][MAP_MAX_W];                   /* 0 = none, 1..26 = zone 'a'..'z' */
    char zone_names[MAP_MAX_ZONES][MAP_ZONE_NAME_MAX + 1]; /* "" = undeclared */
    uint16_t spawn_count;
    MapSpawn spawns[MAP_MAX_SPAWNS]; /* in grid reading order */
    uint32_t checksum;               /* FNV-1a 32 of the exact text loaded */
} Map;

typedef enum MapErrorCode {
    MAP_OK = 0,
    MAP_ERR_TEXT,   /* too large, or not text: NUL, invalid UTF-8, a control character */
    MAP_ERR_HEADER, /* the 'arena-map <version>' line */
    MAP_ERR_DECL,   /* a 'name = ...' or 'zone <letter> = ...' line */
    MAP_ERR_GRID,   /* grid rows: characters, widths, height, border walls */
    MAP_ERR_SPAWN,  /* more than MAP_MAX_SPAWNS spawn points, or none */
    MAP_ERR_LAYOUT, /* a section missing, or text after 'end' */
} MapErrorCode;

/* Where and why a map did not load: the code for programs, the position and message (which
 * quotes the offending text) for the map author. */
typedef struct MapError {
    MapErrorCode code;
    int line, col; /* 1-based; col 0 when the problem is the whole line or file */
    char msg[128];
} MapError;

/* Parses text[0..len) into m. Returns true on success; on failure returns false, fills err
 * (if non-NULL) and leaves m in an unspecified but safe state. */
bool map_load(Map *m, const char *text, size_t len, MapError *err);
const char *map_error_str(MapErrorCode code);
/* Tiles outside the grid count as walls, so nothing can leave the arena. */
bool map_is_wall(const Map *m, int32_t tx, int32_t ty);
/* Zone letter index (1..26) of a tile, 0 for none or outside. */
unsigned map_zone_at(const Map *m, int32_t tx, int32_t ty);

/* FNV-1a 32-bit hash (offset basis 2166136261, prime 16777619): used for map checksums. */
uint32_t map_fnv1a32(const void *data, size_t len);

#endif
