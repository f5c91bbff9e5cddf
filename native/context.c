/* One context: its runtime, its operations, its limits and its event loop.
 *
 * Everything here runs on the thread that owns the context (see pump.c):
 * the creator inside act_ctx_new, then whichever worker runs the slice.
 *
 * An operation is one command with a caller (eval, call, get/set global,
 * ...), or one callback without a caller (a message delivery, a timer).
 * Each has an `acct`: the interrupt handler counts reductions against it and
 * checks its deadline. The promise jobs an operation causes run in the
 * microtask checkpoint right after it, under the same acct; when a pending
 * operation resumes (a host call answered), its own acct is restored, so time
 * spent waiting for Python never counts as reductions.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* ---- replies -------------------------------------------------------------------- */

static void begin_reply(act_ctx *c, mpw *out, uint64_t req_id, act_waiter *w, int status)
{
    mpw_init(out, 64);
    if (w) {
        mpw_array(out, 2);
    } else {
        mpw_array(out, 5);
        mpw_int(out, ACT_EV_RESULT);
        mpw_uint(out, c->id);
        mpw_uint(out, req_id);
    }
    mpw_int(out, status);
}

static void end_reply(act_ctx *c, mpw *out, uint64_t req_id, act_waiter *w)
{
    size_t n;
    int over = out->over;
    uint8_t *b = mpw_take(out, &n);
    if (!b) {
        /* could not encode the answer: answer that instead */
        mpw err;
        char why[200];
        begin_reply(c, &err, req_id, w, over ? ACT_R_TOO_LARGE : ACT_R_CONVERSION);
        mpw_cstr(&err, over ? act_result_too_large(c, 0, why, sizeof why) : "out of memory while encoding the result");
        b = mpw_take(&err, &n);
    }
    if (w) {
        waiter_complete(w, b, n);
        waiter_unlink(c, w);
    } else if (req_id != 0) {
        pool_emit(c->pool, b, n);
    } else {
        free(b);
    }
}

static void reply_msg(act_ctx *c, uint64_t req_id, act_waiter *w, int status, const char *msg)
{
    if (!w && req_id == 0)
        return;
    mpw out;
    begin_reply(c, &out, req_id, w, status);
    mpw_cstr(&out, msg);
    end_reply(c, &out, req_id, w);
}

static int limit_status(int abort_reason)
{
    switch (abort_reason) {
    case ABORT_REDUCTIONS: return ACT_R_REDUCTIONS;
    case ABORT_TIMEOUT: return ACT_R_TIMEOUT;
    case ABORT_STOP: return ACT_R_DEAD;
    case ABORT_CANCEL: return ACT_R_CANCELLED;
    default: return 0;
    }
}

static const char *limit_message(int status)
{
    switch (status) {
    case ACT_R_REDUCTIONS: return "reduction budget exhausted (max_reductions)";
    case ACT_R_TIMEOUT: return "operation exceeded its timeout";
    case ACT_R_DEAD: return "the context is stopped";
    case ACT_R_MEMORY: return "memory limit exceeded (memory_limit)";
    case ACT_R_CANCELLED: return "the operation was cancelled by its caller";
    default: return "limit exceeded";
    }
}

static void reply_value(act_ctx *c, uint64_t req_id, act_waiter *w, JSValueConst v)
{
    if (!w && req_id == 0)
        return;
    mpw out;
    begin_reply(c, &out, req_id, w, ACT_R_OK);
    conv_err err;
    if (js_to_mp(c->jc, &out, v, &err) < 0) {
        mpw_free(&out);
        /* a getter or proxy trap the conversion ran hit a limit: that limit
           is the answer, not a conversion error, and it ends here (the next
           operation starts with its own budget) */
        int aborted = c->lim.abort_reason;
        c->lim.abort_reason = ABORT_NONE;
        int st = limit_status(aborted);
        if (st)
            reply_msg(c, req_id, w, st, limit_message(st));
        else
            reply_msg(c, req_id, w, err.status ? err.status : ACT_R_CONVERSION, err.msg);
        return;
    }
    end_reply(c, &out, req_id, w);
}

/* A real engine out of memory: the engine's own error (or the null it throws
   when even that cannot be made) while the engine counted an out-of-memory
   throw during the running operation (native/patches/0001). A script's
   `throw null`, or an InternalError('out of memory') of its own, is a JSError. */
static bool oom_since(act_ctx *c, JSValueConst exc, uint64_t base)
{
    /* an exception slot left empty: an engine allocation failed without
       throwing (no script can throw this value) */
    if (JS_IsUninitialized(exc))
        return true;
    return JS_GetOutOfMemoryCount(c->rt) != base && js_is_oom(c->jc, exc);
}
#define is_oom_error(jc, exc) oom_since(c, (exc), c->lim.run.oom_base)

/* After the engine ran out of memory: collect, then see whether it can still
   work. A heap still full of live data (reachable from globals) leaves no
   room to even compile `0`: the engine did not recover, so the context exits
   with reason memory and its supervisor can start a fresh one. */
static void check_after_oom(act_ctx *c)
{
    JS_RunGC(c->rt);
    bool dead = false;
    if (c->opts.memory_limit) {
        JSMemoryUsage u;
        JS_ComputeMemoryUsage(c->rt, &u);
        size_t headroom = c->opts.memory_limit / 16;
        if (headroom < 8192)
            headroom = 8192;
        dead = (size_t)u.malloc_size + headroom > c->opts.memory_limit;
    }
    if (!dead) {
        JSValue probe = JS_Eval(c->jc, "0", 1, "<probe>", JS_EVAL_TYPE_GLOBAL);
        dead = JS_IsException(probe);
        if (dead)
            JS_FreeValue(c->jc, JS_GetException(c->jc));
        JS_FreeValue(c->jc, probe);
    }
    if (dead && !c->crash.reason)
        c->crash.reason = "memory";
}

/* A thrown value as [name, message, stack]. By the time this runs, a real
   engine out of memory has been answered as a limit (oom_since), so a null
   here is the script's own `throw null`: codec.c would describe a null as
   the engine's out-of-memory error, which it only is inside the codec. */
static void write_thrown(JSContext *jc, mpw *w, JSValueConst exc)
{
    if (JS_IsNull(exc)) {
        mpw_array(w, 3);
        mpw_cstr(w, "Thrown");
        mpw_cstr(w, "null");
        mpw_nil(w);
        return;
    }
    mp_write_js_error(jc, w, exc);
}

/* Reply with the error `exc` (owned), or the limit that caused it. */
static void reply_error(act_ctx *c, uint64_t req_id, act_waiter *w, JSValue exc, int abort_reason)
{
    int status = limit_status(abort_reason);
    if (!status && is_oom_error(c->jc, exc))
        status = ACT_R_MEMORY;
    if (status) {
        JS_FreeValue(c->jc, exc);
        reply_msg(c, req_id, w, status, limit_message(status));
        if (status == ACT_R_MEMORY)
            check_after_oom(c);
        return;
    }
    if (!w && req_id == 0) {
        JS_FreeValue(c->jc, exc);
        return;
    }
    mpw out;
    begin_reply(c, &out, req_id, w, ACT_R_JSERROR);
    write_thrown(c->jc, &out, exc);
    JS_FreeValue(c->jc, exc);
    end_reply(c, &out, req_id, w);
}

