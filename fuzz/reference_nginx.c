/* reference_nginx.c - see reference_nginx.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/rp.h"
#include "reference_nginx.h"

/* ---- rp's private layout, measured once ----------------------------------- */

typedef struct layout {
    size_t pool_header, block_header, node_size;
} layout_t;

static layout_t measured; /* written once, before the first pool is checked */

static unsigned char *align16(unsigned char *p)
{
    return (unsigned char *)(((uintptr_t)p + RP_ALIGNMENT - 1) & ~(uintptr_t)(RP_ALIGNMENT - 1));
}

/* On scratch pools over a recorder: the first pnalloc(1) sits right after
 * the pool's header; filling the first block appends one whose first byte
 * follows its header; a large block's node sits between two pnallocs. */
static layout_t measure(void)
{
    fuzz_recorder_t rec;
    alloc_upstream_t libc = alloc_upstream_malloc();
    alloc_upstream_t up = fuzz_recorder_upstream(&rec, &libc);
    layout_t l = {0, 0, 0};
    rp_pool_t *pool = rp_create(RP_MIN_POOL_SIZE, &up);
    if (pool == NULL)
        abort();
    unsigned char *raw = rec.call[0].result;
    l.pool_header = (size_t)((unsigned char *)rp_pnalloc(pool, 1) - raw);
    size_t calls = rec.ncalls;
    unsigned char *p = NULL;
    while (rec.ncalls == calls)
        p = rp_pnalloc(pool, rp_max(pool));
    l.block_header = (size_t)(p - (unsigned char *)rec.call[calls].result);
    rp_destroy(pool);

    pool = rp_create(RP_MIN_POOL_SIZE, &up);
    if (pool == NULL)
        abort();
    unsigned char *a = rp_pnalloc(pool, 1);
    void *big = rp_palloc(pool, rp_max(pool) + 1);
    unsigned char *b = rp_pnalloc(pool, 1);
    if (big == NULL || a == NULL || b == NULL)
        abort();
    l.node_size = (size_t)(b - align16(a + 1));
    rp_destroy(pool);
    return l;
}

/* ---- state ---------------------------------------------------------------- */

alloc_upstream_t ngx_ref_upstream(ngx_ref_t *r, const alloc_upstream_t *parent)
{
    return fuzz_recorder_upstream(&r->rec, parent);
}

static void differ(ngx_ref_t *r, const char *fmt, size_t a, size_t b)
{
    if (r->verdict != NULL)
        return;
    snprintf(r->msg, sizeof r->msg, fmt, a, b);
    r->verdict = r->msg;
}

static void add_block(ngx_ref_t *r, unsigned char *raw, size_t header)
{
    if (r->nblocks == r->blocks_cap) {
        r->blocks_cap = r->blocks_cap != 0 ? 2 * r->blocks_cap : 8;
        r->blocks = realloc(r->blocks, r->blocks_cap * sizeof *r->blocks);
        if (r->blocks == NULL)
            abort();
    }
    ngx_ref_block_t *b = &r->blocks[r->nblocks++];
    b->start = b->last = raw + header;
    b->end = raw + r->block_size;
    b->failed = 0;
}

static void push_node(ngx_ref_t *r, void *p, void *at)
{
    if (r->nnodes == r->nodes_cap) {
        r->nodes_cap = r->nodes_cap != 0 ? 2 * r->nodes_cap : 8;
        r->nodes = realloc(r->nodes, r->nodes_cap * sizeof *r->nodes);
        if (r->nodes == NULL)
            abort();
    }
    r->nodes[r->nnodes].block = p;
    r->nodes[r->nnodes++].at = at;
}

