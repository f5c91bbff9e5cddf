/* actors native pump: the C API, which is also the cffi cdef.
 *
 * Everything between CDEF-BEGIN and CDEF-END is read by native/build.py and
 * handed to cffi verbatim, so it must stay plain declarations (no #include,
 * no #if, no macros with expressions).
 *
 * Ownership in one line each:
 *   act_pool_new/act_pool_free      the caller owns the pool; free stops every context.
 *   act_ctx_new/act_ctx_release     the caller owns one reference to the context.
 *   act_waiter_new/act_waiter_release  the caller owns one reference to the waiter.
 *   act_poll(_calls) -> act_buf_free   the caller owns every event buffer it receives.
 *   act_ctx_send                    copies the frame; the caller keeps its buffer.
 */
#ifndef ACTORS_H
#define ACTORS_H

#include <stddef.h>
#include <stdint.h>

/* CDEF-BEGIN */
#define ACT_ABI_VERSION 14

/* status codes returned by the API */
#define ACT_OK 0
#define ACT_ENOMEM -1
#define ACT_EDEAD -2
#define ACT_EINVAL -3
#define ACT_EENGINE -4
#define ACT_EFULL -5       /* the context's mailbox is at its bound (ACT_MAILBOX_MAX_*) */
#define ACT_ETIMEDOUT -6   /* a peer stopped in the middle of a frame (wire.c) */

/* Per-context bounds. Host.call promises awaiting Python: past this many,
   Host.call throws a RangeError. Commands from Python waiting in a mailbox:
   past either bound act_ctx_send fails with ACT_EFULL (host-call answers and
   stops are never refused; one frame of any size enters an empty mailbox). */
#define ACT_MAX_HOST_CALLS 10000
#define ACT_MAILBOX_MAX_CMDS 100000
#define ACT_MAILBOX_MAX_BYTES 67108864

/* command opcodes: first element of a command frame [op, req_id, timeout_ms, ...] */
#define ACT_OP_EVAL 1
#define ACT_OP_CALL 2
#define ACT_OP_GET_GLOBAL 3
#define ACT_OP_SET_GLOBAL 4
#define ACT_OP_SEND 5
#define ACT_OP_RESET 7
#define ACT_OP_MEMORY 8
#define ACT_OP_GC 10
#define ACT_OP_EVAL_BYTECODE 11
#define ACT_OP_COMPILE 12
#define ACT_OP_INTERNAL 13
#define ACT_OP_DOM 14
#define ACT_OP_ASK 15   /* a message to Host.onMessage callbacks, answered with what they return */
#define ACT_OP_GLOBALS 16  /* no args: the global object's own string keys; names: delete them */

/* result status: first element of a result [status, payload] */
#define ACT_R_OK 0
#define ACT_R_JSERROR 1
#define ACT_R_MEMORY 2
#define ACT_R_REDUCTIONS 3
#define ACT_R_TIMEOUT 4
#define ACT_R_DEAD 5
#define ACT_R_CONVERSION 6
#define ACT_R_BADREQ 7
#define ACT_R_TOO_LARGE 8
#define ACT_R_CANCELLED 9

/* event kinds: first element of an event frame [kind, ctx_id, ...] */
#define ACT_EV_RESULT 1
#define ACT_EV_HOST_CALL 2
#define ACT_EV_MESSAGE 3
#define ACT_EV_LOG 4
#define ACT_EV_EXIT 5
#define ACT_EV_UNCAUGHT 6

/* msgpack extension codes (mirrored in actors/codec.py) */
#define ACT_EXT_BIGINT 1
#define ACT_EXT_DATE 2
#define ACT_EXT_ERROR 3

/* host call flags (4th element of an ACT_EV_HOST_CALL event) */
#define ACT_CALL_SYNC 1
#define ACT_CALL_INTERNAL 2

/* on_uncaught policies */
#define ACT_UNCAUGHT_CRASH 0
#define ACT_UNCAUGHT_LOG 1

