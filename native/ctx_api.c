/* A context's C API, called from any thread: create it, queue commands
 * (send, resolve, stop, cancel), count its mailbox, drop a reference.
 *
 * Threading (pump.c's contract): everything here touches the context's
 * shared state (mbox, sch, sync, cancel: struct act_ctx says which) under
 * ctx->mu and never its engine, except act_ctx_new, whose caller owns the
 * engine until it returns. Scheduling from here takes pool->mu inside
 * ctx->mu (the documented order). A command frame is checked before it is
 * queued, so the owner thread only ever parses well-formed frames.
 */
#include <string.h>

#include "internal.h"
#include "context.h"

void ctx_retain(act_ctx *c) { atomic_fetch_add(&c->refs, 1); }

void ctx_unref(act_ctx *c)
{
    if (atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    /* last reference: the runtime is gone already (teardown happens before the
       pool drops its reference), only the shell and stray commands remain */
    cmd *m = c->mbox.head;
    while (m) {
        cmd *nx = m->next;
        if (m->w)
            act_waiter_release(m->w);
        free(m);
        m = nx;
    }
    free(c->sync.payload);
    free(c->grp.spec);
    free(c->cancel.ids);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c);
}

void act_ctx_release(act_ctx *c)
{
    if (c)
        ctx_unref(c);
}

static void outstanding_add_locked(act_ctx *c, act_waiter *w)
{
    atomic_store(&w->linked, 1);
    w->prev = NULL;
    w->next = c->mbox.outstanding;
    if (c->mbox.outstanding)
        c->mbox.outstanding->prev = w;
    c->mbox.outstanding = w;
}

static void enqueue_locked(act_ctx *c, cmd *m)
{
    m->next = NULL;
    if (c->mbox.tail)
        c->mbox.tail->next = m;
    else
        c->mbox.head = m;
    c->mbox.tail = m;
    if (c->sch.state == S_IDLE)
        pool_schedule_locked(c->pool, c);
}

static uint8_t *dead_result(size_t *len)
{
    mpw w;
    if (!mpw_init(&w, 32))
        return NULL;
    mpw_array(&w, 2);
    mpw_int(&w, ACT_R_DEAD);
    mpw_cstr(&w, "the context is stopped");
    return mpw_take(&w, len);
}

int act_check_frame(const uint8_t *frame, size_t len, char *err, size_t errlen)
{
    /* the opcode decides whether values sit inside an argument list */
    int call = len >= 2 && frame[1] == ACT_OP_CALL;
    return mp_validate_frame(frame, len, call, ACT_MAX_DEPTH, err, errlen) == 0 ? ACT_OK : ACT_EINVAL;
}

void act_ctx_mailbox(act_ctx *c, size_t *cmds, size_t *bytes)
{
    LK_CTX(&c->mu);
    *cmds = c->mbox.cmds;
    *bytes = c->mbox.bytes;
    UN_CTX(&c->mu);
}

int act_ctx_send(act_ctx *c, const uint8_t *frame, size_t len, act_waiter *w)
{
    if (!c || !frame)
        return ACT_EINVAL;
    char err[8];
    /* never trust a frame: keys, nesting and framing are checked before it is
       queued, so a bad value fails its sender now, not the context later */
    if (act_check_frame(frame, len, err, sizeof err) != ACT_OK)
        return ACT_EINVAL;
    cmd *m = malloc(sizeof *m + len);
    if (!m)
        return ACT_ENOMEM;
    m->kind = CMD_FRAME;
    m->call_id = 0;
    m->w = w;
    m->len = len;
    memcpy(m->data, frame, len);
    LK_CTX(&c->mu);
    if (c->sch.dead || atomic_load(&c->stop_req)) {
        UN_CTX(&c->mu);
        free(m);
        return ACT_EDEAD;
    }
    /* the bound: refused before anything is queued, so nothing below it is
       lost and what was accepted keeps its order. Not in a worker process
       (emit_hook set): there the pool's side keeps the bound, refusing the
       sender before a frame leaves (it asks act_ctx_mailbox when its count
       says full), and a refusal here would drop a message silently. */
    if (!c->pool->emit_hook && (c->mbox.cmds >= ACT_MAILBOX_MAX_CMDS ||
                                (c->mbox.cmds > 0 && c->mbox.bytes + len > (size_t)ACT_MAILBOX_MAX_BYTES))) {
        UN_CTX(&c->mu);
        free(m);
        return ACT_EFULL;
    }
    c->mbox.cmds++;
    c->mbox.bytes += len;
    if (w) {
        waiter_retain(w);
        atomic_store(&w->state, W_PENDING);
        outstanding_add_locked(c, w);
    }
    enqueue_locked(c, m);
    UN_CTX(&c->mu);
    return ACT_OK;
}

