/* The pool's end of process mode (actors/_procpool.py; the worker's end is
 * serve.c, the byte protocol is in actors/_wire.py).
 *
 * A hub holds the two queues the pool's Python threads poll, exactly as they
 * poll a native pool in thread mode: events (results of async commands,
 * messages, logs, exits) and host calls. Each worker process has a client:
 * a socket, a reader thread that moves the worker's frames into the hub, and
 * a table of callers blocked on a reply. A blocking call registers the
 * caller's native waiter under a fresh token and sends its frame; the reader
 * completes the waiter when the R reply with that token arrives, so the
 * caller waits exactly as in thread mode (adaptive spin, then sleep) and no
 * Python thread sits between the socket and the caller.
 *
 * When the socket closes, the reader marks the client closed and wakes
 * act_client_wait_closed(); the pending callers are failed by
 * act_client_fail_pending() once Python has recorded the crash, so they see
 * the right exit reason. No Python object is touched by any thread here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

#define CL_BUCKETS 256
#define CL_SYNC_BIT (1ULL << 62)

struct act_hub {
    evq events;
    evq calls;
};

act_hub *act_hub_new(void)
{
    act_hub *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    evq_init(&h->events);
    evq_init(&h->calls);
    return h;
}

void act_hub_free(act_hub *h)
{
    if (!h)
        return;
    evq_destroy(&h->events);
    evq_destroy(&h->calls);
    free(h);
}

int act_hub_poll(act_hub *h, double timeout_s, uint8_t **buf, size_t *len)
{
    return evq_pop(&h->events, timeout_s, buf, len);
}

int act_hub_poll_calls(act_hub *h, double timeout_s, uint8_t **buf, size_t *len)
{
    return evq_pop(&h->calls, timeout_s, buf, len);
}

int act_hub_push(act_hub *h, const uint8_t *frame, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return ACT_ENOMEM;
    memcpy(copy, frame, len);
    evq_push(&h->events, copy, len);
    return ACT_OK;
}

void act_hub_close(act_hub *h)
{
    evq_close(&h->events);
    evq_close(&h->calls);
}

typedef struct pend {
    struct pend *next;
    uint64_t token;
    act_waiter *w;
} pend;

struct act_client {
    int fd;
    act_hub *hub;
    pthread_t reader;
    int reader_started;
    pthread_mutex_t mu;            /* pending table, closed, pid */
    pthread_cond_t cv;             /* hello and close */
    pend *buckets[CL_BUCKETS];
    uint64_t next_token;
    int closed;
    uint64_t pid;
    pthread_mutex_t write_mu;
    wire_in in;
};

int act_client_send(act_client *c, int kind, uint64_t a, uint64_t b, const uint8_t *body, size_t len)
{
    return wire_send(c->fd, &c->write_mu, kind, a, b, body, len);
}

/* Removes and returns the waiter registered under token (c->mu held). */
static act_waiter *take_locked(act_client *c, uint64_t token)
{
    for (pend **pp = &c->buckets[token % CL_BUCKETS]; *pp; pp = &(*pp)->next)
        if ((*pp)->token == token) {
            pend *p = *pp;
            *pp = p->next;
            act_waiter *w = p->w;
            free(p);
            return w;
        }
    return NULL;
}

int act_client_request(act_client *c, int kind, uint64_t ctx_id, const uint8_t *body, size_t len, act_waiter *w)
{
    pend *p = malloc(sizeof *p);
    if (!p)
        return ACT_ENOMEM;
    waiter_retain(w);
    atomic_store(&w->state, W_PENDING);
    pthread_mutex_lock(&c->mu);
    if (c->closed) {
        pthread_mutex_unlock(&c->mu);
        free(p);
        atomic_store(&w->state, W_IDLE);
        act_waiter_release(w);
        return ACT_EDEAD;
    }
    uint64_t token = ++c->next_token | CL_SYNC_BIT;
    p->token = token;
    p->w = w;
    p->next = c->buckets[token % CL_BUCKETS];
    c->buckets[token % CL_BUCKETS] = p;
    pthread_mutex_unlock(&c->mu);
    /* the token rides in b for a command frame, in a for the other requests */
    int rc = kind == 'S' ? act_client_send(c, kind, ctx_id, token, body, len)
                         : act_client_send(c, kind, token, 0, body, len);
    if (rc != ACT_OK) {
        pthread_mutex_lock(&c->mu);
        act_waiter *mine = take_locked(c, token);
        pthread_mutex_unlock(&c->mu);
        if (mine) {
            atomic_store(&w->state, W_IDLE);
            act_waiter_release(w);
            return rc;
        }
        /* the reader (or fail_pending) already answered it: the wait will see it */
    }
    return ACT_OK;
}

int act_client_abandon(act_client *c, act_waiter *w)
{
    int found = 0;
    pthread_mutex_lock(&c->mu);
    for (int i = 0; i < CL_BUCKETS && !found; i++)
        for (pend **pp = &c->buckets[i]; *pp; pp = &(*pp)->next)
            if ((*pp)->w == w) {
                pend *p = *pp;
                *pp = p->next;
                free(p);
                found = 1;
                break;
            }
    pthread_mutex_unlock(&c->mu);
    if (found)
        act_waiter_release(w);
    return found;
}