typedef struct act_pool act_pool;
typedef struct act_ctx act_ctx;
typedef struct act_waiter act_waiter;

typedef struct act_ctx_opts {
    uint64_t id;               /* identifies the context in events */
    size_t memory_limit;       /* bytes, 0 = unlimited */
    uint64_t max_reductions;   /* interrupt polls per operation, 0 = unlimited */
    double timeout;            /* seconds per operation, 0 = none */
    size_t max_stack_size;     /* bytes of JS stack, 0 = 1 MiB */
    int on_uncaught;           /* ACT_UNCAUGHT_* */
    const uint8_t *groups;     /* msgpack [[group_id, [global, ...]], ...]: lazy polyfill groups */
    size_t groups_len;         /* (copied; may be NULL/0) */
    size_t max_result_bytes;   /* output budget (codec.c), 0 = from memory_limit */
} act_ctx_opts;

typedef struct act_pool_stats {
    int threads;               /* worker threads alive (slots + spares) */
    int slots;                 /* worker slots (the pool size) */
    int contexts;              /* contexts not yet torn down */
    uint64_t slices;           /* slices run since start */
    uint64_t handoffs;         /* times a worker gave its slot away (callSync, long slice) */
} act_pool_stats;

int act_abi_version(void);
const char *act_engine_version(void);
const char *act_strerror(int status);

act_pool *act_pool_new(int nthreads, int max_spare_threads);
void act_pool_free(act_pool *p);
void act_pool_get_stats(act_pool *p, act_pool_stats *out);

int act_ctx_new(act_pool *p, const act_ctx_opts *opts, act_ctx **out);
int act_ctx_send(act_ctx *c, const uint8_t *frame, size_t len, act_waiter *w);
int act_check_frame(const uint8_t *frame, size_t len, char *err, size_t errlen);
int act_ctx_resolve(act_ctx *c, uint64_t call_id, const uint8_t *payload, size_t len);
int act_ctx_stop(act_ctx *c, int killed);
/* Interrupt the operation of request req_id (as a limit would: it answers
   ACT_R_CANCELLED), or drop it if still queued; the context lives on. */
int act_ctx_cancel(act_ctx *c, uint64_t req_id);
int act_ctx_alive(act_ctx *c);
void act_ctx_release(act_ctx *c);

act_waiter *act_waiter_new(void);
int act_waiter_wait(act_waiter *w, double timeout_s, const uint8_t **buf, size_t *len);
int act_waiter_reset(act_waiter *w);
void act_waiter_release(act_waiter *w);

int act_poll(act_pool *p, double timeout_s, uint8_t **buf, size_t *len);
int act_poll_calls(act_pool *p, double timeout_s, uint8_t **buf, size_t *len);
void act_pool_close_events(act_pool *p);
void act_buf_free(uint8_t *buf);

/* Polyfill groups: bytecode registered once per process (id 0..63), loaded
   into a context on first touch of one of its globals. */
int act_register_group(int id, const uint8_t *bytecode, size_t len);

/* Process-mode wire kinds: the u8 kind of a frame header (the one
   definition; actors/_wire.py mirrors it, tests/test_wire_kinds.py checks).
   Pool to worker: */
#define ACT_W_NEW 78      /* 'N' a = token: a new context */
#define ACT_W_SEND 83     /* 'S' a = context id, b = token or 0: a command frame */
#define ACT_W_RESOLVE 86  /* 'V' a = context id, b = host call id: its answer */
#define ACT_W_STOP 88     /* 'X' a = context id, b = killed */
#define ACT_W_CANCEL 75   /* 'K' a = context id, b = request id */
#define ACT_W_MAILBOX 77  /* 'M' a = context id, b = token: [commands, bytes] queued */
#define ACT_W_STATS 84    /* 'T' a = token: native stats */
#define ACT_W_FAULT 70    /* 'F' a = delay in ms: fault to inject (test hook) */
#define ACT_W_QUIT 81     /* 'Q' stop everything and exit */
#define ACT_W_TRIM 71     /* 'G' give the heap's free pages back to the OS (malloc_trim) */
/* Worker to pool: */
#define ACT_W_HELLO 72    /* 'H' a = pid: ready */
#define ACT_W_EVENT 69    /* 'E' an event frame */
#define ACT_W_CALL 67     /* 'C' a host call frame */
#define ACT_W_REPLY 82    /* 'R' a = token: the answer of a request */

