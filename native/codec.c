/* Values across the boundary: JS <-> msgpack, both directions.
 *
 * Reference-count rules in this file:
 *   - js_to_mp() borrows `v` (JSValueConst) and frees every value it obtains
 *     (property reads, array elements, helper results) before returning.
 *   - mp_to_js() returns a new reference, or JS_EXCEPTION with `err` filled
 *     (and any pending JS exception cleared, so callers decide what to throw).
 *   - atoms from JS_GetOwnPropertyNames stay valid while their level of the
 *     walk runs; the path stack only borrows them.
 *
 * Errors never drop a value silently: cycles, depth over ACT_MAX_DEPTH,
 * values the mapping does not cover and lone surrogates all fail with a
 * message that names the path of the offending value ($.a[3].b).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

typedef struct penc {
    int is_index;
    uint32_t index;
    JSAtom atom;
    const char *label;             /* "<map key>", "<map value>", ... */
} penc;

typedef struct enc {
    JSContext *jc;
    act_ctx *c;
    mpw *w;
    conv_err *err;
    int depth;
    uint32_t since_poll;
    void *anc[ACT_MAX_DEPTH + 2];
    penc path[ACT_MAX_DEPTH + 2];
    bool failed;
} enc;

/* ---- the output budget ------------------------------------------------------------ */

size_t act_result_bytes(const act_ctx *c)
{
    size_t b = c->opts.max_result_bytes;
    if (!b) {
        /* a value the heap could hold, with room for UTF-16 text growing
           into UTF-8; sharing is what the budget stops */
        size_t m = c->opts.memory_limit;
        b = !m ? ACT_RESULT_DEFAULT : m > ACT_RESULT_MAX / 2 ? ACT_RESULT_MAX : 2 * m;
        if (b < ((size_t)1 << 20))
            b = (size_t)1 << 20;
    }
    return b > ACT_RESULT_MAX ? ACT_RESULT_MAX : b;
}

static uint64_t result_nodes(size_t bytes)
{
    uint64_t n = bytes / 16;
    return n < 65536 ? 65536 : n;
}

void act_result_budget(const act_ctx *c, mpw *w)
{
    if (w->budgeted)
        return;
    size_t b = act_result_bytes(c);
    w->budgeted = 1;
    w->limit = w->len + b;
    w->nodes_left = result_nodes(b);
}

const char *act_result_too_large(const act_ctx *c, int nodes, char *buf, size_t cap)
{
    size_t b = act_result_bytes(c);
    if (nodes)
        snprintf(buf, cap, "value has more than %llu items (the output budget: max_result_bytes/16, max_result_bytes=%zu)",
                 (unsigned long long)result_nodes(b), b);
    else
        snprintf(buf, cap, "value larger than %zu bytes (the output budget: max_result_bytes)", b);
    return buf;
}

/* ---- intrinsics -------------------------------------------------------------------- *
 * The converter never calls a method the guest can replace: the engine's own
 * Map/Set iteration, Date.prototype.getTime, BigInt.prototype.toString and
 * the getters of Error.prototype.stack and DOMException's name and message
 * are taken when the context is created, before any guest code runs. */

/* The getter of proto[prop] (a new reference), or undefined. */
static JSValue getter_of(JSContext *jc, JSValueConst proto, const char *prop)
{
    JSValue out = JS_UNDEFINED;
    JSAtom atom = JS_NewAtom(jc, prop);
    JSPropertyDescriptor d;
    if (JS_IsObject(proto) && atom != JS_ATOM_NULL && JS_GetOwnProperty(jc, &d, proto, atom) > 0) {
        JS_FreeValue(jc, d.value);
        JS_FreeValue(jc, d.setter);
        out = d.getter;
    }
    if (atom != JS_ATOM_NULL)
        JS_FreeAtom(jc, atom);
    if (JS_HasException(jc))
        JS_FreeValue(jc, JS_GetException(jc));
    return out;
}
enum { I_MAP_ENTRIES, I_MAP_NEXT, I_SET_VALUES, I_SET_NEXT, I_DATE_TIME, I_BIGINT_STR, I_ERROR_STACK,
       I_DOMEX_NAME, I_DOMEX_MESSAGE, I_COUNT };
#define I_REQUIRED I_DOMEX_NAME     /* the ones after it may be missing */

static _Atomic int sab_class;      /* class id of SharedArrayBuffer (same in every runtime) */

void codec_init_state(act_ctx *c)
{
    for (int i = 0; i < I_COUNT; i++)
        c->codec.intrinsics[i] = JS_UNDEFINED;
}

void codec_free_state(act_ctx *c)
{
    if (c->jc)
        for (int i = 0; i < I_COUNT; i++)
            JS_FreeValue(c->jc, c->codec.intrinsics[i]);
    codec_init_state(c);
}

static JSValue get_chain(JSContext *jc, JSValueConst from, const char *a, const char *b)
{
    JSValue x = JS_GetPropertyStr(jc, from, a);
    if (JS_IsException(x) || !b)
        return x;
    JSValue y = JS_GetPropertyStr(jc, x, b);
    JS_FreeValue(jc, x);
    return y;
}

/* The `next` of the iterators that proto.method returns. */
static JSValue iter_next_of(JSContext *jc, JSValueConst global, const char *ctor, JSValueConst method)
{
    JSValue cls = JS_GetPropertyStr(jc, global, ctor);
    JSValue inst = JS_IsException(cls) ? JS_EXCEPTION : JS_CallConstructor(jc, cls, 0, NULL);
    JS_FreeValue(jc, cls);
    if (JS_IsException(inst))
        return inst;
    JSValue it = JS_Call(jc, method, inst, 0, NULL);
    JS_FreeValue(jc, inst);
    if (JS_IsException(it))
        return it;
    JSValue proto = JS_GetPrototype(jc, it);
    JS_FreeValue(jc, it);
    if (JS_IsException(proto))
        return proto;
    JSValue next = JS_GetPropertyStr(jc, proto, "next");
    JS_FreeValue(jc, proto);
    return next;
}

