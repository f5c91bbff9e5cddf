/* Shared by the owner-thread files of a context: reply.c, limits.c, ops.c,
   commands.c, lifecycle.c (and ctx_api.c, which parses queued frames). Every
   function here runs on the thread that owns the context unless it says
   otherwise. Not part of the C API. */
#ifndef ACTORS_CONTEXT_H
#define ACTORS_CONTEXT_H

#include "internal.h"

/* one command frame: [op, req_id, timeout_ms, args...] */
/* op.unwrap: 1 = an async eval's result is {value}; UNWRAP_DISCARD = drop it */
#define UNWRAP_DISCARD 2

typedef struct frame {
    int64_t op;
    uint64_t req_id;
    int64_t timeout_ms;
    uint32_t nargs;
    mpr r;                         /* positioned at the first argument */
} frame;

/* commands.c (parse_frame: any thread, it only reads the bytes) */
bool parse_frame(const uint8_t *data, size_t len, frame *f);
void process_frame(act_ctx *c, cmd *m);

/* reply.c: to the waiter `w`, or as an ACT_EV_RESULT event when w is NULL
   and req_id is not 0 (else nobody is told) */
void begin_reply(act_ctx *c, mpw *out, uint64_t req_id, act_waiter *w, int status);
void end_reply(act_ctx *c, mpw *out, uint64_t req_id, act_waiter *w);
void reply_msg(act_ctx *c, uint64_t req_id, act_waiter *w, int status, const char *msg);
void reply_value(act_ctx *c, uint64_t req_id, act_waiter *w, JSValueConst v);
/* Reply with the error `exc` (owned), or the limit that caused it. */
void reply_error(act_ctx *c, uint64_t req_id, act_waiter *w, JSValue exc, int abort_reason);

/* limits.c */
int limit_status(int abort_reason);          /* ABORT_* -> ACT_R_* (0: none) */
const char *limit_message(int status);
bool ctx_is_oom(act_ctx *c, JSValueConst exc);   /* a real engine out of memory in the running operation */
void check_after_oom(act_ctx *c);
void acct_start(act_ctx *c, acct *a, int64_t timeout_ms);   /* timeout_ms < 0: the context's own */
void cancel_forget(act_ctx *c, uint64_t req_id);             /* takes c->mu */

/* ops.c */
void rejection_tracker(JSContext *jc, JSValueConst promise, JSValueConst reason, bool is_handled, void *opaque);
void op_free(act_ctx *c, op *o);
op *find_op(act_ctx *c, uint64_t op_id);
void op_fail(act_ctx *c, op *o, int status);
int checkpoint_op(act_ctx *c, uint64_t op_id, const acct *start);
void finish_op(act_ctx *c, uint64_t op_id, uint64_t req_id, act_waiter *w, JSValue r, int unwrap);
void do_resolve(act_ctx *c, uint64_t call_id, const uint8_t *data, size_t len);
int64_t expire_ops(act_ctx *c, int64_t now);   /* the next deadline, 0 = none */
void do_cancel(act_ctx *c, uint64_t req_id);

/* lifecycle.c */
void ctx_reset(act_ctx *c, frame *f, act_waiter *w);

#endif
