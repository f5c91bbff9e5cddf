/* The `dom` group's native side.
 *
 * polyfills/dom.js keeps the document as plain JS objects and hands the
 * global document to native.domAttach(document, [T, NAME, ATTRS, KIDS, DATA,
 * CONTENT]) with the six private symbols under which every node stores its
 * state (the storage contract is in that file's header).
 *
 * dom_snapshot() serializes that tree to msgpack for the host-side queries
 * (Context.dom_find ...) without running any JavaScript: it reads own data
 * properties only, and treats getters, proxies and anything not shaped as
 * the contract says as absent. A context that damaged its own tree gets a
 * partial snapshot or a clear error, never a crash or a hang: the walk is
 * iterative and bounded in nodes and depth (a cycle hits the bound).
 *
 * Snapshot format: one flat array of the document's nodes in tree order
 * (flat, so no depth of tree is too deep to decode), each an array whose
 * first two items are the node type and its depth (1 for the document's
 * children):
 *   element  [1, depth, tag, {name: value, ...}]   (a template's children
 *            are those of its content fragment)
 *   text     [3, depth, data]
 *   comment  [8, depth, data]
 *   doctype  [10, depth, name]
 */
#include <string.h>

#include "internal.h"

enum { K_T, K_NAME, K_ATTRS, K_KIDS, K_DATA, K_CONTENT, K_COUNT };

#define DOM_MAX_NODES 2000000u
#define DOM_MAX_DEPTH 200000u

static void dom_free_keys(act_ctx *c)
{
    for (int i = 0; i < K_COUNT; i++) {
        if (c->dom.keys[i] != JS_ATOM_NULL)
            JS_FreeAtom(c->jc, c->dom.keys[i]);
        c->dom.keys[i] = JS_ATOM_NULL;
    }
}

void dom_init_state(act_ctx *c)
{
    c->dom.doc = JS_UNDEFINED;
    for (int i = 0; i < K_COUNT; i++)
        c->dom.keys[i] = JS_ATOM_NULL;
}

void dom_free_state(act_ctx *c)
{
    if (c->jc) {
        JS_FreeValue(c->jc, c->dom.doc);
        dom_free_keys(c);
    }
    c->dom.doc = JS_UNDEFINED;
}

/* native.domAttach(document, keys): once per context (a second call replaces
   the first: a reset installs a fresh document). */
JSValue dom_native_attach(JSContext *jc, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val;
    act_ctx *c = JS_GetContextOpaque(jc);
    if (argc < 2 || !JS_IsObject(argv[0]) || !JS_IsArray(argv[1]))
        return JS_ThrowTypeError(jc, "native.domAttach(document, [six symbols])");
    JSAtom keys[K_COUNT];
    for (int i = 0; i < K_COUNT; i++) {
        JSValue k = JS_GetPropertyUint32(jc, argv[1], (uint32_t)i);
        if (JS_IsException(k) || !JS_IsSymbol(k)) {
            JS_FreeValue(jc, k);
            for (int j = 0; j < i; j++)
                JS_FreeAtom(jc, keys[j]);
            return JS_ThrowTypeError(jc, "native.domAttach: keys must be six symbols");
        }
        keys[i] = JS_ValueToAtom(jc, k);
        JS_FreeValue(jc, k);
        if (keys[i] == JS_ATOM_NULL) {
            for (int j = 0; j < i; j++)
                JS_FreeAtom(jc, keys[j]);
            return JS_EXCEPTION;
        }
    }
    dom_free_state(c);
    memcpy(c->dom.keys, keys, sizeof keys);
    c->dom.doc = JS_DupValue(jc, argv[0]);
    return JS_UNDEFINED;
}

/* The value of an own data property, or undefined: never runs a getter or a
   proxy trap. */
