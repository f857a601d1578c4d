/*
 * rp_ref.c - the nginx reference: ngx_palloc.c from Debian's nginx source
 * package, patched in the build folder where rp.h lists a departure
 * (nginx-departures.cmake), over the shim in shim/.  This file holds the
 * shim's functions and the departures mirrored here rather than in the
 * patch; each cites its tag in rp.h's list.
 */
#include <ngx_config.h>
#include <ngx_core.h>

#include "alloc/rp.h"
#include "sides.h"

ngx_uint_t ngx_pagesize = 4096; /* NGX_MAX_ALLOC_FROM_POOL = 4095 = RP_MAX_ALLOC_FROM_POOL */
size_t ngx_diff_pool_header;
size_t ngx_diff_large_node;

static diff_recorder_t *g_rec; /* ngx_free has no context argument */

void *ngx_alloc(size_t size, ngx_log_t *log)
{
    (void)log;
    return diff_rec_alloc(g_rec, size);
}

/* [memalign-upstream] rp's upstream has no aligned allocation: rp asks for
 * size + alignment - RP_ALIGNMENT and aligns inside.  So does this one. */
void *ngx_memalign(size_t alignment, size_t size, ngx_log_t *log)
{
    (void)log;
    size_t extra = alignment > RP_ALIGNMENT ? alignment - RP_ALIGNMENT : 0;
    if (size > SIZE_MAX - extra)
        return NULL; /* rp refuses it before asking upstream */
    u_char *raw = diff_rec_alloc(g_rec, size + extra);
    return raw != NULL ? ngx_align_ptr(raw, alignment) : NULL;
}

void ngx_free(void *p)
{
    diff_rec_free(g_rec, p);
}

/* [min-size] rp_create raises a size below RP_MIN_POOL_SIZE to it and rounds
 * it up to RP_ALIGNMENT; a size that overflows when rounded is refused. */
static void *ref_create(diff_recorder_t *r, size_t size)
{
    g_rec = r;
    if (size < RP_MIN_POOL_SIZE)
        size = RP_MIN_POOL_SIZE;
    if (size > SIZE_MAX - (RP_ALIGNMENT - 1))
        return NULL;
    size = (size + RP_ALIGNMENT - 1) & ~(size_t)(RP_ALIGNMENT - 1);
    return ngx_create_pool(size, NULL);
}

/* [size0] rp serves size 0 as size 1. */
static size_t as_rp(size_t n)
{
    return n != 0 ? n : 1;
}

static void ref_destroy(void *pool) { ngx_destroy_pool(pool); }
static void ref_reset(void *pool) { ngx_reset_pool(pool); }
static void *ref_palloc(void *pool, size_t n) { return ngx_palloc(pool, as_rp(n)); }
static void *ref_pnalloc(void *pool, size_t n) { return ngx_pnalloc(pool, as_rp(n)); }
static void *ref_pcalloc(void *pool, size_t n) { return ngx_pcalloc(pool, as_rp(n)); }
static size_t ref_max(void *pool) { return ((ngx_pool_t *)pool)->max; }
static size_t ref_block_size(void *pool) { return (size_t)(((ngx_pool_t *)pool)->d.end - (u_char *)pool); }

/* [memalign-upstream] alignment that is not a power of two is refused;
 * below RP_ALIGNMENT it is raised to it. */
static void *ref_pmemalign(void *pool, size_t n, size_t alignment)
{
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        return NULL;
    if (alignment < RP_ALIGNMENT)
        alignment = RP_ALIGNMENT;
    return ngx_pmemalign(pool, as_rp(n), alignment);
}

static int ref_pfree(void *pool, void *p)
{
    return ngx_pfree(pool, p) == NGX_OK ? 0 : 1;
}

static void *ref_cleanup_add(void *pool, size_t n, void (*handler)(void *), void *tag, void **pool_data)
{
    ngx_pool_cleanup_t *c = ngx_pool_cleanup_add(pool, n);
    *pool_data = NULL;
    if (c != NULL) {
        *pool_data = c->data;
        c->handler = handler;
        c->data = tag;
    }
    return c;
}

void diff_rp_reference(diff_rp_side_t *side, const diff_rp_layout_t *layout)
{
    memset(side, 0, sizeof *side);
    side->name = "nginx";
    side->create = ref_create;
    side->destroy = ref_destroy;
    side->reset = ref_reset;
    side->palloc = ref_palloc;
    side->pnalloc = ref_pnalloc;
    side->pcalloc = ref_pcalloc;
    side->pmemalign = ref_pmemalign;
    side->pfree = ref_pfree;
    side->cleanup_add = ref_cleanup_add;
    side->max = ref_max;
    side->block_size = ref_block_size;
    ngx_diff_pool_header = layout->pool_header;
    ngx_diff_large_node = layout->large_node;
}