/* Process mode, worker side (native/serve.c): serve one socket carrying the
   frames of actors/_wire.py. act_server_read handles the hot commands itself
   and returns 1 with any other message (body: act_buf_free), 0 at EOF; the
   pool's events and host calls go to the socket directly from then on. */
typedef struct act_server act_server;
act_server *act_server_new(act_pool *p, int fd);
void act_server_free(act_server *s);
int act_server_add(act_server *s, uint64_t id, act_ctx *c);
int act_server_read(act_server *s, int *kind, uint64_t *a, uint64_t *b, uint8_t **body, size_t *len);
int act_server_send(act_server *s, int kind, uint64_t a, uint64_t b, const uint8_t *body, size_t len);
/* Test hook (actors.testing.forge_frames): bytes written to the socket as they are. */
int act_server_write_raw(act_server *s, const uint8_t *bytes, size_t len);

/* Process mode, pool side (native/client.c): the hub's queues are polled
   like a pool's; a client per worker socket completes blocking callers'
   waiters from its reader thread. act_client_request's kind is ACT_W_SEND
   (a command frame for ctx_id), ACT_W_MAILBOX (ctx_id's queue) or another
   request kind (ACT_W_NEW, ACT_W_STATS). */
typedef struct act_hub act_hub;
typedef struct act_client act_client;
act_hub *act_hub_new(void);
void act_hub_free(act_hub *h);
int act_hub_poll(act_hub *h, double timeout_s, uint8_t **buf, size_t *len);
int act_hub_poll_calls(act_hub *h, double timeout_s, uint8_t **buf, size_t *len);
int act_hub_push(act_hub *h, const uint8_t *frame, size_t len);
void act_hub_close(act_hub *h);
act_client *act_client_new(int fd, act_hub *hub);
void act_client_free(act_client *c);
int act_client_send(act_client *c, int kind, uint64_t a, uint64_t b, const uint8_t *body, size_t len);
int act_client_request(act_client *c, int kind, uint64_t ctx_id, const uint8_t *body, size_t len, act_waiter *w);
int act_client_abandon(act_client *c, act_waiter *w);
void act_client_fail_pending(act_client *c, const uint8_t *payload, size_t len);
uint64_t act_client_wait_hello(act_client *c, double timeout_s);
int act_client_wait_closed(act_client *c, double timeout_s);
/* Context ctx_id lives in this client's worker (own=1: before its creation
   is asked for) or never came to (own=0). Events for other ids are forged. */
int act_client_own(act_client *c, uint64_t ctx_id, int own);
/* Why the reader stopped trusting the worker ("" if it did not). */
const char *act_client_violation(act_client *c);

/* act_compile flags, and the kinds of code it reports */
#define ACT_COMPILE_STRIP_DEBUG 1   /* polyfills: no line numbers */
#define ACT_COMPILE_DETECT 2        /* script, async script or module, by compile_source's rule */
#define ACT_COMPILE_MODULE 4        /* a module (the registry's) */
#define ACT_KIND_SCRIPT 0
#define ACT_KIND_ASYNC 1
#define ACT_KIND_MODULE 2
int act_compile(const char *src, size_t len, const char *filename, int flags, int *kind, uint8_t **buf,
                size_t *out_len, uint8_t **err, size_t *err_len);
/* CDEF-END */

#endif
