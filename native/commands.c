/* Commands: a frame from the mailbox decoded and run (eval, call, get/set
 * global, bytecode, send, ask, internal events, memory, dom, gc, reset).
 *
 * Threading: the owner thread only. Frames were checked by act_ctx_send
 * before they were queued (ctx_api.c); they are parsed again here, never
 * trusted beyond that check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "context.h"

bool parse_frame(const uint8_t *data, size_t len, frame *f)
{
    mp_obj o;
    mpr_init(&f->r, data, len);
    if (!mpr_read(&f->r, &o) || o.type != MP_ARRAY || o.v.n < 3)
        return false;
    int64_t req;
    if (!mpr_int(&f->r, &f->op) || !mpr_int(&f->r, &req) || !mpr_int(&f->r, &f->timeout_ms))
        return false;
    f->req_id = (uint64_t)req;
    f->nargs = o.v.n - 3;
    return true;
}

static bool arg_str(frame *f, const uint8_t **s, size_t *n)
{
    mp_obj o;
    if (!mpr_read(&f->r, &o) || o.type != MP_STR)
        return false;
    *s = o.data;
    *n = o.len;
    return true;
}

/* An eval's optional third argument: true = a script being loaded, whose
   completion value is nobody's business (a library may end in a function
   or a cyclic object): the caller gets undefined instead of a conversion. */
static bool arg_discard(frame *f)
{
    mp_obj o;
    return f->nargs > 2 && mpr_read(&f->r, &o) && o.type == MP_BOOL && o.v.b;
}

/* How a compiled kind's result is awaited: an async script's promise
   holds {value}; a module's evaluation promise holds nothing of use. */
static int unwrap_for(int kind, bool discard)
{
    if (kind == ACT_KIND_MODULE)
        return UNWRAP_DISCARD;
    if (kind == ACT_KIND_ASYNC)
        return discard ? UNWRAP_DISCARD : 1;
    return 0;
}

/* Run what compile_source or JS_ReadObject made (takes fn). discard: a
   script being loaded, whose completion value is dropped. */
static JSValue run_compiled(act_ctx *c, JSValue fn, int kind, bool discard, int *unwrap)
{
    if (kind == ACT_KIND_MODULE && JS_ResolveModule(c->jc, fn) < 0) {
        JS_FreeValue(c->jc, fn);
        return JS_EXCEPTION;
    }
    JSValue r = JS_EvalFunction(c->jc, fn);
    if (JS_IsException(r))
        return r;
    *unwrap = unwrap_for(kind, discard);
    if (discard && !*unwrap) {
        JS_FreeValue(c->jc, r);
        r = JS_UNDEFINED;
    }
    return r;
}

static JSValue do_eval(act_ctx *c, frame *f, int *unwrap)
{
    const uint8_t *code, *fname = NULL;
    size_t n, fn = 0;
    *unwrap = 0;
    if (!arg_str(f, &code, &n))
        return JS_ThrowTypeError(c->jc, "eval: code must be a string");
    if (f->nargs > 1 && !arg_str(f, &fname, &fn))
        fname = NULL;
    bool discard = arg_discard(f);
    char *src = malloc(n + 1);
    char name[256];
    if (!src)
        return JS_ThrowOutOfMemory(c->jc);
    memcpy(src, code, n);
    src[n] = '\0';
    snprintf(name, sizeof name, "%.*s", fname ? (int)fn : 6, fname ? (const char *)fname : "<eval>");
    int kind;
    JSValue compiled = compile_source(c->jc, c, src, n, name, &kind);
    free(src);
    if (JS_IsException(compiled))
        return compiled;
    return run_compiled(c, compiled, kind, discard, unwrap);
}

/* Resolve "a.b.c" from the global object; *this_out gets the holder. */
static JSValue lookup_path(act_ctx *c, const uint8_t *s, size_t n, JSValue *this_out)
{
    JSValue cur = JS_GetGlobalObject(c->jc);
    JSValue holder = JS_UNDEFINED;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.')
            continue;
        JSAtom atom = JS_NewAtomLen(c->jc, (const char *)s + start, i - start);
        if (atom == JS_ATOM_NULL) {
            JS_FreeValue(c->jc, cur);
            JS_FreeValue(c->jc, holder);
            return JS_EXCEPTION;
        }
        JSValue next = JS_GetProperty(c->jc, cur, atom);
        JS_FreeAtom(c->jc, atom);
        JS_FreeValue(c->jc, holder);
        holder = cur;
        cur = next;
        if (JS_IsException(cur)) {
            JS_FreeValue(c->jc, holder);
            return JS_EXCEPTION;
        }
        start = i + 1;
    }
    if (this_out)
        *this_out = holder;
    else
        JS_FreeValue(c->jc, holder);
    return cur;
}

