/* Answers and reports: a command's reply (to its waiter or as an event),
 * a thrown error or limit as the caller sees it, and the uncaught-error
 * report of a callback nobody waits for (with the crash it may cause).
 *
 * Threading: the owner thread only (JS runs in the conversions). A reply
 * to a waiter completes it without a lock and unlinks it under ctx->mu
 * (waiter.c); an event goes to the pool's queue (events.c, a leaf lock).
 */
#include <stdlib.h>

#include "internal.h"
#include "context.h"

void begin_reply(act_ctx *c, mpw *out, uint64_t req_id, act_waiter *w, int status)
{
    mpw_init(out, 64);
    if (w) {
        mpw_array(out, 2);
    } else {
        mpw_array(out, 5);
        mpw_int(out, ACT_EV_RESULT);
        mpw_uint(out, c->id);
        mpw_uint(out, req_id);
    }
    mpw_int(out, status);
}

void end_reply(act_ctx *c, mpw *out, uint64_t req_id, act_waiter *w)
{
    size_t n;
    int over = out->over;
    uint8_t *b = mpw_take(out, &n);
    if (!b) {
        /* could not encode the answer: answer that instead */
        mpw err;
        char why[200];
        begin_reply(c, &err, req_id, w, over ? ACT_R_TOO_LARGE : ACT_R_CONVERSION);
        mpw_cstr(&err, over ? act_result_too_large(c, 0, why, sizeof why) : "out of memory while encoding the result");
        b = mpw_take(&err, &n);
    }
    if (w) {
        waiter_complete(w, b, n);
        waiter_unlink(c, w);
    } else if (req_id != 0) {
        pool_emit(c->pool, b, n);
    } else {
        free(b);
    }
}

void reply_msg(act_ctx *c, uint64_t req_id, act_waiter *w, int status, const char *msg)
{
    if (!w && req_id == 0)
        return;
    mpw out;
    begin_reply(c, &out, req_id, w, status);
    mpw_cstr(&out, msg);
    end_reply(c, &out, req_id, w);
}

void reply_value(act_ctx *c, uint64_t req_id, act_waiter *w, JSValueConst v)
{
    if (!w && req_id == 0)
        return;
    mpw out;
    begin_reply(c, &out, req_id, w, ACT_R_OK);
    conv_err err;
    if (js_to_mp(c->jc, &out, v, &err) < 0) {
        mpw_free(&out);
        /* a getter or proxy trap the conversion ran hit a limit: that limit
           is the answer, not a conversion error, and it ends here (the next
           operation starts with its own budget) */
        int aborted = c->lim.abort_reason;
        c->lim.abort_reason = ABORT_NONE;
        int st = limit_status(aborted);
        if (st)
            reply_msg(c, req_id, w, st, limit_message(st));
        else
            reply_msg(c, req_id, w, err.status ? err.status : ACT_R_CONVERSION, err.msg);
        return;
    }
    end_reply(c, &out, req_id, w);
}

/* A thrown value as [name, message, stack]. By the time this runs, a real
   engine out of memory has been answered as a limit (ctx_is_oom), so a null
   here is the script's own `throw null`: codec.c would describe a null as
   the engine's out-of-memory error, which it only is inside the codec. */
static void write_thrown(JSContext *jc, mpw *w, JSValueConst exc)
{
    if (JS_IsNull(exc)) {
        mpw_array(w, 3);
        mpw_cstr(w, "Thrown");
        mpw_cstr(w, "null");
        mpw_nil(w);
        return;
    }
    mp_write_js_error(jc, w, exc);
}

/* Reply with the error `exc` (owned), or the limit that caused it. */
void reply_error(act_ctx *c, uint64_t req_id, act_waiter *w, JSValue exc, int abort_reason)
{
    int status = limit_status(abort_reason);
    if (!status && ctx_is_oom(c, exc))
        status = ACT_R_MEMORY;
    if (status) {
        JS_FreeValue(c->jc, exc);
        reply_msg(c, req_id, w, status, limit_message(status));
        if (status == ACT_R_MEMORY)
            check_after_oom(c);
        return;
    }
    if (!w && req_id == 0) {
        JS_FreeValue(c->jc, exc);
        return;
    }
    mpw out;
    begin_reply(c, &out, req_id, w, ACT_R_JSERROR);
    write_thrown(c->jc, &out, exc);
    JS_FreeValue(c->jc, exc);
    end_reply(c, &out, req_id, w);
}

/* ---- uncaught errors: callbacks with nobody to answer ------------------------------ */

static void set_crash(act_ctx *c, const char *reason, JSContext *jc, JSValueConst exc)
{
    if (c->crash.reason)
        return;
    c->crash.reason = reason;
    if (jc) {
        mpw d;
        if (mpw_init(&d, 128)) {
            write_thrown(jc, &d, exc);
            c->crash.detail = mpw_take(&d, &c->crash.detail_len);
        }
    }
}

/* `exc` is borrowed. `where` is "timer", "message", "rejection", "microtask". */
void ctx_report_uncaught(act_ctx *c, const char *where, JSValueConst exc, int abort_reason)
{
    int status = limit_status(abort_reason);
    if (abort_reason == ABORT_STOP || abort_reason == ABORT_CANCEL)
        return;
    if (!status && ctx_is_oom(c, exc))
        status = ACT_R_MEMORY;
    mpw w;
    if (mpw_init(&w, 128)) {
        mpw_array(&w, 4);
        mpw_int(&w, ACT_EV_UNCAUGHT);
        mpw_uint(&w, c->id);
        mpw_cstr(&w, where);
        if (status) {
            mpw_array(&w, 3);
            mpw_cstr(&w, status == ACT_R_MEMORY ? "MemoryLimitError" :
                         status == ACT_R_REDUCTIONS ? "ReductionLimitError" : "EvalTimeoutError");
            mpw_cstr(&w, limit_message(status));
            mpw_nil(&w);
        } else {
            write_thrown(c->jc, &w, exc);
        }
        size_t n;
        uint8_t *b = mpw_take(&w, &n);
        pool_emit(c->pool, b, n);
    }
    if (status == ACT_R_MEMORY)
        check_after_oom(c);
    if (c->opts.on_uncaught == ACT_UNCAUGHT_CRASH) {
        const char *reason = status == ACT_R_MEMORY ? "memory" :
                             status == ACT_R_REDUCTIONS ? "reductions" :
                             status == ACT_R_TIMEOUT ? "timeout" : "error";
        set_crash(c, reason, status ? NULL : c->jc, exc);
    }
}
