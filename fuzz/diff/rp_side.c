/*
 * rp_side.c - our rp as one side of the nginx differential check, and the
 * measurement of the layout the nginx reference must mirror.
 */
#include <stdio.h>
#include <string.h>

#include "alloc/rp.h"
#include "sides.h"

static void *ours_create(diff_recorder_t *r, size_t size)
{
    alloc_upstream_t up = diff_recorder_upstream(r);
    return rp_create(size, &up);
}

static void ours_destroy(void *pool) { rp_destroy(pool); }
static void ours_reset(void *pool) { rp_reset(pool); }
static void *ours_palloc(void *pool, size_t n) { return rp_palloc(pool, n); }
static void *ours_pnalloc(void *pool, size_t n) { return rp_pnalloc(pool, n); }
static void *ours_pcalloc(void *pool, size_t n) { return rp_pcalloc(pool, n); }
static void *ours_pmemalign(void *pool, size_t n, size_t a) { return rp_pmemalign(pool, n, a); }
static int ours_pfree(void *pool, void *p) { return rp_pfree(pool, p) == RP_OK ? 0 : 1; }
static size_t ours_max(void *pool) { return rp_max(pool); }
static size_t ours_block_size(void *pool) { return rp_stats(pool).block_size; }

static void *ours_cleanup_add(void *pool, size_t n, void (*handler)(void *), void *tag, void **pool_data)
{
    rp_cleanup_t *c = rp_cleanup_add(pool, n);
    *pool_data = NULL;
    if (c != NULL) {
        *pool_data = c->data;
        c->handler = handler;
        c->data = tag;
    }
    return c;
}

/* The first block's header is what rp_max leaves of a small pool; a large
 * block's list node is what it takes from the first block. */
static int measure(diff_rp_layout_t *layout)
{
    rp_pool_t *pool = rp_create(RP_MIN_POOL_SIZE, NULL);
    if (pool == NULL)
        return 0;
    size_t max = rp_max(pool);
    unsigned char *first = rp_pnalloc(pool, 1);
    rp_pool_t *big = rp_create(RP_DEFAULT_POOL_SIZE, NULL);
    unsigned char *a = big != NULL ? rp_pnalloc(big, 1) : NULL;
    void *large = big != NULL ? rp_palloc(big, rp_max(big) + 1) : NULL;
    unsigned char *b = big != NULL ? rp_pnalloc(big, 1) : NULL;
    layout->pool_header = RP_MIN_POOL_SIZE - max;
    /* the node is aligned after a's byte; b follows the node */
    size_t node_at = ((size_t)(a - (unsigned char *)big) + 1 + RP_ALIGNMENT - 1) / RP_ALIGNMENT * RP_ALIGNMENT;
    int ok = first == (unsigned char *)pool + layout->pool_header && a == (unsigned char *)big + layout->pool_header &&
             large != NULL && b != NULL;
    if (ok)
        layout->large_node = (size_t)(b - (unsigned char *)big) - node_at;
    rp_destroy(big);
    rp_destroy(pool);
    return ok;
}

int diff_rp_ours(diff_rp_side_t *side, diff_rp_layout_t *layout)
{
    memset(side, 0, sizeof *side);
    side->name = "rp";
    side->create = ours_create;
    side->destroy = ours_destroy;
    side->reset = ours_reset;
    side->palloc = ours_palloc;
    side->pnalloc = ours_pnalloc;
    side->pcalloc = ours_pcalloc;
    side->pmemalign = ours_pmemalign;
    side->pfree = ours_pfree;
    side->cleanup_add = ours_cleanup_add;
    side->max = ours_max;
    side->block_size = ours_block_size;
    if (!measure(layout) || layout->pool_header % RP_ALIGNMENT != 0 || layout->large_node == 0 ||
        layout->large_node > 128) {
        fprintf(stderr, "differential: could not measure rp's layout (pool header %zu, large node %zu)\n",
                layout->pool_header, layout->large_node);
        return 0;
    }
    return 1;
}
