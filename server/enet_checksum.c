/* enet_checksum.c — see enet_checksum.h. */
#include "enet_checksum.h"

#include <zlib.h>

enet_uint32 arena_enet_crc32(const ENetBuffer *buffers, size_t count)
{
    uLong crc = crc32_z(0L, Z_NULL, 0);
    for (size_t i = 0; i < count; i++)
        crc = crc32_z(crc, (const Bytef *)buffers[i].data, buffers[i].dataLength);
    return ENET_HOST_TO_NET_32((enet_uint32)crc);
}
