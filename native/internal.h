/* Internal structures shared by the native sources. Not part of the C API. */
#ifndef ACTORS_INTERNAL_H
#define ACTORS_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "actors.h"
#include "quickjs.h"

#include "mpack.h"

#define ACT_MAX_DEPTH 1000
#define ACT_WORKER_STACK (8u * 1024u * 1024u)
#define ACT_MAX_JS_STACK (7u * 1024u * 1024u)
#define ACT_SLICE_NS (2000000LL)         /* requeue a context after 2 ms of commands */
#define ACT_HANDOFF_NS (5000000LL)       /* give the slot away after 5 ms in one slice */
#define ACT_SLICE_CMDS 64
/* the timer thread's watchdog (timers.c): a slot holder stuck this long in one
   slice while others wait gives its slot to a spare even if it never polls;
   in a worker process, an operation still running this long past its
   deadline ends the process (its contexts exit `crashed`, the pool restarts
   them) */
#define ACT_STUCK_NS (20000000LL)
#define ACT_KILL_GRACE_NS (2000000000LL)
#define ACT_WATCH_NS (10000000LL)

int64_t act_now_ns(void);

/* ---- debug checks of the threading contract (pump.c's header) ------------
   Builds without NDEBUG check that a context's engine is entered only by the
   thread that owns it, and that locks are taken in the documented order:
   ctx->mu, then pool->mu, then a leaf (queue, timer heap, waiter); never two
   of one kind at once. Release builds compile all of it away. */
#ifndef NDEBUG
#include <assert.h>
typedef struct act_held {
    int ctx, pool, leaf;
} act_held;
extern _Thread_local act_held act_locks;
#define LK_CTX(m) do { assert(!act_locks.ctx && !act_locks.pool && !act_locks.leaf); \
    pthread_mutex_lock(m); act_locks.ctx++; } while (0)
#define UN_CTX(m) do { assert(act_locks.ctx == 1); act_locks.ctx--; pthread_mutex_unlock(m); } while (0)
#define LK_POOL(m) do { assert(!act_locks.pool && !act_locks.leaf); \
    pthread_mutex_lock(m); act_locks.pool++; } while (0)
#define UN_POOL(m) do { assert(act_locks.pool == 1); act_locks.pool--; pthread_mutex_unlock(m); } while (0)
#define LK_LEAF(m) do { assert(!act_locks.leaf); pthread_mutex_lock(m); act_locks.leaf++; } while (0)
#define UN_LEAF(m) do { assert(act_locks.leaf == 1); act_locks.leaf--; pthread_mutex_unlock(m); } while (0)
#define CTX_ASSERT_OWNER(c) assert(!atomic_load(&(c)->owned) || pthread_equal(atomic_load(&(c)->owner), pthread_self()))
#define CTX_OWN(c) do { int was_ = 0; assert(atomic_compare_exchange_strong(&(c)->owned, &was_, 1) && "two threads run one context"); \
    atomic_store(&(c)->owner, pthread_self()); } while (0)
#define CTX_DISOWN(c) do { CTX_ASSERT_OWNER(c); atomic_store(&(c)->owned, 0); } while (0)
#else
#define LK_CTX(m) pthread_mutex_lock(m)
#define UN_CTX(m) pthread_mutex_unlock(m)
#define LK_POOL(m) pthread_mutex_lock(m)
#define UN_POOL(m) pthread_mutex_unlock(m)
#define LK_LEAF(m) pthread_mutex_lock(m)
#define UN_LEAF(m) pthread_mutex_unlock(m)
#define CTX_ASSERT_OWNER(c) ((void)0)
#define CTX_OWN(c) ((void)0)
#define CTX_DISOWN(c) ((void)0)
#endif

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Spin policy shared by every spin-then-sleep wait: spinning pays only when
   the other side is running on another core; on a saturated machine it
   steals the very CPU the other side needs, so spins shrink when they fail. */
#define ACT_SPIN_MAX_NS 60000
#define ACT_SPIN_MIN_NS 2000

/* One adaptive spin budget. A spin that catches what it waits for doubles
   the budget; one that does not halves it (down to 0: no spinning). Every
   16th wait probes with the full budget, so the budget climbs back as soon
   as spinning pays again. Not thread-safe: one owner at a time (or benign
   races on a plain int, as for the event queues). */
typedef struct spinpol {
    int ns;
    unsigned n;
} spinpol;

static inline int spin_budget(spinpol *s)
{
    s->n++;
    if (s->ns < ACT_SPIN_MAX_NS && (s->n & 15) == 0)
        return ACT_SPIN_MAX_NS;
    return s->ns;
}