void ngx_ref_init(ngx_ref_t *r, size_t block_size, size_t max)
{
    if (measured.pool_header == 0)
        measured = measure();
    /* Field by field: the recorder is live (it holds the create's call),
     * and the arrays keep their memory when r is used again. */
    r->nblocks = r->current = r->nnodes = 0;
    r->verdict = NULL;
    r->block_size = block_size;
    r->max = max;
    r->pool_header = measured.pool_header;
    r->block_header = measured.block_header;
    r->node_size = measured.node_size;
    const fuzz_call_t *c = fuzz_recorder_next(&r->rec);
    if (c == NULL || c->size != block_size || c->result == NULL)
        differ(r, "rp_create did not take one block of %zu bytes (%zu calls)", block_size, r->rec.ncalls);
    else
        add_block(r, c->result, r->pool_header);
    size_t expect_max = block_size - r->pool_header < RP_MAX_ALLOC_FROM_POOL ? block_size - r->pool_header
                                                                             : RP_MAX_ALLOC_FROM_POOL;
    if (max != expect_max)
        differ(r, "rp_max is %zu where the rules give %zu", max, expect_max);
    if (!fuzz_recorder_done(&r->rec))
        differ(r, "rp_create made %zu upstream calls, not one", r->rec.ncalls, 0);
}

void ngx_ref_free(ngx_ref_t *r)
{
    free(r->blocks);
    free(r->nodes);
    r->blocks = NULL;
    r->nodes = NULL;
    r->blocks_cap = r->nodes_cap = r->nblocks = r->nnodes = 0;
}

/* ---- the rules ------------------------------------------------------------ */

/* The next call must be an alloc of size bytes: its result, or NULL (then
 * *refused is set when upstream refused it). */
static void *take_call(ngx_ref_t *r, size_t size, int *refused)
{
    const fuzz_call_t *c = fuzz_recorder_next(&r->rec);
    *refused = 0;
    if (c == NULL) {
        differ(r, "nginx's rules ask upstream for %zu bytes, the pool did not (call %zu)", size, r->rec.cursor + 1);
        return NULL;
    }
    if (c->realloc || c->size != size)
        differ(r, "the pool asked upstream for %zu bytes where nginx's rules ask for %zu", c->size, size);
    *refused = c->result == NULL;
    return c->result;
}

/* ngx_palloc_small + ngx_palloc_block, with rp's failure rule. */
static unsigned char *small(ngx_ref_t *r, size_t size, int align)
{
    for (size_t i = r->current; i < r->nblocks; i++) {
        ngx_ref_block_t *b = &r->blocks[i];
        unsigned char *m = align ? align16(b->last) : b->last;
        if ((size_t)(b->end - m) >= size) {
            b->last = m + size;
            return m;
        }
        int skip = b->failed++ > RP_FAILED_SKIP;
        if (i + 1 == r->nblocks) {
            int refused;
            unsigned char *raw = take_call(r, r->block_size, &refused);
            if (raw == NULL)
                return NULL;
            add_block(r, raw, r->block_header);
            ngx_ref_block_t *nb = &r->blocks[r->nblocks - 1];
            unsigned char *p = nb->last;
            nb->last += size;
            if (skip)
                r->current = r->nblocks - 1;
            return p;
        }
        if (skip)
            r->current = i + 1;
    }
    return NULL; /* unreachable: the last block always appends */
}

static unsigned char *large(ngx_ref_t *r, size_t size, size_t alignment)
{
    size_t raw_size = size + (alignment - RP_ALIGNMENT);
    if (raw_size < size)
        return NULL; /* refused before asking upstream */
    int refused;
    unsigned char *raw = take_call(r, raw_size, &refused);
    if (raw == NULL)
        return NULL;
    unsigned char *p = (unsigned char *)(((uintptr_t)raw + alignment - 1) & ~(uintptr_t)(alignment - 1));
    for (size_t k = 0; k < RP_LARGE_REUSE_SEARCH && k < r->nnodes; k++) {
        if (r->nodes[r->nnodes - 1 - k].block == NULL) {
            r->nodes[r->nnodes - 1 - k].block = p;
            return p;
        }
    }
    unsigned char *node = small(r, r->node_size, 1);
    if (node == NULL)
        return NULL; /* the raw block went back to upstream */
    push_node(r, p, node);
    return p;
}