static JSValue own_data(JSContext *jc, JSValueConst obj, JSAtom key)
{
    if (!JS_IsObject(obj) || JS_IsProxy(obj))
        return JS_UNDEFINED;
    JSPropertyDescriptor d;
    int r = JS_GetOwnProperty(jc, &d, obj, key);
    if (r < 0) {
        JS_FreeValue(jc, JS_GetException(jc));
        return JS_UNDEFINED;
    }
    if (r == 0)
        return JS_UNDEFINED;
    JS_FreeValue(jc, d.getter);
    JS_FreeValue(jc, d.setter);
    if (d.flags & JS_PROP_GETSET) {
        JS_FreeValue(jc, d.value);
        return JS_UNDEFINED;
    }
    return d.value;
}

static JSValue own_index(JSContext *jc, JSValueConst arr, uint32_t i)
{
    JSAtom a = JS_NewAtomUInt32(jc, i);
    if (a == JS_ATOM_NULL) {
        JS_FreeValue(jc, JS_GetException(jc));
        return JS_UNDEFINED;
    }
    JSValue v = own_data(jc, arr, a);
    JS_FreeAtom(jc, a);
    return v;
}

/* Length of a genuine array (not a proxy), else 0. */
static uint32_t array_len(JSContext *jc, JSValueConst v)
{
    if (!JS_IsArray(v) || JS_IsProxy(v))
        return 0;
    JSAtom a = JS_NewAtom(jc, "length");
    if (a == JS_ATOM_NULL) {
        JS_FreeValue(jc, JS_GetException(jc));
        return 0;
    }
    JSValue n = own_data(jc, v, a);
    JS_FreeAtom(jc, a);
    uint32_t len = 0;
    if (JS_IsNumber(n) && JS_ToUint32(jc, &len, n) < 0) {
        JS_FreeValue(jc, JS_GetException(jc));
        len = 0;
    }
    JS_FreeValue(jc, n);
    return len;
}

/* Writes the string value v; a non-string (or one that cannot be read) is
   written as "". Lone surrogates become U+FFFD (mpw_str): a document is
   text, repaired as HTML parsers repair it, not refused. */
static void put_string(JSContext *jc, mpw *out, JSValueConst v)
{
    size_t n = 0;
    const char *s = JS_IsString(v) ? JS_ToCStringLen(jc, &n, v) : NULL;
    if (!s) {
        if (JS_IsString(v))
            JS_FreeValue(jc, JS_GetException(jc));
        mpw_str(out, "", 0);
        return;
    }
    mpw_str(out, s, n);
    JS_FreeCString(jc, s);
}

/* Spends n of the output budget's values (false: the budget is spent). */
static bool spend(mpw *out, uint64_t n)
{
    if (n > out->nodes_left) {
        out->nodes_left = 0;
        return false;
    }
    out->nodes_left -= n;
    return true;
}

static int32_t node_type(JSContext *jc, act_ctx *c, JSValueConst node)
{
    JSValue t = own_data(jc, node, c->dom.keys[K_T]);
    int32_t v = 0;
    if (JS_IsNumber(t) && JS_ToInt32(jc, &v, t) < 0) {
        JS_FreeValue(jc, JS_GetException(jc));
        v = 0;
    }
    JS_FreeValue(jc, t);
    return v;
}

static bool put_attrs(JSContext *jc, act_ctx *c, mpw *out, JSValueConst el)
{
    JSValue attrs = own_data(jc, el, c->dom.keys[K_ATTRS]);
    uint32_t n = array_len(jc, attrs);
    if (!spend(out, n)) {
        JS_FreeValue(jc, attrs);
        return false;
    }
    size_t at = mpw_reserve32(out);
    uint32_t count = 0;
    for (uint32_t i = 0; i + 1 < n && !out->oom; i += 2) {
        JSValue k = own_index(jc, attrs, i);
        JSValue v = own_index(jc, attrs, i + 1);
        if (JS_IsString(k) && JS_IsString(v)) {
            put_string(jc, out, k);
            put_string(jc, out, v);
            count++;
        }
        JS_FreeValue(jc, k);
        JS_FreeValue(jc, v);
    }
    mpw_patch_map32(out, at, count);
    JS_FreeValue(jc, attrs);
    return true;
}