static inline void spin_result(spinpol *s, int budget, bool caught)
{
    if (caught) {
        int next = budget > s->ns ? budget : s->ns * 2;
        s->ns = next < ACT_SPIN_MIN_NS ? ACT_SPIN_MIN_NS : next > ACT_SPIN_MAX_NS ? ACT_SPIN_MAX_NS : next;
    } else if (budget == s->ns) {
        s->ns = s->ns / 2 < ACT_SPIN_MIN_NS ? 0 : s->ns / 2;
    }
}

/* ---- waiters: one caller blocked on one result ---------------------------- */
enum { W_IDLE = 0, W_PENDING = 1, W_COMPLETING = 2, W_DONE = 3 };

struct act_waiter {
    _Atomic int state;
    _Atomic int refs;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int sleeping;
    spinpol spin;                  /* adaptive spin before sleeping */
    uint8_t *buf;
    size_t len;
    _Atomic int linked;            /* on a context's outstanding list */
    /* set: completion hands the answer to on_done (which owns the buffer)
       instead of waking a thread (serve.c writes it to its socket) */
    void (*on_done)(void *arg, uint64_t token, uint8_t *buf, size_t len);
    void *on_done_arg;
    uint64_t token;
    struct act_waiter *prev, *next;
};

void waiter_retain(act_waiter *w);
void waiter_unlink(act_ctx *c, act_waiter *w);   /* takes c->mu, drops the command's reference */
/* Completes w with buf (ownership taken). Returns false if w was completed already. */
bool waiter_complete(act_waiter *w, uint8_t *buf, size_t len);

/* ---- commands in a mailbox ------------------------------------------------- */
enum { CMD_FRAME = 1, CMD_RESOLVE = 2, CMD_STOP = 3, CMD_CANCEL = 4 };

typedef struct cmd {
    struct cmd *next;
    int kind;
    uint64_t call_id;              /* CMD_RESOLVE; CMD_CANCEL: the request id */
    act_waiter *w;                 /* may be NULL: result goes to the event queue */
    size_t len;
    uint8_t data[];                /* the frame or the resolve payload */
} cmd;

/* accounting for one operation: what the interrupt handler checks. Always
   handled by value: the running budget is a copy in the context (c->lim.run),
   never a pointer into an op, which JS may settle and free under it. */
typedef struct acct {
    uint64_t reductions;
    uint64_t max_reductions;
    int64_t deadline;              /* monotonic ns, 0 = none */
    uint64_t req_id;               /* the caller's request id (cancellation), 0 = none */
    uint64_t oom_base;             /* JS_GetOutOfMemoryCount when it started */
} acct;

/* an operation waiting for a promise (eval/call whose result is pending) */
typedef struct op {
    struct op *next;
    uint64_t op_id;                /* internal id, referenced by host calls */
    uint64_t req_id;
    act_waiter *w;
    JSValue promise;
    int unwrap;                    /* async eval: result is {value: x} */
    acct a;
} op;

typedef struct hcall {
    struct hcall *next;            /* chain of its hash bucket */
    uint64_t call_id;
    uint64_t op_id;
    JSValue resolve, reject;
} hcall;

#define ACT_MAX_TIMERS 10000

typedef struct jtimer {
    uint32_t id;
    int64_t due;
    int64_t interval;              /* ns, 0 = one-shot */
    JSValue fn;
    int argc;
    JSValue *argv;
} jtimer;

typedef struct rejection {
    struct rejection *next;
    JSValue promise;
    JSValue reason;
} rejection;

enum { S_IDLE = 0, S_QUEUED = 1, S_RUNNING = 2 };
enum { ABORT_NONE = 0, ABORT_REDUCTIONS, ABORT_TIMEOUT, ABORT_STOP, ABORT_CANCEL };

typedef struct worker worker;

/* One context. Grouped by owner, which is the threading contract (pump.c's
   header) field by field: what any thread may touch and under which lock,
   and what only the thread running the context's engine may touch (the
   creator inside act_ctx_new, then the worker that dequeued it). */
struct act_ctx {
    /* set by act_ctx_new before the context is published; read-only after */
    uint64_t id;
    act_pool *pool;
    act_ctx_opts opts;             /* opts.groups is NULL: grp.spec is the copy */
    _Atomic int refs;

    /* any thread, no lock */
    _Atomic int stop_req;          /* 1 = stop, 2 = kill (written under mu) */
#ifndef NDEBUG
    _Atomic(pthread_t) owner;      /* thread running the engine now (debug check) */
    _Atomic int owned;
#endif