static void *pool_alloc(ngx_ref_t *r, size_t n, int align)
{
    size_t req = n != 0 ? n : 1;
    return req <= r->max ? small(r, req, align) : large(r, req, RP_ALIGNMENT);
}

static void expect_pointer(ngx_ref_t *r, const char *what, const void *want, const void *got)
{
    if (want == got)
        return;
    if (want == NULL || got == NULL)
        differ(r, what, (size_t)(want != NULL), (size_t)(got != NULL));
    else if ((uintptr_t)want > (uintptr_t)got)
        differ(r, "the pool handed out a block %zu bytes before where nginx's rules put it%.0zu",
               (size_t)((uintptr_t)want - (uintptr_t)got), 0);
    else
        differ(r, "the pool handed out a block %zu bytes after where nginx's rules put it%.0zu",
               (size_t)((uintptr_t)got - (uintptr_t)want), 0);
}

static void end_op(ngx_ref_t *r)
{
    size_t made = r->rec.ncalls + r->rec.lost, expected = r->rec.cursor;
    if (!fuzz_recorder_done(&r->rec))
        differ(r, "the pool made %zu upstream calls where nginx's rules make %zu", made, expected);
}

void ngx_ref_alloc(ngx_ref_t *r, size_t n, int align, void *p)
{
    expect_pointer(r, "nginx's rules give a block (%zu), the pool answered (%zu)", pool_alloc(r, n, align), p);
    end_op(r);
}

void ngx_ref_memalign(ngx_ref_t *r, size_t n, size_t alignment, void *p)
{
    void *want = NULL;
    if (alignment != 0 && (alignment & (alignment - 1)) == 0)
        want = large(r, n != 0 ? n : 1, alignment < RP_ALIGNMENT ? RP_ALIGNMENT : alignment);
    expect_pointer(r, "nginx's rules give a block (%zu), the pool answered (%zu)", want, p);
    end_op(r);
}

void ngx_ref_pfree(ngx_ref_t *r, void *p, int ok)
{
    int want = 0;
    for (size_t k = 0; p != NULL && k < r->nnodes; k++)
        if (r->nodes[k].block == p) {
            r->nodes[k].block = NULL;
            want = 1;
            break;
        }
    if (want != ok)
        differ(r, "pfree: nginx's rules answer OK=%zu, the pool OK=%zu", (size_t)want, (size_t)ok);
    end_op(r);
}

void ngx_ref_cleanup(ngx_ref_t *r, size_t n, const void *record, const void *data)
{
    const void *want_record = NULL, *want_data = NULL;
    if (n <= r->max) {
        want_record = small(r, sizeof(rp_cleanup_t), 1);
        if (want_record != NULL && n != 0) {
            want_data = pool_alloc(r, n, 1);
            if (want_data == NULL)
                want_record = NULL; /* refused, its record's memory spent */
        }
    }
    expect_pointer(r, "cleanup record: nginx's rules give one (%zu), the pool (%zu)", want_record, record);
    if (record != NULL)
        expect_pointer(r, "cleanup data: nginx's rules give it (%zu), the pool (%zu)", want_data, data);
    end_op(r);
}

void ngx_ref_reset(ngx_ref_t *r)
{
    for (size_t i = 0; i < r->nblocks; i++) {
        r->blocks[i].last = r->blocks[i].start;
        r->blocks[i].failed = 0;
    }
    r->current = 0;
    r->nnodes = 0;
    end_op(r);
}

int ngx_ref_is_block_end(const ngx_ref_t *r, const void *p)
{
    for (size_t i = 0; i < r->nblocks; i++)
        if (r->blocks[i].end == (const unsigned char *)p)
            return 1;
    return 0;
}

void *ngx_ref_large_node(const ngx_ref_t *r, int live)
{
    for (size_t k = r->nnodes; k-- > 0;)
        if (!live || r->nodes[k].block != NULL)
            return r->nodes[k].at;
    return NULL;
}

const char *ngx_ref_verdict(const ngx_ref_t *r)
{
    return r->verdict;
}
