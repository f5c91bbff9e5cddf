/* Polyfill groups: compiled once per process, loaded lazily per context.
 *
 * Python compiles each group's JS to bytecode once and registers it here
 * (act_register_group). A context spawned with a group gets, for each of the
 * group's globals, an accessor on globalThis. The first read of any of them
 * loads the group: its bytecode evaluates to a function, which is called as
 * `install(native, globalThis)` and returns an object of exports; the exports
 * replace the accessors as ordinary writable, configurable, non-enumerable
 * globals (as browsers define them). Writing a global before it was read
 * simply replaces the accessor. `native` is private to polyfills: `call` and
 * `callSync` reach the group handlers on the Python side, not user handlers.
 *
 * Two ways for a group to stay lazy past its own load:
 * - install may define one of its globals on globalThis itself as an accessor
 *   (like `location`); the first read that loaded the group calls that getter.
 * - the exports may carry a non-enumerable "@resolve" function (never a
 *   global: not an identifier, not enumerable). A global of the group that the
 *   exports leave out keeps its lazy accessor; its first read calls
 *   `resolve(name)`, and a result other than undefined becomes the global, as
 *   if it had been exported. The dom group makes its ~60 HTML element classes
 *   this way, each on first use. The resolver is kept by C, out of reach of
 *   user code.
 *
 * Runs on the context's owner thread; the registry is written before any
 * context that uses a group exists (act_ctx_new orders it) and never changed.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define MAX_GROUPS 64

static struct {
    uint8_t *bc;
    size_t len;
} registry[MAX_GROUPS];
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;

int act_register_group(int id, const uint8_t *bytecode, size_t len)
{
    if (id < 0 || id >= MAX_GROUPS || !bytecode || !len)
        return ACT_EINVAL;
    uint8_t *copy = malloc(len);
    if (!copy)
        return ACT_ENOMEM;
    memcpy(copy, bytecode, len);
    pthread_mutex_lock(&registry_mu);
    if (registry[id].bc) {
        pthread_mutex_unlock(&registry_mu);
        free(copy);
        return ACT_OK;   /* registered already: bytecode of a group never changes */
    }
    registry[id].bc = copy;
    registry[id].len = len;
    pthread_mutex_unlock(&registry_mu);
    return ACT_OK;
}

static JSValue native_call(JSContext *jc, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    (void)this_val;
    return host_call_impl(jc, argc, argv, magic | ACT_CALL_INTERNAL);
}

/* native.log(level, text): one line to Python logging (logger actors.console) */
static JSValue native_log(JSContext *jc, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val;
    int32_t level;
    if (argc < 2 || JS_ToInt32(jc, &level, argv[0]) < 0)
        return JS_ThrowTypeError(jc, "native.log(level, text)");
    size_t n;
    const char *text = JS_ToCStringLen(jc, &n, argv[1]);
    if (!text)
        return JS_EXCEPTION;
    int rc = host_emit_log(JS_GetContextOpaque(jc), level, text, n);
    JS_FreeCString(jc, text);
    return rc < 0 ? JS_ThrowOutOfMemory(jc) : JS_UNDEFINED;
}

/* native.on(group, fn): fn(value) runs for each event Python posts to the
   group (Context._post_internal), as an operation without a caller. */
static JSValue native_on(JSContext *jc, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val;
    act_ctx *c = JS_GetContextOpaque(jc);
    if (argc < 2 || !JS_IsString(argv[0]) || !JS_IsFunction(jc, argv[1]))
        return JS_ThrowTypeError(jc, "native.on(group, fn)");
    if (!JS_IsObject(c->grp.handlers)) {
        c->grp.handlers = JS_NewObject(jc);
        if (JS_IsException(c->grp.handlers)) {
            c->grp.handlers = JS_UNDEFINED;
            return JS_EXCEPTION;
        }
    }
    JSAtom atom = JS_ValueToAtom(jc, argv[0]);
    if (atom == JS_ATOM_NULL)
        return JS_EXCEPTION;
    JSValue list = JS_GetProperty(jc, c->grp.handlers, atom);
    if (!JS_IsObject(list)) {
        JS_FreeValue(jc, list);
        list = JS_NewArray(jc);
        if (JS_IsException(list) ||
            JS_SetProperty(jc, c->grp.handlers, atom, JS_DupValue(jc, list)) < 0) {
            JS_FreeAtom(jc, atom);
            JS_FreeValue(jc, list);
            return JS_EXCEPTION;
        }
    }
    JS_FreeAtom(jc, atom);
    int64_t n;
    int rc = JS_GetLength(jc, list, &n) < 0 ? -1 : JS_SetPropertyInt64(jc, list, n, JS_DupValue(jc, argv[1]));
    JS_FreeValue(jc, list);
    return rc < 0 ? JS_EXCEPTION : JS_UNDEFINED;
}