/* The child array a node's snapshot lists: a template's content's children. */
static JSValue child_array(JSContext *jc, act_ctx *c, JSValueConst node)
{
    JSValue content = own_data(jc, node, c->dom.keys[K_CONTENT]);
    if (JS_IsObject(content) && node_type(jc, c, content) == 11) {
        JSValue kids = own_data(jc, content, c->dom.keys[K_KIDS]);
        JS_FreeValue(jc, content);
        return kids;
    }
    JS_FreeValue(jc, content);
    return own_data(jc, node, c->dom.keys[K_KIDS]);
}

typedef struct walk {
    JSValue kids;
    uint32_t i, n;
} walk;

/* Appends the snapshot (or nil when no document is attached) to `out`,
   within out's output budget: every child slot and attribute visited (a hole
   too) spends one value of it, every byte written one byte.
   Returns NULL or a message saying why the tree could not be read. */
const char *dom_snapshot(act_ctx *c, mpw *out, char *why, size_t why_cap)
{
    JSContext *jc = c->jc;
    if (!JS_IsObject(c->dom.doc)) {
        mpw_nil(out);
        return NULL;
    }
    size_t cap = 64, sp = 0;
    walk *st = malloc(cap * sizeof *st);
    if (!st)
        return "out of memory reading the document";
    size_t at = mpw_reserve32(out);
    st[sp].kids = child_array(jc, c, c->dom.doc);
    st[sp].i = 0;
    st[sp].n = array_len(jc, st[sp].kids);
    sp++;
    const char *err = NULL;
    uint32_t nodes = 0;
    bool big = !spend(out, st[0].n);
    while (sp && !err && !big) {
        walk *top = &st[sp - 1];
        if (top->i >= top->n) {
            JS_FreeValue(jc, top->kids);
            sp--;
            continue;
        }
        JSValue node = own_index(jc, top->kids, top->i++);
        int32_t type = node_type(jc, c, node);
        if (type != 1 && type != 3 && type != 8 && type != 10) {
            JS_FreeValue(jc, node); /* not a node the contract knows: skipped */
            continue;
        }
        if (++nodes > DOM_MAX_NODES) {
            JS_FreeValue(jc, node);
            err = "the document has too many nodes to snapshot (is a node its own ancestor?)";
            break;
        }
        mpw_array(out, type == 1 ? 4 : 3);
        mpw_int(out, type);
        mpw_uint(out, sp);
        JSValue v = own_data(jc, node, c->dom.keys[type == 3 || type == 8 ? K_DATA : K_NAME]);
        put_string(jc, out, v);
        JS_FreeValue(jc, v);
        if (type == 1) {
            if (!put_attrs(jc, c, out, node)) {
                big = true;
            } else if (sp >= DOM_MAX_DEPTH) {
                err = "the document is too deep to snapshot (is a node its own ancestor?)";
            } else if (sp == cap) {
                walk *bigger = realloc(st, cap * 2 * sizeof *st);
                if (!bigger)
                    err = "out of memory reading the document";
                else {
                    st = bigger;
                    cap *= 2;
                }
            }
            if (!err && !big) {
                JSValue kids = child_array(jc, c, node);
                st[sp].kids = kids;
                st[sp].i = 0;
                st[sp].n = array_len(jc, kids);
                sp++;
                big = !spend(out, st[sp - 1].n);
            }
        }
        JS_FreeValue(jc, node);
        if (out->over)
            big = true;
        else if (out->oom && !err)
            err = "out of memory writing the document snapshot";
    }
    while (sp)
        JS_FreeValue(jc, st[--sp].kids);
    free(st);
    if (big && !err)
        err = act_result_too_large(c, !out->over, why, why_cap);
    if (!err)
        mpw_patch_array32(out, at, nodes);
    return err;
}