int act_ctx_resolve(act_ctx *c, uint64_t call_id, const uint8_t *payload, size_t len)
{
    if (!c || !payload)
        return ACT_EINVAL;
    LK_CTX(&c->mu);
    if (c->sch.dead) {
        UN_CTX(&c->mu);
        return ACT_EDEAD;
    }
    if (c->sync.call_id == call_id && call_id != 0) {
        /* the context is parked in Host.callSync waiting for exactly this */
        uint8_t *copy = malloc(len ? len : 1);
        if (!copy) {
            UN_CTX(&c->mu);
            return ACT_ENOMEM;
        }
        memcpy(copy, payload, len);
        free(c->sync.payload);
        c->sync.payload = copy;
        c->sync.len = len;
        __atomic_store_n(&c->sync.ready, 1, __ATOMIC_RELEASE);
        pthread_cond_broadcast(&c->cv);
        UN_CTX(&c->mu);
        return ACT_OK;
    }
    cmd *m = malloc(sizeof *m + len);
    if (!m) {
        UN_CTX(&c->mu);
        return ACT_ENOMEM;
    }
    m->kind = CMD_RESOLVE;
    m->call_id = call_id;
    m->w = NULL;
    m->len = len;
    memcpy(m->data, payload, len);
    enqueue_locked(c, m);
    UN_CTX(&c->mu);
    return ACT_OK;
}

int act_ctx_stop(act_ctx *c, int killed)
{
    if (!c)
        return ACT_EINVAL;
    LK_CTX(&c->mu);
    if (c->sch.dead || atomic_load(&c->stop_req)) {
        UN_CTX(&c->mu);
        return ACT_EDEAD;
    }
    atomic_store(&c->stop_req, killed ? 2 : 1);
    /* callers blocked on this context get their answer now, not when a worker
       gets round to the teardown */
    for (act_waiter *w = c->mbox.outstanding; w; w = w->next) {
        size_t n;
        uint8_t *b = dead_result(&n);
        if (b)
            waiter_complete(w, b, n);
    }
    cmd *m = malloc(sizeof *m);
    if (m) {
        m->kind = CMD_STOP;
        m->call_id = 0;
        m->w = NULL;
        m->len = 0;
        /* jump the queue: nothing queued behind a stop would run anyway */
        m->next = c->mbox.head;
        c->mbox.head = m;
        if (!c->mbox.tail)
            c->mbox.tail = m;
    }
    if (c->sch.state == S_IDLE)
        pool_schedule_locked(c->pool, c);
    pthread_cond_broadcast(&c->cv);   /* a parked callSync notices the stop */
    UN_CTX(&c->mu);
    return ACT_OK;
}

int act_ctx_alive(act_ctx *c)
{
    LK_CTX(&c->mu);
    int alive = !c->sch.dead && !atomic_load(&c->stop_req);
    UN_CTX(&c->mu);
    return alive;
}

int act_ctx_new(act_pool *p, const act_ctx_opts *opts, act_ctx **out)
{
    if (!p || !opts || !out)
        return ACT_EINVAL;
    if (opts->max_stack_size > ACT_MAX_JS_STACK || opts->timeout < 0)
        return ACT_EINVAL;
    act_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return ACT_ENOMEM;
    c->id = opts->id;
    c->pool = p;
    c->opts = *opts;
    atomic_init(&c->refs, 2);      /* the caller's and the pool's */
    atomic_init(&c->stop_req, 0);
    pthread_mutex_init(&c->mu, NULL);
    cond_init_mono(&c->cv);
    c->ops.msg_handlers = JS_UNDEFINED;
    c->grp.native_obj = JS_UNDEFINED;
    dom_init_state(c);
    if (opts->groups && opts->groups_len) {
        c->grp.spec = malloc(opts->groups_len);
        if (!c->grp.spec) {
            pthread_mutex_destroy(&c->mu);
            pthread_cond_destroy(&c->cv);
            free(c);
            return ACT_ENOMEM;
        }
        memcpy(c->grp.spec, opts->groups, opts->groups_len);
        c->grp.spec_len = opts->groups_len;
    }
    c->opts.groups = NULL;   /* the caller's buffer: use our copy */
    CTX_OWN(c);   /* the creator owns the engine until act_ctx_new returns */
    int rc = ctx_engine_init(c);
    CTX_DISOWN(c);
    if (rc != ACT_OK) {
        free(c->grp.spec);
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
        free(c);
        return rc;
    }
    LK_POOL(&p->mu);
    /* emit_hook is set (serve.c) before the first context: from here on the
       timer thread may read the flag, never the hook itself */
    bool first_remote = p->emit_hook && !atomic_exchange(&p->kill_runaways, 1);
    c->link.all_next = p->all;
    if (p->all)
        p->all->link.all_prev = c;
    p->all = c;
    p->ncontexts++;
    UN_POOL(&p->mu);
    if (first_remote)
        pool_watchdog_kick(p);   /* the timer thread may be asleep without a deadline */
    *out = c;
    return ACT_OK;
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
