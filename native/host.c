/* Natives every context gets: Host (alias Beam), timers, queueMicrotask,
 * performance.now and structuredClone.
 *
 * Runs on the context's owner thread only. Records that JS can multiply
 * (timers, host calls) are allocated on the context's own heap, so they
 * count against its memory_limit.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static act_ctx *ctx_of(JSContext *jc) { return JS_GetContextOpaque(jc); }

JSValue host_new_error_value(JSContext *jc, const char *name, const char *msg)
{
    JSValue e = JS_NewError(jc);
    if (JS_IsException(e))
        return e;
    JS_DefinePropertyValueStr(jc, e, "message", JS_NewString(jc, msg), JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    if (strcmp(name, "Error") != 0)
        JS_DefinePropertyValueStr(jc, e, "name", JS_NewString(jc, name), JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    return e;
}

static JSValue throw_uncatchable(JSContext *jc)
{
    JS_ThrowInternalError(jc, "interrupted");
    JSValue e = JS_GetException(jc);
    JS_SetUncatchableError(jc, e);
    return JS_Throw(jc, e);
}

/* ---- Host.call / Host.callSync ------------------------------------------------------ */

static int encode_call(act_ctx *c, mpw *w, uint64_t call_id, int flags, int argc, JSValueConst *argv)
{
    JSContext *jc = c->jc;
    if (argc < 1 || !JS_IsString(argv[0])) {
        JS_ThrowTypeError(jc, "Host.call: the first argument must be a handler name");
        return -1;
    }
    if (!mpw_init(w, 128)) {
        JS_ThrowOutOfMemory(jc);
        return -1;
    }
    size_t n;
    const char *name = JS_ToCStringLen(jc, &n, argv[0]);
    if (!name) {
        mpw_free(w);
        return -1;
    }
    mpw_array(w, 6);
    mpw_int(w, ACT_EV_HOST_CALL);
    mpw_uint(w, c->id);
    mpw_uint(w, call_id);
    mpw_int(w, flags);
    mpw_str(w, name, n);
    mpw_array(w, (uint32_t)(argc - 1));
    for (int i = 1; i < argc; i++) {
        conv_err err;
        if (js_to_mp(jc, w, argv[i], &err) < 0) {
            JS_ThrowTypeError(jc, "Host.call(\"%s\"): argument %d cannot be sent to Python: %s", name, i - 1, err.msg);
            JS_FreeCString(jc, name);
            mpw_free(w);
            return -1;
        }
    }
    JS_FreeCString(jc, name);
    return 0;
}

static JSValue host_call_sync(JSContext *jc, int argc, JSValueConst *argv, int flags);

/* ---- the outstanding-call table: a hash by call id, chained, on the JS heap ---- */

static uint32_t hcall_slot(const act_ctx *c, uint64_t call_id)
{
    /* call ids are consecutive: a multiplicative hash spreads them anyway */
    return (uint32_t)((call_id * 0x9E3779B97F4A7C15ull) >> 32) & (c->hc.nbuckets - 1);
}

static int hcall_add(act_ctx *c, hcall *h)
{
    if ((uint32_t)c->hc.n >= c->hc.nbuckets) {
        uint32_t ncap = c->hc.nbuckets ? c->hc.nbuckets * 2 : 16;
        hcall **nb = js_mallocz(c->jc, (size_t)ncap * sizeof *nb);
        if (!nb)
            return -1;
        uint32_t old_n = c->hc.nbuckets;
        hcall **old = c->hc.buckets;
        c->hc.buckets = nb;
        c->hc.nbuckets = ncap;
        for (uint32_t i = 0; i < old_n; i++) {
            hcall *e = old[i];
            while (e) {
                hcall *nx = e->next;
                uint32_t s = hcall_slot(c, e->call_id);
                e->next = nb[s];
                nb[s] = e;
                e = nx;
            }
        }
        js_free(c->jc, old);
    }
    uint32_t s = hcall_slot(c, h->call_id);
    h->next = c->hc.buckets[s];
    c->hc.buckets[s] = h;
    c->hc.n++;
    return 0;
}

