/*
 * checked.h - size arithmetic that reports overflow instead of wrapping.
 * Every rounding and multiplication on a caller's size goes through here.
 */
#ifndef ALLOC_CHECKED_H
#define ALLOC_CHECKED_H

#include <stddef.h>
#include <stdint.h>

#ifndef ALLOC_DEBUG
#define ALLOC_DEBUG 0
#endif

/* *out = a + b; returns 0 on overflow (then *out is unspecified). */
static inline int ck_add(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

/* *out = n rounded up to a multiple of align (a power of two); 0 on overflow. */
static inline int ck_round_up(size_t n, size_t align, size_t *out)
{
    size_t t;
    if (!ck_add(n, align - 1, &t))
        return 0;
    *out = t & ~(align - 1);
    return 1;
}

static inline int is_pow2(size_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

static inline uintptr_t align_up_ptr(uintptr_t p, size_t align)
{
    return (p + (align - 1)) & ~(uintptr_t)(align - 1);
}

static inline size_t sat_sub(size_t a, size_t b)
{
    return a >= b ? a - b : 0;
}

#endif