static JSValue do_call(act_ctx *c, frame *f)
{
    const uint8_t *name;
    size_t n;
    if (!arg_str(f, &name, &n))
        return JS_ThrowTypeError(c->jc, "call: function name must be a string");
    mp_obj o;
    if (f->nargs < 2 || !mpr_read(&f->r, &o) || o.type != MP_ARRAY)
        return JS_ThrowTypeError(c->jc, "call: arguments must be a list");
    uint32_t argc = o.v.n;
    if (argc > 65535)
        return JS_ThrowRangeError(c->jc, "call: too many arguments");
    JSValue *argv = calloc(argc ? argc : 1, sizeof *argv);
    if (!argv)
        return JS_ThrowOutOfMemory(c->jc);
    JSValue r = JS_UNDEFINED;
    uint32_t got = 0;
    conv_err err;
    for (; got < argc; got++) {
        argv[got] = mp_to_js(c->jc, &f->r, &err);
        if (JS_IsException(argv[got])) {
            snprintf(c->codec.conv_msg, sizeof c->codec.conv_msg, "argument %u: %s", got, err.msg);
            r = JS_ThrowTypeError(c->jc, "call: argument %u: %s", got, err.msg);
            break;
        }
    }
    if (got == argc) {
        JSValue self;
        JSValue fn = lookup_path(c, name, n, &self);
        if (JS_IsException(fn)) {
            r = JS_EXCEPTION;
        } else {
            if (!JS_IsFunction(c->jc, fn))
                r = JS_ThrowTypeError(c->jc, "%.*s is not a function", (int)(n > 200 ? 200 : n), (const char *)name);
            else
                r = JS_Call(c->jc, fn, self, (int)argc, (JSValueConst *)argv);
            JS_FreeValue(c->jc, fn);
            JS_FreeValue(c->jc, self);
        }
    }
    for (uint32_t i = 0; i < got; i++)
        JS_FreeValue(c->jc, argv[i]);
    free(argv);
    return r;
}

static JSValue do_get_global(act_ctx *c, frame *f)
{
    const uint8_t *name;
    size_t n;
    if (!arg_str(f, &name, &n))
        return JS_ThrowTypeError(c->jc, "get_global: name must be a string");
    return lookup_path(c, name, n, NULL);
}

/* ACT_OP_GLOBALS: the names of the global object's own properties (no
   getter runs, so a lazy API group stays unloaded), or, given names,
   delete those and answer the ones that could not be (non-configurable). */
static JSValue do_globals(act_ctx *c, frame *f)
{
    JSValue global = JS_GetGlobalObject(c->jc);
    JSValue out = JS_NewArray(c->jc);
    if (JS_IsException(out)) {
        JS_FreeValue(c->jc, global);
        return out;
    }
    uint32_t k = 0;
    if (f->nargs == 0) {
        JSPropertyEnum *props = NULL;
        uint32_t count = 0;
        if (JS_GetOwnPropertyNames(c->jc, &props, &count, global, JS_GPN_STRING_MASK) < 0)
            goto fail;
        for (uint32_t i = 0; i < count; i++) {
            JSValue name = JS_AtomToString(c->jc, props[i].atom);
            if (JS_IsException(name) || JS_SetPropertyUint32(c->jc, out, k++, name) < 0) {
                JS_FreePropertyEnum(c->jc, props, count);
                goto fail;
            }
        }
        JS_FreePropertyEnum(c->jc, props, count);
    } else {
        for (uint32_t i = 0; i < f->nargs; i++) {
            const uint8_t *name;
            size_t n;
            if (!arg_str(f, &name, &n)) {
                JS_ThrowTypeError(c->jc, "delete_globals: names must be strings");
                goto fail;
            }
            JSAtom atom = JS_NewAtomLen(c->jc, (const char *)name, n);
            if (atom == JS_ATOM_NULL)
                goto fail;
            int gone = JS_DeleteProperty(c->jc, global, atom, 0);
            if (gone == 0) {
                JSValue kept = JS_AtomToString(c->jc, atom);
                if (JS_IsException(kept) || JS_SetPropertyUint32(c->jc, out, k++, kept) < 0) {
                    JS_FreeAtom(c->jc, atom);
                    goto fail;
                }
            }
            JS_FreeAtom(c->jc, atom);
            if (gone < 0)
                goto fail;
        }
    }
    JS_FreeValue(c->jc, global);
    return out;
fail:
    JS_FreeValue(c->jc, global);
    JS_FreeValue(c->jc, out);
    return JS_EXCEPTION;
}