/* native.loadPart(id): the function the registered bytecode `id` evaluates to.
   A part is code of a group compiled apart (actors/apis/loader.py) that the
   group's installer loads on first use and calls with its internals; it is
   registered with its group, before any context that may load it exists. */
static JSValue native_load_part(JSContext *jc, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val;
    int32_t id;
    if (argc < 1 || !JS_IsNumber(argv[0]) || JS_ToInt32(jc, &id, argv[0]) < 0)
        return JS_ThrowTypeError(jc, "native.loadPart(id)");
    if (id < 0 || id >= MAX_GROUPS || !registry[id].bc)
        return JS_ThrowInternalError(jc, "polyfill part %d is not registered", (int)id);
    JSValue fn = JS_ReadObject(jc, registry[id].bc, registry[id].len, JS_READ_OBJ_BYTECODE);
    if (JS_IsException(fn))
        return fn;
    return JS_EvalFunction(jc, fn);
}

static const JSCFunctionListEntry native_funcs[] = {
    JS_CFUNC_DEF("loadPart", 1, native_load_part),
    JS_CFUNC_DEF("on", 2, native_on),
    JS_CFUNC_MAGIC_DEF("call", 1, native_call, 0),
    JS_CFUNC_MAGIC_DEF("callSync", 1, native_call, ACT_CALL_SYNC),
    JS_CFUNC_DEF("log", 2, native_log),
    JS_CFUNC_DEF("domAttach", 2, dom_native_attach),
};

static JSValue native_object(act_ctx *c)
{
    if (JS_IsUndefined(c->grp.native_obj)) {
        JSValue o = JS_NewObject(c->jc);
        if (JS_IsException(o))
            return o;
        if (JS_SetPropertyFunctionList(c->jc, o, native_funcs, sizeof native_funcs / sizeof native_funcs[0]) < 0 ||
            JS_DefinePropertyValueStr(c->jc, o, "contextId", JS_NewInt64(c->jc, (int64_t)c->id), 0) < 0) {
            JS_FreeValue(c->jc, o);
            return JS_EXCEPTION;
        }
        c->grp.native_obj = o;
    }
    return JS_DupValue(c->jc, c->grp.native_obj);
}

/* Keep the exports' "@resolve" function, if any, as the group's resolver. */
static int keep_resolver(act_ctx *c, int gid, JSValueConst exports)
{
    JSContext *jc = c->jc;
    if (!JS_IsObject(exports))
        return 0;
    JSValue fn = JS_GetPropertyStr(jc, exports, "@resolve");
    if (JS_IsException(fn))
        return -1;
    if (!JS_IsFunction(jc, fn)) {
        JS_FreeValue(jc, fn);
        return 0;
    }
    if (!JS_IsObject(c->grp.resolvers)) {
        c->grp.resolvers = JS_NewArray(jc);
        if (JS_IsException(c->grp.resolvers)) {
            c->grp.resolvers = JS_UNDEFINED;
            JS_FreeValue(jc, fn);
            return -1;
        }
    }
    return JS_SetPropertyUint32(jc, c->grp.resolvers, (uint32_t)gid, fn) < 0 ? -1 : 0;
}

/* A global the loaded group `gid` left to its resolver: resolve(name), and
   publish a defined result as the global. Undefined without a resolver. */
