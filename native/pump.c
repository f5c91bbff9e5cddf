/* The pump: worker threads, the run queue, waiters, events and timers.
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
 *     then the worker that dequeued it (sched == S_RUNNING). A context is in
 *     the run queue at most once (S_QUEUED) and never run by two workers.
 *   - Native threads never call into Python; Python only enters through the
 *     act_* functions, which copy their inputs.
 *
 * Locks (always taken in this order, never the other way):
 *   ctx->mu   mailbox, sched state, wake flag, outstanding waiters, callSync slot
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
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#ifndef NDEBUG
_Thread_local act_held act_locks;
#endif

int64_t act_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void abs_deadline(struct timespec *ts, double seconds)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    int64_t ns = (int64_t)(seconds * 1e9);
    ts->tv_sec += ns / 1000000000LL;
    ts->tv_nsec += ns % 1000000000LL;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

void cond_init_mono(pthread_cond_t *cv)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(cv, &a);
    pthread_condattr_destroy(&a);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

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

/* ---- waiters ---------------------------------------------------------------- */

act_waiter *act_waiter_new(void)
{
    act_waiter *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    atomic_init(&w->state, W_IDLE);
    atomic_init(&w->refs, 1);
    atomic_init(&w->linked, 0);
    w->spin.ns = ACT_SPIN_MAX_NS;
    pthread_mutex_init(&w->mu, NULL);
    cond_init_mono(&w->cv);
    return w;
}

void waiter_retain(act_waiter *w) { atomic_fetch_add(&w->refs, 1); }

void act_waiter_release(act_waiter *w)
{
    if (!w || atomic_fetch_sub(&w->refs, 1) != 1)
        return;
    free(w->buf);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}

bool waiter_complete(act_waiter *w, uint8_t *buf, size_t len)
{
    int expect = W_PENDING;
    if (!atomic_compare_exchange_strong(&w->state, &expect, W_COMPLETING)) {
        free(buf);
        return false;
    }
    if (w->on_done) {
        w->on_done(w->on_done_arg, w->token, buf, len);
        atomic_store(&w->state, W_DONE);
        return true;
    }
    w->buf = buf;
    w->len = len;
    LK_LEAF(&w->mu);
    atomic_store(&w->state, W_DONE);
    if (w->sleeping)
        pthread_cond_signal(&w->cv);
    UN_LEAF(&w->mu);
    return true;
}

int act_waiter_wait(act_waiter *w, double timeout_s, const uint8_t **buf, size_t *len)
{
    if (atomic_load_explicit(&w->state, memory_order_acquire) != W_DONE) {
        int budget = spin_budget(&w->spin);
        if (budget > 0) {
            int64_t spin_until = act_now_ns() + budget;
            int n = 0;
            bool caught = false;
            while (!(caught = atomic_load_explicit(&w->state, memory_order_acquire) == W_DONE)) {
                cpu_relax();
                if ((++n & 63) == 0 && act_now_ns() > spin_until)
                    break;
            }
            spin_result(&w->spin, budget, caught);
        }
    }
    if (atomic_load_explicit(&w->state, memory_order_acquire) != W_DONE) {
        struct timespec ts;
        abs_deadline(&ts, timeout_s);
        LK_LEAF(&w->mu);
        w->sleeping = 1;
        while (atomic_load(&w->state) != W_DONE) {
            if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) == ETIMEDOUT)
                break;
        }
        w->sleeping = 0;
        UN_LEAF(&w->mu);
    }
    if (atomic_load_explicit(&w->state, memory_order_acquire) != W_DONE)
        return 0;
    *buf = w->buf;
    *len = w->len;
    return 1;
}

void waiter_unlink(act_ctx *c, act_waiter *w)
{
    LK_CTX(&c->mu);
    if (atomic_load(&w->linked)) {
        if (w->prev)
            w->prev->next = w->next;
        else if (c->mbox.outstanding == w)
            c->mbox.outstanding = w->next;
        if (w->next)
            w->next->prev = w->prev;
        w->prev = w->next = NULL;
        atomic_store(&w->linked, 0);
    }
    UN_CTX(&c->mu);
    act_waiter_release(w);
}

int act_waiter_reset(act_waiter *w)
{
    /* A waiter answered early (its context was stopped) may still sit on that
       context's list until the worker lets go of it: not reusable yet. */
    if (atomic_load(&w->linked))
        return 0;
    free(w->buf);
    w->buf = NULL;
    w->len = 0;
    atomic_store(&w->state, W_IDLE);
    return 1;
}

/* ---- events ------------------------------------------------------------------ */

void evq_init(evq *q)
{
    pthread_mutex_init(&q->mu, NULL);
    cond_init_mono(&q->cv);
    q->head = q->tail = NULL;
    q->closed = 0;
    q->waiting = 0;
    q->spin.ns = ACT_SPIN_MAX_NS / 2;
}

void evq_destroy(evq *q)
{
    evnode *e = q->head;
    while (e) {
        evnode *nx = e->next;
        free(e->buf);
        free(e);
        e = nx;
    }
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
}

void evq_push(evq *q, uint8_t *buf, size_t len)
{
    if (!buf)
        return;
    evnode *n = malloc(sizeof *n);
    if (!n) {
        /* Dropping an event is the only option left; say so on stderr. */
        fprintf(stderr, "actors: out of memory, dropped an event\n");
        free(buf);
        return;
    }
    n->next = NULL;
    n->buf = buf;
    n->len = len;
    LK_LEAF(&q->mu);
    if (q->tail)
        q->tail->next = n;
    else
        q->head = n;
    q->tail = n;
    if (q->waiting)
        pthread_cond_signal(&q->cv);
    UN_LEAF(&q->mu);
}