/* ---- uncaught errors: callbacks with nobody to answer ------------------------------ */

static void set_crash(act_ctx *c, const char *reason, JSContext *jc, JSValueConst exc)
{
    if (c->crash.reason)
        return;
    c->crash.reason = reason;
    if (jc) {
        mpw d;
        if (mpw_init(&d, 128)) {
            write_thrown(jc, &d, exc);
            c->crash.detail = mpw_take(&d, &c->crash.detail_len);
        }
    }
}

/* `exc` is borrowed. `where` is "timer", "message", "rejection", "microtask". */
static void report_uncaught(act_ctx *c, const char *where, JSValueConst exc, int abort_reason);
void ctx_report_uncaught(act_ctx *c, const char *where, JSValueConst exc, int abort_reason)
{
    report_uncaught(c, where, exc, abort_reason);
}

static void report_uncaught(act_ctx *c, const char *where, JSValueConst exc, int abort_reason)
{
    int status = limit_status(abort_reason);
    if (abort_reason == ABORT_STOP || abort_reason == ABORT_CANCEL)
        return;
    if (!status && is_oom_error(c->jc, exc))
        status = ACT_R_MEMORY;
    mpw w;
    if (mpw_init(&w, 128)) {
        mpw_array(&w, 4);
        mpw_int(&w, ACT_EV_UNCAUGHT);
        mpw_uint(&w, c->id);
        mpw_cstr(&w, where);
        if (status) {
            mpw_array(&w, 3);
            mpw_cstr(&w, status == ACT_R_MEMORY ? "MemoryLimitError" :
                         status == ACT_R_REDUCTIONS ? "ReductionLimitError" : "EvalTimeoutError");
            mpw_cstr(&w, limit_message(status));
            mpw_nil(&w);
        } else {
            write_thrown(c->jc, &w, exc);
        }
        size_t n;
        uint8_t *b = mpw_take(&w, &n);
        pool_emit(c->pool, b, n);
    }
    if (status == ACT_R_MEMORY)
        check_after_oom(c);
    if (c->opts.on_uncaught == ACT_UNCAUGHT_CRASH) {
        const char *reason = status == ACT_R_MEMORY ? "memory" :
                             status == ACT_R_REDUCTIONS ? "reductions" :
                             status == ACT_R_TIMEOUT ? "timeout" : "error";
        set_crash(c, reason, status ? NULL : c->jc, exc);
    }
}

/* ---- accounting and the interrupt handler ------------------------------------------ */

static void acct_start(act_ctx *c, acct *a, int64_t timeout_ms)
{
    a->reductions = 0;
    a->max_reductions = c->opts.max_reductions;
    double secs = timeout_ms < 0 ? c->opts.timeout : (double)timeout_ms / 1000.0;
    a->deadline = secs > 0 ? act_now_ns() + (int64_t)(secs * 1e9) : 0;
    a->req_id = 0;
    a->oom_base = JS_GetOutOfMemoryCount(c->rt);
}

/* The running budget is c->lim.run, a copy. Before this was a pointer into the
   running op (or a caller's local), and JS run after that op was settled
   and freed (a getter on an unhandled rejection's reason, a continuation of
   a resolved host call) made the interrupt handler write to freed memory.
   Each entry point copies its op's budget in and, when done, back out by op
   id (an op freed meanwhile is simply gone). */
acct ctx_budget_enter(act_ctx *c, const acct *a)
{
    CTX_ASSERT_OWNER(c);
    acct saved = c->lim.run;
    c->lim.run = *a;
    if (c->cur_worker)
        atomic_store_explicit(&c->cur_worker->deadline, a->deadline, memory_order_relaxed);
    return saved;
}

void ctx_budget_leave(act_ctx *c, acct *a, const acct *saved)
{
    if (a)
        *a = c->lim.run;
    c->lim.run = *saved;
    if (c->cur_worker)
        atomic_store_explicit(&c->cur_worker->deadline, saved->deadline, memory_order_relaxed);
}

bool ctx_cancelled_locked(act_ctx *c, uint64_t req_id)
{
    for (int i = 0; req_id && i < c->cancel.n; i++)
        if (c->cancel.ids[i] == req_id)
            return true;
    return false;
}

/* Forget a cancellation once acted on (or once its operation is over). */
static void cancel_forget(act_ctx *c, uint64_t req_id)
{
    LK_CTX(&c->mu);
    for (int i = 0; i < c->cancel.n; i++) {
        if (c->cancel.ids[i] == req_id) {
            c->cancel.ids[i] = c->cancel.ids[--c->cancel.n];
            break;
        }
    }
    UN_CTX(&c->mu);
}

/* Is the running operation cancelled? A lock only when the list changed. */
static bool running_cancelled(act_ctx *c)
{
    unsigned gen = atomic_load_explicit(&c->cancel.gen, memory_order_acquire);
    if (gen == c->cancel.seen || !c->lim.run.req_id)
        return false;
    LK_CTX(&c->mu);
    bool hit = ctx_cancelled_locked(c, c->lim.run.req_id);
    bool empty = c->cancel.n == 0;
    UN_CTX(&c->mu);
    /* while cancellations are outstanding, every poll looks (the running
       operation may change); once they are all handled, none does */
    if (empty)
        c->cancel.seen = gen;
    return hit;
}

int ctx_interrupt(JSRuntime *rt, void *opaque)
{
    (void)rt;
    act_ctx *c = opaque;
    CTX_ASSERT_OWNER(c);
    if (c->lim.abort_reason != ABORT_NONE)
        return 1;
    if (atomic_load_explicit(&c->stop_req, memory_order_relaxed)) {
        c->lim.abort_reason = ABORT_STOP;
        return 1;
    }
    if (running_cancelled(c)) {
        c->lim.abort_reason = ABORT_CANCEL;
        return 1;
    }
    acct *a = &c->lim.run;
    a->reductions++;
    if (a->max_reductions && a->reductions > a->max_reductions) {
        c->lim.abort_reason = ABORT_REDUCTIONS;
        return 1;
    }
    int64_t now = act_now_ns();
    if (a->deadline && now >= a->deadline) {
        c->lim.abort_reason = ABORT_TIMEOUT;
        return 1;
    }
    worker *w = c->cur_worker;
    if (w && w->has_slot && now - w->slice_start > ACT_HANDOFF_NS &&
        atomic_load_explicit(&c->pool->rq_len, memory_order_relaxed) > 0)
        pool_release_slot(w);   /* keep running, but let a sibling have the slot */
    return 0;
}

/* ---- pending operations and the microtask checkpoint ------------------------------- */

static void drop_rejection(act_ctx *c, JSValueConst promise)
{
    rejection **pp = &c->ops.rejections;
    while (*pp) {
        rejection *r = *pp;
        if (JS_VALUE_GET_PTR(r->promise) == JS_VALUE_GET_PTR(promise)) {
            *pp = r->next;
            JS_FreeValue(c->jc, r->promise);
            JS_FreeValue(c->jc, r->reason);
            free(r);
        } else {
            pp = &r->next;
        }
    }
}

