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
    mpw *w;
    conv_err *err;
    int depth;
    void *anc[ACT_MAX_DEPTH + 2];
    penc path[ACT_MAX_DEPTH + 2];
    bool failed;
} enc;

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

static int fail(enc *e, const char *what)
{
    if (e->failed)
        return -1;
    char path[256];
    render_path(e, path, sizeof path);
    snprintf(e->err->msg, sizeof e->err->msg, "%s at %s", what, path);
    e->failed = true;
    return -1;
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

static bool has_lone_surrogate(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    while ((p = memchr(p, 0xED, (size_t)(end - p))) != NULL) {
        if (p + 1 < end && (uint8_t)p[1] >= 0xA0)
            return true;
        p++;
    }
    return false;
}

static int enc_value(enc *e, JSValueConst v);

static int enc_string(enc *e, JSValueConst v)
{
    size_t n;
    const char *s = JS_ToCStringLen(e->jc, &n, v);
    if (!s)
        return fail_js(e, "reading a string");
    if (has_lone_surrogate(s, n)) {
        JS_FreeCString(e->jc, s);
        return fail(e, "string with a lone surrogate (not valid Unicode)");
    }
    mpw_str(e->w, s, n);
    JS_FreeCString(e->jc, s);
    return 0;
}

static int enc_bigint(enc *e, JSValueConst v)
{
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
        return 0;
    }
    /* beyond int64: hexadecimal text (Python parses any length of it, while
       decimal text is capped at 4,300 digits by default) */
    JSValue radix = JS_NewInt32(e->jc, 16);
    JSValue fn = JS_GetPropertyStr(e->jc, v, "toString");
    JSValue hex = JS_IsException(fn) ? JS_EXCEPTION : JS_Call(e->jc, fn, v, 1, (JSValueConst *)&radix);
    JS_FreeValue(e->jc, fn);
    if (JS_IsException(hex))
        return fail_js(e, "formatting a BigInt");
    s = JS_ToCStringLen(e->jc, &n, hex);
    JS_FreeValue(e->jc, hex);
    if (!s)
        return fail_js(e, "formatting a BigInt");
    mpw_ext(e->w, ACT_EXT_BIGINT, (const uint8_t *)s, n);
    JS_FreeCString(e->jc, s);
    return 0;
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
    if (len > UINT32_MAX)
        return fail(e, "array too long");
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
    int rc = 0;
    mpw_map(e->w, n);
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        size_t klen;
        const char *k = JS_AtomToCStringLen(e->jc, &klen, tab[i].atom);
        if (!k) {
            rc = fail_js(e, "reading a key");
            break;
        }
        ENTER_ATOM(e, tab[i].atom);
        if (has_lone_surrogate(k, klen)) {
            rc = fail(e, "key with a lone surrogate (not valid Unicode)");
        } else {
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

/* Array.from(v): the entries of a Map or the values of a Set, as an array. */
static JSValue array_from(JSContext *jc, JSValueConst v)
{
    JSValue global = JS_GetGlobalObject(jc);
    JSValue array = JS_GetPropertyStr(jc, global, "Array");
    JSValue from = JS_GetPropertyStr(jc, array, "from");
    JSValue res = JS_Call(jc, from, array, 1, &v);
    JS_FreeValue(jc, from);
    JS_FreeValue(jc, array);
    JS_FreeValue(jc, global);
    return res;
}

static int enc_map(enc *e, JSValueConst v)
{
    JSValue entries = array_from(e->jc, v);
    if (JS_IsException(entries))
        return fail_js(e, "iterating a Map");
    int64_t len;
    int rc = 0;
    if (JS_GetLength(e->jc, entries, &len) < 0) {
        JS_FreeValue(e->jc, entries);
        return fail_js(e, "iterating a Map");
    }
    mpw_map(e->w, (uint32_t)len);
    for (int64_t i = 0; i < len && rc == 0; i++) {
        JSValue pair = JS_GetPropertyInt64(e->jc, entries, i);
        JSValue k = JS_GetPropertyInt64(e->jc, pair, 0);
        JSValue val = JS_GetPropertyInt64(e->jc, pair, 1);
        ENTER_LABEL(e, "<Map key>");
        if (JS_IsObject(k))
            rc = fail(e, "Map key that is an object (Python dict keys must be hashable)");
        else
            rc = enc_value(e, k);
        LEAVE(e);
        if (rc == 0) {
            ENTER_INDEX(e, (uint32_t)i);
            e->path[e->depth - 1].label = NULL;
            rc = enc_value(e, val);
            LEAVE(e);
        }
        JS_FreeValue(e->jc, k);
        JS_FreeValue(e->jc, val);
        JS_FreeValue(e->jc, pair);
    }
    JS_FreeValue(e->jc, entries);
    return rc;
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
        if (len == 0) {
            mpw_bin(e->w, NULL, 0);
            return 0;
        }
        return fail(e, "detached ArrayBuffer");
    }
    if (off + len > size)
        return fail(e, "typed array out of bounds");
    mpw_bin(e->w, p + off, len);
    return 0;
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
        } else if (off < 0 || len < 0 || (size_t)(off + len) > size) {
            rc = fail(e, "DataView out of bounds");
        } else {
            mpw_bin(e->w, p + off, (size_t)len);
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
    if (JS_ToFloat64(e->jc, &t, v) < 0)
        return fail_js(e, "reading a Date");
    if (!isfinite(t))
        return fail(e, "invalid Date");
    uint64_t bits;
    memcpy(&bits, &t, 8);
    uint8_t be8[8];
    for (int i = 0; i < 8; i++)
        be8[i] = (uint8_t)(bits >> (56 - 8 * i));
    mpw_ext(e->w, ACT_EXT_DATE, be8, 8);
    return 0;
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
    return 0;
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
    if (e->w->oom)
        return fail(e, "out of memory while encoding");
    switch (JS_VALUE_GET_NORM_TAG(v)) {
    case JS_TAG_INT:
        mpw_int(e->w, JS_VALUE_GET_INT(v));
        return 0;
    case JS_TAG_FLOAT64:
        return enc_number(e, JS_VALUE_GET_FLOAT64(v));
    case JS_TAG_BOOL:
        mpw_bool(e->w, JS_VALUE_GET_BOOL(v));
        return 0;
    case JS_TAG_NULL:
    case JS_TAG_UNDEFINED:
    case JS_TAG_UNINITIALIZED:
        mpw_nil(e->w);
        return 0;
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
    if (JS_IsArrayBuffer(v)) {
        size_t size;
        uint8_t *p = JS_GetArrayBuffer(e->jc, &size, v);
        if (!p && size) {
            JS_FreeValue(e->jc, JS_GetException(e->jc));
            return fail(e, "detached ArrayBuffer");
        }
        mpw_bin(e->w, p, p ? size : 0);
        if (!p)
            JS_FreeValue(e->jc, JS_GetException(e->jc));
        return 0;
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
        rc = enc_map(e, v);
    else if (JS_IsSet(v)) {
        JSValue arr = array_from(e->jc, v);
        if (JS_IsException(arr)) {
            rc = fail_js(e, "iterating a Set");
        } else {
            rc = enc_array(e, arr);
            JS_FreeValue(e->jc, arr);
        }
    } else
        rc = enc_object(e, v);
    return rc;
}

int js_to_mp(JSContext *jc, mpw *w, JSValueConst v, conv_err *err)
{
    enc *e = malloc(sizeof *e);
    if (!e) {
        snprintf(err->msg, sizeof err->msg, "out of memory while encoding");
        return -1;
    }
    e->jc = jc;
    e->w = w;
    e->err = err;
    e->depth = 0;
    e->failed = false;
    err->msg[0] = '\0';
    err->is_js = 0;
    int rc = enc_value(e, v);
    if (rc == 0 && w->oom) {
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
        size_t digits = 0;
        for (size_t i = 0; i < o->len; i++) {
            uint8_t ch = o->data[i];
            bool hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
            if (!(hex || (i == 0 && ch == '-')))
                return dfail(d, "malformed BigInt extension");
            digits += hex;
        }
        if (!digits)
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

static char *dup_prop(JSContext *jc, JSValueConst obj, const char *prop)
{
    JSValue v = JS_GetPropertyStr(jc, obj, prop);
    char *out = NULL;
    if (JS_IsException(v)) {
        JS_FreeValue(jc, JS_GetException(jc));
        return NULL;
    }
    if (!JS_IsUndefined(v) && !JS_IsNull(v)) {
        size_t n;
        const char *s = JS_ToCStringLen(jc, &n, v);
        if (s) {
            out = malloc(n + 1);
            if (out) {
                memcpy(out, s, n);
                out[n] = '\0';
            }
            JS_FreeCString(jc, s);
        } else {
            JS_FreeValue(jc, JS_GetException(jc));
        }
    }
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
        *name = dup_prop(jc, exc, "name");
        *message = dup_prop(jc, exc, "message");
        *stack = dup_prop(jc, exc, "stack");
        if (!*name && !*message) {
            /* not an Error: describe it as the thrown value */
            const char *s = JS_ToCString(jc, exc);
            if (s) {
                *message = dup_cstr(s);
                JS_FreeCString(jc, s);
            } else {
                JS_FreeValue(jc, JS_GetException(jc));
            }
        }
    } else if (JS_IsUninitialized(exc) || JS_IsNull(exc)) {
        *name = dup_cstr("InternalError");
        *message = dup_cstr("out of memory");
    } else {
        const char *s = JS_ToCString(jc, exc);
        if (s) {
            *message = dup_cstr(s);
            JS_FreeCString(jc, s);
        } else {
            JS_FreeValue(jc, JS_GetException(jc));
        }
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