int codec_install(act_ctx *c)
{
    JSContext *jc = c->jc;
    codec_init_state(c);
    JSValue g = JS_GetGlobalObject(jc);
    JSValue mp = get_chain(jc, g, "Map", "prototype");
    JSValue sp = get_chain(jc, g, "Set", "prototype");
    JSValue dp = get_chain(jc, g, "Date", "prototype");
    JSValue bp = get_chain(jc, g, "BigInt", "prototype");
    c->codec.intrinsics[I_MAP_ENTRIES] = JS_GetPropertyStr(jc, mp, "entries");
    c->codec.intrinsics[I_SET_VALUES] = JS_GetPropertyStr(jc, sp, "values");
    c->codec.intrinsics[I_DATE_TIME] = JS_GetPropertyStr(jc, dp, "getTime");
    c->codec.intrinsics[I_BIGINT_STR] = JS_GetPropertyStr(jc, bp, "toString");
    c->codec.intrinsics[I_MAP_NEXT] = iter_next_of(jc, g, "Map", c->codec.intrinsics[I_MAP_ENTRIES]);
    JSValue ep = get_chain(jc, g, "Error", "prototype");
    c->codec.intrinsics[I_ERROR_STACK] = getter_of(jc, ep, "stack");
    JS_FreeValue(jc, ep);
    JSValue dx = get_chain(jc, g, "DOMException", "prototype");
    if (JS_IsException(dx))
        JS_FreeValue(jc, JS_GetException(jc));
    c->codec.intrinsics[I_DOMEX_NAME] = getter_of(jc, dx, "name");
    c->codec.intrinsics[I_DOMEX_MESSAGE] = getter_of(jc, dx, "message");
    JS_FreeValue(jc, dx);
    c->codec.intrinsics[I_SET_NEXT] = iter_next_of(jc, g, "Set", c->codec.intrinsics[I_SET_VALUES]);
    JS_FreeValue(jc, mp);
    JS_FreeValue(jc, sp);
    JS_FreeValue(jc, dp);
    JS_FreeValue(jc, bp);
    JS_FreeValue(jc, g);
    int rc = 0;
    for (int i = 0; i < I_REQUIRED; i++)
        if (JS_IsException(c->codec.intrinsics[i]) || !JS_IsFunction(jc, c->codec.intrinsics[i]))
            rc = -1;
    if (rc < 0) {
        for (int i = 0; i < I_COUNT; i++)
            if (JS_IsException(c->codec.intrinsics[i]))
                c->codec.intrinsics[i] = JS_UNDEFINED;
        codec_free_state(c);
        JS_ThrowInternalError(jc, "the engine lacks a builtin the value converter needs");
        return -1;
    }
    if (!atomic_load(&sab_class)) {
        JSValue ab = JS_NewArrayBufferCopy(jc, NULL, 0);
        if (JS_IsException(ab)) {
            JS_FreeValue(jc, JS_GetException(jc));
        } else {
            /* the engine's class enum puts SharedArrayBuffer right after ArrayBuffer */
            atomic_store(&sab_class, (int)JS_GetClassID(ab) + 1);
            JS_FreeValue(jc, ab);
        }
    }
    return 0;
}

/* ---- JS -> msgpack ------------------------------------------------------------------ */

static void render_path(enc *e, char *out, size_t cap)
{
    size_t n = 0;
    n += (size_t)snprintf(out, cap, "$");
    for (int i = 0; i < e->depth && n < cap; i++) {
        penc *p = &e->path[i];
        if (p->label) {
            n += (size_t)snprintf(out + n, cap - n, "%s", p->label);
        } else if (p->is_index) {
            n += (size_t)snprintf(out + n, cap - n, "[%u]", p->index);
        } else {
            const char *s = JS_AtomToCString(e->jc, p->atom);
            n += (size_t)snprintf(out + n, cap - n, ".%s", s ? s : "?");
            if (s)
                JS_FreeCString(e->jc, s);
            else
                JS_FreeValue(e->jc, JS_GetException(e->jc));
        }
    }
}

static int fail_status(enc *e, int status, const char *what)
{
    if (e->failed)
        return -1;
    char path[256];
    render_path(e, path, sizeof path);
    snprintf(e->err->msg, sizeof e->err->msg, "%s at %s", what, path);
    e->err->msg[utf8_repair(e->err->msg, strlen(e->err->msg))] = '\0';
    e->err->status = status;
    e->failed = true;
    return -1;
}

static int fail(enc *e, const char *what)
{
    return fail_status(e, ACT_R_CONVERSION, what);
}

static int fail_big(enc *e, int nodes)
{
    char buf[200];
    return fail_status(e, ACT_R_TOO_LARGE, act_result_too_large(e->c, nodes, buf, sizeof buf));
}

static int fail_js(enc *e, const char *doing)
{
    if (e->failed)
        return -1;
    JSValue exc = JS_GetException(e->jc);
    char *name = NULL, *msg = NULL, *stack = NULL;
    js_error_parts(e->jc, exc, &name, &msg, &stack);
    JS_FreeValue(e->jc, exc);
    char what[300];
    snprintf(what, sizeof what, "%s raised %s: %s", doing, name ? name : "Error", msg ? msg : "");
    free(name);
    free(msg);
    free(stack);
    e->err->is_js = 1;
    return fail(e, what);
}

/* One more value against the budget; every 1024 values, the operation's
   deadline and a stop request are checked (the encoding is host work: it
   counts no reductions, but it cannot outlive the operation's timeout). */