static void rejection_tracker(JSContext *jc, JSValueConst promise, JSValueConst reason,
                              bool is_handled, void *opaque)
{
    act_ctx *c = opaque;
    if (is_handled) {
        drop_rejection(c, promise);
        return;
    }
    rejection *r = malloc(sizeof *r);
    if (!r)
        return;
    r->promise = JS_DupValue(jc, promise);
    r->reason = JS_DupValue(jc, reason);
    r->next = c->ops.rejections;
    c->ops.rejections = r;
}

static void op_free(act_ctx *c, op *o)
{
    JS_FreeValue(c->jc, o->promise);
    free(o);
}

static void unlink_op(act_ctx *c, op *o)
{
    op **pp = &c->ops.pending;
    while (*pp && *pp != o)
        pp = &(*pp)->next;
    if (*pp)
        *pp = o->next;
}

static op *find_op(act_ctx *c, uint64_t op_id)
{
    for (op *o = c->ops.pending; o; o = o->next)
        if (o->op_id == op_id)
            return o;
    return NULL;
}

/* An operation that failed by a limit or was cancelled leaves no work
   behind: the host calls it started are forgotten, so their answers find
   nothing and their continuations never run (a timed-out eval's
   `await Host.call(..).then(..)` does nothing later). Timers it set are
   operations of their own and still fire, each under its own budget. */
static void drop_hcalls_of(act_ctx *c, uint64_t op_id)
{
    hcall_drop_op(c, op_id);
}

/* Answer a pending operation with a limit status and free it. */
static void op_fail(act_ctx *c, op *o, int status)
{
    unlink_op(c, o);
    drop_hcalls_of(c, o->op_id);
    reply_msg(c, o->req_id, o->w, status, limit_message(status));
    op_free(c, o);
}

/* Settle every pending operation whose promise is no longer pending.
   Replying runs JS (getters in the conversion), but JS cannot add or remove
   operations (only commands do, on this thread, never from inside a reply),
   so the link `pp` stays valid across a reply. */
static void settle_ops(act_ctx *c)
{
    op **pp = &c->ops.pending;
    while (*pp) {
        op *o = *pp;
        JSPromiseStateEnum st = JS_PromiseState(c->jc, o->promise);
        if (st == JS_PROMISE_PENDING) {
            pp = &o->next;
            continue;
        }
        JSValue val = JS_PromiseResult(c->jc, o->promise);
        if (st == JS_PROMISE_FULFILLED && o->unwrap) {
            JSValue inner = JS_GetPropertyStr(c->jc, val, "value");
            JS_FreeValue(c->jc, val);
            val = inner;
            o->unwrap = 0;
        }
        if (st == JS_PROMISE_FULFILLED && JS_IsPromise(val)) {
            /* an eval that produced a promise: await that one too */
            JS_FreeValue(c->jc, o->promise);
            o->promise = val;
            continue;   /* re-examine the same op */
        }
        *pp = o->next;
        acct saved = ctx_budget_enter(c, &o->a);
        if (st == JS_PROMISE_REJECTED) {
            drop_rejection(c, o->promise);
            if (is_oom_error(c->jc, val))
                c->lim.op_oom = 1;
            reply_error(c, o->req_id, o->w, val, ABORT_NONE);   /* takes val */
        } else {
            reply_value(c, o->req_id, o->w, val);
            JS_FreeValue(c->jc, val);
        }
        ctx_budget_leave(c, NULL, &saved);
        op_free(c, o);
    }
}

static void report_rejections(act_ctx *c)
{
    while (c->ops.rejections) {
        rejection *r = c->ops.rejections;
        c->ops.rejections = r->next;
        /* an operation that failed with out of memory leaves promises of its
           own rejected with the same error: its caller has been told already */
        if (!(c->lim.op_oom && is_oom_error(c->jc, r->reason)))
            report_uncaught(c, "rejection", r->reason, ABORT_NONE);
        JS_FreeValue(c->jc, r->promise);
        JS_FreeValue(c->jc, r->reason);
        free(r);
    }
}

/* Fail the pending operation `op_id` with the limit that stopped it. */
static void fail_op_limit(act_ctx *c, uint64_t op_id, int aborted)
{
    op *o = find_op(c, op_id);
    if (o)
        op_fail(c, o, limit_status(aborted));
}

/* Run the promise jobs now pending under `a`. Returns the ABORT_* reason that
   stopped them (ABORT_NONE when they all ran); the pending operation `op_id`,
   if any, fails with that limit. Jobs still queued after an abort are run with
   every interrupt poll failing, which ends any job chain at its next poll, so
   the context is usable again for the next operation. `a` is the caller's own
   storage (never an op's: ops can be freed in here); it gets the budget back
   as spent. */
static int checkpoint(act_ctx *c, acct *a, uint64_t op_id);
int ctx_checkpoint(act_ctx *c, acct *a, uint64_t op_id)
{
    return checkpoint(c, a, op_id);
}

static int checkpoint(act_ctx *c, acct *a, uint64_t op_id)
{
    acct saved = ctx_budget_enter(c, a);
    uint64_t saved_op = c->ops.cur_id;
    c->ops.cur_id = op_id;
    while (c->lim.abort_reason == ABORT_NONE && JS_IsJobPending(c->rt) && !c->crash.reason) {
        JSContext *jc;
        int r = JS_ExecutePendingJob(c->rt, &jc);
        if (r < 0) {
            JSValue exc = JS_GetException(c->jc);
            if (c->lim.abort_reason == ABORT_NONE)
                report_uncaught(c, "microtask", exc, ABORT_NONE);
            JS_FreeValue(c->jc, exc);
        }
        if (atomic_load_explicit(&c->stop_req, memory_order_relaxed) && c->lim.abort_reason == ABORT_NONE)
            c->lim.abort_reason = ABORT_STOP;
    }
    int aborted = c->lim.abort_reason;
    if (aborted != ABORT_NONE) {
        long guard = 0;
        while (JS_IsJobPending(c->rt) && guard++ < 50000000L) {
            JSContext *jc;
            if (JS_ExecutePendingJob(c->rt, &jc) < 0)
                JS_FreeValue(c->jc, JS_GetException(c->jc));
        }
        if (JS_IsJobPending(c->rt) && !c->crash.reason)
            c->crash.reason = "crashed";   /* a job chain that never polls: give up on it */
        c->lim.abort_reason = ABORT_NONE;
        if (op_id)
            fail_op_limit(c, op_id, aborted);
    }
    settle_ops(c);
    report_rejections(c);
    c->lim.op_oom = 0;
    ctx_budget_leave(c, a, &saved);
    c->ops.cur_id = saved_op;
    return aborted;
}

/* Run the jobs of the pending operation `op_id` under its own budget, which
   is handed back to it afterwards if it is still pending. */
static int checkpoint_op(act_ctx *c, uint64_t op_id, const acct *start)
{
    acct run = *start;
    int aborted = checkpoint(c, &run, op_id);
    op *o = find_op(c, op_id);
    if (o)
        o->a = run;
    return aborted;
}

/* Finish an operation whose code has run under c->lim.run: `r` is its result
   (owned) or JS_EXCEPTION. A promise result parks the operation until it
   settles. */
