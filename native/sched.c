/* The run queue and the worker threads that take contexts off it.
 *
 * Threading (pump.c's contract): the run queue, the slots (active), the
 * thread list and the idle spin are under pool->mu. A context enters the
 * run queue only from S_IDLE with its ctx->mu held (so at most once), and
 * the worker that dequeues it owns its engine until the slice ends. Lock
 * order: ctx->mu, then pool->mu, then the timer heap's leaf lock (to kick
 * the watchdog).
 */
#include <stdio.h>

#include "internal.h"

/* c->mu held and c->sch.state == S_IDLE: put c on the run queue. */
void pool_schedule_locked(act_pool *p, act_ctx *c)
{
    c->sch.state = S_QUEUED;
    ctx_retain(c);
    LK_POOL(&p->mu);
    c->link.rq_next = NULL;
    if (p->rq_tail)
        p->rq_tail->link.rq_next = c;
    else
        p->rq_head = c;
    p->rq_tail = c;
    atomic_fetch_add(&p->rq_len, 1);
    bool full = p->active >= p->nslots;
    if (p->spinning == 0 && p->active < p->nslots) {
        if (p->sleepers > 0)
            pthread_cond_signal(&p->cv);
        else if (p->starting == 0)
            /* a free slot but no idle thread: every thread is parked in
               callSync or stuck in a long slice, so bring in a spare */
            pool_spawn_worker_locked(p);
    }
    if (full && !atomic_load_explicit(&p->watching, memory_order_relaxed))
        pool_watchdog_kick(p);   /* pool->mu then a leaf: the documented order */
    UN_POOL(&p->mu);
}

static void *worker_main(void *arg);

int pool_spawn_worker_locked(act_pool *p)
{
    if (p->nthreads >= p->max_threads)
        return -1;
    worker *w = calloc(1, sizeof *w);
    if (!w)
        return -1;
    w->pool = p;
    w->spin.ns = ACT_SPIN_MAX_NS;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, ACT_WORKER_STACK);
    int rc = pthread_create(&w->th, &attr, worker_main, w);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        free(w);
        return -1;
    }
    p->workers[p->nthreads++] = w;
    p->starting++;
    return 0;
}

void pool_release_slot(worker *w)
{
    act_pool *p = w->pool;
    LK_POOL(&p->mu);
    if (w->has_slot) {
        w->has_slot = 0;
        p->active--;
        atomic_fetch_add(&p->handoffs, 1);
        if (p->rq_head) {
            if (p->sleepers > 0)
                pthread_cond_signal(&p->cv);
            else if (p->spinning == 0 && p->starting == 0)
                pool_spawn_worker_locked(p);
        }
    }
    UN_POOL(&p->mu);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    act_pool *p = w->pool;
    int spun = 0;   /* spin once after work, then sleep */
    LK_POOL(&p->mu);
    p->starting--;
    for (;;) {
        if (p->stopping)
            break;
        if (p->rq_head && p->active < p->nslots) {
            spun = 0;
            act_ctx *c = p->rq_head;
            p->rq_head = c->link.rq_next;
            if (!p->rq_head)
                p->rq_tail = NULL;
            atomic_fetch_sub(&p->rq_len, 1);
            p->active++;
            w->has_slot = 1;
            /* more work and free slots: make sure someone else picks it up */
            if (p->rq_head && p->active < p->nslots && p->sleepers > 0 && p->spinning == 0)
                pthread_cond_signal(&p->cv);
            UN_POOL(&p->mu);

            atomic_fetch_add(&p->slices, 1);
            ctx_run_slice(w, c);   /* requeues c itself when work remains */
            ctx_unref(c);          /* the run queue's reference */

            LK_POOL(&p->mu);
            if (w->has_slot) {
                w->has_slot = 0;
                p->active--;
            }
            continue;
        }
        if (!spun && p->spinning == 0 && !p->rq_head) {
            spun = 1;
            p->spinning = 1;
            int budget = spin_budget(&w->spin);   /* p->mu held */
            UN_POOL(&p->mu);
            int64_t until = act_now_ns() + budget;
            int n = 0;
            bool caught = false;
            while (budget > 0 && !(caught = atomic_load_explicit(&p->rq_len, memory_order_relaxed) != 0)) {
                cpu_relax();
                if ((++n & 63) == 0 && act_now_ns() > until)
                    break;
            }
            LK_POOL(&p->mu);
            p->spinning = 0;
            spin_result(&w->spin, budget, caught);
            continue;
        }
        p->sleepers++;
        pthread_cond_wait(&p->cv, &p->mu);
        p->sleepers--;
        spun = 0;
    }
    UN_POOL(&p->mu);
    return NULL;
}
