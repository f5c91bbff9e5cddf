/* The worker-process end of process mode (actors/_worker.py, actors/_wire.py).
 *
 * A worker process serves one socket: commands for its contexts come in,
 * the pump's events and host calls go out, all as the pump's own msgpack
 * frames behind a 21-byte header <u32 body length, u8 kind, u64 a, u64 b>
 * (little endian). The hot kinds are handled here without Python:
 *   S (a = context id, b = sync token or 0): act_ctx_send; with a token, the
 *     command carries a waiter whose completion writes the R reply (a =
 *     token, body = [status, payload]) from the thread that answered it
 *   V (a = context id, b = call id): act_ctx_resolve
 *   X (a = context id, b = killed): act_ctx_stop
 *   K (a = context id, b = request id): act_ctx_cancel
 *   M (a = context id, b = token): the context's queue, for the pool's bound
 * Events and host calls are written by the thread that makes them (the
 * pool's emit hook), so a reply or a Host.call costs no extra hand-off.
 * Everything else is returned to Python by act_server_read().
 *
 * Threads: one reader (act_server_read) plus the pump's threads writing;
 * writes are serialized by a mutex. The server must outlive the pool's
 * threads (free it after act_pool_free). The context table is guarded by its own mutex; it
 * holds one reference per context, dropped at the context's exit event.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "wire.h"

#define SRV_BUCKETS 4096

typedef struct srv_entry {
    struct srv_entry *next;
    uint64_t id;
    act_ctx *c;
} srv_entry;

struct act_server {
    act_pool *pool;
    int fd;
    pthread_mutex_t write_mu;
    pthread_mutex_t map_mu;
    srv_entry *buckets[SRV_BUCKETS];
    wire_in in;
};

static void emit(void *arg, int calls, uint8_t *buf, size_t len);

act_server *act_server_new(act_pool *p, int fd)
{
    act_server *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (!wire_in_init(&s->in, fd)) {
        free(s);
        return NULL;
    }
    s->pool = p;
    s->fd = fd;
    pthread_mutex_init(&s->write_mu, NULL);
    pthread_mutex_init(&s->map_mu, NULL);
    p->emit_arg = s;
    p->emit_hook = emit;
    return s;
}

void act_server_free(act_server *s)
{
    if (!s)
        return;
    for (int i = 0; i < SRV_BUCKETS; i++) {
        srv_entry *e = s->buckets[i];
        while (e) {
            srv_entry *nx = e->next;
            act_ctx_release(e->c);
            free(e);
            e = nx;
        }
    }
    pthread_mutex_destroy(&s->write_mu);
    pthread_mutex_destroy(&s->map_mu);
    wire_in_free(&s->in);
    free(s);
}

int act_server_add(act_server *s, uint64_t id, act_ctx *c)
{
    srv_entry *e = malloc(sizeof *e);
    if (!e)
        return ACT_ENOMEM;
    ctx_retain(c);
    e->id = id;
    e->c = c;
    pthread_mutex_lock(&s->map_mu);
    srv_entry **b = &s->buckets[id % SRV_BUCKETS];
    e->next = *b;
    *b = e;
    pthread_mutex_unlock(&s->map_mu);
    return ACT_OK;
}

/* The context `id` with a reference the caller releases, or NULL. */
static act_ctx *lookup(act_server *s, uint64_t id)
{
    act_ctx *c = NULL;
    pthread_mutex_lock(&s->map_mu);
    for (srv_entry *e = s->buckets[id % SRV_BUCKETS]; e; e = e->next)
        if (e->id == id) {
            c = e->c;
            ctx_retain(c);
            break;
        }
    pthread_mutex_unlock(&s->map_mu);
    return c;
}

static void drop(act_server *s, uint64_t id)
{
    srv_entry *gone = NULL;
    pthread_mutex_lock(&s->map_mu);
    for (srv_entry **pp = &s->buckets[id % SRV_BUCKETS]; *pp; pp = &(*pp)->next)
        if ((*pp)->id == id) {
            gone = *pp;
            *pp = gone->next;
            break;
        }
    pthread_mutex_unlock(&s->map_mu);
    if (gone) {
        act_ctx_release(gone->c);
        free(gone);
    }
}

int act_server_send(act_server *s, int kind, uint64_t a, uint64_t b, const uint8_t *body, size_t len)
{
    return wire_send(s->fd, &s->write_mu, kind, a, b, body, len);
}

/* A msgpack unsigned int at p[*pos] (false if it is not one). */
static bool peek_uint(const uint8_t *p, size_t len, size_t *pos, uint64_t *out)
{
    if (*pos >= len)
        return false;
    uint8_t t = p[*pos];
    int width = t < 0x80 ? 0 : t == 0xcc ? 1 : t == 0xcd ? 2 : t == 0xce ? 4 : t == 0xcf ? 8 : -1;
    if (width < 0 || *pos + 1 + (size_t)width > len)
        return false;
    if (width == 0) {
        *out = t;
    } else {
        uint64_t v = 0;
        for (int i = 0; i < width; i++)
            v = (v << 8) | p[*pos + 1 + (size_t)i];
        *out = v;
    }
    *pos += 1 + (size_t)width;
    return true;
}