static void finish_op(act_ctx *c, uint64_t op_id, uint64_t req_id, act_waiter *w, JSValue r, int unwrap)
{
    acct cur = c->lim.run;
    if (JS_IsException(r) && c->codec.conv_msg[0]) {
        JS_FreeValue(c->jc, JS_GetException(c->jc));
        reply_msg(c, req_id, w, ACT_R_CONVERSION, c->codec.conv_msg);
        c->codec.conv_msg[0] = '\0';
        return;
    }
    if (JS_IsException(r)) {
        /* an abort stays set, so the checkpoint drains leftover jobs of this
           operation with every poll failing instead of a fresh budget */
        int abort_reason = c->lim.abort_reason;
        JSValue exc = JS_GetException(c->jc);
        c->lim.op_oom = is_oom_error(c->jc, exc);
        int late = checkpoint(c, &cur, 0);
        if (abort_reason != ABORT_NONE || late != ABORT_NONE)
            drop_hcalls_of(c, op_id);
        reply_error(c, req_id, w, exc, abort_reason != ABORT_NONE ? abort_reason : late);
        return;
    }
    if (JS_IsPromise(r)) {
        op *o = malloc(sizeof *o);
        if (!o) {
            JS_FreeValue(c->jc, r);
            reply_msg(c, req_id, w, ACT_R_MEMORY, "out of memory");
            return;
        }
        o->op_id = op_id;
        o->req_id = req_id;
        o->w = w;
        o->promise = r;
        o->unwrap = unwrap;
        o->a = cur;
        o->next = c->ops.pending;
        c->ops.pending = o;
        checkpoint_op(c, op_id, &cur);
        return;
    }
    int aborted = checkpoint(c, &cur, 0);
    if (aborted != ABORT_NONE) {
        drop_hcalls_of(c, op_id);
        int st = limit_status(aborted);
        reply_msg(c, req_id, w, st, limit_message(st));
    } else {
        c->lim.run = cur;   /* the conversion's getters spend what is left */
        reply_value(c, req_id, w, r);
    }
    JS_FreeValue(c->jc, r);
}

/* ---- commands ------------------------------------------------------------------------ */

typedef struct frame {
    int64_t op;
    uint64_t req_id;
    int64_t timeout_ms;
    uint32_t nargs;
    mpr r;                         /* positioned at the first argument */
} frame;

static bool parse_frame(const uint8_t *data, size_t len, frame *f)
{
    mp_obj o;
    mpr_init(&f->r, data, len);
    if (!mpr_read(&f->r, &o) || o.type != MP_ARRAY || o.v.n < 3)
        return false;
    int64_t req;
    if (!mpr_int(&f->r, &f->op) || !mpr_int(&f->r, &req) || !mpr_int(&f->r, &f->timeout_ms))
        return false;
    f->req_id = (uint64_t)req;
    f->nargs = o.v.n - 3;
    return true;
}

static bool arg_str(frame *f, const uint8_t **s, size_t *n)
{
    mp_obj o;
    if (!mpr_read(&f->r, &o) || o.type != MP_STR)
        return false;
    *s = o.data;
    *n = o.len;
    return true;
}

static JSValue do_eval(act_ctx *c, frame *f, int *unwrap)
{
    const uint8_t *code, *fname = NULL;
    size_t n, fn = 0;
    if (!arg_str(f, &code, &n))
        return JS_ThrowTypeError(c->jc, "eval: code must be a string");
    if (f->nargs > 1 && !arg_str(f, &fname, &fn))
        fname = NULL;
    char *src = malloc(n + 1);
    char name[256];
    if (!src)
        return JS_ThrowOutOfMemory(c->jc);
    memcpy(src, code, n);
    src[n] = '\0';
    snprintf(name, sizeof name, "%.*s", fname ? (int)fn : 6, fname ? (const char *)fname : "<eval>");
    int flags = JS_EVAL_TYPE_GLOBAL;
    /* top-level await needs an async script, which costs a promise per eval:
       only pay for it when the source could contain an await */
    *unwrap = 0;
    if (memmem(src, n, "await", 5)) {
        flags |= JS_EVAL_FLAG_ASYNC;
        *unwrap = 1;
    }
    JSValue r = JS_Eval(c->jc, src, n, name, flags);
    free(src);
    return r;
}

/* Resolve "a.b.c" from the global object; *this_out gets the holder. */
static JSValue lookup_path(act_ctx *c, const uint8_t *s, size_t n, JSValue *this_out)
{
    JSValue cur = JS_GetGlobalObject(c->jc);
    JSValue holder = JS_UNDEFINED;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.')
            continue;
        JSAtom atom = JS_NewAtomLen(c->jc, (const char *)s + start, i - start);
        if (atom == JS_ATOM_NULL) {
            JS_FreeValue(c->jc, cur);
            JS_FreeValue(c->jc, holder);
            return JS_EXCEPTION;
        }
        JSValue next = JS_GetProperty(c->jc, cur, atom);
        JS_FreeAtom(c->jc, atom);
        JS_FreeValue(c->jc, holder);
        holder = cur;
        cur = next;
        if (JS_IsException(cur)) {
            JS_FreeValue(c->jc, holder);
            return JS_EXCEPTION;
        }
        start = i + 1;
    }
    if (this_out)
        *this_out = holder;
    else
        JS_FreeValue(c->jc, holder);
    return cur;
}

static JSValue do_call(act_ctx *c, frame *f)
{
    const uint8_t *name;
    size_t n;
    if (!arg_str(f, &name, &n))
        return JS_ThrowTypeError(c->jc, "call: function name must be a string");
    mp_obj o;
    if (f->nargs < 2 || !mpr_read(&f->r, &o) || o.type != MP_ARRAY)
        return JS_ThrowTypeError(c->jc, "call: arguments must be a list");
    uint32_t argc = o.v.n;
    if (argc > 65535)
        return JS_ThrowRangeError(c->jc, "call: too many arguments");
    JSValue *argv = calloc(argc ? argc : 1, sizeof *argv);
    if (!argv)
        return JS_ThrowOutOfMemory(c->jc);
    JSValue r = JS_UNDEFINED;
    uint32_t got = 0;
    conv_err err;
    for (; got < argc; got++) {
        argv[got] = mp_to_js(c->jc, &f->r, &err);
        if (JS_IsException(argv[got])) {
            snprintf(c->codec.conv_msg, sizeof c->codec.conv_msg, "argument %u: %s", got, err.msg);
            r = JS_ThrowTypeError(c->jc, "call: argument %u: %s", got, err.msg);
            break;
        }
    }
    if (got == argc) {
        JSValue self;
        JSValue fn = lookup_path(c, name, n, &self);
        if (JS_IsException(fn)) {
            r = JS_EXCEPTION;
        } else {
            if (!JS_IsFunction(c->jc, fn))
                r = JS_ThrowTypeError(c->jc, "%.*s is not a function", (int)(n > 200 ? 200 : n), (const char *)name);
            else
                r = JS_Call(c->jc, fn, self, (int)argc, (JSValueConst *)argv);
            JS_FreeValue(c->jc, fn);
            JS_FreeValue(c->jc, self);
        }
    }
    for (uint32_t i = 0; i < got; i++)
        JS_FreeValue(c->jc, argv[i]);
    free(argv);
    return r;
}