void act_client_fail_pending(act_client *c, const uint8_t *payload, size_t len)
{
    pend *all = NULL;
    pthread_mutex_lock(&c->mu);
    c->closed = 1;
    for (int i = 0; i < CL_BUCKETS; i++) {
        while (c->buckets[i]) {
            pend *p = c->buckets[i];
            c->buckets[i] = p->next;
            p->next = all;
            all = p;
        }
    }
    pthread_mutex_unlock(&c->mu);
    while (all) {
        pend *p = all;
        all = p->next;
        uint8_t *copy = malloc(len ? len : 1);
        if (copy)
            memcpy(copy, payload, len);
        else
            fprintf(stderr, "actors: out of memory failing a call\n");
        waiter_complete(p->w, copy, copy ? len : 0);
        act_waiter_release(p->w);
        free(p);
    }
}

static void cl_message(act_client *c, int kind, uint64_t a, const uint8_t *body, size_t len)
{
    if (kind == 'R') {
        pthread_mutex_lock(&c->mu);
        act_waiter *w = take_locked(c, a);
        pthread_mutex_unlock(&c->mu);
        if (!w)
            return; /* its caller gave up */
        uint8_t *copy = malloc(len ? len : 1);
        if (copy)
            memcpy(copy, body, len);
        else
            fprintf(stderr, "actors: out of memory receiving a reply\n");
        waiter_complete(w, copy, copy ? len : 0);
        act_waiter_release(w);
        return;
    }
    if (kind == 'H') {
        pthread_mutex_lock(&c->mu);
        c->pid = a;
        pthread_cond_broadcast(&c->cv);
        pthread_mutex_unlock(&c->mu);
        return;
    }
    if (kind != 'E' && kind != 'C')
        return;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        fprintf(stderr, "actors: out of memory, dropped an event\n");
        return;
    }
    memcpy(copy, body, len);
    evq_push(kind == 'E' ? &c->hub->events : &c->hub->calls, copy, len);
}

static void *cl_read(void *arg)
{
    act_client *c = arg;
    wire_msg m;
    int rc;
    while ((rc = wire_next(&c->in, &m)) == 1)
        cl_message(c, m.kind, m.a, m.body, m.len);
    if (rc == ACT_ENOMEM)
        fprintf(stderr, "actors: out of memory reading from a worker process\n");
    pthread_mutex_lock(&c->mu);
    c->closed = 1;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

act_client *act_client_new(int fd, act_hub *hub)
{
    act_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (!wire_in_init(&c->in, fd)) {
        free(c);
        return NULL;
    }
    c->fd = fd;
    c->hub = hub;
    pthread_mutex_init(&c->mu, NULL);
    pthread_mutex_init(&c->write_mu, NULL);
    cond_init_mono(&c->cv);
    if (pthread_create(&c->reader, NULL, cl_read, c) != 0) {
        pthread_mutex_destroy(&c->mu);
        pthread_mutex_destroy(&c->write_mu);
        pthread_cond_destroy(&c->cv);
        wire_in_free(&c->in);
        free(c);
        return NULL;
    }
    c->reader_started = 1;
    return c;
}

/* Waits until `done` holds (c->mu held inside) or timeout_s passes. */
static int cl_wait(act_client *c, double timeout_s, int want_hello)
{
    struct timespec ts;
    abs_deadline(&ts, timeout_s);
    pthread_mutex_lock(&c->mu);
    while (!c->closed && !(want_hello && c->pid))
        if (pthread_cond_timedwait(&c->cv, &c->mu, &ts) == ETIMEDOUT)
            break;
    int rc = want_hello ? (c->pid ? 1 : c->closed ? -1 : 0) : c->closed;
    pthread_mutex_unlock(&c->mu);
    return rc;
}

uint64_t act_client_wait_hello(act_client *c, double timeout_s)
{
    return cl_wait(c, timeout_s, 1) == 1 ? c->pid : 0;
}

int act_client_wait_closed(act_client *c, double timeout_s)
{
    return cl_wait(c, timeout_s, 0);
}

void act_client_free(act_client *c)
{
    if (!c)
        return;
    /* the reader ends at EOF: make sure it comes (the fd stays open: its owner closes it) */
    shutdown(c->fd, SHUT_RDWR);
    if (c->reader_started)
        pthread_join(c->reader, NULL);
    static const char dead[] = "\x92\x05\xb3the pool is stopped";   /* [R_DEAD, msg] */
    act_client_fail_pending(c, (const uint8_t *)dead, sizeof dead - 1);
    pthread_mutex_destroy(&c->mu);
    pthread_mutex_destroy(&c->write_mu);
    pthread_cond_destroy(&c->cv);
    wire_in_free(&c->in);
    free(c);
}
