/* act_compile: compile once, load everywhere (polyfill bytecode).
 *
 * Threading: a throwaway runtime of its own, on the calling thread; no
 * shared state.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- compile once, load everywhere ------------------------------------------------------- */

int act_compile(const char *src, size_t len, const char *filename, uint8_t **buf, size_t *out_len,
                uint8_t **err, size_t *err_len)
{
    *buf = NULL;
    *err = NULL;
    *out_len = *err_len = 0;
    JSRuntime *rt = JS_NewRuntime();
    if (!rt)
        return ACT_ENOMEM;
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
    JSValue fn = JS_Eval(jc, copy, len, filename, JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_COMPILE_ONLY);
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
    /* polyfill source text is never shown (Function.prototype.toString of a
       polyfill says [native code]-like): strip it, it would live in every
       context that loads the group */
    uint8_t *bc = JS_WriteObject(jc, &n, fn, JS_WRITE_OBJ_BYTECODE | JS_WRITE_OBJ_STRIP_SOURCE | JS_WRITE_OBJ_STRIP_DEBUG);
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
