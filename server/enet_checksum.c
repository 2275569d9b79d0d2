/* enet_checksum.c — see enet_checksum.h. */
#include "enet_checksum.h"

#include <libdeflate.h>

enet_uint32 arena_enet_crc32(const ENetBuffer *buffers, size_t count)
{
    uint32_t crc = 0; /* libdeflate's initial value: the CRC of no bytes */
    for (size_t i = 0; i < count; i++)
        if (buffers[i].dataLength > 0) /* a NULL buffer would restart libdeflate's value */
            crc = libdeflate_crc32(crc, buffers[i].data, buffers[i].dataLength);
    return ENET_HOST_TO_NET_32(crc);
}
