/* The event queues: results, messages, exits and host calls on their way
 * from the native threads to Python's pollers.
 *
 * Threading (pump.c's contract): any thread pushes, any thread pops; each
 * queue's mu is a leaf lock. A pusher owns its buffer until the push; the
 * pop hands it to the poller. In a worker process, pool->emit_hook (set
 * before the first context, never changed) sends events to the socket
 * instead, from the thread that made them.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "internal.h"

void evq_init(evq *q)
{
    pthread_mutex_init(&q->mu, NULL);
    cond_init_mono(&q->cv);
    q->head = q->tail = NULL;
    q->closed = 0;
    q->waiting = 0;
    q->spin.ns = ACT_SPIN_MAX_NS / 2;
}

void evq_destroy(evq *q)
{
    evnode *e = q->head;
    while (e) {
        evnode *nx = e->next;
        free(e->buf);
        free(e);
        e = nx;
    }
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
}

void evq_push(evq *q, uint8_t *buf, size_t len)
{
    if (!buf)
        return;
    evnode *n = malloc(sizeof *n);
    if (!n) {
        /* Dropping an event is the only option left; say so on stderr. */
        fprintf(stderr, "actors: out of memory, dropped an event\n");
        free(buf);
        return;
    }
    n->next = NULL;
    n->buf = buf;
    n->len = len;
    LK_LEAF(&q->mu);
    if (q->tail)
        q->tail->next = n;
    else
        q->head = n;
    q->tail = n;
    if (q->waiting)
        pthread_cond_signal(&q->cv);
    UN_LEAF(&q->mu);
}

int evq_pop(evq *q, double timeout_s, uint8_t **buf, size_t *len)
{
    int spun_budget = -1;
    bool spun_caught = false;
    LK_LEAF(&q->mu);
    if (!q->head && !q->closed && timeout_s > 0) {
        /* a poller that just handled an event usually gets the next one soon:
           spin briefly before paying for a sleep and a wake-up */
        int budget = spin_budget(&q->spin);   /* q->mu held */
        UN_LEAF(&q->mu);
        int64_t until = act_now_ns() + budget;
        int n = 0;
        bool caught = budget > 0 && __atomic_load_n(&q->head, __ATOMIC_RELAXED) != NULL;
        while (budget > 0 && !(caught = __atomic_load_n(&q->head, __ATOMIC_RELAXED) != NULL)) {
            cpu_relax();
            if ((++n & 63) == 0 && act_now_ns() > until)
                break;
        }
        LK_LEAF(&q->mu);
        spun_budget = budget;
        spun_caught = caught;
    }
    if (spun_budget >= 0)
        spin_result(&q->spin, spun_budget, spun_caught);
    if (!q->head && !q->closed && timeout_s > 0) {
        struct timespec ts;
        abs_deadline(&ts, timeout_s);
        q->waiting++;
        while (!q->head && !q->closed) {
            if (pthread_cond_timedwait(&q->cv, &q->mu, &ts) == ETIMEDOUT)
                break;
        }
        q->waiting--;
    }
    evnode *n = q->head;
    if (n) {
        q->head = n->next;
        if (!q->head)
            q->tail = NULL;
    }
    int closed = q->closed;
    UN_LEAF(&q->mu);
    if (!n)
        return closed ? -1 : 0;
    if (closed) {
        /* closed: the poller is going away, events are dropped */
        free(n->buf);
        free(n);
        return -1;
    }
    *buf = n->buf;
    *len = n->len;
    free(n);
    return 1;
}

void evq_close(evq *q)
{
    LK_LEAF(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->cv);
    UN_LEAF(&q->mu);
}

void pool_emit(act_pool *p, uint8_t *buf, size_t len)
{
    if (p->emit_hook && buf)
        p->emit_hook(p->emit_arg, 0, buf, len);
    else
        evq_push(&p->events, buf, len);
}

void pool_emit_call(act_pool *p, uint8_t *buf, size_t len)
{
    if (p->emit_hook && buf)
        p->emit_hook(p->emit_arg, 1, buf, len);
    else
        evq_push(&p->calls, buf, len);
}

int act_poll(act_pool *p, double timeout_s, uint8_t **buf, size_t *len)
{
    return evq_pop(&p->events, timeout_s, buf, len);
}

int act_poll_calls(act_pool *p, double timeout_s, uint8_t **buf, size_t *len)
{
    return evq_pop(&p->calls, timeout_s, buf, len);
}

void act_pool_close_events(act_pool *p)
{
    evq_close(&p->events);
    evq_close(&p->calls);
}