static JSValue do_get_global(act_ctx *c, frame *f)
{
    const uint8_t *name;
    size_t n;
    if (!arg_str(f, &name, &n))
        return JS_ThrowTypeError(c->jc, "get_global: name must be a string");
    return lookup_path(c, name, n, NULL);
}

static JSValue do_set_global(act_ctx *c, frame *f)
{
    const uint8_t *name;
    size_t n;
    if (f->nargs < 2 || !arg_str(f, &name, &n))
        return JS_ThrowTypeError(c->jc, "set_global: name must be a string");
    conv_err err;
    JSValue v = mp_to_js(c->jc, &f->r, &err);
    if (JS_IsException(v)) {
        snprintf(c->codec.conv_msg, sizeof c->codec.conv_msg, "%s", err.msg);
        return JS_ThrowTypeError(c->jc, "set_global: %s", err.msg);
    }
    /* "a.b.c": set c on the object at a.b, like get_global reads it */
    size_t last = n;
    while (last > 0 && name[last - 1] != '.')
        last--;
    JSValue target = last ? lookup_path(c, name, last - 1, NULL) : JS_GetGlobalObject(c->jc);
    if (JS_IsException(target)) {
        JS_FreeValue(c->jc, v);
        return JS_EXCEPTION;
    }
    if (!JS_IsObject(target)) {
        JS_FreeValue(c->jc, v);
        JS_FreeValue(c->jc, target);
        return JS_ThrowTypeError(c->jc, "set_global: %.*s is not an object", (int)(last - 1), (const char *)name);
    }
    JSAtom atom = JS_NewAtomLen(c->jc, (const char *)name + last, n - last);
    int rc = atom == JS_ATOM_NULL ? -1 : JS_SetProperty(c->jc, target, atom, v);
    if (atom == JS_ATOM_NULL)
        JS_FreeValue(c->jc, v);
    else
        JS_FreeAtom(c->jc, atom);
    JS_FreeValue(c->jc, target);
    return rc < 0 ? JS_EXCEPTION : JS_UNDEFINED;
}

static JSValue do_eval_bytecode(act_ctx *c, frame *f)
{
    mp_obj o;
    if (!mpr_read(&f->r, &o) || o.type != MP_BIN)
        return JS_ThrowTypeError(c->jc, "eval_bytecode: expected bytes");
    JSValue fn = JS_ReadObject(c->jc, o.data, o.len, JS_READ_OBJ_BYTECODE);
    if (JS_IsException(fn))
        return fn;
    return JS_EvalFunction(c->jc, fn);
}

static void do_memory(act_ctx *c, frame *f, act_waiter *w)
{
    JSMemoryUsage u;
    JS_ComputeMemoryUsage(c->rt, &u);
    mpw out;
    begin_reply(c, &out, f->req_id, w, ACT_R_OK);
    mpw_map(&out, 9);
    mpw_cstr(&out, "malloc_size"); mpw_int(&out, u.malloc_size);
    mpw_cstr(&out, "memory_limit"); mpw_int(&out, (int64_t)c->opts.memory_limit);
    mpw_cstr(&out, "memory_used_size"); mpw_int(&out, u.memory_used_size);
    mpw_cstr(&out, "malloc_count"); mpw_int(&out, u.malloc_count);
    mpw_cstr(&out, "obj_count"); mpw_int(&out, u.obj_count);
    mpw_cstr(&out, "str_count"); mpw_int(&out, u.str_count);
    mpw_cstr(&out, "atom_count"); mpw_int(&out, u.atom_count);
    mpw_cstr(&out, "js_func_count"); mpw_int(&out, u.js_func_count);
    mpw_cstr(&out, "array_count"); mpw_int(&out, u.array_count);
    end_reply(c, &out, f->req_id, w);
}

/* The dom group's document as a snapshot (dom.c): no JavaScript runs. */
static void do_dom(act_ctx *c, frame *f, act_waiter *w)
{
    mpw out;
    begin_reply(c, &out, f->req_id, w, ACT_R_OK);
    act_result_budget(c, &out);
    char why[200];
    const char *err = dom_snapshot(c, &out, why, sizeof why);
    if (err) {
        mpw_free(&out);
        reply_msg(c, f->req_id, w, err == why ? ACT_R_TOO_LARGE : ACT_R_BADREQ, err);
        return;
    }
    end_reply(c, &out, f->req_id, w);
}

/* Deliver the frame's value to every callback of `handlers` (an array, or
   undefined): an operation without a caller, like a timer. */
static void deliver(act_ctx *c, frame *f, JSValueConst handlers, const char *where)
{
    acct a;
    acct_start(c, &a, f->timeout_ms);
    uint64_t op_id = ++c->ops.next_id;
    conv_err err;
    c->lim.abort_reason = ABORT_NONE;
    JSValue msg = mp_to_js(c->jc, &f->r, &err);
    if (JS_IsException(msg)) {
        JSValue e = host_new_error_value(c->jc, "TypeError", err.msg);
        report_uncaught(c, where, e, ABORT_NONE);
        JS_FreeValue(c->jc, e);
        return;
    }
    acct saved = ctx_budget_enter(c, &a);
    c->ops.cur_id = op_id;
    int64_t n = 0;
    if (JS_IsObject(handlers))
        JS_GetLength(c->jc, handlers, &n);
    for (int64_t i = 0; i < n && !c->crash.reason; i++) {
        JSValue fn = JS_GetPropertyInt64(c->jc, handlers, i);
        JSValue r = JS_Call(c->jc, fn, JS_UNDEFINED, 1, (JSValueConst *)&msg);
        JS_FreeValue(c->jc, fn);
        if (JS_IsException(r)) {
            JSValue exc = JS_GetException(c->jc);
            int reason = c->lim.abort_reason;
            c->lim.abort_reason = ABORT_NONE;
            report_uncaught(c, where, exc, reason);
            JS_FreeValue(c->jc, exc);
            if (reason != ABORT_NONE) {
                c->lim.abort_reason = reason;
                break;
            }
        } else {
            JS_FreeValue(c->jc, r);
        }
    }
    JS_FreeValue(c->jc, msg);
    a = c->lim.run;
    int aborted = checkpoint(c, &a, op_id);
    if (aborted != ABORT_NONE && aborted != ABORT_STOP && !c->crash.reason)
        report_uncaught(c, where, JS_UNDEFINED, aborted);
    ctx_budget_leave(c, NULL, &saved);
    c->ops.cur_id = 0;
}

static void do_send(act_ctx *c, frame *f)
{
    deliver(c, f, c->ops.msg_handlers, "message");
}

/* ctx.ask(message): the Host.onMessage callbacks run in order, as for a
   send, but a caller waits: the answer is the last value other than
   undefined that a callback returned (a promise is awaited, like an eval's),
   and a callback that throws fails the ask with that error instead of being
   reported as uncaught. */