hcall *hcall_take(act_ctx *c, uint64_t call_id)
{
    if (!c->hc.nbuckets)
        return NULL;
    hcall **pp = &c->hc.buckets[hcall_slot(c, call_id)];
    while (*pp && (*pp)->call_id != call_id)
        pp = &(*pp)->next;
    hcall *h = *pp;
    if (h) {
        *pp = h->next;
        c->hc.n--;
    }
    return h;
}

/* Forget the outstanding calls of one operation (it failed by a limit or was
   cancelled): their answers will find nothing. O(table size), paid only on a
   failed operation. */
void hcall_drop_op(act_ctx *c, uint64_t op_id)
{
    for (uint32_t i = 0; i < c->hc.nbuckets; i++) {
        hcall **pp = &c->hc.buckets[i];
        while (*pp) {
            hcall *h = *pp;
            if (h->op_id == op_id) {
                *pp = h->next;
                c->hc.n--;
                JS_FreeValue(c->jc, h->resolve);
                JS_FreeValue(c->jc, h->reject);
                js_free(c->jc, h);
            } else {
                pp = &h->next;
            }
        }
    }
}

void hcall_free_all(act_ctx *c)
{
    for (uint32_t i = 0; i < c->hc.nbuckets; i++) {
        hcall *h = c->hc.buckets[i];
        while (h) {
            hcall *nx = h->next;
            JS_FreeValue(c->jc, h->resolve);
            JS_FreeValue(c->jc, h->reject);
            js_free(c->jc, h);
            h = nx;
        }
    }
    js_free(c->jc, c->hc.buckets);
    c->hc.buckets = NULL;
    c->hc.nbuckets = 0;
    c->hc.n = 0;
}

/* Host.call / Host.callSync, and the polyfills' private native.call(Sync)
   (flags has ACT_CALL_INTERNAL: Python routes those to group handlers). */
JSValue host_call_impl(JSContext *jc, int argc, JSValueConst *argv, int flags)
{
    if (flags & ACT_CALL_SYNC)
        return host_call_sync(jc, argc, argv, flags);
    act_ctx *c = ctx_of(jc);
    if (c->hc.n >= ACT_MAX_HOST_CALLS)
        return JS_ThrowRangeError(jc, "too many outstanding host calls (limit %d per context): await some first",
                                  ACT_MAX_HOST_CALLS);
    hcall *h = js_mallocz(jc, sizeof *h);
    if (!h)
        return JS_EXCEPTION;
    uint64_t call_id = ++c->hc.next_id;
    mpw w;
    if (encode_call(c, &w, call_id, flags, argc, argv) < 0) {
        js_free(jc, h);
        return JS_EXCEPTION;
    }
    JSValue funcs[2];
    JSValue promise = JS_NewPromiseCapability(jc, funcs);
    if (JS_IsException(promise)) {
        mpw_free(&w);
        js_free(jc, h);
        return promise;
    }
    h->call_id = call_id;
    h->op_id = c->ops.cur_id;
    h->resolve = funcs[0];
    h->reject = funcs[1];
    size_t n;
    uint8_t *b = mpw_take(&w, &n);
    if (!b || hcall_add(c, h) < 0) {
        free(b);
        JS_FreeValue(jc, h->resolve);
        JS_FreeValue(jc, h->reject);
        js_free(jc, h);
        JS_FreeValue(jc, promise);
        return JS_ThrowOutOfMemory(jc);
    }
    pool_emit_call(c->pool, b, n);
    return promise;
}

/* Decode Python's answer to a host call: payload [true, value] or
   [false, [type_name, message]]. Returns the value (*ok = true) or an Error
   object to reject or throw with (*ok = false); JS_EXCEPTION only when even
   that Error cannot be allocated. */