static JSValue resolve_global(act_ctx *c, int gid, JSAtom atom, JSValueConst name)
{
    JSContext *jc = c->jc;
    if (!JS_IsObject(c->grp.resolvers))
        return JS_UNDEFINED;
    JSValue fn = JS_GetPropertyUint32(jc, c->grp.resolvers, (uint32_t)gid);
    if (!JS_IsFunction(jc, fn)) {
        JS_FreeValue(jc, fn);
        return JS_IsException(fn) ? JS_EXCEPTION : JS_UNDEFINED;
    }
    JSValue v = JS_Call(jc, fn, JS_UNDEFINED, 1, &name);
    JS_FreeValue(jc, fn);
    if (JS_IsException(v) || JS_IsUndefined(v))
        return v;
    JSValue global = JS_GetGlobalObject(jc);
    int rc = JS_DefinePropertyValue(jc, global, atom, JS_DupValue(jc, v), JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_FreeValue(jc, global);
    if (rc < 0) {
        JS_FreeValue(jc, v);
        return JS_EXCEPTION;
    }
    return v;
}

/* Load group `gid` into the context: run its bytecode and publish its exports. */
static int load_group(act_ctx *c, int gid)
{
    JSContext *jc = c->jc;
    if (c->grp.loaded & (1ull << gid))
        return 0;
    if (!registry[gid].bc) {
        JS_ThrowInternalError(jc, "API group %d is not registered", gid);
        return -1;
    }
    /* mark first: a group that touches its own globals while loading must
       not load itself again */
    c->grp.loaded |= 1ull << gid;
    JSValue fn = JS_ReadObject(jc, registry[gid].bc, registry[gid].len, JS_READ_OBJ_BYTECODE);
    JSValue install = JS_IsException(fn) ? JS_EXCEPTION : JS_EvalFunction(jc, fn);
    JSValue exports = JS_EXCEPTION;
    if (!JS_IsException(install)) {
        JSValue args[2];
        args[0] = native_object(c);
        args[1] = JS_GetGlobalObject(jc);
        if (!JS_IsException(args[0]))
            exports = JS_Call(jc, install, JS_UNDEFINED, 2, (JSValueConst *)args);
        JS_FreeValue(jc, args[0]);
        JS_FreeValue(jc, args[1]);
        JS_FreeValue(jc, install);
    }
    if (JS_IsException(exports)) {
        c->grp.loaded &= ~(1ull << gid);
        return -1;
    }
    int rc = keep_resolver(c, gid, exports);
    JSPropertyEnum *tab;
    uint32_t n;
    JSValue global = JS_GetGlobalObject(jc);
    if (rc == 0 && JS_IsObject(exports) &&
        JS_GetOwnPropertyNames(jc, &tab, &n, exports, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) == 0) {
        for (uint32_t i = 0; i < n && rc == 0; i++) {
            JSValue v = JS_GetProperty(jc, exports, tab[i].atom);
            if (JS_IsException(v) ||
                JS_DefinePropertyValue(jc, global, tab[i].atom, v, JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE) < 0)
                rc = -1;
        }
        JS_FreePropertyEnum(jc, tab, n);
    } else if (rc == 0) {
        rc = -1;
        if (!JS_HasException(jc))
            JS_ThrowTypeError(jc, "API group %d did not return its exports", gid);
    }
    JS_FreeValue(jc, global);
    JS_FreeValue(jc, exports);
    if (rc < 0)
        c->grp.loaded &= ~(1ull << gid);
    return rc;
}

/* A lazy global's first read: load its group and answer what now stands there. */
static JSValue lazy_get(act_ctx *c, int gid, JSAtom atom)
{
    JSContext *jc = c->jc;
    JSValue global = JS_GetGlobalObject(jc);
    /* which getter stands on the global now: after the load, the same one
       means the group left the name alone (never call it: that would recurse
       into ourselves), another one is the group's own accessor */
    void *before = NULL;
    JSPropertyDescriptor desc;
    int has = JS_GetOwnProperty(jc, &desc, global, atom);
    if (has > 0) {
        if ((desc.flags & JS_PROP_GETSET) && JS_IsObject(desc.getter))
            before = JS_VALUE_GET_PTR(desc.getter);
        JS_FreeValue(jc, desc.value);
        JS_FreeValue(jc, desc.getter);
        JS_FreeValue(jc, desc.setter);
    }
    JSValue v = JS_EXCEPTION;
    if (has >= 0 && load_group(c, gid) == 0) {
        has = JS_GetOwnProperty(jc, &desc, global, atom);
        if (has > 0) {
            if (!(desc.flags & JS_PROP_GETSET)) {
                v = JS_DupValue(jc, desc.value);
            } else if (JS_IsObject(desc.getter) && JS_VALUE_GET_PTR(desc.getter) != before) {
                v = JS_Call(jc, desc.getter, global, 0, NULL);
            } else if (before != NULL && JS_IsObject(desc.getter)) {
                JSValue name = JS_AtomToString(jc, atom);
                v = JS_IsException(name) ? JS_EXCEPTION : resolve_global(c, gid, atom, name);
                JS_FreeValue(jc, name);
            } else {
                v = JS_UNDEFINED;
            }
            JS_FreeValue(jc, desc.value);
            JS_FreeValue(jc, desc.getter);
            JS_FreeValue(jc, desc.setter);
        } else if (has == 0) {
            v = JS_UNDEFINED;
        }
    }
    JS_FreeValue(jc, global);
    return v;
}

/* Writing a global before it was read replaces the accessor. */
static JSValue lazy_set(act_ctx *c, JSAtom atom, JSValueConst value)
{
    JSContext *jc = c->jc;
    JSValue global = JS_GetGlobalObject(jc);
    int rc = JS_DefinePropertyValue(jc, global, atom, JS_DupValue(jc, value), JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_FreeValue(jc, global);
    return rc < 0 ? JS_EXCEPTION : JS_UNDEFINED;
}

/* One function object is both the getter and the setter of a lazy global
   (the engine calls a getter with no argument, a setter with one), and its
   magic indexes c->grp.lazy: no data record, no name string. A context has
   ~140 lazy globals, and this way they cost about half of what a pair of
   JS_NewCFunctionData functions did (docs_memory.md). A script that calls
   the function itself, with or without an argument, can only do what reading
   or assigning the global does. */
static JSValue lazy_access(JSContext *jc, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    (void)this_val;
    act_ctx *c = JS_GetContextOpaque(jc);
    if (magic < 0 || (uint32_t)magic >= c->grp.n_lazy)
        return JS_ThrowInternalError(jc, "bad lazy global");
    const struct lazy_global *l = &c->grp.lazy[magic];
    return argc > 0 ? lazy_set(c, l->name, argv[0]) : lazy_get(c, l->gid, l->name);
}

/* Remember a lazy global (taking over the reference to `atom`); its index, or -1. */
static int lazy_add(act_ctx *c, JSAtom atom, int gid)
{
    if (c->grp.n_lazy == c->grp.cap_lazy) {
        uint32_t cap = c->grp.cap_lazy ? c->grp.cap_lazy * 2 : 64;
        /* the magic is an int16 */
        if (cap > INT16_MAX + 1u)
            cap = INT16_MAX + 1u;
        if (cap == c->grp.n_lazy)
            return -1;
        struct lazy_global *grown = realloc(c->grp.lazy, cap * sizeof *grown);
        if (!grown)
            return -1;
        c->grp.lazy = grown;
        c->grp.cap_lazy = cap;
    }
    c->grp.lazy[c->grp.n_lazy].name = atom;
    c->grp.lazy[c->grp.n_lazy].gid = gid;
    return (int)c->grp.n_lazy++;
}

static void lazy_free(act_ctx *c)
{
    for (uint32_t i = 0; i < c->grp.n_lazy; i++)
        JS_FreeAtom(c->jc, c->grp.lazy[i].name);
    free(c->grp.lazy);
    c->grp.lazy = NULL;
    c->grp.n_lazy = c->grp.cap_lazy = 0;
}

int groups_install(act_ctx *c)
{
    c->grp.native_obj = JS_UNDEFINED;
    c->grp.handlers = JS_UNDEFINED;
    c->grp.resolvers = JS_UNDEFINED;
    c->grp.loaded = 0;
    c->grp.lazy = NULL;
    c->grp.n_lazy = c->grp.cap_lazy = 0;
    dom_init_state(c);
    if (codec_install(c) < 0)
        return -1;
    if (!c->grp.spec || !c->grp.spec_len)
        return 0;
    JSContext *jc = c->jc;
    mpr r;
    mp_obj top;
    mpr_init(&r, c->grp.spec, c->grp.spec_len);
    if (!mpr_read(&r, &top) || top.type != MP_ARRAY) {
        codec_free_state(c);
        return -1;
    }
    JSValue global = JS_GetGlobalObject(jc);
    int rc = 0;
    for (uint32_t g = 0; g < top.v.n && rc == 0; g++) {
        mp_obj pair, names;
        int64_t gid;
        if (!mpr_read(&r, &pair) || pair.type != MP_ARRAY || pair.v.n != 2 || !mpr_int(&r, &gid) ||
            gid < 0 || gid >= MAX_GROUPS || !mpr_read(&r, &names) || names.type != MP_ARRAY) {
            rc = -1;
            break;
        }
        for (uint32_t i = 0; i < names.v.n && rc == 0; i++) {
            mp_obj name;
            if (!mpr_read(&r, &name) || name.type != MP_STR) {
                rc = -1;
                break;
            }
            JSAtom atom = JS_NewAtomLen(jc, (const char *)name.data, name.len);
            if (atom == JS_ATOM_NULL) {
                rc = -1;
                break;
            }
            int idx = lazy_add(c, atom, (int)gid);
            if (idx < 0) {
                JS_FreeAtom(jc, atom);
                JS_ThrowOutOfMemory(jc);
                rc = -1;
                break;
            }
            JSValue fn = JS_NewCFunctionMagic(jc, lazy_access, NULL, 0, JS_CFUNC_generic_magic, idx);
            if (JS_IsException(fn) ||
                JS_DefinePropertyGetSet(jc, global, atom, fn, JS_DupValue(jc, fn), JS_PROP_CONFIGURABLE) < 0)
                rc = -1;   /* it took (and freed) the getter and setter either way */
        }
    }
    JS_FreeValue(jc, global);
    if (rc < 0) {
        lazy_free(c);
        codec_free_state(c);   /* the caller frees the context without a teardown */
    }
    return rc;
}

void groups_free_state(act_ctx *c)
{
    JS_FreeValue(c->jc, c->grp.native_obj);
    c->grp.native_obj = JS_UNDEFINED;
    JS_FreeValue(c->jc, c->grp.handlers);
    c->grp.handlers = JS_UNDEFINED;
    JS_FreeValue(c->jc, c->grp.resolvers);
    c->grp.resolvers = JS_UNDEFINED;
    c->grp.loaded = 0;
    lazy_free(c);
    dom_free_state(c);
    codec_free_state(c);
}
