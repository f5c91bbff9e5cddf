/* Limits: the running budget (reductions, deadline), the interrupt
 * handler that enforces it and a stop or cancellation, and what an engine
 * out of memory means for the context.
 *
 * Threading: the budget (c->lim) is the owner thread's; the interrupt
 * handler runs on it, inside the engine. It reads stop_req and cancel.gen
 * without a lock, and takes ctx->mu only when the cancel list changed.
 * Handing the slot away from a long slice takes pool->mu (sched.c), with
 * no other lock held.
 */
#include <malloc.h>
#include <stdlib.h>

#include "internal.h"
#include "context.h"

int limit_status(int abort_reason)
{
    switch (abort_reason) {
    case ABORT_REDUCTIONS: return ACT_R_REDUCTIONS;
    case ABORT_TIMEOUT: return ACT_R_TIMEOUT;
    case ABORT_STOP: return ACT_R_DEAD;
    case ABORT_CANCEL: return ACT_R_CANCELLED;
    default: return 0;
    }
}

const char *limit_message(int status)
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

/* A real engine out of memory: the engine's own error (or the null it throws
   when even that cannot be made) while the engine counted an out-of-memory
   throw during the running operation (native/patches/0001). A script's
   `throw null`, or an InternalError('out of memory') of its own, is a JSError. */
bool ctx_is_oom(act_ctx *c, JSValueConst exc)
{
    /* an exception slot left empty: an engine allocation failed without
       throwing (no script can throw this value) */
    if (JS_IsUninitialized(exc))
        return true;
    /* the allocation poll failed one on purpose: a limit, not the heap */
    if (c->lim.induced)
        return false;
    return JS_GetOutOfMemoryCount(c->rt) != c->lim.run.oom_base && js_is_oom(c->jc, exc);
}

/* After the engine ran out of memory: collect, then see whether it can still
   work. A heap still full of live data (reachable from globals) leaves no
   room to even compile `0`: the engine did not recover, so the context exits
   with reason memory and its supervisor can start a fresh one. */
void check_after_oom(act_ctx *c)
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

/* ---- accounting and the interrupt handler ------------------------------------------ */

void acct_start(act_ctx *c, acct *a, int64_t timeout_ms)
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
void cancel_forget(act_ctx *c, uint64_t req_id)
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

/* ---- the allocation poll ------------------------------------------------------------------
 *
 * The engine polls the interrupt handler between bytecodes and in the loops
 * our patches touch, but a builtin can run for many seconds in C without
 * either: 'ab'.repeat(1 << 24).split('') builds 32 million strings in one
 * call, and ran 25 s past timeout=2 (found by the fuzzer). Such a builtin
 * allocates as it goes, so the allocator checks the running operation's
 * budget every ACT_ALLOC_POLL allocations (one reduction each): once the
 * deadline has passed, the reductions are spent or a stop is asked for, it
 * records the reason and fails that one allocation. The builtin unwinds
 * through its out-of-memory path, the reply reports the limit (the abort
 * reason wins over out of memory, reply.c), and the next interrupt poll
 * makes the unwinding uncatchable. Only an operation with a budget is
 * polled; after the abort one allocation in ACT_ALLOC_POLL keeps failing
 * until the operation is over (see alloc_overdue).
 * Owner thread only, like every allocation of the runtime. */

#define ACT_ALLOC_POLL 1024u

static bool alloc_overdue(act_ctx *c)
{
    if ((++c->lim.allocs & (ACT_ALLOC_POLL - 1)) != 0)
        return false;
    /* Already aborted by this poll: a builtin that swallowed that one failure
       (Object.entries of a 16 MiB string ran on for 17-43 s) meets another
       every ACT_ALLOC_POLL allocations until it unwinds. Replying to the
       limit and draining jobs allocate far fewer than that between two. */
    if (c->lim.abort_reason != ABORT_NONE)
        return c->lim.induced;
    acct *a = &c->lim.run;
    if (!a->deadline && !a->max_reductions)
        return false;
    CTX_ASSERT_OWNER(c);
    int reason = ABORT_NONE;
    if (atomic_load_explicit(&c->stop_req, memory_order_relaxed))
        reason = ABORT_STOP;
    else if (a->max_reductions && ++a->reductions > a->max_reductions)
        reason = ABORT_REDUCTIONS;
    else if (a->deadline && act_now_ns() >= a->deadline)
        reason = ABORT_TIMEOUT;
    if (reason == ABORT_NONE)
        return false;
    c->lim.abort_reason = reason;
    c->lim.induced = 1;
    return true;
}

static void *ctx_calloc(void *opaque, size_t count, size_t size)
{
    return alloc_overdue(opaque) ? NULL : calloc(count, size);
}

static void *ctx_malloc(void *opaque, size_t size)
{
    return alloc_overdue(opaque) ? NULL : malloc(size);
}

static void ctx_free(void *opaque, void *ptr)
{
    (void)opaque;
    free(ptr);
}

static void *ctx_realloc(void *opaque, void *ptr, size_t size)
{
    /* a shrink or a free (size 0) never fails */
    if (ptr && size && size > malloc_usable_size(ptr) && alloc_overdue(opaque))
        return NULL;
    return realloc(ptr, size);
}

static size_t ctx_usable_size(const void *ptr)
{
    return malloc_usable_size((void *)ptr);
}

const JSMallocFunctions ctx_malloc_funcs = {
    ctx_calloc,
    ctx_malloc,
    ctx_free,
    ctx_realloc,
    ctx_usable_size,
};
