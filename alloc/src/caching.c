/*
 * caching.c - an upstream that keeps a few freed blocks of one size.
 *
 * A pool created and destroyed per request frees and re-takes the same few
 * blocks every time; glibc trims its heap in between and the next request
 * pays the page faults again.  Keeping the blocks here avoids that.
 */
#include <string.h>

#include "alloc/upstream.h"
#include "upstream_pick.h"

static void *caching_alloc(void *ctx, size_t n)
{
    alloc_caching_t *c = ctx;
    if (n == c->block_size && c->count > 0) {
        c->hits++;
        return c->blocks[--c->count];
    }
    return c->parent.alloc(c->parent.ctx, n);
}

static void caching_free(void *ctx, void *p, size_t n)
{
    alloc_caching_t *c = ctx;
    if (p == NULL)
        return;
    if (c->block_size == 0)
        c->block_size = n;
    if (n == c->block_size && c->count < c->capacity) {
        c->blocks[c->count++] = p;
        return;
    }
    c->parent.free(c->parent.ctx, p, n);
}

static void *caching_realloc(void *ctx, void *p, size_t old_n, size_t new_n)
{
    alloc_caching_t *c = ctx;
    return c->parent.realloc(c->parent.ctx, p, old_n, new_n);
}

int alloc_caching_init(alloc_caching_t *c, const alloc_upstream_t *parent, size_t capacity)
{
    alloc_upstream_t up;
    if (c == NULL || !upstream_pick(parent, &up))
        return -1;
    memset(c, 0, sizeof *c);
    c->parent = up;
    c->capacity = capacity < ALLOC_CACHING_MAX ? capacity : ALLOC_CACHING_MAX;
    return 0;
}

alloc_upstream_t alloc_caching_upstream(alloc_caching_t *c)
{
    if (c == NULL)
        return alloc_upstream_malloc();
    alloc_upstream_t u = {caching_alloc, caching_free, caching_realloc, c};
    return u;
}

void alloc_caching_drain(alloc_caching_t *c)
{
    if (c == NULL)
        return;
    while (c->count > 0) {
        c->count--;
        c->parent.free(c->parent.ctx, c->blocks[c->count], c->block_size);
    }
}
