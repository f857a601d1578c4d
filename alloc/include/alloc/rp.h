/*
 * rp.h - the region pool, after nginx's ngx_palloc, made self-contained.
 *
 * A pool is a chain of blocks of one size (the size given to rp_create).
 * Small requests (at most rp_max(pool) bytes) bump a pointer inside a block;
 * when no block in the chain from `current` on has room, a new block is
 * appended.  Every block a request passes over counts a failure, and a block
 * that has failed more than 4 times is skipped from then on (`current` moves
 * past it).  (nginx counts failures only when a block is appended; after a
 * reset, which keeps the blocks, that would pin `current` to the first block
 * and make every request walk the chain.)  Larger requests go to upstream and are listed so that rp_pfree,
 * rp_reset and rp_destroy can give them back; list nodes emptied by rp_pfree
 * are reused by later large requests (the first few nodes are searched).
 *
 * Small memory is only released all at once, by rp_reset or rp_destroy.
 *
 * No reallocate (nginx has none either): the pool never moves or resizes a
 * block.  To grow one, rp_palloc a block of the new size, memcpy the old
 * bytes, and, if the old block was large (more than rp_max(pool) bytes),
 * rp_pfree it so its memory goes back at once; a small old block stays
 * until rp_reset.  So grow geometrically (double, as nginx's ngx_array_push
 * does), never by a fixed step: the small copies left behind then add up to
 * less than the final size.  A buffer that keeps changing size is better
 * served by sca or malloc than by a pool.
 *
 * Reset contract (nginx has none; this is ours):
 *   1. cleanup handlers run, most recently added first, each exactly once,
 *      and the cleanup list is emptied (its records lived in pool memory);
 *   2. every large block still live is given back to upstream, and the large
 *      list is emptied, the nodes emptied by rp_pfree included (they too
 *      lived in pool memory);
 *   3. every block is rewound and its failure count cleared; `current` is the
 *      first block again.  Blocks are kept for reuse, not given back.
 * Every pointer the pool handed out before a reset is dead after it.
 * rp_destroy does steps 1 and 2, then gives every block back.
 *
 * Alignment: rp_palloc, rp_pcalloc and large blocks are aligned to
 * RP_ALIGNMENT; rp_pnalloc is not aligned at all; rp_pmemalign as asked.
 * Size 0 is served as size 1 (a valid, unique pointer).
 *
 * Not thread-safe: one pool per thread, or lock around it.
 */
#ifndef ALLOC_RP_H
#define ALLOC_RP_H

#include <stddef.h>
#include "alloc/upstream.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rp_pool rp_pool_t;

#define RP_ALIGNMENT 16u            /* alignof(max_align_t) on x86_64 */
#define RP_MAX_ALLOC_FROM_POOL 4095u /* nginx: ngx_pagesize - 1, fixed here */
#define RP_DEFAULT_POOL_SIZE (16u * 1024u)
#define RP_MIN_POOL_SIZE 512u       /* rp_create raises smaller sizes to this */
#define RP_FAILED_SKIP 4u           /* a block failing more than this is skipped */
#define RP_LARGE_REUSE_SEARCH 5u    /* emptied large nodes searched for reuse */

typedef enum rp_result {
    RP_OK = 0,
    RP_DECLINED = -1
} rp_result_t;

typedef void (*rp_cleanup_fn)(void *data);

/* A cleanup record.  Set handler (and fill data) after rp_cleanup_add; a
 * NULL handler is skipped.  The record lives in pool memory. */
typedef struct rp_cleanup {
    rp_cleanup_fn handler;
    void *data;
    struct rp_cleanup *next;
} rp_cleanup_t;

typedef struct rp_stats {
    size_t bytes_requested_live;  /* small bytes since create/reset + live large bytes */
    size_t bytes_requested_peak;
    size_t small_bytes_live;      /* caller's small requests since create/reset */
    size_t large_bytes_live;      /* caller's sizes of live large blocks */
    size_t large_blocks_live;
    size_t large_nodes;           /* nodes on the large list, live or emptied */
    size_t blocks;                /* pool blocks (the first included) */
    size_t block_size;
    size_t upstream_bytes_held;   /* blocks + large blocks (with their padding) */
    size_t upstream_bytes_peak;
    size_t cleanups;              /* records on the cleanup list */
    size_t resets;
    size_t failed_requests;       /* allocation calls that ran out of memory (bad input: not counted) */
} rp_stats_t;

/* Create a pool whose blocks are `size` bytes (header included).  size below
 * RP_MIN_POOL_SIZE is raised to it; size is rounded up to RP_ALIGNMENT.
 * upstream NULL: libc malloc.  Returns NULL if upstream is invalid, the size
 * overflows when rounded, or upstream cannot give the first block. */
rp_pool_t *rp_create(size_t size, const alloc_upstream_t *upstream);

/* Run cleanups, give back large blocks and every block.  pool NULL: no-op. */
void rp_destroy(rp_pool_t *pool);

/* See the reset contract above.  pool NULL: no-op. */
void rp_reset(rp_pool_t *pool);

/* Largest request served from blocks; larger ones are large blocks.
 * min(block size - header, RP_MAX_ALLOC_FROM_POOL).  pool NULL: 0. */
size_t rp_max(const rp_pool_t *pool);

/* size bytes aligned to RP_ALIGNMENT.  Returns NULL if pool is NULL, size is
 * too large for upstream (no overflow: SIZE_MAX fails cleanly) or upstream
 * fails; the pool is then unchanged and usable. */
void *rp_palloc(rp_pool_t *pool, size_t size);

/* As rp_palloc, without alignment (small requests pack byte by byte). */
void *rp_pnalloc(rp_pool_t *pool, size_t size);

/* As rp_palloc, zero-filled. */
void *rp_pcalloc(rp_pool_t *pool, size_t size);

/* size bytes aligned to `alignment`, always a large block (rp_pfree frees
 * it).  alignment below RP_ALIGNMENT is raised to it.  Returns NULL if
 * alignment is not a power of two, size + alignment overflows, pool is NULL
 * or upstream fails. */
void *rp_pmemalign(rp_pool_t *pool, size_t size, size_t alignment);

/* Give a large block back now.  Returns RP_OK if p is a live large block of
 * this pool, RP_DECLINED otherwise (small blocks, pointers the pool never
 * gave, NULL, already freed, pool NULL); a declined call changes nothing. */
rp_result_t rp_pfree(rp_pool_t *pool, void *p);

/* Add a cleanup record with `size` bytes of data in the pool (size 0: data
 * NULL), aligned as rp_palloc.  The data counts as a small request in the
 * statistics.  Handlers run most recent first at reset and destroy, and must
 * not use the pool.  Returns NULL if pool is NULL, size > rp_max(pool), or
 * memory runs out (counted in failed_requests); nothing is added and no
 * other count changes then. */
rp_cleanup_t *rp_cleanup_add(rp_pool_t *pool, size_t size);

/* A copy of the statistics (pool NULL: all zero). */
rp_stats_t rp_stats(const rp_pool_t *pool);

/* Walk every structure and count broken invariants: block bounds (data start
 * <= last <= end), block sizes, no cycles, `current` on the chain, large list
 * nodes inside pool blocks and their counts and bytes agreeing with the
 * statistics, cleanup records inside pool blocks.  Returns 0 when sound;
 * pool NULL: 1.  Works with NDEBUG. */
size_t rp_check(const rp_pool_t *pool);

#ifdef __cplusplus
}
#endif

#endif