static int count(enc *e, uint64_t n)
{
    if (n > e->w->nodes_left)
        return fail_big(e, 1);
    e->w->nodes_left -= n;
    if ((e->since_poll += (uint32_t)(n > 1024 ? 1024 : n)) >= 1024) {
        e->since_poll = 0;
        if (atomic_load_explicit(&e->c->stop_req, memory_order_relaxed))
            return fail_status(e, ACT_R_DEAD, "the context is stopped");
        int64_t deadline = e->c->lim.run.deadline;  /* zero: no operation, or none set */
        if (deadline && act_now_ns() >= deadline)
            return fail_status(e, ACT_R_TIMEOUT, "operation exceeded its timeout while converting its value");
    }
    return 0;
}

static int check_written(enc *e)
{
    if (!e->w->oom)
        return 0;
    return e->w->over ? fail_big(e, 0) : fail(e, "out of memory while encoding");
}

static int enc_value(enc *e, JSValueConst v);

static int enc_string(enc *e, JSValueConst v)
{
    size_t n;
    const char *s = JS_ToCStringLen(e->jc, &n, v);
    if (!s)
        return fail_js(e, "reading a string");
    if (utf8_has_surrogate(s, n)) {
        JS_FreeCString(e->jc, s);
        return fail(e, "string with a lone surrogate (not valid Unicode)");
    }
    mpw_str(e->w, s, n);
    JS_FreeCString(e->jc, s);
    return check_written(e);
}

static int enc_bigint(enc *e, JSValueConst v)
{
    /* the decimal text of a BigInt primitive is the engine's own (no method
       lookup); beyond int64, hexadecimal through the captured intrinsic */
    size_t n;
    const char *s = JS_ToCStringLen(e->jc, &n, v);
    if (!s)
        return fail_js(e, "reading a BigInt");
    errno = 0;
    char *endp;
    long long x = strtoll(s, &endp, 10);
    bool fits = errno == 0 && *endp == '\0';
    JS_FreeCString(e->jc, s);
    if (fits) {
        mpw_int(e->w, x);
        return check_written(e);
    }
    /* hexadecimal text: Python parses any length of it, while decimal text
       is capped at 4,300 digits by default */
    JSValue radix = JS_NewInt32(e->jc, 16);
    JSValue hex = JS_Call(e->jc, e->c->codec.intrinsics[I_BIGINT_STR], v, 1, (JSValueConst *)&radix);
    if (JS_IsException(hex))
        return fail_js(e, "formatting a BigInt");
    s = JS_ToCStringLen(e->jc, &n, hex);
    JS_FreeValue(e->jc, hex);
    if (!s)
        return fail_js(e, "formatting a BigInt");
    mpw_ext(e->w, ACT_EXT_BIGINT, (const uint8_t *)s, n);
    JS_FreeCString(e->jc, s);
    return check_written(e);
}

static int enc_number(enc *e, double d)
{
    if (isfinite(d) && d == trunc(d) && fabs(d) <= 9007199254740992.0 && !(d == 0 && signbit(d)))
        mpw_int(e->w, (int64_t)d);
    else
        mpw_double(e->w, d);
    return 0;
}

static int push(enc *e, JSValueConst obj)
{
    if (e->depth >= ACT_MAX_DEPTH)
        return fail(e, "value nested deeper than 1000 levels");
    void *ptr = JS_VALUE_GET_PTR(obj);
    for (int i = 0; i < e->depth; i++)
        if (e->anc[i] == ptr)
            return fail(e, "cyclic reference");
    e->anc[e->depth] = ptr;
    return 0;
}

/* Enter one level below the current object: the path entry of the child. */
#define ENTER_INDEX(e, i) do { e->path[e->depth].is_index = 1; e->path[e->depth].index = (i); e->path[e->depth].label = NULL; e->depth++; } while (0)
#define ENTER_ATOM(e, a) do { e->path[e->depth].is_index = 0; e->path[e->depth].atom = (a); e->path[e->depth].label = NULL; e->depth++; } while (0)
#define ENTER_LABEL(e, l) do { e->path[e->depth].label = (l); e->depth++; } while (0)
#define LEAVE(e) (e->depth--)

