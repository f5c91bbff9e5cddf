/* The pump: the pool's life (start, stop, stats) and the library's version
 * and status strings. Its parts by concern: clock.c, waiter.c, events.c,
 * sched.c (run queue and workers), timers.c (timer thread and watchdog),
 * ctx_api.c (a context's any-thread API); the owner-thread side of a
 * context: lifecycle.c, ops.c, commands.c, reply.c, limits.c, with host.c,
 * codec.c, groups.c and dom.c. Process mode's two socket ends and their
 * framing: process/client.c, process/serve.c, process/wire.c.
 *
 * The threading contract below is the whole of it; each file's header says
 * which part it relies on, and struct act_ctx (internal.h) says field by
 * field which thread or lock owns what.
 *
 * Threading contract
 * ------------------
 * Threads: N worker threads ("slots"), up to `max_spare` extra workers that
 * stand in while a slot holder is parked in Host.callSync or stuck in one long
 * slice, one timer thread, and the Python callers (any thread, GIL released
 * while inside this library).
 *
 * Ownership:
 *   - A context's JSRuntime/JSContext and every JSValue it holds are touched
 *     by exactly one thread at a time: the creator until act_ctx_new returns,
 *     then the worker that dequeued it (sch.state == S_RUNNING). A context is in
 *     the run queue at most once (S_QUEUED) and never run by two workers.
 *   - Native threads never call into Python; Python only enters through the
 *     act_* functions, which copy their inputs.
 *
 * Locks (always taken in this order, never the other way):
 *   ctx->mu   mailbox, sched state, wake flag, outstanding waiters, callSync
 *             slot, cancel list
 *   pool->mu  run queue, slots (active), thread list, all-context list
 *   pool->events.mu, pool->calls.mu  event queues;  pool->tm_mu  timer heap;
 *   waiter->mu  its wakeup. Queue, timer and waiter locks are leaves:
 *   nothing else is taken while one is held.
 *
 * Slots: a worker needs a slot to dequeue (active < nslots). A worker that
 * parks in callSync, or that has run one slice for ACT_HANDOFF_NS while others
 * wait, gives its slot away (pool_release_slot) and an idle or new spare
 * thread takes it, so one context never holds up its siblings. The parked
 * worker finishes its slice without a slot; the pool is briefly N+1 wide.
 *
 * Spinning: a hand-off to a sleeping thread costs ~10 us, so one idle worker
 * at a time spins briefly on the run queue before sleeping, and callers spin
 * briefly on their waiter before sleeping.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "internal.h"

#ifndef NDEBUG
_Thread_local act_held act_locks;
#endif

int act_abi_version(void) { return ACT_ABI_VERSION; }
const char *act_engine_version(void) { return JS_GetVersion(); }

const char *act_strerror(int status)
{
    switch (status) {
    case ACT_OK: return "ok";
    case ACT_ENOMEM: return "out of memory";
    case ACT_EDEAD: return "the context is stopped";
    case ACT_EINVAL: return "invalid argument";
    case ACT_EENGINE: return "the JavaScript engine could not be initialised";
    case ACT_EFULL: return "the context's mailbox is full";
    default: return "unknown status";
    }
}

void act_buf_free(uint8_t *buf) { free(buf); }

/* ---- pool lifecycle --------------------------------------------------------------- */