    pthread_mutex_t mu;            /* the context's lock: first in the lock order */
    pthread_cond_t cv;             /* a parked callSync waits here */

    /* the mailbox (ctx_api.c, lifecycle.c): under mu, any thread */
    struct ctx_mailbox {
        cmd *head, *tail;
        size_t cmds, bytes;        /* CMD_FRAMEs queued and their size (the bound) */
        act_waiter *outstanding;   /* waiters of commands not answered yet */
    } mbox;

    /* the context's place in the scheduler (sched.c, lifecycle.c): under mu */
    struct ctx_sched {
        int state;                 /* S_* */
        int wake;                  /* a timer or deadline came due */
        int dead;                  /* runtime torn down */
    } sch;

    /* the pool's lists (sched.c, pump.c): under pool->mu */
    struct ctx_links {
        act_ctx *rq_next;          /* run queue */
        act_ctx *all_prev, *all_next;   /* every live context */
    } link;

    /* the callSync slot (host.c, ctx_api.c): call_id, payload and len under mu;
       ready is set under mu and peeked without it by the parked owner;
       spin is the owner thread's */
    struct ctx_sync {
        uint64_t call_id;          /* callSync being waited for, 0 = none */
        uint8_t *payload;
        size_t len;
        int ready;
        spinpol spin;              /* adaptive spin of a parked callSync */
    } sync;

    /* cancellation (act_ctx_cancel, limits.c): ids under mu; gen tells the
       interrupt handler, without a lock, that the list changed; seen is the
       owner thread's */
    struct ctx_cancels {
        uint64_t *ids;
        int n, cap;
        _Atomic unsigned gen;
        unsigned seen;             /* gen last looked at */
    } cancel;

    /* ---- everything below: the owner thread only ---- */
    JSRuntime *rt;
    JSContext *jc;
    worker *cur_worker;            /* the worker running this slice, or NULL */

    /* the running budget and what stopped it (limits.c) */
    struct ctx_limits {
        acct run;                  /* budget of the running operation (a copy; zero = none) */
        int abort_reason;          /* ABORT_*: set by the interrupt handler */
        int op_oom;                /* the running operation failed with out of memory */
        uint32_t allocs;           /* engine allocations, for the allocation poll (limits.c) */
        int induced;               /* the allocation poll failed an allocation in this checkpoint */
    } lim;

    /* operations (ops.c) */
    struct ctx_ops {
        op *pending;               /* operations waiting for a promise */
        uint64_t next_id;
        uint64_t cur_id;           /* operation whose code is running (0 = none) */
        rejection *rejections;     /* unhandled so far, reported after the checkpoint */
        JSValue msg_handlers;      /* array of Host.onMessage callbacks (host.c) */
    } ops;

    /* why the context must exit after this command (lifecycle.c) */
    struct ctx_crash {
        const char *reason;        /* exit reason, or NULL */
        uint8_t *detail;           /* msgpack [name, message, stack] or NULL */
        size_t detail_len;
    } crash;

    /* outstanding Host.call records by call id (host.c): O(1) each */
    struct ctx_hcalls {
        hcall **buckets;
        uint32_t nbuckets;         /* a power of two, or 0 */
        int n;
        uint64_t next_id;
    } hc;

    /* JS timers (host.c) */
    struct ctx_timers {
        jtimer **list;             /* sorted by due, latest first: the next is last */
        int n, cap;
        uint32_t next_id;
        uint32_t running;          /* id of the timer whose callback runs now */
        int running_cleared;       /* ... and it called clearTimeout/clearInterval on itself */
        int64_t wake_at;           /* earliest wake already asked of the timer thread */
    } tm;

    /* lazy polyfill groups (groups.c) */
    struct ctx_groups {
        uint8_t *spec;             /* copy of opts.groups (kept for reset) */
        size_t spec_len;
        uint64_t loaded;           /* bit per group id */
        JSValue native_obj;        /* the private `native` object handed to polyfills */
        JSValue handlers;          /* {group: [fn, ...]} registered with native.on */
        JSValue resolvers;         /* [gid] = a loaded group's "@resolve" function */
        struct lazy_global {
            JSAtom name;           /* held: freed by groups_free_state */
            int gid;
        } *lazy;                   /* [magic of a lazy accessor] = the global it stands for */
        uint32_t n_lazy, cap_lazy;
    } grp;

    /* the dom group's document (dom.c) */
    struct ctx_dom {
        JSValue doc;               /* the document given to native.domAttach */
        JSAtom keys[6];            /* its node storage symbols */
    } dom;

