/* A context's life on its owner thread: its engine started, each slice
 * (commands, then timers and deadlines), reset, and exit.
 *
 * Threading: a slice is entered from S_QUEUED by the worker that dequeued
 * the context (sched.c), which owns the engine until it leaves; the
 * creator owns it inside act_ctx_new. Taking commands off the mailbox and
 * the sch state are under ctx->mu; the context is requeued (pool->mu
 * inside ctx->mu) or left S_IDLE at the end. Exit marks it dead under
 * ctx->mu, unlinks it from the pool (pool->mu) and drops the pool's
 * reference.
 */
#include <stdlib.h>

#include "internal.h"
#include "context.h"

/* ---- engine lifecycle ------------------------------------------------------------------ */

int ctx_engine_init(act_ctx *c)
{
    c->rt = JS_NewRuntime2(&ctx_malloc_funcs, c);
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
    modules_install(c);
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

void ctx_reset(act_ctx *c, frame *f, act_waiter *w)
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