static JSValue do_ask(act_ctx *c, frame *f)
{
    conv_err err;
    JSValue msg = mp_to_js(c->jc, &f->r, &err);
    if (JS_IsException(msg)) {
        snprintf(c->codec.conv_msg, sizeof c->codec.conv_msg, "message: %s", err.msg);
        return JS_ThrowTypeError(c->jc, "ask: message: %s", err.msg);
    }
    JSValue answer = JS_UNDEFINED;
    int64_t n = 0;
    if (JS_IsObject(c->ops.msg_handlers) && JS_GetLength(c->jc, c->ops.msg_handlers, &n) < 0) {
        JS_FreeValue(c->jc, msg);
        return JS_EXCEPTION;
    }
    for (int64_t i = 0; i < n; i++) {
        JSValue fn = JS_GetPropertyInt64(c->jc, c->ops.msg_handlers, i);
        if (JS_IsException(fn)) {
            JS_FreeValue(c->jc, answer);
            answer = JS_EXCEPTION;
            break;
        }
        JSValue r = JS_Call(c->jc, fn, JS_UNDEFINED, 1, (JSValueConst *)&msg);
        JS_FreeValue(c->jc, fn);
        if (JS_IsException(r)) {
            JS_FreeValue(c->jc, answer);
            answer = JS_EXCEPTION;
            break;
        }
        if (JS_IsUndefined(r)) {
            JS_FreeValue(c->jc, r);
        } else {
            JS_FreeValue(c->jc, answer);
            answer = r;
        }
    }
    JS_FreeValue(c->jc, msg);
    return answer;
}

/* An event for a polyfill group: [.., group, value] to the callbacks it
   registered with native.on(group, fn). */
static void do_internal(act_ctx *c, frame *f)
{
    const uint8_t *group;
    size_t n;
    if (f->nargs < 2 || !arg_str(f, &group, &n))
        return;
    JSValue handlers = JS_UNDEFINED;
    if (JS_IsObject(c->grp.handlers)) {
        JSAtom atom = JS_NewAtomLen(c->jc, (const char *)group, n);
        if (atom != JS_ATOM_NULL) {
            handlers = JS_GetProperty(c->jc, c->grp.handlers, atom);
            JS_FreeAtom(c->jc, atom);
        }
        if (JS_IsException(handlers)) {
            JS_FreeValue(c->jc, JS_GetException(c->jc));
            handlers = JS_UNDEFINED;
        }
    }
    deliver(c, f, handlers, "event");
    JS_FreeValue(c->jc, handlers);
}

/* Answer from Python to a Host.call promise: payload [ok, value]. */
static void do_resolve(act_ctx *c, uint64_t call_id, const uint8_t *data, size_t len)
{
    hcall *h = hcall_take(c, call_id);
    if (!h)
        return;   /* the operation timed out or the context was reset: drop it */

    /* the owner's budget is copied, never pointed at: the continuation may
       settle the owner, which frees it while JS still runs under its budget */
    op *owner = find_op(c, h->op_id);
    bool owned = owner != NULL;
    acct run;
    if (owner)
        run = owner->a;
    else
        acct_start(c, &run, -1);
    c->lim.abort_reason = ABORT_NONE;

    bool is_ok;
    JSValue arg = host_decode_answer(c->jc, data, len, &is_ok);
    if (JS_IsException(arg))
        arg = JS_GetException(c->jc);   /* out of memory: reject with that */
    acct saved = ctx_budget_enter(c, &run);
    c->ops.cur_id = h->op_id;
    JSValue fn = is_ok ? h->resolve : h->reject;
    JSValue res = JS_Call(c->jc, fn, JS_UNDEFINED, 1, (JSValueConst *)&arg);
    if (JS_IsException(res))
        JS_FreeValue(c->jc, JS_GetException(c->jc));
    JS_FreeValue(c->jc, res);
    JS_FreeValue(c->jc, arg);
    JS_FreeValue(c->jc, h->resolve);
    JS_FreeValue(c->jc, h->reject);
    uint64_t op_id = h->op_id;
    js_free(c->jc, h);
    ctx_budget_leave(c, &run, &saved);
    int aborted = owned ? checkpoint_op(c, op_id, &run) : checkpoint(c, &run, 0);
    c->ops.cur_id = 0;
    if (aborted != ABORT_NONE && aborted != ABORT_STOP && !owned)
        report_uncaught(c, "callback", JS_UNDEFINED, aborted);
}

/* ---- engine lifecycle ------------------------------------------------------------------ */

int ctx_engine_init(act_ctx *c)
{
    c->rt = JS_NewRuntime();
    if (!c->rt)
        return ACT_EENGINE;
    JS_SetRuntimeOpaque(c->rt, c);
    JS_SetMaxStackSize(c->rt, c->opts.max_stack_size ? c->opts.max_stack_size : 1024 * 1024);
    JS_UpdateStackTop(c->rt);
    JS_SetInterruptHandler(c->rt, ctx_interrupt, c);
    JS_SetHostPromiseRejectionTracker(c->rt, rejection_tracker, c);
    JS_SetCanBlock(c->rt, false);
    c->jc = JS_NewContext(c->rt);
    if (!c->jc) {
        JS_FreeRuntime(c->rt);
        c->rt = NULL;
        return ACT_EENGINE;
    }
    JS_SetContextOpaque(c->jc, c);
    c->ops.msg_handlers = JS_UNDEFINED;
    c->grp.native_obj = JS_UNDEFINED;
    c->grp.handlers = JS_UNDEFINED;
    if (host_install(c) < 0) {
        JS_FreeValue(c->jc, JS_GetException(c->jc));
        JS_FreeContext(c->jc);
        JS_FreeRuntime(c->rt);
        c->rt = NULL;
        c->jc = NULL;
        return ACT_EENGINE;
    }
    if (c->opts.memory_limit)
        JS_SetMemoryLimit(c->rt, c->opts.memory_limit);
    return ACT_OK;
}

/* Free every JS value the context holds and the runtime; fail pending work. */
static void engine_teardown(act_ctx *c, const char *why)
{
    while (c->ops.pending) {
        op *o = c->ops.pending;
        c->ops.pending = o->next;
        reply_msg(c, o->req_id, o->w, ACT_R_DEAD, why);
        op_free(c, o);
    }
    hcall_free_all(c);
    while (c->ops.rejections) {
        rejection *r = c->ops.rejections;
        c->ops.rejections = r->next;
        JS_FreeValue(c->jc, r->promise);
        JS_FreeValue(c->jc, r->reason);
        free(r);
    }
    host_free_state(c);
    groups_free_state(c);
    JS_FreeValue(c->jc, c->ops.msg_handlers);
    c->ops.msg_handlers = JS_UNDEFINED;
    /* pending jobs hold values too: run them with every poll failing */
    c->lim.abort_reason = ABORT_STOP;
    JSContext *jc;
    long guard = 0;
    while (JS_IsJobPending(c->rt) && guard++ < 10000000L)
        if (JS_ExecutePendingJob(c->rt, &jc) < 0)
            JS_FreeValue(c->jc, JS_GetException(c->jc));
    c->lim.abort_reason = ABORT_NONE;
    JS_FreeContext(c->jc);
    JS_FreeRuntime(c->rt);
    c->jc = NULL;
    c->rt = NULL;
}

