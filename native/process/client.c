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
 *
 * A worker is trusted with nothing: a native exploit in it must not reach
 * the contexts of other workers. Every frame is checked before anything is
 * done with it (length within WIRE_MAX_BODY, a known kind, a well-formed
 * body, a reply to a token this client gave out, an event or host call for
 * a context that lives in this worker: act_client_own). The first bad frame
 * ends the reader: nothing more from that worker is read, the client is
 * closed with act_client_violation() saying why, and Python kills the
 * process and handles it as a crash.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "wire.h"

#define CL_BUCKETS 256
#define CL_SYNC_BIT (1ULL << 62)
#define CL_OWN_BUCKETS 1024

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
    act_waiter *w;                 /* NULL: its caller gave up, the reply is still due */
} pend;

typedef struct owned {
    struct owned *next;
    uint64_t id;
} owned;

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
    owned *own[CL_OWN_BUCKETS];    /* contexts living in this worker, under mu */
    char violation[200];           /* why the worker was cut off, "" if it was not */
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
    int rc = kind == ACT_W_SEND || kind == ACT_W_MAILBOX ? act_client_send(c, kind, ctx_id, token, body, len)
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
    /* the entry stays (without its waiter) until the reply comes: a reply
       to a token never given out is a violation, a late one is not */
    for (int i = 0; i < CL_BUCKETS && !found; i++)
        for (pend *p = c->buckets[i]; p; p = p->next)
            if (p->w == w) {
                p->w = NULL;
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
        if (!p->w) {
            free(p);
            continue;
        }
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

static owned **own_slot(act_client *c, uint64_t id)
{
    owned **pp = &c->own[id % CL_OWN_BUCKETS];
    while (*pp && (*pp)->id != id)
        pp = &(*pp)->next;
    return pp;
}

int act_client_own(act_client *c, uint64_t ctx_id, int own)
{
    owned *fresh = own ? malloc(sizeof *fresh) : NULL;
    if (own && !fresh)
        return ACT_ENOMEM;
    pthread_mutex_lock(&c->mu);
    owned **pp = own_slot(c, ctx_id);
    owned *gone = NULL;
    if (own && !*pp) {
        fresh->id = ctx_id;
        fresh->next = NULL;
        *pp = fresh;
        fresh = NULL;
    } else if (!own && *pp) {
        gone = *pp;
        *pp = gone->next;
    }
    pthread_mutex_unlock(&c->mu);
    free(fresh);
    free(gone);
    return ACT_OK;
}

const char *act_client_violation(act_client *c)
{
    return c->violation;
}

static void push_copy(evq *q, const uint8_t *body, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        fprintf(stderr, "actors: out of memory, dropped an event\n");
        return;
    }
    memcpy(copy, body, len);
    evq_push(q, copy, len);
}

/* An E or C frame: [kind, ctx_id, ...] for a context of this worker. Returns
   NULL (forwarded or dropped) or the violation. */
static const char *cl_event(act_client *c, int frame_kind, const uint8_t *body, size_t len)
{
    const char *bad = wire_check_value(body, len, ACT_MAX_DEPTH + 4);
    if (bad)
        return bad;
    mpr r;
    mp_obj top, k, id, st;
    mpr_init(&r, body, len);
    if (!mpr_read(&r, &top) || top.type != MP_ARRAY || !mpr_read(&r, &k) || k.type != MP_UINT ||
        !mpr_read(&r, &id) || id.type != MP_UINT)
        return "an event that is not [kind, context id, ...]";
    static const uint32_t arity[] = {0, 5, 6, 3, 4, 4, 4};
    uint64_t kind = k.v.u;
    bool ok = frame_kind == ACT_W_CALL ? kind == ACT_EV_HOST_CALL
                                : kind >= ACT_EV_RESULT && kind <= ACT_EV_UNCAUGHT && kind != ACT_EV_HOST_CALL;
    if (!ok)
        return "an unknown event kind";
    if (top.v.n != arity[kind])
        return "an event of the wrong length";
    pthread_mutex_lock(&c->mu);
    owned **pp = own_slot(c, id.v.u);
    bool mine = *pp != NULL;
    owned *gone = NULL;
    if (mine && kind == ACT_EV_EXIT) {
        /* its last event */
        gone = *pp;
        *pp = gone->next;
    }
    pthread_mutex_unlock(&c->mu);
    free(gone);
    if (!mine) {
        /* The worker answers a command that reached one of its contexts
           after its exit with a "stopped" result: harmless, and raced with
           the exit event, so it is dropped instead of forwarded. Anything
           else for a context that does not live here is forged. */
        mp_obj req;
        if (kind == ACT_EV_RESULT && mpr_read(&r, &req) && mpr_read(&r, &st) && st.type == MP_UINT &&
            st.v.u == ACT_R_DEAD)
            return NULL;
        return "an event for a context that does not live in that process";
    }
    push_copy(frame_kind == ACT_W_EVENT ? &c->hub->events : &c->hub->calls, body, len);
    return NULL;
}