static JSValue do_set_global(act_ctx *c, frame *f)
{
    const uint8_t *name;
    size_t n;
    if (f->nargs < 2 || !arg_str(f, &name, &n))
        return JS_ThrowTypeError(c->jc, "set_global: name must be a string");
    conv_err err;
    JSValue v = mp_to_js(c->jc, &f->r, &err);
    if (JS_IsException(v)) {
        snprintf(c->codec.conv_msg, sizeof c->codec.conv_msg, "%s", err.msg);
        return JS_ThrowTypeError(c->jc, "set_global: %s", err.msg);
    }
    /* "a.b.c": set c on the object at a.b, like get_global reads it */
    size_t last = n;
    while (last > 0 && name[last - 1] != '.')
        last--;
    JSValue target = last ? lookup_path(c, name, last - 1, NULL) : JS_GetGlobalObject(c->jc);
    if (JS_IsException(target)) {
        JS_FreeValue(c->jc, v);
        return JS_EXCEPTION;
    }
    if (!JS_IsObject(target)) {
        JS_FreeValue(c->jc, v);
        JS_FreeValue(c->jc, target);
        return JS_ThrowTypeError(c->jc, "set_global: %.*s is not an object", (int)(last - 1), (const char *)name);
    }
    JSAtom atom = JS_NewAtomLen(c->jc, (const char *)name + last, n - last);
    int rc = atom == JS_ATOM_NULL ? -1 : JS_SetProperty(c->jc, target, atom, v);
    if (atom == JS_ATOM_NULL)
        JS_FreeValue(c->jc, v);
    else
        JS_FreeAtom(c->jc, atom);
    JS_FreeValue(c->jc, target);
    return rc < 0 ? JS_EXCEPTION : JS_UNDEFINED;
}

/* [bytecode, kind, discard]: a Script that pool.compile made (the host's
   own compiler's output, never a guest's bytes). */
static JSValue do_eval_bytecode(act_ctx *c, frame *f, int *unwrap)
{
    mp_obj o;
    int64_t kind;
    if (f->nargs < 2 || !mpr_read(&f->r, &o) || o.type != MP_BIN || !mpr_int(&f->r, &kind) ||
        kind < ACT_KIND_SCRIPT || kind > ACT_KIND_MODULE)
        return JS_ThrowTypeError(c->jc, "eval_bytecode: expected [bytes, kind]");
    bool discard = arg_discard(f);
    JSValue fn = JS_ReadObject(c->jc, o.data, o.len, JS_READ_OBJ_BYTECODE);
    if (JS_IsException(fn))
        return fn;
    if (JS_IsModule(fn) != (kind == ACT_KIND_MODULE)) {
        JS_FreeValue(c->jc, fn);   /* a module stays on the context's list until teardown */
        return JS_ThrowTypeError(c->jc, "eval_bytecode: the bytecode is not of the kind given");
    }
    return run_compiled(c, fn, (int)kind, discard, unwrap);
}

static void do_memory(act_ctx *c, frame *f, act_waiter *w)
{
    JSMemoryUsage u;
    JS_ComputeMemoryUsage(c->rt, &u);
    mpw out;
    begin_reply(c, &out, f->req_id, w, ACT_R_OK);
    mpw_map(&out, 9);
    mpw_cstr(&out, "malloc_size"); mpw_int(&out, u.malloc_size);
    mpw_cstr(&out, "memory_limit"); mpw_int(&out, (int64_t)c->opts.memory_limit);
    mpw_cstr(&out, "memory_used_size"); mpw_int(&out, u.memory_used_size);
    mpw_cstr(&out, "malloc_count"); mpw_int(&out, u.malloc_count);
    mpw_cstr(&out, "obj_count"); mpw_int(&out, u.obj_count);
    mpw_cstr(&out, "str_count"); mpw_int(&out, u.str_count);
    mpw_cstr(&out, "atom_count"); mpw_int(&out, u.atom_count);
    mpw_cstr(&out, "js_func_count"); mpw_int(&out, u.js_func_count);
    mpw_cstr(&out, "array_count"); mpw_int(&out, u.array_count);
    end_reply(c, &out, f->req_id, w);
}