static void fail_mailbox(act_ctx *c, const char *why)
{
    LK_CTX(&c->mu);
    cmd *m = c->mbox.head;
    c->mbox.head = c->mbox.tail = NULL;
    c->mbox.cmds = c->mbox.bytes = 0;
    UN_CTX(&c->mu);
    while (m) {
        cmd *nx = m->next;
        if (m->w) {
            frame f;
            uint64_t req = parse_frame(m->data, m->len, &f) ? f.req_id : 0;
            reply_msg(c, req, m->w, ACT_R_DEAD, why);
        } else if (m->kind == CMD_FRAME) {
            frame f;
            if (parse_frame(m->data, m->len, &f) && f.req_id)
                reply_msg(c, f.req_id, NULL, ACT_R_DEAD, why);
        }
        free(m);
        m = nx;
    }
}

static void ctx_exit(act_ctx *c, const char *reason)
{
    engine_teardown(c, "the context is stopped");
    fail_mailbox(c, "the context is stopped");
    LK_CTX(&c->mu);
    c->sch.dead = 1;
    atomic_store(&c->stop_req, atomic_load(&c->stop_req) ? atomic_load(&c->stop_req) : 1);
    UN_CTX(&c->mu);
    /* commands that raced in before `dead` was set */
    fail_mailbox(c, "the context is stopped");

    mpw w;
    if (mpw_init(&w, 64)) {
        mpw_array(&w, 4);
        mpw_int(&w, ACT_EV_EXIT);
        mpw_uint(&w, c->id);
        mpw_cstr(&w, reason);
        if (c->crash.detail)
            mpw_raw(&w, c->crash.detail, c->crash.detail_len);
        else
            mpw_nil(&w);
        size_t n;
        uint8_t *b = mpw_take(&w, &n);
        pool_emit(c->pool, b, n);
    }
    free(c->crash.detail);
    c->crash.detail = NULL;
    pool_context_gone(c->pool, c);
    ctx_unref(c);   /* the pool's reference */
}

static void do_reset(act_ctx *c, frame *f, act_waiter *w)
{
    engine_teardown(c, "the context was reset");
    int rc = ctx_engine_init(c);
    if (rc != ACT_OK) {
        c->crash.reason = "crashed";
        reply_msg(c, f->req_id, w, ACT_R_DEAD, "the engine could not be restarted");
        return;
    }
    JS_UpdateStackTop(c->rt);
    reply_msg(c, f->req_id, w, ACT_R_OK, "");
}

static void process_frame(act_ctx *c, cmd *m)
{
    frame f;
    act_waiter *w = m->w;
    if (!parse_frame(m->data, m->len, &f)) {
        reply_msg(c, 1, w, ACT_R_BADREQ, "malformed command frame");
        return;
    }
    acct a;
    acct_start(c, &a, f.timeout_ms);
    a.req_id = f.req_id;
    uint64_t op_id = ++c->ops.next_id;
    int unwrap = 0;
    c->lim.abort_reason = ABORT_NONE;   /* nothing a previous operation spent carries over */
    JSValue r;
    switch (f.op) {
    case ACT_OP_SEND:
        do_send(c, &f);
        if (w)
            reply_msg(c, f.req_id, w, ACT_R_OK, "");
        return;
    case ACT_OP_INTERNAL:
        do_internal(c, &f);
        if (w)
            reply_msg(c, f.req_id, w, ACT_R_OK, "");
        return;
    case ACT_OP_MEMORY:
        do_memory(c, &f, w);
        return;
    case ACT_OP_RESET:
        do_reset(c, &f, w);
        return;
    case ACT_OP_DOM:
        do_dom(c, &f, w);
        return;
    case ACT_OP_GC:
        JS_RunGC(c->rt);
        reply_msg(c, f.req_id, w, ACT_R_OK, "");
        return;
    default:
        break;
    }
    acct saved = ctx_budget_enter(c, &a);
    c->ops.cur_id = op_id;
    switch (f.op) {
    case ACT_OP_EVAL: r = do_eval(c, &f, &unwrap); break;
    case ACT_OP_CALL: r = do_call(c, &f); break;
    case ACT_OP_GET_GLOBAL: r = do_get_global(c, &f); break;
    case ACT_OP_SET_GLOBAL: r = do_set_global(c, &f); break;
    case ACT_OP_EVAL_BYTECODE: r = do_eval_bytecode(c, &f); break;
    case ACT_OP_ASK: r = do_ask(c, &f); break;
    default:
        ctx_budget_leave(c, NULL, &saved);
        c->ops.cur_id = 0;
        reply_msg(c, f.req_id, w, ACT_R_BADREQ, "unknown command");
        return;
    }
    finish_op(c, op_id, f.req_id, w, r, unwrap);
    ctx_budget_leave(c, NULL, &saved);
    c->ops.cur_id = 0;
}

/* Fail pending operations whose deadline passed while they waited. */
static int64_t expire_ops(act_ctx *c, int64_t now)
{
    int64_t next = 0;
    op *o = c->ops.pending;
    while (o) {
        op *nx = o->next;
        if (o->a.deadline && o->a.deadline <= now) {
            op_fail(c, o, ACT_R_TIMEOUT);
        } else if (o->a.deadline && (!next || o->a.deadline < next)) {
            next = o->a.deadline;
        }
        o = nx;
    }
    return next;
}

/* A cancellation the worker gets to: the operation is pending (it fails
   now) or over (nothing to do); the running case was the interrupt's. */
static void do_cancel(act_ctx *c, uint64_t req_id)
{
    op *o = NULL;
    for (op *p = c->ops.pending; p; p = p->next)
        if (p->req_id == req_id)
            o = p;
    if (o)
        op_fail(c, o, ACT_R_CANCELLED);
    cancel_forget(c, req_id);
}

bool ctx_mailbox_waiting(act_ctx *c)
{
    LK_CTX(&c->mu);
    bool waiting = c->mbox.head != NULL;
    UN_CTX(&c->mu);
    return waiting;
}

bool ctx_has_work_locked(act_ctx *c)
{
    return c->mbox.head != NULL || c->sch.wake || atomic_load(&c->stop_req);
}

