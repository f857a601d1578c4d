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
 * rp_palloc and rp_pnalloc are inline (end of this header): the common case,
 * the current block has room, costs about a dozen instructions and no call
 * (14 for rp_palloc, 12 for rp_pnalloc, gcc -O3 on x86_64).
 * Their out-of-line definitions in rp.c stay the ABI.
 *
 * Not thread-safe: one pool per thread, or lock around it.
 *
 * Where rp differs from nginx's ngx_palloc.c (all of it; fuzz/diff checks rp
 * against nginx's own code with exactly these mirrored, by tag, see
 * fuzz/diff/nginx-departures.cmake):
 *   [fail-count] Every block a request passes over counts a failure, the
 *       last block too and even when upstream then refuses a new block; a
 *       block whose count was above RP_FAILED_SKIP before the failure is
 *       skipped (nginx counts only when it appends, and not the last block).
 *   [align16] palloc aligns to RP_ALIGNMENT (16), nginx to sizeof(long).
 *   [headers] The first block's header (the pool) and a large-list node are
 *       larger than nginx's (the pool keeps its upstream and statistics, a
 *       node the raw pointer and sizes), so the first block holds less and
 *       rp_max is smaller for small pools.
 *   [reset-rewind] rp_reset rewinds every block after the first to its own
 *       small header; nginx rewinds them to sizeof(ngx_pool_t), 48 bytes on.
 *   [reset-cleanups] rp_reset runs the cleanups and empties their list (the
 *       reset contract above); nginx's reset does neither.
 *   [memalign-reuse] rp_pmemalign reuses an emptied large-list node among the
 *       first RP_LARGE_REUSE_SEARCH, as palloc does; ngx_pmemalign always
 *       takes a new node.
 *   [memalign-upstream] rp_pmemalign asks upstream for size + alignment -
 *       RP_ALIGNMENT bytes and aligns inside (upstream has no aligned
 *       allocation); alignment below RP_ALIGNMENT is raised, alignment that
 *       is not a power of two refused.  nginx calls ngx_memalign as asked.
 *   [cleanup-max] rp_cleanup_add refuses data larger than rp_max(pool);
 *       nginx serves it as a large block.
 *   [destroy-order] rp_destroy gives the first block back last; nginx first.
 *   [min-size] rp_create raises sizes below RP_MIN_POOL_SIZE and rounds up to
 *       RP_ALIGNMENT; nginx takes the size as given.
 *   [size0] Size 0 is served as size 1; nginx hands out 0 bytes.
 *   [pfree-null] rp_pfree(pool, NULL) is DECLINED; nginx's matches an emptied
 *       large-list node and answers NGX_OK.
 *   [overflow] Sizes that cannot be served (size + header past SIZE_MAX) are
 *       refused before asking upstream; nginx asks upstream, which refuses.
 */
#ifndef ALLOC_RP_H
#define ALLOC_RP_H

#include <stddef.h>
#include <stdint.h>
#include "alloc/upstream.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rp_pool rp_pool_t;

#define RP_ALIGNMENT 16u            /* alignof(max_align_t) on x86_64; rp.c asserts equality */
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
 * Requests up to RP_MAX_ALLOC_FROM_POOL bytes come from blocks, as in nginx.
 * upstream NULL: libc malloc.  Returns NULL if upstream is invalid, the size
 * overflows when rounded, or upstream cannot give the first block. */
rp_pool_t *rp_create(size_t size, const alloc_upstream_t *upstream);

/* As rp_create, with the large threshold chosen: requests up to `max` bytes
 * come from blocks, larger ones are large blocks.  max above what a block
 * holds (size - header) is lowered to it; max 0 makes every request a large
 * block (as nginx's NGX_DEBUG_PALLOC).  Returns NULL as rp_create does. */
rp_pool_t *rp_create_max(size_t size, size_t max, const alloc_upstream_t *upstream);

/* Run cleanups, give back large blocks and every block.  pool NULL: no-op. */
void rp_destroy(rp_pool_t *pool);

/* See the reset contract above.  pool NULL: no-op. */
void rp_reset(rp_pool_t *pool);