    /* value conversion (codec.c) */
    struct ctx_codec {
        JSValue intrinsics[9];     /* the engine's own Map/Set/Date/BigInt methods, taken before any guest code */
        char conv_msg[600];        /* why a command's arguments did not convert (ops.c) */
    } codec;
};

/* ---- workers and the pool -------------------------------------------------- */
struct worker {
    act_pool *pool;
    pthread_t th;
    _Atomic int has_slot;          /* written under pool->mu; the interrupt handler peeks */
    int64_t slice_start;
    act_ctx *cur;
    /* read by the watchdog on the timer thread */
    _Atomic int64_t busy_since;    /* start of the slice running now, 0 = idle */
    _Atomic int64_t deadline;      /* deadline of the operation running now, 0 = none */
    /* this worker's idle spin, under pool->mu: a worker that just ran a
       context catches its caller's next request by spinning; the spins of
       a worker that had nothing to do must not shrink that budget */
    spinpol spin;
};

typedef struct evnode {
    struct evnode *next;
    size_t len;
    uint8_t *buf;
} evnode;

typedef struct evq {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    evnode *head, *tail;
    int closed;
    int waiting;                   /* pollers asleep in act_poll */
    spinpol spin;                  /* adaptive spin before sleeping (races are benign) */
} evq;

/* monotonic clock helpers (clock.c) */
void abs_deadline(struct timespec *ts, double seconds);
void cond_init_mono(pthread_cond_t *cv);

/* event queues (events.c): push takes ownership of buf; pop hands it over
   (1), times out (0) or reports the queue closed (-1) */
void evq_init(evq *q);
void evq_destroy(evq *q);
void evq_push(evq *q, uint8_t *buf, size_t len);
int evq_pop(evq *q, double timeout_s, uint8_t **buf, size_t *len);
void evq_close(evq *q);

typedef struct tentry {
    int64_t due;
    act_ctx *c;
} tentry;

struct act_pool {
    /* set (before any context exists) by a worker process's server: events
       and host calls go straight to its socket from the thread that made
       them, instead of through the queues (serve.c) */
    void (*emit_hook)(void *arg, int calls, uint8_t *buf, size_t len);
    void *emit_arg;
    pthread_mutex_t mu;            /* run queue, slots, threads, all-context list */
    pthread_cond_t cv;
    pthread_cond_t drained_cv;     /* signalled when a context is torn down */
    act_ctx *rq_head, *rq_tail;
    _Atomic size_t rq_len;
    int nslots, active, sleepers, spinning, starting, nthreads, max_threads, stopping;
    worker **workers;
    act_ctx *all;
    int ncontexts;
    _Atomic uint64_t slices, handoffs;

    evq events;                    /* completion channel: results, messages, exits, ... */
    evq calls;                     /* host calls, polled by the handler threads */

    pthread_mutex_t tm_mu;         /* timer heap */
    pthread_cond_t tm_cv;
    tentry *heap;
    size_t heap_len, heap_cap;
    int tm_stop;
    pthread_t tm_thread;
    _Atomic int watching;          /* the timer thread's watchdog is polling */
    _Atomic int kill_runaways;     /* a worker process: end it on a runaway operation */
};

/* ctx_api.c: references (any thread) */
void ctx_retain(act_ctx *c);
void ctx_unref(act_ctx *c);

/* sched.c: the run queue and its workers */
void pool_schedule_locked(act_pool *p, act_ctx *c);   /* c->mu held, c is S_IDLE */
void pool_release_slot(worker *w);                    /* hand the slot to another thread */
int pool_spawn_worker_locked(act_pool *p);            /* pool->mu held */

/* timers.c: the timer thread */
void pool_wake_at(act_pool *p, act_ctx *c, int64_t due);
void pool_watchdog_kick(act_pool *p);                 /* a leaf lock: pool->mu may be held */
void *pool_timer_main(void *arg);

/* events.c */
void pool_emit(act_pool *p, uint8_t *buf, size_t len); /* takes ownership */
void pool_emit_call(act_pool *p, uint8_t *buf, size_t len); /* takes ownership */

/* pump.c */
void pool_context_gone(act_pool *p, act_ctx *c);

/* lifecycle.c */
int ctx_engine_init(act_ctx *c);
void ctx_run_slice(worker *w, act_ctx *c);
bool ctx_has_work_locked(act_ctx *c);
bool ctx_mailbox_waiting(act_ctx *c);   /* a command is queued (takes c->mu) */

/* limits.c */
int ctx_interrupt(JSRuntime *rt, void *opaque);
/* Make `a` the running budget and clear a stale abort; returns the budget it
   replaces (restore it with ctx_budget_leave). */
