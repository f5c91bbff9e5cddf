/* msgpack encoding and decoding for the bridge (see mpack.h). */
#include "mpack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool mpw_init(mpw *w, size_t cap)
{
    w->len = 0;
    w->oom = 0;
    w->over = 0;
    w->limit = 0;
    w->nodes_left = 0;
    w->budgeted = 0;
    w->cap = cap ? cap : 64;
    w->buf = malloc(w->cap);
    if (!w->buf) {
        w->cap = 0;
        w->oom = 1;
        return false;
    }
    return true;
}

void mpw_free(mpw *w)
{
    free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}

uint8_t *mpw_take(mpw *w, size_t *len)
{
    uint8_t *b = w->buf;
    if (w->oom) {
        free(b);
        b = NULL;
    }
    *len = w->len;
    w->buf = NULL;
    w->len = w->cap = 0;
    return b;
}

static bool grow(mpw *w, size_t extra)
{
    if (w->oom)
        return false;
    if (w->limit && (extra > w->limit || w->len > w->limit - extra)) {
        w->over = 1;
        w->oom = 1;
        return false;
    }
    if (w->len + extra <= w->cap)
        return true;
    size_t ncap = w->cap ? w->cap : 64;
    while (ncap < w->len + extra) {
        if (ncap > SIZE_MAX / 2) {
            w->oom = 1;
            return false;
        }
        ncap *= 2;
    }
    uint8_t *nb = realloc(w->buf, ncap);
    if (!nb) {
        w->oom = 1;
        return false;
    }
    w->buf = nb;
    w->cap = ncap;
    return true;
}