/* Largest request served from blocks; larger ones are large blocks.
 * min(block size - header, RP_MAX_ALLOC_FROM_POOL or rp_create_max's max).
 * pool NULL: 0. */
size_t rp_max(const rp_pool_t *pool);

/* size bytes aligned to RP_ALIGNMENT.  Returns NULL if pool is NULL, size is
 * too large for upstream (no overflow: SIZE_MAX fails cleanly) or upstream
 * fails; the pool is then unchanged and usable.  (Inline: see below.) */
inline void *rp_palloc(rp_pool_t *pool, size_t size);

/* As rp_palloc, without alignment (small requests pack byte by byte). */
inline void *rp_pnalloc(rp_pool_t *pool, size_t size);

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

/* ---- Inline fast paths ---------------------------------------------------
 * NOT API: the structures below are rp.c's own, shown so that the inline
 * code can read them (and the fuzz harness break them); they change with
 * the library.  Use the functions.
 *
 * The inline code serves a request from the current block when it has room
 * and leaves everything else (size 0, large requests, a full block, pool
 * NULL) to rp_alloc_slow.  When the library is built with checks or
 * annotations (ALLOC_DEBUG >= 1, ASan or Valgrind), the pool sets fast_max
 * to 0, so that every request goes out of line, where blocks are filled and
 * annotated; the caller's own build settings do not matter. */

/* The header of every pool block (rp.c's block_t). */
struct rp_block {
    unsigned char *last;  /* first free byte */
    unsigned char *end;   /* one past the block */
    struct rp_block *next;
    size_t failed;        /* times a request passed over this block */
};

/* A large block's list node, in pool memory (rp.c's large_t).  The inline
 * code does not read it: it is shown for the fuzz harness's tamper modes,
 * which break the large list on purpose to see rp_check notice. */
struct rp_large {
    struct rp_large *next;
    void *alloc;          /* what the caller got; NULL once pfree'd */
    void *raw;            /* what upstream gave (differs for pmemalign) */
    size_t raw_size;
    size_t size;          /* the caller's size */
};

/* The start of every pool (rp.c's struct rp_pool begins with it). */
typedef struct rp_pool_head {
    struct rp_block first;    /* header of the block the pool lives in */
    struct rp_block *current; /* the first block a small request tries */
    size_t fast_max;          /* largest request served inline: rp_max, or 0 */
    size_t small_bytes;       /* caller's small bytes since create/reset */
} rp_pool_head_t;

/* Out of line: everything the inline path does not serve.  align: 1 for
 * rp_palloc, 0 for rp_pnalloc.  Results as rp_palloc. */
void *rp_alloc_slow(rp_pool_t *pool, size_t size, int align);

/* The shared body of rp_palloc and rp_pnalloc.  size 0 wraps to SIZE_MAX in
 * `size - 1` and goes out of line, as do sizes above fast_max; a size that
 * passes is at most a block, so the bound check by subtraction cannot wrap
 * (blocks start and end RP_ALIGNMENT-aligned: rounding `last` up never
 * passes `end`). */
inline void *rp_alloc_fast(rp_pool_t *pool, size_t size, int align)
{
    rp_pool_head_t *h = (rp_pool_head_t *)(void *)pool;
    if (pool != NULL && size - 1 < h->fast_max) {
        struct rp_block *b = h->current;
        unsigned char *m = b->last;
        if (align)
            m = (unsigned char *)(((uintptr_t)m + (RP_ALIGNMENT - 1)) & ~(uintptr_t)(RP_ALIGNMENT - 1));
        if ((size_t)(b->end - m) >= size) {
            b->last = m + size;
            h->small_bytes += size;
            return m;
        }
    }
    return rp_alloc_slow(pool, size, align);
}

inline void *rp_palloc(rp_pool_t *pool, size_t size)
{
    return rp_alloc_fast(pool, size, 1);
}

inline void *rp_pnalloc(rp_pool_t *pool, size_t size)
{
    return rp_alloc_fast(pool, size, 0);
}

#ifdef __cplusplus
}
#endif

#endif
