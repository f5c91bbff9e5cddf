/* Compiling source: the one rule that decides script, async script or
 * module (for eval in a context and for act_compile), and act_compile:
 * compile once, load everywhere (polyfill groups, pool.compile scripts,
 * the module registry's modules).
 *
 * Threading: compile_source runs on whichever thread owns jc; act_compile
 * makes a throwaway runtime of its own on the calling thread.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "context.h"

/* ---- script or module ------------------------------------------------------------------ */

/* A line that starts (after blanks) with an import or export declaration:
   `import x`, `import {`, `import *`, `import "m"`, `export ...`; not
   `import(` or `import.meta` (both valid in scripts). Only a hint of which
   compile error to report: every candidate is tried anyway. */
bool looks_like_module(const char *src, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (src[i] == ' ' || src[i] == '\t'))
            i++;
        size_t rest = n - i;
        const char *p = src + i;
        size_t kw = rest >= 6 && memcmp(p, "import", 6) == 0 ? 6 : rest >= 6 && memcmp(p, "export", 6) == 0 ? 6 : 0;
        if (kw && rest > kw) {
            char nx = p[kw];
            if (nx == ' ' || nx == '\t' || nx == '{' || nx == '*' || nx == '"' || nx == '\'')
                return true;
        }
        const char *nl = memchr(p, '\n', rest);
        if (!nl)
            break;
        i = (size_t)(nl - src) + 1;
    }
    return false;
}

static JSValue try_compile(JSContext *jc, const char *src, size_t n, const char *name, int kind)
{
    int flags = JS_EVAL_FLAG_COMPILE_ONLY;
    flags |= kind == ACT_KIND_MODULE ? JS_EVAL_TYPE_MODULE : JS_EVAL_TYPE_GLOBAL;
    if (kind == ACT_KIND_ASYNC)
        flags |= JS_EVAL_FLAG_ASYNC;
    return JS_Eval(jc, src, n, name, flags);
}

/* The rule: the candidates in order are an async script (only if the
   source contains "await": it costs a promise per eval), a classic script
   (so `var await = 5` stays valid), and a module (only if the source
   contains "import" or "export"); the first that compiles wins. A source
   that is both a valid script and a valid module is a script. If none
   compiles, the error reported is the module's when a line starts with an
   import or export declaration, else the first candidate's. A script that
   fails at a leading `import` costs next to nothing, so modules pay little
   for being tried second. c (may be NULL) is the context whose limits
   stop the search: a limit is not a syntax question. */
JSValue compile_source(JSContext *jc, act_ctx *c, const char *src, size_t n, const char *name, int *kind)
{
    int order[3], m = 0;
    bool modular = looks_like_module(src, n);
    if (memmem(src, n, "await", 5))
        order[m++] = ACT_KIND_ASYNC;
    order[m++] = ACT_KIND_SCRIPT;
    if (modular || memmem(src, n, "import", 6) || memmem(src, n, "export", 6))
        order[m++] = ACT_KIND_MODULE;
    JSValue report = JS_UNDEFINED;
    for (int i = 0; i < m; i++) {
        JSValue fn = try_compile(jc, src, n, name, order[i]);
        if (!JS_IsException(fn)) {
            JS_FreeValue(jc, report);
            *kind = order[i];
            return fn;
        }
        if (c && c->lim.abort_reason != ABORT_NONE) {
            JS_FreeValue(jc, report);
            return fn;
        }
        JSValue e = JS_GetException(jc);
        if (c ? ctx_is_oom(c, e) : js_is_oom(jc, e)) {
            JS_FreeValue(jc, report);
            return JS_Throw(jc, e);
        }
        if (i == 0 || (modular && order[i] == ACT_KIND_MODULE)) {
            JS_FreeValue(jc, report);
            report = e;
        } else {
            JS_FreeValue(jc, e);
        }
    }
    return JS_Throw(jc, report);
}

/* ---- compile once, load everywhere ------------------------------------------------------- */

/* In the throwaway runtime a module's imports are only named, never run:
   resolving them (which the engine does while compiling a module) gets an
   empty stand-in; the bytecode keeps the specifiers, and the context that
   loads it resolves them through its own registry. */
static int stub_init(JSContext *jc, JSModuleDef *m)
{
    (void)jc;
    (void)m;
    return 0;
}

static JSModuleDef *stub_loader(JSContext *jc, const char *name, void *opaque)
{
    (void)opaque;
    return JS_NewCModule(jc, name, stub_init);
}

static char *keep_name(JSContext *jc, const char *base, const char *name, void *opaque)
{
    (void)base;
    (void)opaque;
    return js_strdup(jc, name);
}

int act_compile(const char *src, size_t len, const char *filename, int flags, int *kind, uint8_t **buf,
                size_t *out_len, uint8_t **err, size_t *err_len)
{
    *buf = NULL;
    *err = NULL;
    *out_len = *err_len = 0;
    *kind = ACT_KIND_SCRIPT;
    JSRuntime *rt = JS_NewRuntime();
    if (!rt)
        return ACT_ENOMEM;
    /* developer-given sources, but never an unbounded host allocation */
    JS_SetMemoryLimit(rt, (size_t)1 << 30);
    JS_SetModuleLoaderFunc(rt, keep_name, stub_loader, NULL);
    JSContext *jc = JS_NewContext(rt);
    if (!jc) {
        JS_FreeRuntime(rt);
        return ACT_ENOMEM;
    }
    int rc = ACT_OK;
    char *copy = malloc(len + 1);
    if (!copy) {
        rc = ACT_ENOMEM;
        goto done;
    }
    memcpy(copy, src, len);
    copy[len] = '\0';
    JSValue fn;
    if (flags & ACT_COMPILE_MODULE) {
        fn = try_compile(jc, copy, len, filename, ACT_KIND_MODULE);
        *kind = ACT_KIND_MODULE;
    } else if (flags & ACT_COMPILE_DETECT) {
        fn = compile_source(jc, NULL, copy, len, filename, kind);
    } else {
        fn = try_compile(jc, copy, len, filename, ACT_KIND_SCRIPT);
    }
    free(copy);
    if (JS_IsException(fn)) {
        JSValue exc = JS_GetException(jc);
        mpw w;
        if (mpw_init(&w, 128)) {
            mp_write_js_error(jc, &w, exc);
            *err = mpw_take(&w, err_len);
        }
        JS_FreeValue(jc, exc);
        rc = ACT_EINVAL;
        goto done;
    }
    size_t n;
    /* the source text is never kept: it would live in every context that
       loads the bytecode (Function.prototype.toString shows no body).
       Polyfills drop their line numbers too; user code keeps them for its
       error locations. */
    int wflags = JS_WRITE_OBJ_BYTECODE | JS_WRITE_OBJ_STRIP_SOURCE;
    if (flags & ACT_COMPILE_STRIP_DEBUG)
        wflags |= JS_WRITE_OBJ_STRIP_DEBUG;
    uint8_t *bc = JS_WriteObject(jc, &n, fn, wflags);
    JS_FreeValue(jc, fn);
    if (!bc) {
        JS_FreeValue(jc, JS_GetException(jc));
        rc = ACT_ENOMEM;
        goto done;
    }
    *buf = malloc(n ? n : 1);
    if (*buf) {
        memcpy(*buf, bc, n);
        *out_len = n;
    } else {
        rc = ACT_ENOMEM;
    }
    js_free(jc, bc);
done:
    JS_FreeContext(jc);
    JS_FreeRuntime(rt);
    return rc;
}