static void put(mpw *w, const void *p, size_t n)
{
    if (!grow(w, n))
        return;
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void put1(mpw *w, uint8_t b) { put(w, &b, 1); }

static void put_be(mpw *w, uint8_t tag, uint64_t v, int bytes)
{
    uint8_t tmp[9];
    tmp[0] = tag;
    for (int i = 0; i < bytes; i++)
        tmp[1 + i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    put(w, tmp, (size_t)bytes + 1);
}

void mpw_nil(mpw *w) { put1(w, 0xc0); }
void mpw_bool(mpw *w, bool v) { put1(w, v ? 0xc3 : 0xc2); }

void mpw_uint(mpw *w, uint64_t v)
{
    if (v < 128)
        put1(w, (uint8_t)v);
    else if (v <= 0xff)
        put_be(w, 0xcc, v, 1);
    else if (v <= 0xffff)
        put_be(w, 0xcd, v, 2);
    else if (v <= 0xffffffffu)
        put_be(w, 0xce, v, 4);
    else
        put_be(w, 0xcf, v, 8);
}

void mpw_int(mpw *w, int64_t v)
{
    if (v >= 0) {
        mpw_uint(w, (uint64_t)v);
    } else if (v >= -32) {
        put1(w, (uint8_t)(int8_t)v);
    } else if (v >= INT8_MIN) {
        put_be(w, 0xd0, (uint64_t)v, 1);
    } else if (v >= INT16_MIN) {
        put_be(w, 0xd1, (uint64_t)v, 2);
    } else if (v >= INT32_MIN) {
        put_be(w, 0xd2, (uint64_t)v, 4);
    } else {
        put_be(w, 0xd3, (uint64_t)v, 8);
    }
}

void mpw_double(mpw *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    put_be(w, 0xcb, bits, 8);
}

static void len_header(mpw *w, size_t n, uint8_t fix, uint8_t fixmax, uint8_t t8, uint8_t t16, uint8_t t32)
{
    if (fix && n <= fixmax)
        put1(w, (uint8_t)(fix | n));
    else if (t8 && n <= 0xff)
        put_be(w, t8, n, 1);
    else if (n <= 0xffff)
        put_be(w, t16, n, 2);
    else if (n <= 0xffffffffu)
        put_be(w, t32, n, 4);
    else
        w->oom = 1;                 /* more than msgpack can express */
}

bool utf8_has_surrogate(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    while ((p = memchr(p, 0xED, (size_t)(end - p))) != NULL) {
        if (p + 1 < end && (uint8_t)p[1] >= 0xA0)
            return true;
        p++;
    }
    return false;
}

size_t utf8_repair(char *s, size_t n)
{
    uint8_t *p = (uint8_t *)s;
    for (size_t i = 0; i + 2 < n; i++)
        if (p[i] == 0xED && p[i + 1] >= 0xA0) {
            p[i] = 0xEF;
            p[i + 1] = 0xBF;
            p[i + 2] = 0xBD;
            i += 2;
        }
    /* a sequence cut short at the end (a truncated message) */
    size_t k = n, back = 0;
    while (k > 0 && back < 4 && (p[k - 1] & 0xC0) == 0x80) {
        k--;
        back++;
    }
    if (k > 0 && p[k - 1] >= 0xC0) {
        size_t want = p[k - 1] >= 0xF0 ? 4 : p[k - 1] >= 0xE0 ? 3 : 2;
        if (back + 1 < want)
            n = k - 1;
    }
    return n;
}

/* Length of the valid UTF-8 sequence at p[0..n) (1-4), or 0 if invalid
   (overlong forms, surrogates, code points past U+10FFFF, cut short). */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
    uint8_t b = p[0];
    if (b < 0x80)
        return 1;
    size_t k = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
    if (!k || b > 0xF4 || k > n)
        return 0;
    for (size_t i = 1; i < k; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if (k == 3 && ((b == 0xE0 && p[1] < 0xA0) || (b == 0xED && p[1] >= 0xA0)))
        return 0;
    if (k == 4 && ((b == 0xF0 && p[1] < 0x90) || (b == 0xF4 && p[1] >= 0x90)))
        return 0;
    return k;
}

bool utf8_valid(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_seq(p + i, n - i);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

void mpw_str(mpw *w, const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    if (utf8_valid(p, n)) {
        len_header(w, n, 0xa0, 31, 0xd9, 0xda, 0xdb);
        put(w, s, n);
        return;
    }
    /* rare: each byte that starts no valid sequence becomes U+FFFD (a lone
       surrogate's three bytes become one U+FFFD) */
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(p + i, n - i);
        if (!k && p[i] == 0xED && i + 2 < n && (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80)
            k = 3, m += 3;   /* CESU-8 surrogate: one replacement */
        else if (!k)
            k = 1, m += 3;
        else
            m += k;
        i += k;
    }
    if (m > SIZE_MAX / 2) {
        w->oom = 1;
        return;
    }
    len_header(w, m, 0xa0, 31, 0xd9, 0xda, 0xdb);
    if (!grow(w, m))
        return;
    uint8_t *o = w->buf + w->len;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(p + i, n - i);
        if (k) {
            memcpy(o, p + i, k);
            o += k;
            i += k;
            continue;
        }
        i += (p[i] == 0xED && i + 2 < n && (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80) ? 3 : 1;
        *o++ = 0xEF;
        *o++ = 0xBF;
        *o++ = 0xBD;
    }
    w->len += m;
}

void mpw_cstr(mpw *w, const char *s) { mpw_str(w, s ? s : "", s ? strlen(s) : 0); }

void mpw_bin(mpw *w, const uint8_t *s, size_t n)
{
    len_header(w, n, 0, 0, 0xc4, 0xc5, 0xc6);
    if (n)
        put(w, s, n);
}

void mpw_array(mpw *w, uint32_t n) { len_header(w, n, 0x90, 15, 0, 0xdc, 0xdd); }
void mpw_map(mpw *w, uint32_t n) { len_header(w, n, 0x80, 15, 0, 0xde, 0xdf); }

void mpw_ext(mpw *w, int8_t type, const uint8_t *data, size_t n)
{
    uint8_t t = (uint8_t)type;
    switch (n) {
    case 1: put1(w, 0xd4); break;
    case 2: put1(w, 0xd5); break;
    case 4: put1(w, 0xd6); break;
    case 8: put1(w, 0xd7); break;
    case 16: put1(w, 0xd8); break;
    default:
        len_header(w, n, 0, 0, 0xc7, 0xc8, 0xc9);
        break;
    }
    put1(w, t);
    if (n)
        put(w, data, n);
}

void mpw_raw(mpw *w, const uint8_t *data, size_t n) { put(w, data, n); }

size_t mpw_reserve32(mpw *w)
{
    size_t at = w->len;
    uint8_t tmp[5] = {0, 0, 0, 0, 0};
    put(w, tmp, 5);
    return at;
}

static void patch32(mpw *w, size_t at, uint8_t tag, uint32_t n)
{
    if (w->oom)
        return;
    w->buf[at] = tag;
    w->buf[at + 1] = (uint8_t)(n >> 24);
    w->buf[at + 2] = (uint8_t)(n >> 16);
    w->buf[at + 3] = (uint8_t)(n >> 8);
    w->buf[at + 4] = (uint8_t)n;
}

void mpw_patch_array32(mpw *w, size_t at, uint32_t n) { patch32(w, at, 0xdd, n); }
void mpw_patch_map32(mpw *w, size_t at, uint32_t n) { patch32(w, at, 0xdf, n); }

/* ---- reader ---------------------------------------------------------------- */

void mpr_init(mpr *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->end = p + len;
    r->err = 0;
}

static bool need(mpr *r, size_t n)
{
    if (r->err || (size_t)(r->end - r->p) < n) {
        r->err = 1;
        return false;
    }
    return true;
}

static uint64_t be(mpr *r, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | r->p[i];
    r->p += n;
    return v;
}

static bool take_payload(mpr *r, mp_obj *o, size_t n)
{
    if (!need(r, n))
        return false;
    o->data = r->p;
    o->len = n;
    r->p += n;
    return true;
}

bool mpr_read(mpr *r, mp_obj *o)
{
    o->type = MP_ERR;
    if (!need(r, 1))
        return false;
    uint8_t b = *r->p++;
    if (b <= 0x7f) { o->type = MP_UINT; o->v.u = b; return true; }
    if (b >= 0xe0) { o->type = MP_INT; o->v.i = (int8_t)b; return true; }
    if ((b & 0xe0) == 0xa0) { o->type = MP_STR; return take_payload(r, o, b & 0x1f); }
    if ((b & 0xf0) == 0x90) { o->type = MP_ARRAY; o->v.n = b & 0x0f; return true; }
    if ((b & 0xf0) == 0x80) { o->type = MP_MAP; o->v.n = b & 0x0f; return true; }
    size_t n;
    switch (b) {
    case 0xc0: o->type = MP_NIL; return true;
    case 0xc2: o->type = MP_BOOL; o->v.b = false; return true;
    case 0xc3: o->type = MP_BOOL; o->v.b = true; return true;
    case 0xcc: if (!need(r, 1)) return false; o->type = MP_UINT; o->v.u = be(r, 1); return true;
    case 0xcd: if (!need(r, 2)) return false; o->type = MP_UINT; o->v.u = be(r, 2); return true;
    case 0xce: if (!need(r, 4)) return false; o->type = MP_UINT; o->v.u = be(r, 4); return true;
    case 0xcf: if (!need(r, 8)) return false; o->type = MP_UINT; o->v.u = be(r, 8); return true;
    case 0xd0: if (!need(r, 1)) return false; o->type = MP_INT; o->v.i = (int8_t)be(r, 1); return true;
    case 0xd1: if (!need(r, 2)) return false; o->type = MP_INT; o->v.i = (int16_t)be(r, 2); return true;
    case 0xd2: if (!need(r, 4)) return false; o->type = MP_INT; o->v.i = (int32_t)be(r, 4); return true;
    case 0xd3: if (!need(r, 8)) return false; o->type = MP_INT; o->v.i = (int64_t)be(r, 8); return true;
    case 0xca: {
        if (!need(r, 4)) return false;
        uint32_t bits = (uint32_t)be(r, 4);
        float f;
        memcpy(&f, &bits, 4);
        o->type = MP_FLOAT; o->v.d = f; return true;
    }
    case 0xcb: {
        if (!need(r, 8)) return false;
        uint64_t bits = be(r, 8);
        memcpy(&o->v.d, &bits, 8);
        o->type = MP_FLOAT; return true;
    }
    case 0xd9: if (!need(r, 1)) return false; n = be(r, 1); o->type = MP_STR; return take_payload(r, o, n);
    case 0xda: if (!need(r, 2)) return false; n = be(r, 2); o->type = MP_STR; return take_payload(r, o, n);
    case 0xdb: if (!need(r, 4)) return false; n = be(r, 4); o->type = MP_STR; return take_payload(r, o, n);
    case 0xc4: if (!need(r, 1)) return false; n = be(r, 1); o->type = MP_BIN; return take_payload(r, o, n);
    case 0xc5: if (!need(r, 2)) return false; n = be(r, 2); o->type = MP_BIN; return take_payload(r, o, n);
    case 0xc6: if (!need(r, 4)) return false; n = be(r, 4); o->type = MP_BIN; return take_payload(r, o, n);
    case 0xdc: if (!need(r, 2)) return false; o->type = MP_ARRAY; o->v.n = (uint32_t)be(r, 2); return true;
    case 0xdd: if (!need(r, 4)) return false; o->type = MP_ARRAY; o->v.n = (uint32_t)be(r, 4); return true;
    case 0xde: if (!need(r, 2)) return false; o->type = MP_MAP; o->v.n = (uint32_t)be(r, 2); return true;
    case 0xdf: if (!need(r, 4)) return false; o->type = MP_MAP; o->v.n = (uint32_t)be(r, 4); return true;
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
        n = (size_t)1 << (b - 0xd4);
        if (!need(r, 1)) return false;
        o->ext = (int8_t)*r->p++;
        o->type = MP_EXT;
        return take_payload(r, o, n);
    case 0xc7: case 0xc8: case 0xc9: {
        int nb = b == 0xc7 ? 1 : b == 0xc8 ? 2 : 4;
        if (!need(r, (size_t)nb + 1)) return false;
        n = be(r, nb);
        o->ext = (int8_t)*r->p++;
        o->type = MP_EXT;
        return take_payload(r, o, n);
    }
    default:
        r->err = 1;
        return false;
    }
}

bool mpr_skip(mpr *r)
{
    /* iterative: count of values still to skip */
    uint64_t pending = 1;
    mp_obj o;
    while (pending > 0) {
        if (!mpr_read(r, &o))
            return false;
        pending--;
        if (o.type == MP_ARRAY)
            pending += o.v.n;
        else if (o.type == MP_MAP)
            pending += 2 * (uint64_t)o.v.n;
    }
    return true;
}

bool mpr_int(mpr *r, int64_t *v)
{
    mp_obj o;
    if (!mpr_read(r, &o))
        return false;
    if (o.type == MP_INT) { *v = o.v.i; return true; }
    if (o.type == MP_UINT && o.v.u <= INT64_MAX) { *v = (int64_t)o.v.u; return true; }
    r->err = 1;
    return false;
}

/* ---- validation of incoming frames -------------------------------------------- */

typedef struct vlevel {
    uint64_t remaining;            /* values (maps: keys + values) still to read */
    int is_map;
    uint32_t index;                /* arrays: next element; maps: pairs read */
    const uint8_t *key;            /* maps: the current key, when a string */
    size_t keylen;
} vlevel;

static void vpath(const vlevel *st, int depth, int skip, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "$");
    for (int i = skip; i < depth && n < cap; i++) {
        const vlevel *l = &st[i];
        if (!l->is_map)
            n += (size_t)snprintf(out + n, cap - n, "[%u]", l->index ? l->index - 1 : 0);
        else if (l->key)
            n += (size_t)snprintf(out + n, cap - n, ".%.*s", (int)(l->keylen > 64 ? 64 : l->keylen), (const char *)l->key);
        else
            n += (size_t)snprintf(out + n, cap - n, "<key>");
    }
}

int mp_validate_frame(const uint8_t *buf, size_t len, int call_args, int max_depth, char *err, size_t errlen)
{
    mpr r;
    mp_obj o;
    mpr_init(&r, buf, len);
    if (!mpr_read(&r, &o) || o.type != MP_ARRAY) {
        snprintf(err, errlen, "malformed command frame");
        return -1;
    }
    /* the frame array, plus the argument list of a call, wrap the values */
    int wrap = call_args ? 2 : 1;
    int cap = max_depth + wrap;
    vlevel *st = calloc((size_t)cap + 1, sizeof *st);
    if (!st) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int depth = 1;
    st[0].remaining = o.v.n;
    int rc = 0;
    while (depth > 0) {
        vlevel *top = &st[depth - 1];
        if (top->remaining == 0) {
            depth--;
            continue;
        }
        int is_key = top->is_map && (top->remaining % 2 == 0);
        top->remaining--;
        if (!mpr_read(&r, &o)) {
            snprintf(err, errlen, "truncated or malformed msgpack data");
            rc = -1;
            break;
        }
        if (is_key) {
            if (o.type != MP_STR) {
                char path[256];
                vpath(st, depth - 1, wrap, path, sizeof path);
                snprintf(err, errlen, "dict key is not a str at %s", path);
                rc = -1;
                break;
            }
            top->key = o.data;
            top->keylen = o.len;
            top->index++;
            continue;
        }
        if (!top->is_map)
            top->index++;
        if (o.type == MP_ARRAY || o.type == MP_MAP) {
            if (depth >= cap) {
                char path[256];
                vpath(st, depth, wrap, path, sizeof path);
                snprintf(err, errlen, "value nested deeper than %d levels at %s", max_depth, path);
                rc = -1;
                break;
            }
            vlevel *nl = &st[depth++];
            nl->is_map = o.type == MP_MAP;
            nl->remaining = o.type == MP_MAP ? 2 * (uint64_t)o.v.n : o.v.n;
            nl->index = 0;
            nl->key = NULL;
            nl->keylen = 0;
        }
    }
    if (rc == 0 && r.p != r.end) {
        snprintf(err, errlen, "trailing bytes after the command frame");
        rc = -1;
    }
    free(st);
    return rc;
}

bool mp_bigint_hex_ok(const uint8_t *p, size_t n)
{
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = p[i];
        bool hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
        if (!hex && !(i == 0 && ch == '-'))
            return false;
        digits += hex;
    }
    return digits > 0;
}
