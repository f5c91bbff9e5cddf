/* Operations: an eval or call whose result is a promise waits here until it
 * settles; the microtask checkpoint after every operation runs its promise
 * jobs under its budget; a Host.call answer resumes its operation.
 *
 * An operation is one command with a caller (eval, call, get/set global,
 * ...), or one callback without a caller (a message delivery, a timer).
 * Each has an `acct`: the interrupt handler counts reductions against it and
 * checks its deadline. The promise jobs an operation causes run in the
 * microtask checkpoint right after it, under the same acct; when a pending
 * operation resumes (a host call answered), its own acct is restored, so time
 * spent waiting for Python never counts as reductions.
 *
 * Threading: the owner thread only (c->ops, c->lim, c->hc). Forgetting a
 * cancellation takes ctx->mu (limits.c).
 */
#include <stdlib.h>

#include "internal.h"
#include "context.h"

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

void rejection_tracker(JSContext *jc, JSValueConst promise, JSValueConst reason,
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

void op_free(act_ctx *c, op *o)
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

op *find_op(act_ctx *c, uint64_t op_id)
{
    for (op *o = c->ops.pending; o; o = o->next)
        if (o->op_id == op_id)
            return o;
    return NULL;
}

/* Answer a pending operation with a limit status and free it. */
void op_fail(act_ctx *c, op *o, int status)
{
    unlink_op(c, o);
    hcall_drop_op(c, o->op_id);
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
        if (st == JS_PROMISE_FULFILLED && o->unwrap == UNWRAP_DISCARD) {
            JS_FreeValue(c->jc, val);   /* a script loaded: its completion value is dropped */
            val = JS_UNDEFINED;
            o->unwrap = 0;
        } else if (st == JS_PROMISE_FULFILLED && o->unwrap) {
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
            if (ctx_is_oom(c, val))
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
        bool told = (c->lim.op_oom && ctx_is_oom(c, r->reason)) ||
                    /* rejected by the failure the allocation poll made: the
                       operation it ended was answered with its limit */
                    (c->lim.induced && js_is_oom(c->jc, r->reason));
        if (!told)
            ctx_report_uncaught(c, "rejection", r->reason, ABORT_NONE);
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
int ctx_checkpoint(act_ctx *c, acct *a, uint64_t op_id)
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
                ctx_report_uncaught(c, "microtask", exc, ABORT_NONE);
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
    c->lim.induced = 0;
    ctx_budget_leave(c, a, &saved);
    c->ops.cur_id = saved_op;
    return aborted;
}

/* Run the jobs of the pending operation `op_id` under its own budget, which
   is handed back to it afterwards if it is still pending. */
int checkpoint_op(act_ctx *c, uint64_t op_id, const acct *start)
{
    acct run = *start;
    int aborted = ctx_checkpoint(c, &run, op_id);
    op *o = find_op(c, op_id);
    if (o)
        o->a = run;
    return aborted;
}

/* Finish an operation whose code has run under c->lim.run: `r` is its result
   (owned) or JS_EXCEPTION. A promise result parks the operation until it
   settles. */
void finish_op(act_ctx *c, uint64_t op_id, uint64_t req_id, act_waiter *w, JSValue r, int unwrap)
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
        c->lim.op_oom = ctx_is_oom(c, exc);
        int late = ctx_checkpoint(c, &cur, 0);
        if (abort_reason != ABORT_NONE || late != ABORT_NONE)
            hcall_drop_op(c, op_id);
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
    int aborted = ctx_checkpoint(c, &cur, 0);
    if (aborted != ABORT_NONE) {
        hcall_drop_op(c, op_id);
        int st = limit_status(aborted);
        reply_msg(c, req_id, w, st, limit_message(st));
    } else {
        c->lim.run = cur;   /* the conversion's getters spend what is left */
        reply_value(c, req_id, w, r);
    }
    JS_FreeValue(c->jc, r);
}

/* Answer from Python to a Host.call promise: payload [ok, value]. */
void do_resolve(act_ctx *c, uint64_t call_id, const uint8_t *data, size_t len)
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
    int aborted = owned ? checkpoint_op(c, op_id, &run) : ctx_checkpoint(c, &run, 0);
    c->ops.cur_id = 0;
    if (aborted != ABORT_NONE && aborted != ABORT_STOP && !owned)
        ctx_report_uncaught(c, "callback", JS_UNDEFINED, aborted);
}

/* Fail pending operations whose deadline passed while they waited. */
int64_t expire_ops(act_ctx *c, int64_t now)
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
void do_cancel(act_ctx *c, uint64_t req_id)
{
    op *o = NULL;
    for (op *p = c->ops.pending; p; p = p->next)
        if (p->req_id == req_id)
            o = p;
    if (o)
        op_fail(c, o, ACT_R_CANCELLED);
    cancel_forget(c, req_id);
}