static int enc_array(enc *e, JSValueConst v)
{
    int64_t len;
    if (JS_GetLength(e->jc, v, &len) < 0)
        return fail_js(e, "reading an array length");
    /* before anything is written: a sparse array's length costs nothing in
       its heap but one value per index here */
    if ((uint64_t)len > e->w->nodes_left)
        return fail_big(e, 1);
    mpw_array(e->w, (uint32_t)len);
    for (int64_t i = 0; i < len; i++) {
        ENTER_INDEX(e, (uint32_t)i);
        JSValue el = JS_GetPropertyInt64(e->jc, v, i);
        int rc;
        if (JS_IsException(el))
            rc = fail_js(e, "reading an element");
        else
            rc = enc_value(e, el);
        JS_FreeValue(e->jc, el);
        LEAVE(e);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int enc_object(enc *e, JSValueConst v)
{
    JSPropertyEnum *tab;
    uint32_t n;
    if (JS_GetOwnPropertyNames(e->jc, &tab, &n, v, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) < 0)
        return fail_js(e, "listing properties");
    int rc = 2 * (uint64_t)n > e->w->nodes_left ? fail_big(e, 1) : 0;
    if (rc == 0)
        mpw_map(e->w, n);
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        size_t klen;
        const char *k = JS_AtomToCStringLen(e->jc, &klen, tab[i].atom);
        if (!k) {
            rc = fail_js(e, "reading a key");
            break;
        }
        ENTER_ATOM(e, tab[i].atom);
        if (utf8_has_surrogate(k, klen)) {
            rc = fail(e, "key with a lone surrogate (not valid Unicode)");
        } else if ((rc = count(e, 1)) == 0) {
            mpw_str(e->w, k, klen);
            JSValue pv = JS_GetProperty(e->jc, v, tab[i].atom);
            if (JS_IsException(pv))
                rc = fail_js(e, "a getter");
            else
                rc = enc_value(e, pv);
            JS_FreeValue(e->jc, pv);
        }
        LEAVE(e);
        JS_FreeCString(e->jc, k);
    }
    JS_FreePropertyEnum(e->jc, tab, n);
    return rc;
}

/* The entries of a Map (pairs) or the values of a Set, through the engine's
   own iterators: a guest's Map.prototype.entries, Symbol.iterator or
   Array.from cannot change what is read. */
static int enc_collection(enc *e, JSValueConst v, bool is_map)
{
    JSContext *jc = e->jc;
    JSValue it = JS_Call(jc, e->c->codec.intrinsics[is_map ? I_MAP_ENTRIES : I_SET_VALUES], v, 0, NULL);
    if (JS_IsException(it))
        return fail_js(e, is_map ? "iterating a Map" : "iterating a Set");
    JSValueConst next = e->c->codec.intrinsics[is_map ? I_MAP_NEXT : I_SET_NEXT];
    size_t at = mpw_reserve32(e->w);
    uint32_t count_items = 0;
    int rc = check_written(e);
    while (rc == 0) {
        JSValue r = JS_Call(jc, next, it, 0, NULL);
        if (JS_IsException(r)) {
            rc = fail_js(e, is_map ? "iterating a Map" : "iterating a Set");
            break;
        }
        /* the engine's own result object: plain data properties */
        JSValue done = JS_GetPropertyStr(jc, r, "done");
        JSValue item = JS_GetPropertyStr(jc, r, "value");
        JS_FreeValue(jc, r);
        bool finished = JS_ToBool(jc, done) > 0;
        JS_FreeValue(jc, done);
        if (finished || JS_IsException(item)) {
            if (JS_IsException(item))
                rc = fail_js(e, "iterating a collection");
            JS_FreeValue(jc, item);
            break;
        }
        if (count_items == UINT32_MAX) {
            JS_FreeValue(jc, item);
            rc = fail_big(e, 1);
            break;
        }
        if (is_map) {
            JSValue k = JS_GetPropertyUint32(jc, item, 0);
            JSValue val = JS_GetPropertyUint32(jc, item, 1);
            ENTER_LABEL(e, "<Map key>");
            if (JS_IsObject(k))
                rc = fail(e, "Map key that is an object (Python dict keys must be hashable)");
            else
                rc = enc_value(e, k);
            LEAVE(e);
            if (rc == 0) {
                ENTER_INDEX(e, count_items);
                rc = enc_value(e, val);
                LEAVE(e);
            }
            JS_FreeValue(jc, k);
            JS_FreeValue(jc, val);
        } else {
            ENTER_INDEX(e, count_items);
            rc = enc_value(e, item);
            LEAVE(e);
        }
        JS_FreeValue(jc, item);
        count_items++;
    }
    JS_FreeValue(jc, it);
    if (rc == 0) {
        if (is_map)
            mpw_patch_map32(e->w, at, count_items);
        else
            mpw_patch_array32(e->w, at, count_items);
    }
    return rc;
}

static int enc_buffer(enc *e, const uint8_t *p, size_t len)
{
    mpw_bin(e->w, p, len);
    return check_written(e);
}

static int enc_bytes_of_view(enc *e, JSValueConst v)
{
    size_t off, len, bpe;
    JSValue ab = JS_GetTypedArrayBuffer(e->jc, v, &off, &len, &bpe);
    if (JS_IsException(ab))
        return fail_js(e, "reading a typed array");
    size_t size;
    uint8_t *p = JS_GetArrayBuffer(e->jc, &size, ab);
    JS_FreeValue(e->jc, ab);
    if (!p) {
        JS_FreeValue(e->jc, JS_GetException(e->jc));
        if (len == 0)
            return enc_buffer(e, NULL, 0);
        return fail(e, "detached ArrayBuffer");
    }
    if (off > size || len > size - off)
        return fail(e, "typed array out of bounds");
    return enc_buffer(e, p + off, len);
}

static int enc_dataview(enc *e, JSValueConst v)
{
    JSValue buf = JS_GetPropertyStr(e->jc, v, "buffer");
    JSValue voff = JS_GetPropertyStr(e->jc, v, "byteOffset");
    JSValue vlen = JS_GetPropertyStr(e->jc, v, "byteLength");
    int64_t off = 0, len = 0;
    int rc = 0;
    if (JS_IsException(buf) || JS_IsException(voff) || JS_IsException(vlen) ||
        JS_ToInt64(e->jc, &off, voff) < 0 || JS_ToInt64(e->jc, &len, vlen) < 0) {
        rc = fail_js(e, "reading a DataView");
    } else {
        size_t size;
        uint8_t *p = JS_GetArrayBuffer(e->jc, &size, buf);
        if (!p) {
            JS_FreeValue(e->jc, JS_GetException(e->jc));
            rc = fail(e, "detached ArrayBuffer");
        } else if (off < 0 || len < 0 || (uint64_t)off > size || (uint64_t)len > size - (size_t)off) {
            rc = fail(e, "DataView out of bounds");
        } else {
            rc = enc_buffer(e, p + off, (size_t)len);
        }
    }
    JS_FreeValue(e->jc, buf);
    JS_FreeValue(e->jc, voff);
    JS_FreeValue(e->jc, vlen);
    return rc;
}

static int enc_date(enc *e, JSValueConst v)
{
    double t;
    JSValue tv = JS_Call(e->jc, e->c->codec.intrinsics[I_DATE_TIME], v, 0, NULL);
    if (JS_IsException(tv))
        return fail_js(e, "reading a Date");
    int bad = JS_ToFloat64(e->jc, &t, tv);   /* a number: no guest code */
    JS_FreeValue(e->jc, tv);
    if (bad < 0)
        return fail_js(e, "reading a Date");
    if (!isfinite(t))
        return fail(e, "invalid Date");
    uint64_t bits;
    memcpy(&bits, &t, 8);
    uint8_t be8[8];
    for (int i = 0; i < 8; i++)
        be8[i] = (uint8_t)(bits >> (56 - 8 * i));
    mpw_ext(e->w, ACT_EXT_DATE, be8, 8);
    return check_written(e);
}

static int enc_error(enc *e, JSValueConst v)
{
    mpw sub;
    if (!mpw_init(&sub, 128))
        return fail(e, "out of memory");
    mp_write_js_error(e->jc, &sub, v);
    size_t n;
    uint8_t *b = mpw_take(&sub, &n);
    if (!b)
        return fail(e, "out of memory");
    mpw_ext(e->w, ACT_EXT_ERROR, b, n);
    free(b);
    return check_written(e);
}

static const char *kind_name(JSContext *jc, JSValueConst v)
{
    if (JS_IsFunction(jc, v)) return "function";
    if (JS_IsPromise(v)) return "Promise";
    if (JS_IsRegExp(v)) return "RegExp";
    if (JS_IsWeakMap(v)) return "WeakMap";
    if (JS_IsWeakSet(v)) return "WeakSet";
    if (JS_IsWeakRef(v)) return "WeakRef";
    return NULL;
}

static int enc_value(enc *e, JSValueConst v)
{
    if (check_written(e) < 0 || count(e, 1) < 0)
        return -1;
    switch (JS_VALUE_GET_NORM_TAG(v)) {
    case JS_TAG_INT:
        mpw_int(e->w, JS_VALUE_GET_INT(v));
        return check_written(e);
    case JS_TAG_FLOAT64:
        enc_number(e, JS_VALUE_GET_FLOAT64(v));
        return check_written(e);
    case JS_TAG_BOOL:
        mpw_bool(e->w, JS_VALUE_GET_BOOL(v));
        return check_written(e);
    case JS_TAG_NULL:
    case JS_TAG_UNDEFINED:
    case JS_TAG_UNINITIALIZED:
        mpw_nil(e->w);
        return check_written(e);
    case JS_TAG_STRING:
    case JS_TAG_STRING_ROPE:   /* built with += : a string all the same */
        return enc_string(e, v);
    case JS_TAG_SHORT_BIG_INT:
    case JS_TAG_BIG_INT:
        return enc_bigint(e, v);
    case JS_TAG_SYMBOL:
        return fail(e, "unsupported value of type symbol");
    case JS_TAG_OBJECT:
        break;
    default:
        return fail(e, "unsupported value");
    }
    const char *bad = kind_name(e->jc, v);
    if (bad) {
        char what[80];
        snprintf(what, sizeof what, "unsupported value of type %s", bad);
        return fail(e, what);
    }
    if (JS_IsDate(v))
        return enc_date(e, v);
    JSClassID cls = JS_GetClassID(v);
    if (JS_IsArrayBuffer(v) || (cls && (int)cls == atomic_load(&sab_class))) {
        /* a SharedArrayBuffer too: its bytes as they are at this moment */
        size_t size;
        uint8_t *p = JS_GetArrayBuffer(e->jc, &size, v);
        if (!p) {
            JS_FreeValue(e->jc, JS_GetException(e->jc));
            if (size)
                return fail(e, "detached ArrayBuffer");
            return enc_buffer(e, NULL, 0);
        }
        return enc_buffer(e, p, size);
    }
    if (JS_GetTypedArrayType(v) >= 0)
        return enc_bytes_of_view(e, v);
    if (JS_IsDataView(v))
        return enc_dataview(e, v);
    if (JS_IsError(v))
        return enc_error(e, v);
    if (push(e, v) < 0)
        return -1;
    int rc;
    if (JS_IsArray(v))
        rc = enc_array(e, v);
    else if (JS_IsMap(v))
        rc = enc_collection(e, v, true);
    else if (JS_IsSet(v))
        rc = enc_collection(e, v, false);
    else
        rc = enc_object(e, v);
    return rc;
}

int js_to_mp(JSContext *jc, mpw *w, JSValueConst v, conv_err *err)
{
    err->msg[0] = '\0';
    err->is_js = 0;
    err->status = ACT_R_CONVERSION;
    enc *e = malloc(sizeof *e);
    if (!e) {
        snprintf(err->msg, sizeof err->msg, "out of memory while encoding");
        return -1;
    }
    e->jc = jc;
    e->c = JS_GetContextOpaque(jc);
    e->w = w;
    e->err = err;
    e->depth = 0;
    e->since_poll = 0;
    e->failed = false;
    act_result_budget(e->c, w);
    int rc = enc_value(e, v);
    if (rc == 0 && w->oom) {
        if (w->over)
            fail_big(e, 0);
        else
            snprintf(err->msg, sizeof err->msg, "out of memory while encoding");
        rc = -1;
    }
    free(e);
    return rc;
}

/* ---- msgpack -> JS ----------------------------------------------------------- */

/* Map keys repeat (a list of records has the same keys over and over):
   remember the atom of each recent key instead of hashing it every time. */
#define KEY_CACHE 256

typedef struct key_slot {
    const uint8_t *ptr;            /* points into the frame being decoded */
    size_t len;
    JSAtom atom;                   /* one reference owned by the cache */
} key_slot;

typedef struct dec {
    JSContext *jc;
    mpr *r;
    conv_err *err;
    int depth;
    key_slot *keys;                /* KEY_CACHE slots, allocated at the first map */
} dec;

static JSAtom key_atom(dec *d, const uint8_t *p, size_t n)
{
    if (!d->keys) {
        d->keys = calloc(KEY_CACHE, sizeof *d->keys);
        if (!d->keys) {
            JS_ThrowOutOfMemory(d->jc);
            return JS_ATOM_NULL;
        }
    }
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    key_slot *slot = &d->keys[h & (KEY_CACHE - 1)];
    if (slot->atom != JS_ATOM_NULL && slot->len == n && memcmp(slot->ptr, p, n) == 0)
        return slot->atom;
    JSAtom atom = JS_NewAtomLen(d->jc, (const char *)p, n);
    if (atom == JS_ATOM_NULL)
        return atom;
    if (slot->atom != JS_ATOM_NULL)
        JS_FreeAtom(d->jc, slot->atom);
    slot->ptr = p;
    slot->len = n;
    slot->atom = atom;
    return atom;
}

static JSValue dfail(dec *d, const char *what)
{
    if (!d->err->msg[0])
        snprintf(d->err->msg, sizeof d->err->msg, "%s", what);
    return JS_EXCEPTION;
}

static JSValue dfail_js(dec *d)
{
    /* the engine raised (usually out of memory): keep its message */
    JSValue exc = JS_GetException(d->jc);
    char *name = NULL, *msg = NULL, *stack = NULL;
    js_error_parts(d->jc, exc, &name, &msg, &stack);
    JS_FreeValue(d->jc, exc);
    /* out of memory may arrive with an empty message (no room for the text) */
    bool oom = name && !strcmp(name, "InternalError") && (!msg || !msg[0]);
    if (!d->err->msg[0])
        snprintf(d->err->msg, sizeof d->err->msg, "%s: %s", name ? name : "Error",
                 oom ? "out of memory" : msg ? msg : "");
    d->err->is_js = 1;
    free(name);
    free(msg);
    free(stack);
    return JS_EXCEPTION;
}

static JSValue dec_value(dec *d);

/* BigInt from the extension's text: optional '-' then hexadecimal digits. */
static JSValue bigint_from_hex(JSContext *jc, const uint8_t *s, size_t n)
{
    bool neg = n > 0 && s[0] == '-';
    char *text = malloc(n + 3);
    if (!text)
        return JS_ThrowOutOfMemory(jc);
    memcpy(text, "0x", 2);
    memcpy(text + 2, s + neg, n - neg);
    text[n - neg + 2] = '\0';
    JSValue global = JS_GetGlobalObject(jc);
    JSValue ctor = JS_GetPropertyStr(jc, global, "BigInt");
    JSValue str = JS_NewString(jc, text);
    free(text);
    JSValue res = JS_IsException(str) ? JS_EXCEPTION : JS_Call(jc, ctor, JS_UNDEFINED, 1, (JSValueConst *)&str);
    JS_FreeValue(jc, str);
    JS_FreeValue(jc, ctor);
    if (neg && !JS_IsException(res)) {
        /* the engine has no C API for arithmetic: negate with a tiny function */
        JSValue negate = JS_Eval(jc, "(x) => -x", 9, "<bigint>", JS_EVAL_TYPE_GLOBAL);
        JSValue r2 = JS_IsException(negate) ? JS_EXCEPTION : JS_Call(jc, negate, JS_UNDEFINED, 1, (JSValueConst *)&res);
        JS_FreeValue(jc, negate);
        JS_FreeValue(jc, res);
        res = r2;
    }
    JS_FreeValue(jc, global);
    return res;
}

static JSValue dec_ext(dec *d, mp_obj *o)
{
    switch (o->ext) {
    case ACT_EXT_BIGINT: {
        if (!mp_bigint_hex_ok(o->data, o->len))
            return dfail(d, "malformed BigInt extension");
        JSValue v = bigint_from_hex(d->jc, o->data, o->len);
        return JS_IsException(v) ? dfail_js(d) : v;
    }
    case ACT_EXT_DATE: {
        if (o->len != 8)
            return dfail(d, "malformed Date extension");
        uint64_t bits = 0;
        for (int i = 0; i < 8; i++)
            bits = (bits << 8) | o->data[i];
        double t;
        memcpy(&t, &bits, 8);
        JSValue v = JS_NewDate(d->jc, t);
        return JS_IsException(v) ? dfail_js(d) : v;
    }
    case ACT_EXT_ERROR: {
        mpr sub;
        mpr_init(&sub, o->data, o->len);
        mp_obj a, f[3];
        if (!mpr_read(&sub, &a) || a.type != MP_ARRAY || a.v.n < 2)
            return dfail(d, "malformed Error extension");
        for (uint32_t i = 0; i < 3 && i < a.v.n; i++)
            if (!mpr_read(&sub, &f[i]) || (f[i].type != MP_STR && f[i].type != MP_NIL))
                return dfail(d, "malformed Error extension");
        char name[64], msg[1024];
        snprintf(name, sizeof name, "%.*s", (int)f[0].len, f[0].type == MP_STR ? (const char *)f[0].data : "");
        snprintf(msg, sizeof msg, "%.*s", (int)f[1].len, f[1].type == MP_STR ? (const char *)f[1].data : "");
        JSValue v = host_new_error_value(d->jc, name[0] ? name : "Error", msg);
        return JS_IsException(v) ? dfail_js(d) : v;
    }
    default:
        return dfail(d, "unknown msgpack extension type");
    }
}

static JSValue dec_value(dec *d)
{
    mp_obj o;
    if (!mpr_read(d->r, &o))
        return dfail(d, "truncated or malformed msgpack data");
    JSContext *jc = d->jc;
    JSValue v;
    switch (o.type) {
    case MP_NIL:
        return JS_NULL;
    case MP_BOOL:
        return JS_NewBool(jc, o.v.b);
    case MP_INT:
        if (o.v.i < -9007199254740992LL)
            v = JS_NewBigInt64(jc, o.v.i);
        else
            v = JS_NewInt64(jc, o.v.i);
        return JS_IsException(v) ? dfail_js(d) : v;
    case MP_UINT:
        if (o.v.u > 9007199254740992ULL)
            v = JS_NewBigUint64(jc, o.v.u);
        else
            v = JS_NewInt64(jc, (int64_t)o.v.u);
        return JS_IsException(v) ? dfail_js(d) : v;
    case MP_FLOAT:
        return JS_NewFloat64(jc, o.v.d);
    case MP_STR:
        v = JS_NewStringLen(jc, (const char *)o.data, o.len);
        return JS_IsException(v) ? dfail_js(d) : v;
    case MP_BIN:
        v = JS_NewUint8ArrayCopy(jc, o.data, o.len);
        return JS_IsException(v) ? dfail_js(d) : v;
    case MP_EXT:
        return dec_ext(d, &o);
    case MP_ARRAY: {
        if (d->depth >= ACT_MAX_DEPTH + 2)
            return dfail(d, "value nested deeper than 1000 levels");
        if (o.v.n > (uint32_t)INT32_MAX || (size_t)(d->r->end - d->r->p) < o.v.n)
            return dfail(d, "truncated or malformed msgpack data");
        JSValue small[16];
        JSValue *vals = o.v.n <= 16 ? small : malloc(sizeof(JSValue) * o.v.n);
        if (!vals)
            return dfail(d, "out of memory");
        d->depth++;
        uint32_t i;
        for (i = 0; i < o.v.n; i++) {
            vals[i] = dec_value(d);
            if (JS_IsException(vals[i]))
                break;
        }
        d->depth--;
        if (i < o.v.n) {
            for (uint32_t j = 0; j < i; j++)
                JS_FreeValue(jc, vals[j]);
            if (vals != small)
                free(vals);
            return JS_EXCEPTION;
        }
        /* takes ownership of the elements, even when it fails */
        v = JS_NewArrayFrom(jc, (int)o.v.n, vals);
        if (vals != small)
            free(vals);
        return JS_IsException(v) ? dfail_js(d) : v;
    }
    case MP_MAP: {
        if (d->depth >= ACT_MAX_DEPTH + 2)
            return dfail(d, "value nested deeper than 1000 levels");
        v = JS_NewObject(jc);
        if (JS_IsException(v))
            return dfail_js(d);
        d->depth++;
        for (uint32_t i = 0; i < o.v.n; i++) {
            mp_obj k;
            if (!mpr_read(d->r, &k) || k.type != MP_STR) {
                JS_FreeValue(jc, v);
                d->depth--;
                return dfail(d, "object keys must be strings");
            }
            /* the value first: decoding it may evict this key's cache slot,
               and with it the only reference to the atom */
            JSValue el = dec_value(d);
            if (JS_IsException(el)) {
                JS_FreeValue(jc, v);
                d->depth--;
                return JS_EXCEPTION;
            }
            JSAtom atom = key_atom(d, k.data, k.len);
            if (atom == JS_ATOM_NULL) {
                JS_FreeValue(jc, el);
                JS_FreeValue(jc, v);
                d->depth--;
                return dfail_js(d);
            }
            if (JS_DefinePropertyValue(jc, v, atom, el, JS_PROP_C_W_E) < 0) {
                JS_FreeValue(jc, v);
                d->depth--;
                return dfail_js(d);
            }
        }
        d->depth--;
        return v;
    }
    default:
        return dfail(d, "malformed msgpack data");
    }
}

JSValue mp_to_js(JSContext *jc, mpr *r, conv_err *err)
{
    dec d = {jc, r, err, 0, NULL};
    err->msg[0] = '\0';
    err->is_js = 0;
    JSValue v = dec_value(&d);
    if (d.keys) {
        for (int i = 0; i < KEY_CACHE; i++)
            if (d.keys[i].atom != JS_ATOM_NULL)
                JS_FreeAtom(jc, d.keys[i].atom);
        free(d.keys);
    }
    return v;
}

/* ---- errors -------------------------------------------------------------------- */

/* Error text leaves the context cut to these sizes (bytes of UTF-8). */
#define ERR_NAME_MAX 256
#define ERR_TEXT_MAX (64 * 1024)

/* A copy of the text of a primitive (a string, number, boolean: the
   engine's own conversion, no guest code), cut to max bytes at a character
   boundary with "…" appended, lone surrogates replaced by U+FFFD. NULL for
   objects and symbols, which the error's reader treats as absent. */
static char *dup_text(JSContext *jc, JSValueConst v, size_t max)
{
    if (JS_IsObject(v) || JS_IsSymbol(v) || JS_IsUndefined(v) || JS_IsNull(v))
        return NULL;
    size_t n;
    const char *s = JS_ToCStringLen(jc, &n, v);
    if (!s) {
        JS_FreeValue(jc, JS_GetException(jc));
        return NULL;
    }
    bool cut = n > max;
    size_t keep = cut ? max : n;
    char *out = malloc(keep + 4);
    if (out) {
        memcpy(out, s, keep);
        keep = utf8_repair(out, keep);
        if (cut) {
            memcpy(out + keep, "\xe2\x80\xa6", 3);
            keep += 3;
        }
        out[keep] = '\0';
    }
    JS_FreeCString(jc, s);
    return out;
}

/* One of the engine's own getters captured at install (they read the
   object's internal slots and run no guest code). */
static bool trusted_getter(JSContext *jc, JSValueConst fn)
{
    act_ctx *c = JS_GetContextOpaque(jc);
    if (!c || !JS_IsObject(fn))
        return false;
    for (int i = I_ERROR_STACK; i < I_COUNT; i++)
        if (JS_IsObject(c->codec.intrinsics[i]) && JS_VALUE_GET_PTR(c->codec.intrinsics[i]) == JS_VALUE_GET_PTR(fn))
            return true;
    return false;
}

/* The value of a property found on obj or its prototypes, or undefined.
   No proxy trap runs, and no getter unless run_getters: the engine's own
   getters (DOMException's name and message, Error's stack) always are.
   Getters run for name and message because the polyfills' DOMException
   (like WebIDL) has them; what they return is used only if it is a
   primitive, which the engine converts to text itself. */
static JSValue data_prop(JSContext *jc, JSValueConst obj, const char *prop, bool run_getters)
{
    JSAtom atom = JS_NewAtom(jc, prop);
    if (atom == JS_ATOM_NULL) {
        JS_FreeValue(jc, JS_GetException(jc));
        return JS_UNDEFINED;
    }
    JSValue cur = JS_DupValue(jc, obj);
    JSValue found = JS_UNDEFINED;
    for (int level = 0; level < 64 && JS_IsObject(cur) && !JS_IsProxy(cur); level++) {
        JSPropertyDescriptor d;
        int r = JS_GetOwnProperty(jc, &d, cur, atom);
        if (r < 0) {
            JS_FreeValue(jc, JS_GetException(jc));
            break;
        }
        if (r > 0) {
            JS_FreeValue(jc, d.setter);
            if (!(d.flags & JS_PROP_GETSET)) {
                found = d.value;
            } else {
                JS_FreeValue(jc, d.value);
                if (JS_IsFunction(jc, d.getter) && (run_getters || trusted_getter(jc, d.getter))) {
                    found = JS_Call(jc, d.getter, obj, 0, NULL);
                    if (JS_IsException(found)) {
                        JS_FreeValue(jc, JS_GetException(jc));
                        found = JS_UNDEFINED;
                    }
                }
            }
            JS_FreeValue(jc, d.getter);
            break;
        }
        JSValue up = JS_GetPrototype(jc, cur);
        JS_FreeValue(jc, cur);
        cur = up;
        if (JS_IsException(cur)) {
            JS_FreeValue(jc, JS_GetException(jc));
            cur = JS_UNDEFINED;
        }
    }
    JS_FreeValue(jc, cur);
    JS_FreeAtom(jc, atom);
    return found;
}

static char *dup_prop(JSContext *jc, JSValueConst obj, const char *prop, size_t max)
{
    JSValue v = data_prop(jc, obj, prop, strcmp(prop, "stack") != 0);
    char *out = dup_text(jc, v, max);
    JS_FreeValue(jc, v);
    return out;
}

static char *dup_cstr(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (out)
        memcpy(out, s, n + 1);
    return out;
}

void js_error_parts(JSContext *jc, JSValueConst exc, char **name, char **message, char **stack)
{
    *name = *message = *stack = NULL;
    if (JS_IsObject(exc)) {
        *name = dup_prop(jc, exc, "name", ERR_NAME_MAX);
        *message = dup_prop(jc, exc, "message", ERR_TEXT_MAX);
        *stack = dup_prop(jc, exc, "stack", ERR_TEXT_MAX);
        act_ctx *c = JS_GetContextOpaque(jc);
        if (!*stack && JS_IsError(exc) && c && JS_IsFunction(jc, c->codec.intrinsics[I_ERROR_STACK])) {
            /* the engine's getter: the stack it recorded, whatever the guest did to the accessor */
            JSValue st = JS_Call(jc, c->codec.intrinsics[I_ERROR_STACK], exc, 0, NULL);
            if (JS_IsException(st))
                JS_FreeValue(jc, JS_GetException(jc));
            else
                *stack = dup_text(jc, st, ERR_TEXT_MAX);
            JS_FreeValue(jc, st);
        } else if (!*stack && !c && JS_IsError(exc)) {
            /* act_compile's throwaway context: no guest code ever ran there */
            JSValue st = JS_GetPropertyStr(jc, exc, "stack");
            if (JS_IsException(st))
                JS_FreeValue(jc, JS_GetException(jc));
            else
                *stack = dup_text(jc, st, ERR_TEXT_MAX);
            JS_FreeValue(jc, st);
        }
        if (!*name && !*message && !JS_IsError(exc)) {
            /* not an Error: described by kind (its toString is the guest's) */
            *message = dup_cstr(JS_IsArray(exc) ? "[object Array]" :
                                JS_IsFunction(jc, exc) ? "[object Function]" : "[object Object]");
        }
    } else if (JS_IsUninitialized(exc) || JS_IsNull(exc)) {
        *name = dup_cstr("InternalError");
        *message = dup_cstr("out of memory");
    } else {
        *message = dup_text(jc, exc, ERR_TEXT_MAX);
        if (!*message)
            *message = dup_cstr(JS_IsSymbol(exc) ? "Symbol()" : "undefined");
    }
    if (!*name)
        *name = dup_cstr(JS_IsError(exc) ? "Error" : "Thrown");
}

bool js_is_oom(JSContext *jc, JSValueConst exc)
{
    if (!JS_IsObject(exc))
        return JS_IsNull(exc) || JS_IsUninitialized(exc);
    char *name, *msg, *stack;
    js_error_parts(jc, exc, &name, &msg, &stack);
    /* when even the message string cannot be allocated, the engine's
       out-of-memory error arrives with an empty message */
    bool oom = name && !strcmp(name, "InternalError") && (!msg || !msg[0] || !strcmp(msg, "out of memory"));
    free(name);
    free(msg);
    free(stack);
    return oom;
}

int mp_write_js_error(JSContext *jc, mpw *w, JSValueConst exc)
{
    char *name, *message, *stack;
    js_error_parts(jc, exc, &name, &message, &stack);
    mpw_array(w, 3);
    mpw_cstr(w, name ? name : "Error");
    mpw_cstr(w, message ? message : "");
    if (stack)
        mpw_cstr(w, stack);
    else
        mpw_nil(w);
    free(name);
    free(message);
    free(stack);
    return 0;
}