void ctx_run_slice(worker *w, act_ctx *c)
{
    LK_CTX(&c->mu);
    if (c->sch.dead) {
        c->sch.state = S_IDLE;
        UN_CTX(&c->mu);
        return;
    }
    c->sch.state = S_RUNNING;
    c->sch.wake = 0;
    UN_CTX(&c->mu);
    CTX_OWN(c);

    JS_UpdateStackTop(c->rt);
    c->cur_worker = w;
    w->cur = c;
    w->slice_start = act_now_ns();
    atomic_store(&w->deadline, 0);
    atomic_store(&w->busy_since, w->slice_start);
    int ncmds = 0;
    for (;;) {
        int stop = atomic_load(&c->stop_req);
        if (stop || c->crash.reason) {
            c->cur_worker = NULL;
            w->cur = NULL;
            atomic_store(&w->busy_since, 0);
            ctx_exit(c, stop == 2 ? "killed" : stop ? "normal" : c->crash.reason);
            CTX_DISOWN(c);
            LK_CTX(&c->mu);
            c->sch.state = S_IDLE;
            UN_CTX(&c->mu);
            return;
        }
        LK_CTX(&c->mu);
        cmd *m = c->mbox.head;
        if (m) {
            c->mbox.head = m->next;
            if (!c->mbox.head)
                c->mbox.tail = NULL;
            if (m->kind == CMD_FRAME) {
                c->mbox.cmds--;
                c->mbox.bytes -= m->len;
            }
        }
        UN_CTX(&c->mu);
        if (!m) {
            if (ncmds >= 0) {
                /* mailbox empty: timers and deadlines, then done */
                host_timers_run_due(c, act_now_ns() + ACT_SLICE_NS);
                ncmds = -1;
                if (c->crash.reason || atomic_load(&c->stop_req))
                    continue;
            }
            break;
        }
        if (m->kind == CMD_FRAME)
            process_frame(c, m);
        else if (m->kind == CMD_RESOLVE)
            do_resolve(c, m->call_id, m->data, m->len);
        else if (m->kind == CMD_CANCEL)
            do_cancel(c, m->call_id);
        /* CMD_STOP is acted on through stop_req at the top of the loop */
        free(m);
        if (ncmds >= 0 && (++ncmds >= ACT_SLICE_CMDS || act_now_ns() - w->slice_start > ACT_SLICE_NS))
            break;
    }
    int64_t now = act_now_ns();
    int64_t next = expire_ops(c, now);
    int64_t tnext = host_timers_next_due(c);
    if (tnext && (!next || tnext < next))
        next = tnext;
    c->cur_worker = NULL;
    w->cur = NULL;
    atomic_store(&w->busy_since, 0);
    CTX_DISOWN(c);

    bool due_now = next && next <= now;
    if (next && !due_now && (c->tm.wake_at == 0 || c->tm.wake_at <= now || next < c->tm.wake_at)) {
        c->tm.wake_at = next;
        pool_wake_at(c->pool, c, next);
    }
    LK_CTX(&c->mu);
    if (ctx_has_work_locked(c) || due_now || c->crash.reason)
        pool_schedule_locked(c->pool, c);
    else
        c->sch.state = S_IDLE;
    UN_CTX(&c->mu);
}

/* ---- cancellation (any thread) ---------------------------------------------------------

   A command still queued is taken out and answered here. Otherwise the id
   goes on the context's cancel list, which the interrupt handler (the
   operation is running) and the CMD_CANCEL put at the head of the mailbox
   (the operation is pending on a promise, or over) act on. */

static uint8_t *cancelled_result(size_t *len)
{
    mpw w;
    if (!mpw_init(&w, 48))
        return NULL;
    mpw_array(&w, 2);
    mpw_int(&w, ACT_R_CANCELLED);
    mpw_cstr(&w, limit_message(ACT_R_CANCELLED));
    return mpw_take(&w, len);
}

int act_ctx_cancel(act_ctx *c, uint64_t req_id)
{
    if (!c || req_id == 0)
        return ACT_EINVAL;
    cmd *m = malloc(sizeof *m);
    if (!m)
        return ACT_ENOMEM;
    LK_CTX(&c->mu);
    if (c->sch.dead || atomic_load(&c->stop_req)) {
        UN_CTX(&c->mu);
        free(m);
        return ACT_EDEAD;
    }
    cmd **pp = &c->mbox.head, *prev = NULL, *queued = NULL;
    for (; *pp; prev = *pp, pp = &(*pp)->next) {
        frame f;
        if ((*pp)->kind == CMD_FRAME && parse_frame((*pp)->data, (*pp)->len, &f) && f.req_id == req_id) {
            queued = *pp;
            *pp = queued->next;
            if (c->mbox.tail == queued)
                c->mbox.tail = prev;
            break;
        }
    }
    if (!queued) {
        if (c->cancel.n == c->cancel.cap) {
            int ncap = c->cancel.cap ? c->cancel.cap * 2 : 4;
            uint64_t *nv = realloc(c->cancel.ids, (size_t)ncap * sizeof *nv);
            if (!nv) {
                UN_CTX(&c->mu);
                free(m);
                return ACT_ENOMEM;
            }
            c->cancel.ids = nv;
            c->cancel.cap = ncap;
        }
        c->cancel.ids[c->cancel.n++] = req_id;
        atomic_fetch_add_explicit(&c->cancel.gen, 1, memory_order_release);
        m->kind = CMD_CANCEL;
        m->call_id = req_id;
        m->w = NULL;
        m->len = 0;
        m->next = c->mbox.head;   /* before anything that could resume the operation */
        c->mbox.head = m;
        if (!c->mbox.tail)
            c->mbox.tail = m;
        m = NULL;
        if (c->sch.state == S_IDLE)
            pool_schedule_locked(c->pool, c);
        pthread_cond_broadcast(&c->cv);   /* a parked callSync of that operation gives up */
    }
    UN_CTX(&c->mu);
    free(m);
    if (queued) {
        if (queued->w) {
            size_t n;
            uint8_t *b = cancelled_result(&n);
            if (b)
                waiter_complete(queued->w, b, n);
            waiter_unlink(c, queued->w);
        }
        free(queued);
    }
    return ACT_OK;
}

/* ---- compile once, load everywhere ------------------------------------------------------- */

int act_compile(const char *src, size_t len, const char *filename, uint8_t **buf, size_t *out_len,
                uint8_t **err, size_t *err_len)
{
    *buf = NULL;
    *err = NULL;
    *out_len = *err_len = 0;
    JSRuntime *rt = JS_NewRuntime();
    if (!rt)
        return ACT_ENOMEM;
    JSContext *jc = JS_NewContext(rt);
    if (!jc) {
        JS_FreeRuntime(rt);
        return ACT_ENOMEM;
    }
    int rc = ACT_OK;
    char *copy = malloc(len + 1);
    if (!copy) {
        rc = ACT_ENOMEM;
        goto done;
    }
    memcpy(copy, src, len);
    copy[len] = '\0';
    JSValue fn = JS_Eval(jc, copy, len, filename, JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_COMPILE_ONLY);
    free(copy);
    if (JS_IsException(fn)) {
        JSValue exc = JS_GetException(jc);
        mpw w;
        if (mpw_init(&w, 128)) {
            mp_write_js_error(jc, &w, exc);
            *err = mpw_take(&w, err_len);
        }
        JS_FreeValue(jc, exc);
        rc = ACT_EINVAL;
        goto done;
    }
    size_t n;
    /* polyfill source text is never shown (Function.prototype.toString of a
       polyfill says [native code]-like): strip it, it would live in every
       context that loads the group */
    uint8_t *bc = JS_WriteObject(jc, &n, fn, JS_WRITE_OBJ_BYTECODE | JS_WRITE_OBJ_STRIP_SOURCE | JS_WRITE_OBJ_STRIP_DEBUG);
    JS_FreeValue(jc, fn);
    if (!bc) {
        JS_FreeValue(jc, JS_GetException(jc));
        rc = ACT_ENOMEM;
        goto done;
    }
    *buf = malloc(n ? n : 1);
    if (*buf) {
        memcpy(*buf, bc, n);
        *out_len = n;
    } else {
        rc = ACT_ENOMEM;
    }
    js_free(jc, bc);
done:
    JS_FreeContext(jc);
    JS_FreeRuntime(rt);
    return rc;
}