/* Handles one frame of the worker; returns the violation if it is bad. */
static const char *cl_message(act_client *c, const wire_msg *m)
{
    switch (m->kind) {
    case ACT_W_REPLY: {
        const char *bad = wire_check_value(m->body, m->len, ACT_MAX_DEPTH + 4);
        if (bad)
            return bad;
        pthread_mutex_lock(&c->mu);
        pend *p = NULL;
        for (pend **pp = &c->buckets[m->a % CL_BUCKETS]; *pp; pp = &(*pp)->next)
            if ((*pp)->token == m->a) {
                p = *pp;
                *pp = p->next;
                break;
            }
        pthread_mutex_unlock(&c->mu);
        if (!p)
            return "a reply for a token it was not given";
        act_waiter *w = p->w;
        free(p);
        if (!w)
            return NULL; /* its caller gave up */
        uint8_t *copy = malloc(m->len ? m->len : 1);
        if (copy)
            memcpy(copy, m->body, m->len);
        else
            fprintf(stderr, "actors: out of memory receiving a reply\n");
        waiter_complete(w, copy, copy ? m->len : 0);
        act_waiter_release(w);
        return NULL;
    }
    case ACT_W_HELLO: {
        if (m->len || !m->a || m->a > INT32_MAX)
            return "a malformed hello";
        pthread_mutex_lock(&c->mu);
        bool again = c->pid != 0;
        if (!again)
            c->pid = m->a;
        pthread_cond_broadcast(&c->cv);
        pthread_mutex_unlock(&c->mu);
        return again ? "a second hello" : NULL;
    }
    case ACT_W_EVENT:
    case ACT_W_CALL:
        return cl_event(c, m->kind, m->body, m->len);
    default:
        return "a frame of an unknown kind";
    }
}

static void *cl_read(void *arg)
{
    act_client *c = arg;
    wire_msg m;
    int rc;
    const char *bad = NULL;
    char what[160];
    while (!bad && (rc = wire_next(&c->in, &m)) == 1) {
        bad = cl_message(c, &m);
        if (bad) {
            snprintf(what, sizeof what, "%s (frame kind 0x%02x, %zu bytes)", bad, (unsigned)m.kind & 0xff, m.len);
            bad = what;
        }
    }
    if (!bad && rc == ACT_EINVAL)
        bad = "a frame longer than the protocol allows";
    if (!bad && rc == ACT_ETIMEDOUT)
        bad = "part of a frame and then nothing for 5 s";
    if (rc == ACT_ENOMEM)
        fprintf(stderr, "actors: out of memory reading from a worker process\n");
    pthread_mutex_lock(&c->mu);
    if (bad)
        snprintf(c->violation, sizeof c->violation, "sent %s", bad);
    c->closed = 1;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    if (bad)
        shutdown(c->fd, SHUT_RDWR);   /* never read from it again; the pool kills the process */
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
    c->in.stall_ms = WIRE_STALL_MS;   /* the pool trusts no worker to finish a frame */
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
    for (int i = 0; i < CL_OWN_BUCKETS; i++)
        while (c->own[i]) {
            owned *o = c->own[i];
            c->own[i] = o->next;
            free(o);
        }
    pthread_mutex_destroy(&c->mu);
    pthread_mutex_destroy(&c->write_mu);
    pthread_cond_destroy(&c->cv);
    wire_in_free(&c->in);
    free(c);
}
