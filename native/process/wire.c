/* The framing of process mode's sockets, shared by both ends (client.c in
 * the pool's process, serve.c in a worker): a 21-byte header <u32 body
 * length, u8 kind, u64 a, u64 b> (little endian) before each body. The
 * protocol's messages are described in actors/_wire.py.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "internal.h"
#include "wire.h"

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static size_t body_len(const uint8_t *h)
{
    return (size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16 | (size_t)h[3] << 24;
}

int wire_send(int fd, pthread_mutex_t *mu, int kind, uint64_t a, uint64_t b, const uint8_t *body, size_t len)
{
    /* the header's length field is 32 bits: a longer body would be read as
       a shorter frame followed by bytes the sender chose (forged frames) */
    if (len > WIRE_MAX_BODY)
        return ACT_EINVAL;
    uint8_t h[WIRE_HDR];
    for (int i = 0; i < 4; i++)
        h[i] = (uint8_t)((uint32_t)len >> (8 * i));
    h[4] = (uint8_t)kind;
    for (int i = 0; i < 8; i++) {
        h[5 + i] = (uint8_t)(a >> (8 * i));
        h[13 + i] = (uint8_t)(b >> (8 * i));
    }
    struct iovec iovs[2] = {{h, WIRE_HDR}, {(void *)body, len}};
    struct iovec *iov = iovs;
    size_t n = len ? 2 : 1;
    int rc = ACT_OK;
    pthread_mutex_lock(mu);
    while (n > 0) {
        struct msghdr msg = {.msg_iov = iov, .msg_iovlen = n};
        ssize_t k = sendmsg(fd, &msg, MSG_NOSIGNAL); /* a gone peer is EPIPE, not SIGPIPE */
        if (k < 0) {
            if (errno == EINTR)
                continue;
            rc = ACT_EDEAD;
            break;
        }
        while (n > 0 && (size_t)k >= iov->iov_len) {
            k -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (uint8_t *)iov->iov_base + k;
            iov->iov_len -= (size_t)k;
        }
    }
    pthread_mutex_unlock(mu);
    return rc;
}

bool wire_in_init(wire_in *r, int fd)
{
    r->fd = fd;
    r->cap = 1 << 18;
    r->start = r->end = 0;
    r->stall_ms = 0;
    r->buf = malloc(r->cap);
    return r->buf != NULL;
}

void wire_in_free(wire_in *r)
{
    free(r->buf);
    r->buf = NULL;
}

int wire_next(wire_in *r, wire_msg *m)
{
    for (;;) {
        if (r->end - r->start >= WIRE_HDR) {
            const uint8_t *h = r->buf + r->start;
            size_t size = body_len(h);
            if (size > WIRE_MAX_BODY)
                return ACT_EINVAL;
            if (r->end - r->start - WIRE_HDR >= size) {
                m->kind = h[4];
                m->a = get_u64(h + 5);
                m->b = get_u64(h + 13);
                m->body = h + WIRE_HDR;
                m->len = size;
                r->start += WIRE_HDR + size;
                return 1;
            }
        }
        if (r->start == r->end)
            r->start = r->end = 0;
        size_t need = WIRE_HDR;
        if (r->end - r->start >= WIRE_HDR)
            need += body_len(r->buf + r->start);
        if (r->start + need > r->cap) {
            memmove(r->buf, r->buf + r->start, r->end - r->start);
            r->end -= r->start;
            r->start = 0;
            if (need > r->cap) {
                uint8_t *bigger = realloc(r->buf, need);
                if (!bigger)
                    return ACT_ENOMEM;
                r->buf = bigger;
                r->cap = need;
            }
        }
        if (r->stall_ms > 0 && r->end > r->start) {
            /* part of a frame in hand: the rest must keep coming */
            struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
            int pr = poll(&pfd, 1, r->stall_ms);
            if (pr < 0 && errno == EINTR)
                continue;
            if (pr == 0)
                return ACT_ETIMEDOUT;
        }
        ssize_t n = recv(r->fd, r->buf + r->end, r->cap - r->end, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        r->end += (size_t)n;
    }
}

/* ---- checking what a worker sends ------------------------------------------------ */

static const char *check_ext(const mp_obj *o)
{
    switch (o->ext) {
    case ACT_EXT_BIGINT:
        return mp_bigint_hex_ok(o->data, o->len) ? NULL : "malformed BigInt";
    case ACT_EXT_DATE:
        return o->len == 8 ? NULL : "malformed Date";
    case ACT_EXT_ERROR: {
        /* [name, message, stack or nil] */
        mpr r;
        mp_obj a, f;
        mpr_init(&r, o->data, o->len);
        if (!mpr_read(&r, &a) || a.type != MP_ARRAY || a.v.n != 3)
            return "malformed Error";
        for (int i = 0; i < 3; i++) {
            if (!mpr_read(&r, &f) || !(f.type == MP_STR || (i == 2 && f.type == MP_NIL)))
                return "malformed Error";
            if (f.type == MP_STR && !utf8_valid(f.data, f.len))
                return "a string that is not valid UTF-8";
        }
        return r.p == r.end ? NULL : "malformed Error";
    }
    default:
        return "an unknown msgpack extension type";
    }
}

const char *wire_check_value(const uint8_t *body, size_t len, int max_depth)
{
    mpr r;
    mpr_init(&r, body, len);
    /* values still to read at each open level */
    uint64_t *todo = malloc(((size_t)max_depth + 1) * sizeof *todo);
    if (!todo)
        return "out of memory checking a frame";
    int depth = 0;
    todo[0] = 1;
    const char *bad = NULL;
    mp_obj o;
    while (!bad) {
        while (depth >= 0 && todo[depth] == 0)
            depth--;
        if (depth < 0)
            break;
        todo[depth]--;
        if (!mpr_read(&r, &o)) {
            bad = "truncated or malformed msgpack";
            break;
        }
        if (o.type == MP_STR && !utf8_valid(o.data, o.len))
            bad = "a string that is not valid UTF-8";
        else if (o.type == MP_EXT)
            bad = check_ext(&o);
        else if (o.type == MP_ARRAY || o.type == MP_MAP) {
            uint64_t n = o.type == MP_MAP ? 2 * (uint64_t)o.v.n : o.v.n;
            if (n > (uint64_t)(r.end - r.p))
                bad = "a container longer than its frame";
            else if (n && depth + 1 > max_depth)
                bad = "values nested too deeply";
            else if (n)
                todo[++depth] = n;
        }
    }
    free(todo);
    if (!bad && r.p != r.end)
        bad = "trailing bytes after the value";
    return bad;
}