JSValue host_decode_answer(JSContext *jc, const uint8_t *data, size_t len, bool *ok)
{
    mpr r;
    mp_obj hdr, flag;
    *ok = false;
    mpr_init(&r, data, len);
    if (!mpr_read(&r, &hdr) || hdr.type != MP_ARRAY || hdr.v.n != 2 || !mpr_read(&r, &flag) ||
        flag.type != MP_BOOL)
        return host_new_error_value(jc, "TypeError", "malformed host call answer");
    if (flag.v.b) {
        conv_err err;
        JSValue v = mp_to_js(jc, &r, &err);
        if (JS_IsException(v)) {
            char msg[600];
            snprintf(msg, sizeof msg, "the handler's result cannot be converted: %s", err.msg);
            return host_new_error_value(jc, "TypeError", msg);
        }
        *ok = true;
        return v;
    }
    mp_obj e, name, msg;
    if (mpr_read(&r, &e) && e.type == MP_ARRAY && e.v.n == 2 && mpr_read(&r, &name) && mpr_read(&r, &msg) &&
        name.type == MP_STR && msg.type == MP_STR) {
        char nbuf[128], mbuf[2048];
        snprintf(nbuf, sizeof nbuf, "%.*s", (int)name.len, (const char *)name.data);
        snprintf(mbuf, sizeof mbuf, "%.*s", (int)msg.len, (const char *)msg.data);
        return host_new_error_value(jc, nbuf, mbuf);
    }
    return host_new_error_value(jc, "Error", "host handler failed");
}

static JSValue host_call_sync(JSContext *jc, int argc, JSValueConst *argv, int flags)
{
    act_ctx *c = ctx_of(jc);
    uint64_t call_id = ++c->hc.next_id;
    mpw w;
    if (encode_call(c, &w, call_id, flags, argc, argv) < 0)
        return JS_EXCEPTION;
    size_t n;
    uint8_t *b = mpw_take(&w, &n);
    if (!b)
        return JS_ThrowOutOfMemory(jc);

    LK_CTX(&c->mu);
    c->sync.call_id = call_id;
    c->sync.ready = 0;
    UN_CTX(&c->mu);
    pool_emit_call(c->pool, b, n);

    /* park: this thread waits for Python, a spare thread takes our slot */
    if (c->cur_worker)
        pool_release_slot(c->cur_worker);
    int64_t deadline = c->lim.run.deadline;
    uint64_t req_id = c->lim.run.req_id;
    int timed_out = 0, cancelled = 0;
    /* a quick handler answers within tens of microseconds: spin that long
       before paying for a sleep and a wake-up */
    int budget = spin_budget(&c->sync.spin);
    if (budget > 0) {
        int64_t spin_until = act_now_ns() + budget;
        bool caught = false;
        for (int n = 1; !(caught = __atomic_load_n(&c->sync.ready, __ATOMIC_ACQUIRE)); n++) {
            if ((n & 63) == 0 && (act_now_ns() > spin_until || atomic_load(&c->stop_req)))
                break;
        }
        spin_result(&c->sync.spin, budget, caught);
    }
    LK_CTX(&c->mu);
    while (!c->sync.ready && !atomic_load(&c->stop_req)) {
        if (ctx_cancelled_locked(c, req_id)) {
            cancelled = 1;
            break;
        }
        if (deadline) {
            struct timespec ts = {(time_t)(deadline / 1000000000LL), (long)(deadline % 1000000000LL)};
            if (pthread_cond_timedwait(&c->cv, &c->mu, &ts) == ETIMEDOUT && !c->sync.ready) {
                timed_out = 1;
                break;
            }
        } else {
            pthread_cond_wait(&c->cv, &c->mu);
        }
    }
    uint8_t *payload = c->sync.ready ? c->sync.payload : NULL;
    size_t plen = c->sync.len;
    c->sync.payload = NULL;
    c->sync.ready = 0;
    c->sync.call_id = 0;
    UN_CTX(&c->mu);

    if (!payload) {
        c->lim.abort_reason = timed_out ? ABORT_TIMEOUT : cancelled ? ABORT_CANCEL : ABORT_STOP;
        return throw_uncatchable(jc);
    }
    bool ok;
    JSValue result = host_decode_answer(jc, payload, plen, &ok);
    if (!ok && !JS_IsException(result))
        result = JS_Throw(jc, result);
    free(payload);
    return result;
}

