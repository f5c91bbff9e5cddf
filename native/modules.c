/* ES modules: the engine's module hooks, answered by the pool's module
 * registry on the Python side (actors/modules.py).
 *
 * `import` (static, at compile/link time) and `import()` (in a job) call
 * normalize(base, specifier) and then load(name). Both are internal
 * synchronous host calls ("modules.resolve", "modules.load"), parked like
 * Host.callSync: the registry resolves and compiles on a Python thread,
 * never here. load answers with module bytecode that our own compiler made
 * (act_compile with ACT_COMPILE_MODULE): it is read, checked to be a module
 * of the requested name, and handed to the engine, which keeps it in the
 * context's loaded-module list (a second import of the same name never
 * calls us again).
 *
 * Threading: the owner thread only (called from inside the engine).
 */
#include <string.h>

#include "internal.h"

/* Host call "modules.<what>"(a, b) from inside the engine; the answer or
   JS_EXCEPTION (with the registry's error thrown). */
static JSValue registry_call(JSContext *jc, const char *what, const char *a, const char *b)
{
    JSValue argv[3];
    int argc = b ? 3 : 2;
    argv[0] = JS_NewString(jc, what);
    argv[1] = JS_NewString(jc, a);
    argv[2] = b ? JS_NewString(jc, b) : JS_UNDEFINED;
    JSValue r = JS_EXCEPTION;
    if (!JS_IsException(argv[0]) && !JS_IsException(argv[1]) && !JS_IsException(argv[2]))
        r = host_call_impl(jc, argc, argv, ACT_CALL_SYNC | ACT_CALL_INTERNAL);
    for (int i = 0; i < 3; i++)
        JS_FreeValue(jc, argv[i]);
    return r;
}

static char *module_normalize(JSContext *jc, const char *base, const char *name, void *opaque)
{
    (void)opaque;
    JSValue r = registry_call(jc, "modules.resolve", base, name);
    if (JS_IsException(r))
        return NULL;
    if (!JS_IsString(r)) {
        JS_FreeValue(jc, r);
        JS_ThrowTypeError(jc, "the module registry answered a non-string name for '%s'", name);
        return NULL;
    }
    size_t n;
    const char *s = JS_ToCStringLen(jc, &n, r);
    JS_FreeValue(jc, r);
    if (!s)
        return NULL;
    char *out = js_malloc(jc, n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    JS_FreeCString(jc, s);
    return out;
}

static JSModuleDef *module_load(JSContext *jc, const char *name, void *opaque)
{
    (void)opaque;
    JSValue r = registry_call(jc, "modules.load", name, NULL);
    if (JS_IsException(r))
        return NULL;
    size_t n;
    uint8_t *bc = JS_GetUint8Array(jc, &n, r);
    if (!bc) {
        JS_FreeValue(jc, r);
        return NULL;
    }
    JSValue m = JS_ReadObject(jc, bc, n, JS_READ_OBJ_BYTECODE);
    JS_FreeValue(jc, r);
    if (JS_IsException(m))
        return NULL;
    if (!JS_IsModule(m)) {
        JS_FreeValue(jc, m);
        JS_ThrowTypeError(jc, "the module registry answered a script for module '%s'", name);
        return NULL;
    }
    JSModuleDef *def = JS_VALUE_GET_PTR(m);
    /* the engine files it under the name the bytecode carries: it must be
       the one asked for, or a later import of this name would load it again */
    JSAtom got = JS_GetModuleName(jc, def);
    const char *gs = JS_AtomToCString(jc, got);
    JS_FreeAtom(jc, got);
    bool same = gs && strcmp(gs, name) == 0;
    JS_FreeCString(jc, gs);
    if (!same) {
        JS_FreeValue(jc, m);
        if (!JS_HasException(jc))
            JS_ThrowTypeError(jc, "the module registry answered another module for '%s'", name);
        return NULL;
    }
    JS_FreeValue(jc, m);   /* the context's loaded-module list keeps it */
    /* import.meta.url: a file's name as a file: URL of the registry's own
       namespace (new URL('./x', import.meta.url) works), a bare name as is */
    JSValue meta = JS_GetImportMeta(jc, def);
    if (JS_IsException(meta))
        return NULL;
    JSValue url;
    if (name[0] == '/') {
        size_t n = strlen(name);
        char *s = js_malloc(jc, n + 8);
        if (s) {
            memcpy(s, "file://", 7);
            memcpy(s + 7, name, n + 1);
        }
        url = s ? JS_NewStringLen(jc, s, n + 7) : JS_EXCEPTION;
        js_free(jc, s);
    } else {
        url = JS_NewString(jc, name);
    }
    int rc = JS_IsException(url) ? -1 : JS_DefinePropertyValueStr(jc, meta, "url", url, JS_PROP_C_W_E);
    JS_FreeValue(jc, meta);
    return rc < 0 ? NULL : def;
}

void modules_install(act_ctx *c)
{
    JS_SetModuleLoaderFunc(c->rt, module_normalize, module_load, NULL);
}
