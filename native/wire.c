/* The framing of process mode's sockets, shared by both ends (client.c in
 * the pool's process, serve.c in a worker): a 21-byte header <u32 body
 * length, u8 kind, u64 a, u64 b> (little endian) before each body. The
 * protocol's messages are described in actors/_wire.py.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "internal.h"

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
        ssize_t n = recv(r->fd, r->buf + r->end, r->cap - r->end, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        r->end += (size_t)n;
    }
}
