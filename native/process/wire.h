/* Process mode's socket framing (wire.c), shared by its two ends: client.c
   in the pool's process and serve.c in a worker. Not part of the C API. */
#ifndef ACTORS_PROCESS_WIRE_H
#define ACTORS_PROCESS_WIRE_H

#include "internal.h"

#define WIRE_HDR 21
/* The largest body either end sends or accepts: the output budget's cap
   plus room for the event around the value. A longer frame is refused by
   the sender (ACT_EINVAL) and is a protocol violation for the reader. */
#define WIRE_MAX_BODY (ACT_RESULT_MAX + ((size_t)1 << 20))

typedef struct wire_in {           /* one reader's buffer: unread bytes are buf[start:end] */
    int fd;
    uint8_t *buf;
    size_t cap, start, end;
    int stall_ms;                  /* > 0: a frame begun but not finished within this
                                      long without new bytes is an error (ACT_ETIMEDOUT) */
} wire_in;

/* How long the pool waits, with part of a frame in hand, for the rest of it
   from a worker process before it treats the worker as broken: a worker
   writes each frame in one go, so only a frozen or lying worker stalls. */
#define WIRE_STALL_MS 5000

typedef struct wire_msg {
    int kind;
    uint64_t a, b;
    const uint8_t *body;           /* valid until the next wire_next */
    size_t len;
} wire_msg;

/* One whole message, under mu: ACT_OK or ACT_EDEAD (the peer is gone). */
int wire_send(int fd, pthread_mutex_t *mu, int kind, uint64_t a, uint64_t b, const uint8_t *body, size_t len);
bool wire_in_init(wire_in *r, int fd);
void wire_in_free(wire_in *r);
/* The next message (1), end of stream or a read error (0), ACT_ENOMEM, or
   ACT_EINVAL (a header announcing more than WIRE_MAX_BODY). */
int wire_next(wire_in *r, wire_msg *m);
/* NULL if body[0..len) is exactly one well-formed msgpack value as the pump
   writes them (strings valid UTF-8, nesting within max_depth, only our
   extension types, well formed), else what is wrong with it. */
const char *wire_check_value(const uint8_t *body, size_t len, int max_depth);

#endif