/* The dom group's document as a snapshot (dom.c): no JavaScript runs. */
static void do_dom(act_ctx *c, frame *f, act_waiter *w)
{
    mpw out;
    begin_reply(c, &out, f->req_id, w, ACT_R_OK);
    act_result_budget(c, &out);
    char why[200];
    const char *err = dom_snapshot(c, &out, why, sizeof why);
    if (err) {
        mpw_free(&out);
        reply_msg(c, f->req_id, w, err == why ? ACT_R_TOO_LARGE : ACT_R_BADREQ, err);
        return;
    }
    end_reply(c, &out, f->req_id, w);
}

/* Deliver the frame's value to every callback of `handlers` (an array, or
   undefined): an operation without a caller, like a timer. */
static void deliver(act_ctx *c, frame *f, JSValueConst handlers, const char *where)
{
    acct a;
    acct_start(c, &a, f->timeout_ms);
    uint64_t op_id = ++c->ops.next_id;
    conv_err err;
    c->lim.abort_reason = ABORT_NONE;
    JSValue msg = mp_to_js(c->jc, &f->r, &err);
    if (JS_IsException(msg)) {
        JSValue e = host_new_error_value(c->jc, "TypeError", err.msg);
        ctx_report_uncaught(c, where, e, ABORT_NONE);
        JS_FreeValue(c->jc, e);
        return;
    }
    acct saved = ctx_budget_enter(c, &a);
    c->ops.cur_id = op_id;
    int64_t n = 0;
    if (JS_IsObject(handlers))
        JS_GetLength(c->jc, handlers, &n);
    for (int64_t i = 0; i < n && !c->crash.reason; i++) {
        JSValue fn = JS_GetPropertyInt64(c->jc, handlers, i);
        JSValue r = JS_Call(c->jc, fn, JS_UNDEFINED, 1, (JSValueConst *)&msg);
        JS_FreeValue(c->jc, fn);
        if (JS_IsException(r)) {
            JSValue exc = JS_GetException(c->jc);
            int reason = c->lim.abort_reason;
            c->lim.abort_reason = ABORT_NONE;
            ctx_report_uncaught(c, where, exc, reason);
            JS_FreeValue(c->jc, exc);
            if (reason != ABORT_NONE) {
                c->lim.abort_reason = reason;
                break;
            }
        } else {
            JS_FreeValue(c->jc, r);
        }
    }
    JS_FreeValue(c->jc, msg);
    a = c->lim.run;
    int aborted = ctx_checkpoint(c, &a, op_id);
    if (aborted != ABORT_NONE && aborted != ABORT_STOP && !c->crash.reason)
        ctx_report_uncaught(c, where, JS_UNDEFINED, aborted);
    ctx_budget_leave(c, NULL, &saved);
    c->ops.cur_id = 0;
}

/* ctx.ask(message): the Host.onMessage callbacks run in order, as for a
   send, but a caller waits: the answer is the last value other than
   undefined that a callback returned (a promise is awaited, like an eval's),
   and a callback that throws fails the ask with that error instead of being
   reported as uncaught. */