acct ctx_budget_enter(act_ctx *c, const acct *a);
/* The engine's allocator for a context's runtime (limits.c): malloc, plus
   a budget check every ACT_ALLOC_POLL allocations. */
extern const JSMallocFunctions ctx_malloc_funcs;
void ctx_budget_leave(act_ctx *c, acct *a, const acct *saved);
bool ctx_cancelled_locked(act_ctx *c, uint64_t req_id);   /* c->mu held */

/* reply.c: `exc` is borrowed. `where` is "timer", "message", "rejection", "microtask", ... */
void ctx_report_uncaught(act_ctx *c, const char *where, JSValueConst exc, int abort_reason);

/* ops.c: run the pending promise jobs under `a` (see there) */
int ctx_checkpoint(act_ctx *c, acct *a, uint64_t op_id);

/* the table of outstanding Host.call records (host.c): O(1) each */
hcall *hcall_take(act_ctx *c, uint64_t call_id);
void hcall_free_all(act_ctx *c);
/* An operation that failed by a limit or was cancelled leaves no work
   behind: the host calls it started are forgotten, so their answers find
   nothing and their continuations never run (a timed-out eval's
   `await Host.call(..).then(..)` does nothing later). Timers it set are
   operations of their own and still fire, each under its own budget. */
void hcall_drop_op(act_ctx *c, uint64_t op_id);

/* host.c */
int host_install(act_ctx *c);
bool host_timers_run_due(act_ctx *c, int64_t slice_end);
int64_t host_timers_next_due(act_ctx *c);
void host_free_state(act_ctx *c);
JSValue host_new_error_value(JSContext *jc, const char *name, const char *msg);
JSValue host_decode_answer(JSContext *jc, const uint8_t *data, size_t len, bool *ok);
int host_emit_log(act_ctx *c, int level, const char *text, size_t len);

/* groups.c */
int groups_install(act_ctx *c);
void groups_free_state(act_ctx *c);

/* host.c: host calls shared with the polyfills' private channel */
JSValue host_call_impl(JSContext *jc, int argc, JSValueConst *argv, int flags);

/* compile.c: script, async script or module, by one rule (ACT_KIND_*) */
bool looks_like_module(const char *src, size_t n);
JSValue compile_source(JSContext *jc, act_ctx *c, const char *src, size_t n, const char *name, int *kind);

/* modules.c: the engine's module hooks, answered by the pool's registry */
void modules_install(act_ctx *c);

/* codec.c */
typedef struct conv_err {
    char msg[512];
    int is_js;                     /* a JS exception was raised during conversion */
    int status;                    /* the ACT_R_* to answer with: CONVERSION, TOO_LARGE, TIMEOUT or DEAD */
} conv_err;

/* The output budget: every value leaving a context through one writer
   (a result, the arguments of one host call, one message, one DOM snapshot)
   shares max_result_bytes of msgpack and max_result_bytes / 16 values,
   counted as expanded (a shared reference counts every time). */
#define ACT_RESULT_MAX ((size_t)1 << 30)
#define ACT_RESULT_DEFAULT ((size_t)64 << 20)
size_t act_result_bytes(const act_ctx *c);
/* Puts w under c's output budget, unless it already is under one. */
void act_result_budget(const act_ctx *c, mpw *w);
/* Commands queued for c and their bytes (serve.c: the pool's mailbox bound). */
void act_ctx_mailbox(act_ctx *c, size_t *cmds, size_t *bytes);
const char *act_result_too_large(const act_ctx *c, int nodes, char *buf, size_t cap);

int js_to_mp(JSContext *jc, mpw *w, JSValueConst v, conv_err *err);
void codec_init_state(act_ctx *c);
int codec_install(act_ctx *c);      /* after the context is created, before any guest code */
void codec_free_state(act_ctx *c);
JSValue mp_to_js(JSContext *jc, mpr *r, conv_err *err);
int mp_write_js_error(JSContext *jc, mpw *w, JSValueConst exc);
/* The engine's out-of-memory error (or the null it throws when it cannot even allocate that). */
bool js_is_oom(JSContext *jc, JSValueConst exc);
void js_error_parts(JSContext *jc, JSValueConst exc, char **name, char **message, char **stack);

/* ---- dom.c: the document of the `dom` group -------------------------------- */
void dom_init_state(act_ctx *c);
void dom_free_state(act_ctx *c);
JSValue dom_native_attach(JSContext *jc, JSValueConst this_val, int argc, JSValueConst *argv);
/* NULL, a fixed message, or (the output budget ran out) `why` filled in. */
const char *dom_snapshot(act_ctx *c, mpw *out, char *why, size_t why_cap);

#endif
