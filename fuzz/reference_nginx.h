/*
 * reference_nginx.h - an executable reference of nginx's pool rules as rp
 * follows them (rp.h, its list of departures included): blocks of one size
 * bumped from `current` on, a failure counted on every block a request
 * passes over and a block skipped once its count was above RP_FAILED_SKIP, a
 * new block appended when none has room, large requests straight from
 * upstream with a list node in pool memory (an emptied node among the first
 * RP_LARGE_REUSE_SEARCH reused), cleanup records and data in pool memory,
 * reset rewinding every block.
 *
 * It sits between the pool and its upstream, records every call, and after
 * each operation says whether the calls (their sizes and number) and every
 * pointer handed out (its exact address) are what the rules give: so a pool
 * block appended too early, a byte wasted, or a large block taking more than
 * it needs fails a check instead of costing silently.
 *
 * The header sizes (the first block's, the others', a large node) are rp's
 * private layout: they are measured once, on a scratch pool.
 */
#ifndef FUZZ_REFERENCE_NGINX_H
#define FUZZ_REFERENCE_NGINX_H

#include <stddef.h>

#include "recorder.h"

typedef struct ngx_ref_block {
    unsigned char *start;   /* where data begins after a reset */
    unsigned char *last, *end;
    size_t failed;
} ngx_ref_block_t;

typedef struct ngx_ref {
    fuzz_recorder_t rec;
    size_t block_size, max;
    size_t pool_header, block_header, node_size;   /* measured */
    ngx_ref_block_t *blocks;
    size_t nblocks, blocks_cap, current;
    struct ngx_ref_node {
        void *block;        /* the large block it lists; NULL: emptied */
        void *at;           /* where the node itself is, in pool memory */
    } *nodes;               /* large-list nodes, oldest first (the head is last) */
    size_t nnodes, nodes_cap;
    const char *verdict;
    char msg[200];
} ngx_ref_t;

/* The upstream to give rp_create: records into r, passes on to parent.  Call
 * before ngx_ref_init. */
alloc_upstream_t ngx_ref_upstream(ngx_ref_t *r, const alloc_upstream_t *parent);

/* After rp_create succeeded with blocks of block_size bytes and rp_max max.
 * r starts zeroed, or is one init'ed before (its arrays are reused). */
void ngx_ref_init(ngx_ref_t *r, size_t block_size, size_t max);
/* Free r's arrays (r can be init'ed again). */
void ngx_ref_free(ngx_ref_t *r);

/* What the pool answered: palloc/pnalloc/pcalloc (align 0 for pnalloc),
 * pmemalign, pfree (ok), cleanup_add (record and data, NULL when refused),
 * reset. */
void ngx_ref_alloc(ngx_ref_t *r, size_t n, int align, void *p);
void ngx_ref_memalign(ngx_ref_t *r, size_t n, size_t alignment, void *p);
void ngx_ref_pfree(ngx_ref_t *r, void *p, int ok);
void ngx_ref_cleanup(ngx_ref_t *r, size_t n, const void *record, const void *data);
void ngx_ref_reset(ngx_ref_t *r);

/* 1 if p is the end of one of the pool's blocks (the byte there is not the
 * pool's: another allocation, or memory the system has not handed out). */
int ngx_ref_is_block_end(const ngx_ref_t *r, const void *p);

/* Where the rules put the newest large-list node (the list's head), or with
 * live set the newest node listing a live block; NULL when there is none. */
void *ngx_ref_large_node(const ngx_ref_t *r, int live);

/* NULL while the pool has followed the rules, else the first difference. */
const char *ngx_ref_verdict(const ngx_ref_t *r);

#endif