/* A command that cannot reach its context: answered as the context would. */
static void answer_dead(act_server *s, uint64_t ctx_id, const uint8_t *frame, size_t len, uint64_t token,
                        const char *why)
{
    mpw w;
    if (!mpw_init(&w, 64))
        return;
    if (token) {
        mpw_array(&w, 2);
        mpw_int(&w, ACT_R_DEAD);
        mpw_cstr(&w, why);
    } else {
        size_t pos = 2;
        uint64_t req = 0;
        if (len < 3 || !peek_uint(frame, len, &pos, &req) || !req) {
            mpw_free(&w);
            return;
        }
        mpw_array(&w, 5);
        mpw_int(&w, ACT_EV_RESULT);
        mpw_uint(&w, ctx_id);
        mpw_uint(&w, req);
        mpw_int(&w, ACT_R_DEAD);
        mpw_cstr(&w, why);
    }
    size_t n;
    uint8_t *b = mpw_take(&w, &n);
    if (b) {
        act_server_send(s, token ? ACT_W_REPLY : ACT_W_EVENT, token, 0, b, n);
        free(b);
    }
}

/* The answer of a blocking command, written by the thread that completed it. */
static void reply_now(void *arg, uint64_t token, uint8_t *buf, size_t len)
{
    if (act_server_send(arg, ACT_W_REPLY, token, 0, buf, len) == ACT_EINVAL) {
        /* cannot happen under the output budget (capped below the frame
           limit), but a caller must get an answer */
        static const char big[] = "\x92\x08\xd9\x2ethe answer is larger than a process-mode frame";
        act_server_send(arg, ACT_W_REPLY, token, 0, (const uint8_t *)big, sizeof big - 1);
    }
    free(buf);
}

int act_server_write_raw(act_server *s, const uint8_t *bytes, size_t len)
{
    pthread_mutex_lock(&s->write_mu);
    size_t done = 0;
    int rc = ACT_OK;
    while (done < len) {
        ssize_t k = send(s->fd, bytes + done, len - done, MSG_NOSIGNAL);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            rc = ACT_EDEAD;
            break;
        }
        done += (size_t)k;
    }
    pthread_mutex_unlock(&s->write_mu);
    return rc;
}

static void handle_send(act_server *s, uint64_t id, uint64_t token, const uint8_t *frame, size_t len)
{
    act_ctx *c = lookup(s, id);
    if (!c) {
        answer_dead(s, id, frame, len, token, "the context is stopped");
        return;
    }
    act_waiter *w = NULL;
    if (token) {
        w = act_waiter_new();
        if (!w) {
            act_ctx_release(c);
            answer_dead(s, id, frame, len, token, "out of memory in the worker process");
            return;
        }
        w->on_done = reply_now;
        w->on_done_arg = s;
        w->token = token;
    }
    int rc = act_ctx_send(c, frame, len, w);
    act_ctx_release(c);
    act_waiter_release(w);   /* the command holds its own reference while queued */
    if (rc != ACT_OK)
        answer_dead(s, id, frame, len, token, rc == ACT_EDEAD ? "the context is stopped" : act_strerror(rc));
}

/* ACT_W_MAILBOX: what context `id` has queued, answered [commands, bytes].
   Frames are handled in order, so the answer covers every command the pool
   sent before asking (the pool's side of the mailbox bound, _procpool.py). */
static void mailbox_reply(act_server *s, uint64_t id, uint64_t token)
{
    size_t cmds = 0, bytes = 0;
    act_ctx *c = lookup(s, id);
    if (c) {
        act_ctx_mailbox(c, &cmds, &bytes);
        act_ctx_release(c);
    }
    mpw w;
    if (!mpw_init(&w, 32))
        return;   /* the pool's wait gives up at its deadline */
    mpw_array(&w, 2);
    mpw_uint(&w, cmds);
    mpw_uint(&w, bytes);
    size_t n;
    uint8_t *b = mpw_take(&w, &n);
    if (b) {
        act_server_send(s, ACT_W_REPLY, token, 0, b, n);
        free(b);
    }
}

int act_server_read(act_server *s, int *kind, uint64_t *a, uint64_t *b, uint8_t **body, size_t *len)
{
    wire_msg m;
    int rc;
    while ((rc = wire_next(&s->in, &m)) == 1) {
        if (m.kind == ACT_W_SEND) {
            handle_send(s, m.a, m.b, m.body, m.len);
        } else if (m.kind == ACT_W_MAILBOX) {
            mailbox_reply(s, m.a, m.b);
        } else if (m.kind == ACT_W_RESOLVE || m.kind == ACT_W_STOP || m.kind == ACT_W_CANCEL) {
            act_ctx *c = lookup(s, m.a);
            if (c) {
                if (m.kind == ACT_W_RESOLVE)
                    act_ctx_resolve(c, m.b, m.body, m.len);
                else if (m.kind == ACT_W_CANCEL)
                    act_ctx_cancel(c, m.b);   /* cancel one operation (native helper) */
                else
                    act_ctx_stop(c, m.b ? 1 : 0);
                act_ctx_release(c);
            }
        } else {
            uint8_t *copy = malloc(m.len ? m.len : 1);
            if (!copy)
                return ACT_ENOMEM;
            memcpy(copy, m.body, m.len);
            *kind = m.kind;
            *a = m.a;
            *b = m.b;
            *body = copy;
            *len = m.len;
            return 1;
        }
    }
    return rc;
}

/* The pool's emit hook: an event or host call, written by the thread that
   made it (takes ownership of buf). */
static void emit(void *arg, int calls, uint8_t *buf, size_t len)
{
    act_server *s = arg;
    if (!calls && len > 2 && buf[0] == 0x94 && buf[1] == ACT_EV_EXIT) {
        size_t pos = 2;
        uint64_t ctx_id;
        if (peek_uint(buf, len, &pos, &ctx_id))
            drop(s, ctx_id);
    }
    if (act_server_send(s, calls ? ACT_W_CALL : ACT_W_EVENT, 0, 0, buf, len) == ACT_EINVAL)
        fprintf(stderr, "actors: dropped an event larger than a process-mode frame (%zu bytes)\n", len);
    free(buf);
}
