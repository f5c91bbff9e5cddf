/* Waiters: one caller blocked on one result.
 *
 * Threading (pump.c's contract): a waiter is completed once, by whichever
 * thread answers its command (a CAS from W_PENDING decides), and waited on
 * by its caller, who spins and then sleeps on waiter->mu, a leaf lock.
 * Its link on a context's outstanding list is under that context's ctx->mu
 * (waiter_unlink takes it: never call it with another lock held). The
 * references are atomic: the caller's and one per queued command.
 */
#include <errno.h>
#include <time.h>

#include "internal.h"

act_waiter *act_waiter_new(void)
{
    act_waiter *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    atomic_init(&w->state, W_IDLE);
    atomic_init(&w->refs, 1);
    atomic_init(&w->linked, 0);
    w->spin.ns = ACT_SPIN_MAX_NS;
    pthread_mutex_init(&w->mu, NULL);
    cond_init_mono(&w->cv);
    return w;
}

void waiter_retain(act_waiter *w) { atomic_fetch_add(&w->refs, 1); }

void act_waiter_release(act_waiter *w)
{
    if (!w || atomic_fetch_sub(&w->refs, 1) != 1)
        return;
    free(w->buf);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}

bool waiter_complete(act_waiter *w, uint8_t *buf, size_t len)
{
    int expect = W_PENDING;
    if (!atomic_compare_exchange_strong(&w->state, &expect, W_COMPLETING)) {
        free(buf);
        return false;
    }
    if (w->on_done) {
        w->on_done(w->on_done_arg, w->token, buf, len);
        atomic_store(&w->state, W_DONE);
        return true;
    }
    w->buf = buf;
    w->len = len;
    LK_LEAF(&w->mu);
    atomic_store(&w->state, W_DONE);
    if (w->sleeping)
        pthread_cond_signal(&w->cv);
    UN_LEAF(&w->mu);
    return true;
}

int act_waiter_wait(act_waiter *w, double timeout_s, const uint8_t **buf, size_t *len)
{
    if (atomic_load_explicit(&w->state, memory_order_acquire) != W_DONE) {
        int budget = spin_budget(&w->spin);
        if (budget > 0) {
            int64_t spin_until = act_now_ns() + budget;
            int n = 0;
            bool caught = false;
            while (!(caught = atomic_load_explicit(&w->state, memory_order_acquire) == W_DONE)) {
                cpu_relax();
                if ((++n & 63) == 0 && act_now_ns() > spin_until)
                    break;
            }
            spin_result(&w->spin, budget, caught);
        }
    }
    if (atomic_load_explicit(&w->state, memory_order_acquire) != W_DONE) {
        struct timespec ts;
        abs_deadline(&ts, timeout_s);
        LK_LEAF(&w->mu);
        w->sleeping = 1;
        while (atomic_load(&w->state) != W_DONE) {
            if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) == ETIMEDOUT)
                break;
        }
        w->sleeping = 0;
        UN_LEAF(&w->mu);
    }
    if (atomic_load_explicit(&w->state, memory_order_acquire) != W_DONE)
        return 0;
    *buf = w->buf;
    *len = w->len;
    return 1;
}

void waiter_unlink(act_ctx *c, act_waiter *w)
{
    LK_CTX(&c->mu);
    if (atomic_load(&w->linked)) {
        if (w->prev)
            w->prev->next = w->next;
        else if (c->mbox.outstanding == w)
            c->mbox.outstanding = w->next;
        if (w->next)
            w->next->prev = w->prev;
        w->prev = w->next = NULL;
        atomic_store(&w->linked, 0);
    }
    UN_CTX(&c->mu);
    act_waiter_release(w);
}

int act_waiter_reset(act_waiter *w)
{
    /* A waiter answered early (its context was stopped) may still sit on that
       context's list until the worker lets go of it: not reusable yet. */
    if (atomic_load(&w->linked))
        return 0;
    free(w->buf);
    w->buf = NULL;
    w->len = 0;
    atomic_store(&w->state, W_IDLE);
    return 1;
}