static JSValue do_ask(act_ctx *c, frame *f)
{
    conv_err err;
    JSValue msg = mp_to_js(c->jc, &f->r, &err);
    if (JS_IsException(msg)) {
        snprintf(c->codec.conv_msg, sizeof c->codec.conv_msg, "message: %s", err.msg);
        return JS_ThrowTypeError(c->jc, "ask: message: %s", err.msg);
    }
    JSValue answer = JS_UNDEFINED;
    int64_t n = 0;
    if (JS_IsObject(c->ops.msg_handlers) && JS_GetLength(c->jc, c->ops.msg_handlers, &n) < 0) {
        JS_FreeValue(c->jc, msg);
        return JS_EXCEPTION;
    }
    for (int64_t i = 0; i < n; i++) {
        JSValue fn = JS_GetPropertyInt64(c->jc, c->ops.msg_handlers, i);
        if (JS_IsException(fn)) {
            JS_FreeValue(c->jc, answer);
            answer = JS_EXCEPTION;
            break;
        }
        JSValue r = JS_Call(c->jc, fn, JS_UNDEFINED, 1, (JSValueConst *)&msg);
        JS_FreeValue(c->jc, fn);
        if (JS_IsException(r)) {
            JS_FreeValue(c->jc, answer);
            answer = JS_EXCEPTION;
            break;
        }
        if (JS_IsUndefined(r)) {
            JS_FreeValue(c->jc, r);
        } else {
            JS_FreeValue(c->jc, answer);
            answer = r;
        }
    }
    JS_FreeValue(c->jc, msg);
    return answer;
}

/* An event for a polyfill group: [.., group, value] to the callbacks it
   registered with native.on(group, fn). */
static void do_internal(act_ctx *c, frame *f)
{
    const uint8_t *group;
    size_t n;
    if (f->nargs < 2 || !arg_str(f, &group, &n))
        return;
    JSValue handlers = JS_UNDEFINED;
    if (JS_IsObject(c->grp.handlers)) {
        JSAtom atom = JS_NewAtomLen(c->jc, (const char *)group, n);
        if (atom != JS_ATOM_NULL) {
            handlers = JS_GetProperty(c->jc, c->grp.handlers, atom);
            JS_FreeAtom(c->jc, atom);
        }
        if (JS_IsException(handlers)) {
            JS_FreeValue(c->jc, JS_GetException(c->jc));
            handlers = JS_UNDEFINED;
        }
    }
    deliver(c, f, handlers, "event");
    JS_FreeValue(c->jc, handlers);
}

void process_frame(act_ctx *c, cmd *m)
{
    frame f;
    act_waiter *w = m->w;
    if (!parse_frame(m->data, m->len, &f)) {
        reply_msg(c, 1, w, ACT_R_BADREQ, "malformed command frame");
        return;
    }
    acct a;
    acct_start(c, &a, f.timeout_ms);
    a.req_id = f.req_id;
    uint64_t op_id = ++c->ops.next_id;
    int unwrap = 0;
    c->lim.abort_reason = ABORT_NONE;   /* nothing a previous operation spent carries over */
    JSValue r;
    switch (f.op) {
    case ACT_OP_SEND:
        deliver(c, &f, c->ops.msg_handlers, "message");
        if (w)
            reply_msg(c, f.req_id, w, ACT_R_OK, "");
        return;
    case ACT_OP_INTERNAL:
        do_internal(c, &f);
        if (w)
            reply_msg(c, f.req_id, w, ACT_R_OK, "");
        return;
    case ACT_OP_MEMORY:
        do_memory(c, &f, w);
        return;
    case ACT_OP_RESET:
        ctx_reset(c, &f, w);
        return;
    case ACT_OP_DOM:
        do_dom(c, &f, w);
        return;
    case ACT_OP_GC:
        JS_RunGC(c->rt);
        reply_msg(c, f.req_id, w, ACT_R_OK, "");
        return;
    default:
        break;
    }
    acct saved = ctx_budget_enter(c, &a);
    c->ops.cur_id = op_id;
    switch (f.op) {
    case ACT_OP_EVAL: r = do_eval(c, &f, &unwrap); break;
    case ACT_OP_CALL: r = do_call(c, &f); break;
    case ACT_OP_GET_GLOBAL: r = do_get_global(c, &f); break;
    case ACT_OP_SET_GLOBAL: r = do_set_global(c, &f); break;
    case ACT_OP_EVAL_BYTECODE: r = do_eval_bytecode(c, &f, &unwrap); break;
    case ACT_OP_ASK: r = do_ask(c, &f); break;
    case ACT_OP_GLOBALS: r = do_globals(c, &f); break;
    default:
        ctx_budget_leave(c, NULL, &saved);
        c->ops.cur_id = 0;
        reply_msg(c, f.req_id, w, ACT_R_BADREQ, "unknown command");
        return;
    }
    finish_op(c, op_id, f.req_id, w, r, unwrap);
    ctx_budget_leave(c, NULL, &saved);
    c->ops.cur_id = 0;
}