act_pool *act_pool_new(int nthreads, int max_spare)
{
    if (nthreads < 1 || nthreads > 1024 || max_spare < 0 || max_spare > 4096)
        return NULL;
    act_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->nslots = nthreads;
    p->max_threads = nthreads + max_spare;
    p->workers = calloc((size_t)p->max_threads, sizeof *p->workers);
    if (!p->workers) {
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    pthread_cond_init(&p->drained_cv, NULL);   /* CLOCK_REALTIME: timed waits in act_pool_free */
    evq_init(&p->events);
    evq_init(&p->calls);
    pthread_mutex_init(&p->tm_mu, NULL);
    cond_init_mono(&p->tm_cv);
    atomic_init(&p->rq_len, 0);
    atomic_init(&p->slices, 0);
    atomic_init(&p->handoffs, 0);
    if (pthread_create(&p->tm_thread, NULL, pool_timer_main, p) != 0)
        goto fail;
    LK_POOL(&p->mu);
    for (int i = 0; i < nthreads; i++) {
        if (pool_spawn_worker_locked(p) < 0) {
            UN_POOL(&p->mu);
            act_pool_free(p);
            return NULL;
        }
    }
    UN_POOL(&p->mu);
    return p;
fail:
    free(p->workers);
    free(p);
    return NULL;
}

void pool_context_gone(act_pool *p, act_ctx *c)
{
    LK_POOL(&p->mu);
    if (c->link.all_prev)
        c->link.all_prev->link.all_next = c->link.all_next;
    else if (p->all == c)
        p->all = c->link.all_next;
    if (c->link.all_next)
        c->link.all_next->link.all_prev = c->link.all_prev;
    c->link.all_prev = c->link.all_next = NULL;
    p->ncontexts--;
    pthread_cond_broadcast(&p->drained_cv);
    UN_POOL(&p->mu);
}

void act_pool_free(act_pool *p)
{
    if (!p)
        return;
    /* stop every context and wait until the workers have torn them down */
    LK_POOL(&p->mu);
    for (;;) {
        act_ctx *c;
        for (c = p->all; c; c = c->link.all_next)
            if (!atomic_load(&c->stop_req))
                break;
        if (!c)
            break;
        ctx_retain(c);
        UN_POOL(&p->mu);
        act_ctx_stop(c, 0);
        ctx_unref(c);
        LK_POOL(&p->mu);
    }
    /* Wait for the teardowns. Every second, kick contexts that are stopping
       but idle (a lost wake-up would otherwise hang this forever); after 30 s
       report the states on stderr and give up on freeing: leaking the pool is
       better than hanging the caller. */
    int waited = 0;
    while (p->ncontexts > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        if (pthread_cond_timedwait(&p->drained_cv, &p->mu, &ts) != ETIMEDOUT)
            continue;
        if (++waited >= 30) {
            fprintf(stderr, "actors: %d context(s) did not stop within 30 s; leaking the pool "
                            "(active=%d slots=%d sleepers=%d threads=%d queued=%zu)\n",
                    p->ncontexts, p->active, p->nslots, p->sleepers, p->nthreads,
                    (size_t)atomic_load(&p->rq_len));
            for (act_ctx *c = p->all; c; c = c->link.all_next)
                fprintf(stderr, "actors:   context %llu sched=%d stop=%d\n", (unsigned long long)c->id,
                        c->sch.state, atomic_load(&c->stop_req));
            UN_POOL(&p->mu);
            return;
        }
        act_ctx *stuck[64];
        int n = 0;
        for (act_ctx *c = p->all; c && n < 64; c = c->link.all_next) {
            ctx_retain(c);
            stuck[n++] = c;
        }
        UN_POOL(&p->mu);
        for (int i = 0; i < n; i++) {
            LK_CTX(&stuck[i]->mu);
            if (stuck[i]->sch.state == S_IDLE && !stuck[i]->sch.dead) {
                fprintf(stderr, "actors: context %llu was stopping but idle: rescheduled\n",
                        (unsigned long long)stuck[i]->id);
                pool_schedule_locked(p, stuck[i]);
            }
            pthread_cond_broadcast(&stuck[i]->cv);
            UN_CTX(&stuck[i]->mu);
            ctx_unref(stuck[i]);
        }
        LK_POOL(&p->mu);
    }
    p->stopping = 1;
    pthread_cond_broadcast(&p->cv);
    UN_POOL(&p->mu);
    /* The timer thread goes first: its watchdog walks p->workers under
       pool->mu and may start a spare, so no worker is freed (and the thread
       list is not final) while it runs. Freeing them before stopping it was
       a use-after-free in the watchdog (ASan, a pool stopped while its
       handlers were blocked). */
    LK_LEAF(&p->tm_mu);
    p->tm_stop = 1;
    pthread_cond_signal(&p->tm_cv);
    UN_LEAF(&p->tm_mu);
    pthread_join(p->tm_thread, NULL);
    /* a worker handing its slot away may still start a spare, which sees
       `stopping` and exits: join until the list stops growing */
    for (int i = 0;; i++) {
        LK_POOL(&p->mu);
        worker *w = i < p->nthreads ? p->workers[i] : NULL;
        UN_POOL(&p->mu);
        if (!w)
            break;
        pthread_join(w->th, NULL);
    }
    for (int i = 0; i < p->nthreads; i++)
        free(p->workers[i]);
    for (size_t i = 0; i < p->heap_len; i++)
        ctx_unref(p->heap[i].c);
    free(p->heap);
    /* any context still queued holds a run-queue reference */
    while (p->rq_head) {
        act_ctx *c = p->rq_head;
        p->rq_head = c->link.rq_next;
        ctx_unref(c);
    }
    evq_destroy(&p->events);
    evq_destroy(&p->calls);
    free(p->workers);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    pthread_cond_destroy(&p->drained_cv);
    pthread_mutex_destroy(&p->tm_mu);
    pthread_cond_destroy(&p->tm_cv);
    free(p);
}

void act_pool_get_stats(act_pool *p, act_pool_stats *out)
{
    LK_POOL(&p->mu);
    out->threads = p->nthreads;
    out->slots = p->nslots;
    out->contexts = p->ncontexts;
    UN_POOL(&p->mu);
    out->slices = atomic_load(&p->slices);
    out->handoffs = atomic_load(&p->handoffs);
}
