/* The timer thread: the heap of contexts' next wake-ups, and the watchdog
 * that takes the slot from a slice stuck without polling.
 *
 * Threading (pump.c's contract): the heap is under pool->tm_mu, a leaf
 * lock, so waking a context (its ctx->mu, then pool->mu) and the watchdog
 * (pool->mu) run with tm_mu released. Each heap entry holds a context
 * reference. The watchdog reads workers' busy_since and deadline, which
 * their own thread writes, as atomics, and moves a slot under pool->mu.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "internal.h"

static void heap_swap(tentry *h, size_t a, size_t b)
{
    tentry t = h[a];
    h[a] = h[b];
    h[b] = t;
}

void pool_wake_at(act_pool *p, act_ctx *c, int64_t due)
{
    LK_LEAF(&p->tm_mu);
    if (p->heap_len == p->heap_cap) {
        size_t ncap = p->heap_cap ? p->heap_cap * 2 : 64;
        tentry *nh = realloc(p->heap, ncap * sizeof *nh);
        if (!nh) {
            UN_LEAF(&p->tm_mu);
            fprintf(stderr, "actors: out of memory scheduling a timer\n");
            return;
        }
        p->heap = nh;
        p->heap_cap = ncap;
    }
    ctx_retain(c);
    size_t i = p->heap_len++;
    p->heap[i].due = due;
    p->heap[i].c = c;
    while (i > 0 && p->heap[(i - 1) / 2].due > p->heap[i].due) {
        heap_swap(p->heap, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
    if (i == 0)
        pthread_cond_signal(&p->tm_cv);
    UN_LEAF(&p->tm_mu);
}

static act_ctx *heap_pop_due(act_pool *p, int64_t now)
{
    if (p->heap_len == 0 || p->heap[0].due > now)
        return NULL;
    act_ctx *c = p->heap[0].c;
    p->heap[0] = p->heap[--p->heap_len];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < p->heap_len && p->heap[l].due < p->heap[m].due) m = l;
        if (r < p->heap_len && p->heap[r].due < p->heap[m].due) m = r;
        if (m == i)
            break;
        heap_swap(p->heap, i, m);
        i = m;
    }
    return c;
}

static void ctx_wake(act_ctx *c)
{
    LK_CTX(&c->mu);
    c->sch.wake = 1;
    if (c->sch.state == S_IDLE && !c->sch.dead)
        pool_schedule_locked(c->pool, c);
    UN_CTX(&c->mu);
}

/* The watchdog, on the timer thread. A slice that never reaches an
   interrupt poll (an engine loop we did not patch, a huge single string
   operation without a memory limit) cannot hand its slot over itself: after
   ACT_STUCK_NS with contexts waiting, its slot goes to a spare here, so
   siblings keep being served. The stuck thread finishes its slice without a
   slot. In a worker process (emit_hook set) an operation that runs
   ACT_KILL_GRACE_NS past its deadline cannot be stopped any other way: the
   process exits, the pool sees a crash, and the contexts are restarted.
   Returns true while something is worth watching. */
static bool watchdog(act_pool *p, int64_t now)
{
    bool watch = false;
    LK_POOL(&p->mu);
    bool waiting = p->rq_head != NULL;
    for (int i = 0; i < p->nthreads; i++) {
        worker *w = p->workers[i];
        int64_t since = atomic_load(&w->busy_since);
        if (!since)
            continue;
        if (atomic_load(&p->kill_runaways)) {
            int64_t dl = atomic_load_explicit(&w->deadline, memory_order_relaxed);
            if (dl && now > dl + ACT_KILL_GRACE_NS) {
                fprintf(stderr, "actors: an operation ran %.1f s past its deadline without yielding: "
                                "ending this worker process\n", (double)(now - dl) / 1e9);
                _Exit(70);   /* stdlib's: unistd.h's acct() would clash with our type */
            }
            watch = watch || dl != 0;
        }
        if (w->has_slot && waiting) {
            if (now - since > ACT_STUCK_NS) {
                w->has_slot = 0;
                p->active--;
                atomic_fetch_add(&p->handoffs, 1);
                if (p->sleepers > 0)
                    pthread_cond_signal(&p->cv);
                else if (p->starting == 0)
                    pool_spawn_worker_locked(p);
            } else {
                watch = true;
            }
        }
    }
    UN_POOL(&p->mu);
    return watch;
}

void *pool_timer_main(void *arg)
{
    act_pool *p = arg;
    bool watch = false;
    LK_LEAF(&p->tm_mu);
    while (!p->tm_stop) {
        int64_t now = act_now_ns();
        act_ctx *c;
        while ((c = heap_pop_due(p, now)) != NULL) {
            UN_LEAF(&p->tm_mu);
            ctx_wake(c);
            ctx_unref(c);
            LK_LEAF(&p->tm_mu);
        }
        /* the watchdog takes pool->mu: never with tm_mu held (leaf lock) */
        UN_LEAF(&p->tm_mu);
        watch = watchdog(p, now);
        atomic_store_explicit(&p->watching, watch, memory_order_relaxed);
        LK_LEAF(&p->tm_mu);
        /* a stop signalled while tm_mu was released above must not be missed:
           the wait below would then never end (this hung act_pool_free) */
        if (p->tm_stop)
            break;
        /* in a worker process, look every 100 ms for a runaway operation */
        int64_t limit = watch ? now + ACT_WATCH_NS : atomic_load(&p->kill_runaways) ? now + 100000000LL : 0;
        int64_t due = p->heap_len ? p->heap[0].due : 0;
        if (limit && (!due || limit < due))
            due = limit;
        if (!due) {
            pthread_cond_wait(&p->tm_cv, &p->tm_mu);
        } else {
            struct timespec ts = {(time_t)(due / 1000000000LL), (long)(due % 1000000000LL)};
            pthread_cond_timedwait(&p->tm_cv, &p->tm_mu, &ts);
        }
    }
    UN_LEAF(&p->tm_mu);
    return NULL;
}

/* Someone waits for a slot while every slot is held: start watching. */
void pool_watchdog_kick(act_pool *p)
{
    LK_LEAF(&p->tm_mu);
    pthread_cond_signal(&p->tm_cv);
    UN_LEAF(&p->tm_mu);
}