int evq_pop(evq *q, double timeout_s, uint8_t **buf, size_t *len)
{
    int spun_budget = -1;
    bool spun_caught = false;
    LK_LEAF(&q->mu);
    if (!q->head && !q->closed && timeout_s > 0) {
        /* a poller that just handled an event usually gets the next one soon:
           spin briefly before paying for a sleep and a wake-up */
        int budget = spin_budget(&q->spin);   /* q->mu held */
        UN_LEAF(&q->mu);
        int64_t until = act_now_ns() + budget;
        int n = 0;
        bool caught = budget > 0 && __atomic_load_n(&q->head, __ATOMIC_RELAXED) != NULL;
        while (budget > 0 && !(caught = __atomic_load_n(&q->head, __ATOMIC_RELAXED) != NULL)) {
            cpu_relax();
            if ((++n & 63) == 0 && act_now_ns() > until)
                break;
        }
        LK_LEAF(&q->mu);
        spun_budget = budget;
        spun_caught = caught;
    }
    if (spun_budget >= 0)
        spin_result(&q->spin, spun_budget, spun_caught);
    if (!q->head && !q->closed && timeout_s > 0) {
        struct timespec ts;
        abs_deadline(&ts, timeout_s);
        q->waiting++;
        while (!q->head && !q->closed) {
            if (pthread_cond_timedwait(&q->cv, &q->mu, &ts) == ETIMEDOUT)
                break;
        }
        q->waiting--;
    }
    evnode *n = q->head;
    if (n) {
        q->head = n->next;
        if (!q->head)
            q->tail = NULL;
    }
    int closed = q->closed;
    UN_LEAF(&q->mu);
    if (!n)
        return closed ? -1 : 0;
    if (closed) {
        /* closed: the poller is going away, events are dropped */
        free(n->buf);
        free(n);
        return -1;
    }
    *buf = n->buf;
    *len = n->len;
    free(n);
    return 1;
}

void evq_close(evq *q)
{
    LK_LEAF(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->cv);
    UN_LEAF(&q->mu);
}

void pool_emit(act_pool *p, uint8_t *buf, size_t len)
{
    if (p->emit_hook && buf)
        p->emit_hook(p->emit_arg, 0, buf, len);
    else
        evq_push(&p->events, buf, len);
}

void pool_emit_call(act_pool *p, uint8_t *buf, size_t len)
{
    if (p->emit_hook && buf)
        p->emit_hook(p->emit_arg, 1, buf, len);
    else
        evq_push(&p->calls, buf, len);
}

int act_poll(act_pool *p, double timeout_s, uint8_t **buf, size_t *len)
{
    return evq_pop(&p->events, timeout_s, buf, len);
}

int act_poll_calls(act_pool *p, double timeout_s, uint8_t **buf, size_t *len)
{
    return evq_pop(&p->calls, timeout_s, buf, len);
}

void act_pool_close_events(act_pool *p)
{
    evq_close(&p->events);
    evq_close(&p->calls);
}

/* ---- contexts: references and scheduling -------------------------------------- */

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

static int spawn_worker_locked(act_pool *p);
static void watchdog_kick(act_pool *p);

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
            spawn_worker_locked(p);
    }
    if (full && !atomic_load_explicit(&p->watching, memory_order_relaxed))
        watchdog_kick(p);   /* pool->mu then a leaf: the documented order */
    UN_POOL(&p->mu);
}

static void *worker_main(void *arg);

static int spawn_worker_locked(act_pool *p)
{
    if (p->nthreads >= p->max_threads)
        return -1;
    worker *w = calloc(1, sizeof *w);
    if (!w)
        return -1;
    w->pool = p;
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
                spawn_worker_locked(p);
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
            int budget = spin_budget(&p->spin);   /* p->mu held */
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
            spin_result(&p->spin, budget, caught);
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

/* ---- timer thread ---------------------------------------------------------------- */

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
                    spawn_worker_locked(p);
            } else {
                watch = true;
            }
        }
    }
    UN_POOL(&p->mu);
    return watch;
}

static void *timer_main(void *arg)
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
static void watchdog_kick(act_pool *p)
{
    LK_LEAF(&p->tm_mu);
    pthread_cond_signal(&p->tm_cv);
    UN_LEAF(&p->tm_mu);
}

/* ---- pool lifecycle --------------------------------------------------------------- */

act_pool *act_pool_new(int nthreads, int max_spare)
{
    if (nthreads < 1 || nthreads > 1024 || max_spare < 0 || max_spare > 4096)
        return NULL;
    act_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->nslots = nthreads;
    p->spin.ns = ACT_SPIN_MAX_NS;
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
    if (pthread_create(&p->tm_thread, NULL, timer_main, p) != 0)
        goto fail;
    LK_POOL(&p->mu);
    for (int i = 0; i < nthreads; i++) {
        if (spawn_worker_locked(p) < 0) {
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
    int n = p->nthreads;
    UN_POOL(&p->mu);
    for (int i = 0; i < n; i++) {
        pthread_join(p->workers[i]->th, NULL);
        free(p->workers[i]);
    }
    LK_LEAF(&p->tm_mu);
    p->tm_stop = 1;
    pthread_cond_signal(&p->tm_cv);
    UN_LEAF(&p->tm_mu);
    pthread_join(p->tm_thread, NULL);
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

/* ---- the mailbox ------------------------------------------------------------------- */

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
        watchdog_kick(p);   /* the timer thread may be asleep without a deadline */
    *out = c;
    return ACT_OK;
}
