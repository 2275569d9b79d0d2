/* enet_wire.h — the byte layout of an ENet 1.3 datagram, read and written without ENet.
 *
 * Owns the framing under every game message as docs/protocol.md §6.1 describes it: the header
 * (peer id, flags, session, optional sent time, the 4-byte checksum every Localhost Arena host
 * uses) and the list of commands (CONNECT, SEND_RELIABLE, ...) with their payloads. The server
 * reads it to admit and filter datagrams before ENet allocates anything for them; the client
 * reads it to measure what arrives. Reading never goes past the datagram: a header or command
 * cut short, an unknown command or a payload longer than what is left makes the walk fail.
 * Pure: no ENet, no sockets; multi-byte fields are big-endian (network order), as ENet sends
 * them. */
#ifndef ARENA_ENET_WIRE_H
#define ARENA_ENET_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    EW_PEER_ID_NONE = 0xFFF, /* the peer id of a datagram carrying CONNECT */
    EW_PEER_ID_MASK = 0x0FFF,
    EW_SESSION_SHIFT = 12,
    EW_SESSION_MASK = 3,
    EW_FLAG_COMPRESSED = 1 << 14,
    EW_FLAG_SENT_TIME = 1 << 15,
    EW_HEADER_MIN = 2, /* peer id alone */
    EW_CHECKSUM_BYTES = 4,
    EW_CMD_FLAG_ACK = 1 << 7,         /* the sender wants this command acknowledged */
    EW_CMD_FLAG_UNSEQUENCED = 1 << 6, /* set on SEND_UNSEQUENCED */
    EW_CMD_MASK = 0x0F,
    EW_MAX_COMMANDS = 32, /* ENet never puts more commands in one datagram */
    EW_MAX_DATAGRAM = 4096,
};

typedef enum EwCommandNumber {
    EW_CMD_ACKNOWLEDGE = 1,
    EW_CMD_CONNECT = 2,
    EW_CMD_VERIFY_CONNECT = 3,
    EW_CMD_DISCONNECT = 4,
    EW_CMD_PING = 5,
    EW_CMD_SEND_RELIABLE = 6,
    EW_CMD_SEND_UNRELIABLE = 7,
    EW_CMD_SEND_FRAGMENT = 8,
    EW_CMD_SEND_UNSEQUENCED = 9,
    EW_CMD_BANDWIDTH_LIMIT = 10,
    EW_CMD_THROTTLE_CONFIGURE = 11,
    EW_CMD_SEND_UNRELIABLE_FRAGMENT = 12,
    EW_CMD_COUNT = 13,
} EwCommandNumber;

typedef struct EwHeader {
    uint16_t peer_id; /* EW_PEER_ID_NONE for CONNECT, else the receiver's peer index */
    uint8_t session;  /* 0..3 */
    bool compressed;
    bool has_sent_time;
    uint16_t sent_time;
    uint32_t checksum; /* as sent (ENet's CRC-32, see protocol.md) */
    size_t size;       /* header bytes including the checksum; the first command starts here */
} EwHeader;

/* One command. Fields beyond the common header are filled for the commands that have them
 * (the others stay 0). `data` points into the datagram (SEND_* payloads). */
typedef struct EwCommand {
    uint8_t number;  /* EwCommandNumber */
    uint8_t flags;   /* EW_CMD_FLAG_* bits of the command byte */
    uint8_t channel; /* channel id (0xFF for connection-level commands) */
    uint16_t reliable_seq;
    /* ACKNOWLEDGE */
    uint16_t acked_seq, acked_sent_time;
    /* CONNECT (and VERIFY_CONNECT: no `data`) */
    uint16_t outgoing_peer_id;
    uint8_t incoming_session, outgoing_session;
    uint32_t mtu, window_size, channel_count;
    uint32_t bandwidth_in, bandwidth_out;                       /* also BANDWIDTH_LIMIT */
    uint32_t throttle_interval, throttle_accel, throttle_decel; /* also THROTTLE_CONFIGURE */
    uint32_t connect_id;
    uint32_t connect_data; /* CONNECT's 32-bit user data; DISCONNECT's reason */
    /* SEND_UNRELIABLE: unreliable sequence; SEND_UNSEQUENCED: group; fragments: start seq */
    uint16_t sequence;
    uint32_t fragment_count, fragment_number, total_length, fragment_offset;
    const uint8_t *data;
    uint16_t data_len;
} EwCommand;

typedef enum EwError {
    EW_OK = 0,
    EW_ERR_HEADER,   /* the datagram is shorter than its own header (ew_read_header false) */
    EW_ERR_CUT,      /* a command's fixed part is cut short */
    EW_ERR_UNKNOWN,  /* a command number ENet does not have */
    EW_ERR_TOO_MANY, /* more than EW_MAX_COMMANDS commands */
    EW_ERR_PAYLOAD,  /* a payload longer than what is left of the datagram */
} EwError;

typedef struct EwWalk {
    const uint8_t *d;
    size_t len, pos;
    unsigned commands; /* read so far */
    EwError error;     /* why ew_walk_next returned EW_BAD; EW_OK before */
} EwWalk;

typedef enum EwStatus {
    EW_END = 0, /* no more commands: the datagram ended exactly after the last one */
    EW_COMMAND, /* *cmd holds the next command */
    EW_BAD,     /* malformed: w->error says how */
} EwStatus;

/* Size of a command's fixed part (without payload), 0 for an unknown number. */
size_t ew_command_size(uint8_t number);
/* Reads the header. `checksum`: the hosts use ENet's checksum (always true for our game
 * port). False (EW_ERR_HEADER, its only failure) if the datagram is too short for its own
 * header. */
bool ew_read_header(const uint8_t *d, size_t len, bool checksum, EwHeader *h);
void ew_walk_init(EwWalk *w, const uint8_t *d, size_t len, const EwHeader *h);
EwStatus ew_walk_next(EwWalk *w, EwCommand *cmd);

/* Writers (tests, tools). Each returns bytes written, 0 if it does not fit. The checksum field
 * is written as given; computing it is the caller's business. */
size_t ew_write_header(const EwHeader *h, bool checksum, uint8_t *out, size_t cap);
size_t ew_write_command(const EwCommand *c, uint8_t *out, size_t cap);

const char *ew_error_str(EwError e);

#endif
