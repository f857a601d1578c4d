/*
 * upstream.c - the default upstream: libc malloc, free and realloc.
 *
 * Requests above PTRDIFF_MAX are refused here, before libc sees them: no
 * object may be that large (the pool bounds-checks by pointer subtraction),
 * glibc would refuse them anyway, and memcheck reports such a size passed to
 * malloc as an error of the caller.
 */
#include <stdint.h>
#include <stdlib.h>

#include "alloc/upstream.h"

static void *libc_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return n <= PTRDIFF_MAX ? malloc(n) : NULL;
}

static void libc_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    (void)n;
    free(p);
}

static void *libc_realloc(void *ctx, void *p, size_t old_n, size_t new_n)
{
    (void)ctx;
    (void)old_n;
    return new_n <= PTRDIFF_MAX ? realloc(p, new_n) : NULL;
}

alloc_upstream_t alloc_upstream_malloc(void)
{
    alloc_upstream_t u;
    u.alloc = libc_alloc;
    u.free = libc_free;
    u.realloc = libc_realloc;
    u.ctx = NULL;
    return u;
}

int alloc_upstream_valid(const alloc_upstream_t *u)
{
    return u != NULL && u->alloc != NULL && u->free != NULL && u->realloc != NULL;
}
