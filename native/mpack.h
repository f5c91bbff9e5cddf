/* A small msgpack writer and reader: just the subset the bridge uses. */
#ifndef ACTORS_MPACK_H
#define ACTORS_MPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mpw {
    uint8_t *buf;
    size_t len, cap;
    int oom;                       /* sticky: an allocation failed (or the limit was hit) */
    int over;                      /* sticky: a write would have passed `limit` */
    size_t limit;                  /* 0 = none: the buffer never grows past it */
    uint64_t nodes_left;           /* values the encoder may still write (codec.c) */
    int budgeted;                  /* limit and nodes_left are set */
} mpw;

bool mpw_init(mpw *w, size_t cap);
void mpw_free(mpw *w);
/* Hands the buffer to the caller (NULL if an allocation failed). */
uint8_t *mpw_take(mpw *w, size_t *len);

void mpw_nil(mpw *w);
void mpw_bool(mpw *w, bool v);
void mpw_int(mpw *w, int64_t v);
void mpw_uint(mpw *w, uint64_t v);
void mpw_double(mpw *w, double v);
/* Strings are always written as valid UTF-8: the CESU-8 encoding of a lone
   surrogate (ED A0..BF xx, what JS_ToCString makes of one) becomes one
   U+FFFD, any other invalid byte (a message cut mid-character) one U+FFFD.
   Values refuse lone surrogates before they get here (codec.c: a
   ConversionError); this is the policy for every other text (error names,
   messages and stacks, logs, handler names, DOM snapshots). */
void mpw_str(mpw *w, const char *s, size_t n);
void mpw_cstr(mpw *w, const char *s);
void mpw_bin(mpw *w, const uint8_t *s, size_t n);
void mpw_array(mpw *w, uint32_t n);
void mpw_map(mpw *w, uint32_t n);
void mpw_ext(mpw *w, int8_t type, const uint8_t *data, size_t n);
void mpw_raw(mpw *w, const uint8_t *data, size_t n);
/* Reserve space for an array/map header whose count is known later. */
size_t mpw_reserve32(mpw *w);
void mpw_patch_array32(mpw *w, size_t at, uint32_t n);
void mpw_patch_map32(mpw *w, size_t at, uint32_t n);

/* True if s[0..n) holds the CESU-8 encoding of a lone surrogate. */
bool utf8_has_surrogate(const char *s, size_t n);
bool utf8_valid(const uint8_t *p, size_t n);
/* A BigInt extension's payload: an optional '-' then at least one hex digit. */
bool mp_bigint_hex_ok(const uint8_t *p, size_t n);
/* Replaces each lone surrogate in s[0..n) by U+FFFD (same length) and cuts
   an incomplete sequence at the end; returns the new length. */
size_t utf8_repair(char *s, size_t n);

typedef enum {
    MP_NIL, MP_BOOL, MP_INT, MP_UINT, MP_FLOAT, MP_STR, MP_BIN, MP_ARRAY, MP_MAP, MP_EXT, MP_ERR
} mp_type;

typedef struct mpr {
    const uint8_t *p, *end;
    int err;
} mpr;

typedef struct mp_obj {
    mp_type type;
    union {
        bool b;
        int64_t i;
        uint64_t u;
        double d;
        uint32_t n;                /* array/map count */
    } v;
    const uint8_t *data;           /* str/bin/ext payload */
    size_t len;
    int8_t ext;
} mp_obj;

void mpr_init(mpr *r, const uint8_t *p, size_t len);
/* Reads one header (arrays and maps: only their count). */
bool mpr_read(mpr *r, mp_obj *o);
/* Skips one complete value, nested contents included. */
bool mpr_skip(mpr *r);
bool mpr_int(mpr *r, int64_t *v);

/* Checks a command frame [op, req, timeout, values...]: well formed, map keys
   are strings, values nest at most max_depth levels (inside the argument list
   too when call_args). On failure writes a message with the path. */
int mp_validate_frame(const uint8_t *buf, size_t len, int call_args, int max_depth, char *err, size_t errlen);

#endif