static JSValue host_on_message(JSContext *jc, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val;
    act_ctx *c = ctx_of(jc);
    if (argc < 1 || !JS_IsFunction(jc, argv[0]))
        return JS_ThrowTypeError(jc, "Host.onMessage: expected a function");
    if (!JS_IsObject(c->ops.msg_handlers)) {
        c->ops.msg_handlers = JS_NewArray(jc);
        if (JS_IsException(c->ops.msg_handlers)) {
            c->ops.msg_handlers = JS_UNDEFINED;
            return JS_EXCEPTION;
        }
    }
    int64_t n;
    if (JS_GetLength(jc, c->ops.msg_handlers, &n) < 0)
        return JS_EXCEPTION;
    if (JS_SetPropertyInt64(jc, c->ops.msg_handlers, n, JS_DupValue(jc, argv[0])) < 0)
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

static JSValue host_send(JSContext *jc, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val;
    act_ctx *c = ctx_of(jc);
    mpw w;
    if (!mpw_init(&w, 64))
        return JS_ThrowOutOfMemory(jc);
    mpw_array(&w, 3);
    mpw_int(&w, ACT_EV_MESSAGE);
    mpw_uint(&w, c->id);
    conv_err err;
    if (js_to_mp(jc, &w, argc > 0 ? argv[0] : JS_UNDEFINED, &err) < 0) {
        mpw_free(&w);
        if (JS_HasException(jc))
            return JS_EXCEPTION;
        return JS_ThrowTypeError(jc, "Host.send: message cannot be sent to Python: %s", err.msg);
    }
    size_t n;
    uint8_t *b = mpw_take(&w, &n);
    if (!b)
        return JS_ThrowOutOfMemory(jc);
    pool_emit(c->pool, b, n);
    return JS_UNDEFINED;
}

static JSValue host_call(JSContext *jc, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    (void)this_val;
    return host_call_impl(jc, argc, argv, magic);
}

static const JSCFunctionListEntry host_funcs[] = {
    JS_CFUNC_MAGIC_DEF("call", 1, host_call, 0),
    JS_CFUNC_MAGIC_DEF("callSync", 1, host_call, ACT_CALL_SYNC),
    JS_CFUNC_DEF("onMessage", 1, host_on_message),
    JS_CFUNC_DEF("send", 1, host_send),
};

/* ---- timers ---------------------------------------------------------------------------- */

static void timer_free(JSContext *jc, jtimer *t)
{
    JS_FreeValue(jc, t->fn);
    for (int i = 0; i < t->argc; i++)
        JS_FreeValue(jc, t->argv[i]);
    js_free(jc, t->argv);
    js_free(jc, t);
}

/* insert keeping timers[] sorted by (due, id) descending: the next to fire is last */
static int timer_insert(act_ctx *c, jtimer *t)
{
    if (c->tm.n == c->tm.cap) {
        int ncap = c->tm.cap ? c->tm.cap * 2 : 8;
        jtimer **nv = js_realloc(c->jc, c->tm.list, (size_t)ncap * sizeof *nv);
        if (!nv)
            return -1;
        c->tm.list = nv;
        c->tm.cap = ncap;
    }
    int lo = 0, hi = c->tm.n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        jtimer *m = c->tm.list[mid];
        if (m->due > t->due || (m->due == t->due && m->id > t->id))
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(&c->tm.list[lo + 1], &c->tm.list[lo], (size_t)(c->tm.n - lo) * sizeof *c->tm.list);
    c->tm.list[lo] = t;
    c->tm.n++;
    return 0;
}

static JSValue set_timer(JSContext *jc, JSValueConst this_val, int argc, JSValueConst *argv, int repeat)
{
    (void)this_val;
    act_ctx *c = ctx_of(jc);
    if (argc < 1 || !JS_IsFunction(jc, argv[0]))
        return JS_ThrowTypeError(jc, "%s: the callback must be a function", repeat ? "setInterval" : "setTimeout");
    double delay = 0;
    if (argc > 1 && JS_ToFloat64(jc, &delay, argv[1]) < 0)
        return JS_EXCEPTION;
    if (!(delay >= 1) || !isfinite(delay))
        delay = delay > 0 ? 2147483647.0 : (repeat ? 1 : 0);
    if (delay > 2147483647.0)
        delay = 2147483647.0;
    if (c->tm.n >= ACT_MAX_TIMERS)
        return JS_ThrowRangeError(jc, "too many active timers (limit %d per context)", ACT_MAX_TIMERS);
    jtimer *t = js_mallocz(jc, sizeof *t);
    if (!t)
        return JS_EXCEPTION;
    t->argc = argc > 2 ? argc - 2 : 0;
    if (t->argc) {
        t->argv = js_mallocz(jc, sizeof(JSValue) * (size_t)t->argc);
        if (!t->argv) {
            js_free(jc, t);
            return JS_EXCEPTION;
        }
        for (int i = 0; i < t->argc; i++)
            t->argv[i] = JS_DupValue(jc, argv[i + 2]);
    }
    t->fn = JS_DupValue(jc, argv[0]);
    t->id = ++c->tm.next_id;
    if (t->id == 0)
        t->id = ++c->tm.next_id;
    int64_t ns = (int64_t)(delay * 1e6);
    t->interval = repeat ? ns : 0;
    t->due = act_now_ns() + ns;
    if (timer_insert(c, t) < 0) {
        timer_free(jc, t);
        return JS_EXCEPTION;
    }
    return JS_NewUint32(jc, t->id);
}

static JSValue clear_timer(JSContext *jc, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val;
    act_ctx *c = ctx_of(jc);
    uint32_t id;
    if (argc < 1 || !JS_IsNumber(argv[0]) || JS_ToUint32(jc, &id, argv[0]) < 0)
        return JS_UNDEFINED;
    if (id != 0 && id == c->tm.running)
        c->tm.running_cleared = 1;
    for (int i = 0; i < c->tm.n; i++) {
        if (c->tm.list[i]->id == id) {
            jtimer *t = c->tm.list[i];
            memmove(&c->tm.list[i], &c->tm.list[i + 1], (size_t)(c->tm.n - i - 1) * sizeof *c->tm.list);
            c->tm.n--;
            timer_free(jc, t);
            break;
        }
    }
    return JS_UNDEFINED;
}

int64_t host_timers_next_due(act_ctx *c)
{
    return c->tm.n ? c->tm.list[c->tm.n - 1]->due : 0;
}

/* Run the timers due now, each as an operation with its own budget. Timers
   added while running wait for the next slice. Commands come first: as soon
   as one is queued (or the slice is used up) the remaining due timers wait,
   so any number of due timers delays a command by one callback at most.
   Returns true if due timers were left for later. */
bool host_timers_run_due(act_ctx *c, int64_t slice_end)
{
    if (!c->tm.n)
        return false;
    int64_t now = act_now_ns();
    uint32_t last_id = c->tm.next_id;
    int ran = 0;
    while (c->tm.n && !c->crash.reason && !atomic_load(&c->stop_req)) {
        jtimer *t = c->tm.list[c->tm.n - 1];
        if (t->due > now || t->id > last_id)
            break;
        if (ran > 0 && (ctx_mailbox_waiting(c) || act_now_ns() > slice_end))
            return true;
        ran++;
        c->tm.n--;
        acct a;
        a.reductions = 0;
        a.max_reductions = c->opts.max_reductions;
        a.deadline = c->opts.timeout > 0 ? act_now_ns() + (int64_t)(c->opts.timeout * 1e9) : 0;
        a.req_id = 0;
        a.oom_base = JS_GetOutOfMemoryCount(c->rt);
        c->lim.abort_reason = ABORT_NONE;
        acct saved = ctx_budget_enter(c, &a);
        c->ops.cur_id = 0;
        c->tm.running = t->id;
        c->tm.running_cleared = 0;
        JSValue fn = JS_DupValue(c->jc, t->fn);
        JSValue r = JS_Call(c->jc, fn, JS_UNDEFINED, t->argc, (JSValueConst *)t->argv);
        JS_FreeValue(c->jc, fn);
        int reason = ABORT_NONE;
        if (JS_IsException(r)) {
            JSValue exc = JS_GetException(c->jc);
            reason = c->lim.abort_reason;
            c->lim.abort_reason = ABORT_NONE;
            ctx_report_uncaught(c, "timer", exc, reason);
            JS_FreeValue(c->jc, exc);
            c->lim.abort_reason = reason;   /* drain leftover jobs with polls failing */
        } else {
            JS_FreeValue(c->jc, r);
        }
        a = c->lim.run;
        int late = ctx_checkpoint(c, &a, 0);
        if (reason == ABORT_NONE && late != ABORT_NONE && late != ABORT_STOP) {
            ctx_report_uncaught(c, "timer", JS_UNDEFINED, late);
        }
        ctx_budget_leave(c, NULL, &saved);
        c->tm.running = 0;
        if (t->interval && reason == ABORT_NONE && !c->crash.reason && !c->tm.running_cleared) {
            t->due = act_now_ns() + t->interval;
            if (timer_insert(c, t) == 0)
                continue;
        }
        timer_free(c->jc, t);
    }
    return false;
}

void host_free_state(act_ctx *c)
{
    for (int i = 0; i < c->tm.n; i++)
        timer_free(c->jc, c->tm.list[i]);
    js_free(c->jc, c->tm.list);
    c->tm.list = NULL;
    c->tm.n = c->tm.cap = 0;
}

/* ---- structuredClone (queueMicrotask and performance are the engine's own) ------------------------------------------ */

static JSValue structured_clone(JSContext *jc, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val;
    JSValueConst v = argc > 0 ? argv[0] : JS_UNDEFINED;
    if (JS_IsFunction(jc, v) || JS_IsSymbol(v) || JS_IsPromise(v) || JS_IsWeakMap(v) || JS_IsWeakSet(v) ||
        JS_IsWeakRef(v)) {
        JSValue e = host_new_error_value(jc, "DataCloneError", "value could not be cloned");
        return JS_IsException(e) ? e : JS_Throw(jc, e);
    }
    size_t n;
    uint8_t *buf = JS_WriteObject(jc, &n, v, JS_WRITE_OBJ_REFERENCE);
    if (!buf) {
        JSValue exc = JS_GetException(jc);
        if (JS_IsUncatchableError(exc) || js_is_oom(jc, exc))
            return JS_Throw(jc, exc);
        char *name, *msg, *stack;
        js_error_parts(jc, exc, &name, &msg, &stack);
        JS_FreeValue(jc, exc);
        JSValue e = host_new_error_value(jc, "DataCloneError", msg ? msg : "value could not be cloned");
        free(name);
        free(msg);
        free(stack);
        return JS_IsException(e) ? e : JS_Throw(jc, e);
    }
    JSValue r = JS_ReadObject(jc, buf, n, JS_READ_OBJ_REFERENCE);
    js_free(jc, buf);
    if (JS_IsException(r)) {
        /* reading back our own output only fails when memory runs out; the
           engine's reader may then report it as some other error */
        JS_FreeValue(jc, JS_GetException(jc));
        return JS_ThrowOutOfMemory(jc);
    }
    return r;
}

/* ---- Function.prototype.bind under a memory limit ------------------------------------------
 * QuickJS-NG 0.17's bind frees a half-built bound function when its second
 * allocation fails, and that function's finalizer then dereferences NULL. So
 * with a memory limit, bind is wrapped: it first checks that the allocations
 * bind needs fit (allocate and release a block bigger than all of them), and
 * otherwise throws the engine's out-of-memory error without calling it. */

static JSValue safe_bind(JSContext *jc, JSValueConst this_val, int argc, JSValueConst *argv, int magic,
                         JSValueConst *data)
{
    (void)magic;
    void *probe = js_malloc(jc, 2048 + (size_t)argc * sizeof(JSValue));
    if (!probe)
        return JS_EXCEPTION;
    js_free(jc, probe);
    return JS_Call(jc, data[0], this_val, argc, argv);
}

static int install_safe_bind(JSContext *jc)
{
    JSValue fn_ctor = JS_UNDEFINED, proto = JS_UNDEFINED, orig = JS_UNDEFINED, wrapped = JS_UNDEFINED;
    JSValue global = JS_GetGlobalObject(jc);
    int rc = -1;
    fn_ctor = JS_GetPropertyStr(jc, global, "Function");
    if (JS_IsException(fn_ctor))
        goto done;
    proto = JS_GetPropertyStr(jc, fn_ctor, "prototype");
    if (JS_IsException(proto))
        goto done;
    orig = JS_GetPropertyStr(jc, proto, "bind");
    if (!JS_IsFunction(jc, orig))
        goto done;
    wrapped = JS_NewCFunctionData(jc, safe_bind, 1, 0, 1, (JSValueConst *)&orig);
    if (JS_IsException(wrapped))
        goto done;
    if (JS_DefinePropertyValueStr(jc, wrapped, "name", JS_NewString(jc, "bind"), JS_PROP_CONFIGURABLE) < 0)
        goto done;
    if (JS_DefinePropertyValueStr(jc, proto, "bind", wrapped, JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE) < 0) {
        wrapped = JS_UNDEFINED;
        goto done;
    }
    wrapped = JS_UNDEFINED;
    rc = 0;
done:
    JS_FreeValue(jc, wrapped);
    JS_FreeValue(jc, orig);
    JS_FreeValue(jc, proto);
    JS_FreeValue(jc, fn_ctor);
    JS_FreeValue(jc, global);
    return rc;
}

static const JSCFunctionListEntry global_funcs[] = {
    JS_CFUNC_MAGIC_DEF("setTimeout", 2, set_timer, 0),
    JS_CFUNC_MAGIC_DEF("setInterval", 2, set_timer, 1),
    JS_CFUNC_DEF("clearTimeout", 1, clear_timer),
    JS_CFUNC_DEF("clearInterval", 1, clear_timer),
    JS_CFUNC_DEF("structuredClone", 1, structured_clone),
};

/* ---- log lines (console output) ---------------------------------------------------------- */

/* Emit one log line at a Python logging level. The text may hold lone
   surrogates from JS strings: Python decodes it leniently, it is only printed. */
/* A console line is host memory a context makes Python build (and log):
   longer lines are cut at this many bytes, on a character boundary, and end
   in an ellipsis, as error messages are (codec.c). */
#define LOG_TEXT_MAX (64 * 1024)

int host_emit_log(act_ctx *c, int level, const char *text, size_t len)
{
    static const char ellipsis[] = "\xe2\x80\xa6";   /* U+2026, UTF-8 */
    bool cut = len > LOG_TEXT_MAX;
    if (cut) {
        len = LOG_TEXT_MAX;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;   /* text is UTF-8: never split a character */
    }
    mpw ev;
    if (!mpw_init(&ev, len + 32))
        return -1;
    mpw_array(&ev, 4);
    mpw_int(&ev, ACT_EV_LOG);
    mpw_uint(&ev, c->id);
    mpw_int(&ev, level);
    if (cut) {
        char *line = malloc(len + sizeof ellipsis);
        if (!line) {
            mpw_free(&ev);
            return -1;
        }
        memcpy(line, text, len);
        memcpy(line + len, ellipsis, sizeof ellipsis);
        mpw_str(&ev, line, len + sizeof ellipsis - 1);
        free(line);
    } else {
        mpw_str(&ev, text, len);
    }
    size_t n;
    uint8_t *b = mpw_take(&ev, &n);
    if (!b)
        return -1;
    pool_emit(c->pool, b, n);
    return 0;
}

int host_install(act_ctx *c)
{
    JSContext *jc = c->jc;
    JSValue global = JS_GetGlobalObject(jc);
    int rc = -1;
    JSValue host = JS_NewObject(jc);
    if (JS_IsException(host))
        goto done;
    if (JS_SetPropertyFunctionList(jc, host, host_funcs, 4) < 0 ||
        JS_SetPropertyFunctionList(jc, global, global_funcs, 5) < 0)
        goto done;
    if (JS_DefinePropertyValueStr(jc, global, "Beam", JS_DupValue(jc, host), JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE) < 0)
        goto done;
    if (JS_DefinePropertyValueStr(jc, global, "Host", host, JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE) < 0) {
        host = JS_UNDEFINED;
        goto done;
    }
    host = JS_UNDEFINED;
    if (c->opts.memory_limit && install_safe_bind(jc) < 0)
        goto done;
    if (groups_install(c) < 0)
        goto done;
    rc = 0;
done:
    JS_FreeValue(jc, host);
    JS_FreeValue(jc, global);
    return rc;
}
