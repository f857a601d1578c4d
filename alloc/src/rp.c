/*
 * rp.c - the region pool (after nginx's ngx_palloc.c).
 *
 * Memory layout.  Every block taken from upstream is block_size bytes and
 * starts with a block_t header; the first block also holds the rp_pool
 * itself, right after its header.  Small requests bump `last` towards `end`.
 * Large blocks come from upstream, each listed by a large_t node that lives
 * in pool memory (so the nodes vanish at reset, with everything else small).
 * Cleanup records live in pool memory too.
 *
 * Bounds are checked by subtraction ((size_t)(end - m) >= size), never by
 * adding a caller's size to a pointer.
 */
#include <stdint.h>
#include <string.h>

#include "alloc/rp.h"
#include "annotate.h"
#include "checked.h"
#include "upstream_pick.h"

#define FILL_HANDED_OUT 0xa5
#define FILL_RESET 0xdd

/* Defined in rp.h, for the inline fast path (and the harness's tampers). */
typedef struct rp_block block_t;

typedef struct rp_large large_t;

/* Statistics: st holds the counts kept on the slow paths.  The caller's
 * small bytes are h.small_bytes (one add on the fast path); bytes requested
 * live is derived (small + large), and its peak is settled lazily: it only
 * falls when a large block is given back or at reset, so between those it
 * peaks at its current value, which settle_peak records just before it
 * falls, and rp_stats reads. */
struct rp_pool {
    rp_pool_head_t h;     /* first block, current, fast_max, small bytes (rp.h) */
    size_t block_size;
    size_t max;
    large_t *large;
    rp_cleanup_t *cleanup;
    alloc_upstream_t up;
    rp_stats_t st;
};

#define BLOCK_HEADER (((sizeof(block_t) + RP_ALIGNMENT - 1) / RP_ALIGNMENT) * RP_ALIGNMENT)
#define POOL_HEADER (((sizeof(struct rp_pool) + RP_ALIGNMENT - 1) / RP_ALIGNMENT) * RP_ALIGNMENT)

_Static_assert(POOL_HEADER + 2 * sizeof(large_t) + RP_ALIGNMENT <= RP_MIN_POOL_SIZE,
               "the smallest pool holds its header and a few large nodes");
_Static_assert((RP_ALIGNMENT & (RP_ALIGNMENT - 1)) == 0, "alignment is a power of two");
/* What the bound checks rely on: every block starts RP_ALIGNMENT-aligned.
 * Upstream promises alignof(max_align_t), so that must be a multiple of
 * RP_ALIGNMENT.  Its size is a multiple of RP_ALIGNMENT (rp_create rounds
 * it), so `end` is aligned too: rounding `last` up to the alignment never
 * passes `end`, and the bound check (size_t)(end - m) >= size needs no
 * m <= end guard (where blocks were only 8-aligned, end - m could wrap). */
_Static_assert(_Alignof(max_align_t) % RP_ALIGNMENT == 0, "upstream blocks start RP_ALIGNMENT-aligned");
/* What the contract promises: rp_palloc is aligned as malloc.  With the
 * assert above, RP_ALIGNMENT is exactly alignof(max_align_t). */
_Static_assert(RP_ALIGNMENT % _Alignof(max_align_t) == 0, "palloc is malloc-aligned");
_Static_assert(offsetof(struct rp_pool, h) == 0, "the inline fast path reads the pool's head");

/* The inline fast path (rp.h) hands out memory without filling or
 * annotating it, so it is on only when the library does neither. */
#define FAST_PATH_ON (ALLOC_DEBUG == 0 && !ALLOC_ASAN_ACTIVE && !ALLOC_ANNOTATE_VALGRIND)

/* The ABI: the inline functions of rp.h get their external definitions here. */
extern void *rp_alloc_fast(rp_pool_t *pool, size_t size, int align);
extern void *rp_palloc(rp_pool_t *pool, size_t size);
extern void *rp_pnalloc(rp_pool_t *pool, size_t size);

/* ---- small helpers -------------------------------------------------------- */

static unsigned char *block_data(const rp_pool_t *pool, const block_t *b)
{
    return (unsigned char *)b + (b == &pool->h.first ? POOL_HEADER : BLOCK_HEADER);
}

static void note_upstream(rp_pool_t *pool, size_t add, size_t sub)
{
    pool->st.upstream_bytes_held = pool->st.upstream_bytes_held - sub + add;
    if (pool->st.upstream_bytes_held > pool->st.upstream_bytes_peak)
        pool->st.upstream_bytes_peak = pool->st.upstream_bytes_held;
}

/* The caller's bytes live: small since create/reset, plus live large. */
static size_t requested_live(const rp_pool_t *pool)
{
    return pool->h.small_bytes + pool->st.large_bytes_live;
}

/* Record the peak of requested_live before it falls (see struct rp_pool). */
static void settle_peak(rp_pool_t *pool)
{
    size_t live = requested_live(pool);
    if (live > pool->st.bytes_requested_peak)
        pool->st.bytes_requested_peak = live;
}

static inline void hand_out(rp_pool_t *pool, void *m, size_t size)
{
    ann_hand_out(pool, m, size);
    if (ALLOC_DEBUG >= 1) {
        memset(m, FILL_HANDED_OUT, size);
        ann_undefined(m, size);
    }
}

/* ---- small allocations ---------------------------------------------------- */

/* Append a new block after `tail` and serve size bytes from its start.
 * skip_tail: the tail has failed too often (tested as for every block, on
 * its count before this failure), so the new block becomes current. */
static void *small_from_new_block(rp_pool_t *pool, block_t *tail, size_t size, int skip_tail)
{
    unsigned char *raw = pool->up.alloc(pool->up.ctx, pool->block_size);
    if (raw == NULL)
        return NULL;
    block_t *b = (block_t *)(void *)raw;
    b->end = raw + pool->block_size;
    b->next = NULL;
    b->failed = 0;
    unsigned char *m = raw + BLOCK_HEADER; /* aligned, asked or not, as in nginx */
    b->last = m + size;
    ann_no_access(m, (size_t)(b->end - m));
    tail->next = b;
    if (skip_tail)
        pool->h.current = b;
    pool->st.blocks++;
    note_upstream(pool, pool->block_size, 0);
    return m;
}

/* nginx's ngx_palloc_small + ngx_palloc_block: the first block from
 * `current` on with room serves the request, else a new block does.
 *
 * Unlike nginx, every block the walk passes over counts a failure, not only
 * when a new block ends up appended: a reset keeps all blocks, so after one
 * no block is ever appended again and nginx's rule would leave `current` on
 * the first block for good, walking the whole chain on every request. */
static void *small_alloc(rp_pool_t *pool, size_t size, int align)
{
    block_t *p = pool->h.current;
    for (;;) {
        unsigned char *m = p->last;
        if (align)
            m = (unsigned char *)align_up_ptr((uintptr_t)m, RP_ALIGNMENT);
        if ((size_t)(p->end - m) >= size) {
            p->last = m + size;
            return m;
        }
        int skip = p->failed++ > RP_FAILED_SKIP;
        if (p->next == NULL)
            return small_from_new_block(pool, p, size, skip);
        if (skip)
            pool->h.current = p->next;
        p = p->next;
    }
}

/* Pool memory for the pool's own records (large nodes, cleanups). */
static void *internal_alloc(rp_pool_t *pool, size_t size)
{
    void *m = small_alloc(pool, size, 1);
    if (m != NULL)
        ann_hand_out(pool, m, size);
    return m;
}

/* ---- large allocations ---------------------------------------------------- */

/* Upstream memory of size bytes aligned to `alignment`, listed in the pool.
 * An emptied node among the first few is reused, as in nginx. */
static void *large_alloc(rp_pool_t *pool, size_t size, size_t alignment)
{
    size_t raw_size;
    if (!ck_add(size, alignment - RP_ALIGNMENT, &raw_size))
        return NULL;
    void *raw = pool->up.alloc(pool->up.ctx, raw_size);
    if (raw == NULL)
        return NULL;
    void *p = (void *)align_up_ptr((uintptr_t)raw, alignment);

    large_t *node = NULL;
    size_t n = 0;
    for (large_t *l = pool->large; l != NULL && n < RP_LARGE_REUSE_SEARCH; l = l->next, n++) {
        if (l->alloc == NULL) {
            node = l;
            break;
        }
    }
    if (node == NULL) {
        node = internal_alloc(pool, sizeof *node);
        if (node == NULL) {
            pool->up.free(pool->up.ctx, raw, raw_size);
            return NULL;
        }
        node->next = pool->large;
        pool->large = node;
        pool->st.large_nodes++;
    }
    node->alloc = p;
    node->raw = raw;
    node->raw_size = raw_size;
    node->size = size;
    pool->st.large_blocks_live++;
    pool->st.large_bytes_live += size;
    note_upstream(pool, raw_size, 0);
    return p;
}

static void large_release(rp_pool_t *pool, large_t *l)
{
    settle_peak(pool);
    pool->up.free(pool->up.ctx, l->raw, l->raw_size);
    note_upstream(pool, 0, l->raw_size);
    pool->st.large_blocks_live--;
    pool->st.large_bytes_live -= l->size;
    l->alloc = NULL;
    l->raw = NULL;
    l->raw_size = l->size = 0;
}

/* ---- allocation entry points --------------------------------------------- */

/* Everything the inline fast path (rp_alloc_fast, rp.h) does not serve; with
 * the fast path off, everything.  The current block is tried again here:
 * small_alloc starts from it. */
void *rp_alloc_slow(rp_pool_t *pool, size_t size, int align)
{
    if (pool == NULL)
        return NULL;
    size_t req = size != 0 ? size : 1;
    void *m;
    if (req <= pool->max) {
        m = small_alloc(pool, req, align);
        if (m != NULL) {
            hand_out(pool, m, req);
            pool->h.small_bytes += size;
        }
    } else {
        m = large_alloc(pool, req, RP_ALIGNMENT);
    }
    if (m == NULL)
        pool->st.failed_requests++;
    return m;
}

void *rp_pcalloc(rp_pool_t *pool, size_t size)
{
    void *m = rp_alloc_fast(pool, size, 1);
    if (m != NULL)
        memset(m, 0, size != 0 ? size : 1);
    return m;
}

void *rp_pmemalign(rp_pool_t *pool, size_t size, size_t alignment)
{
    if (pool == NULL || !is_pow2(alignment))
        return NULL;
    if (alignment < RP_ALIGNMENT)
        alignment = RP_ALIGNMENT;
    void *m = large_alloc(pool, size != 0 ? size : 1, alignment);
    if (m == NULL)
        pool->st.failed_requests++;
    return m;
}

rp_result_t rp_pfree(rp_pool_t *pool, void *p)
{
    if (pool == NULL || p == NULL)
        return RP_DECLINED;
    for (large_t *l = pool->large; l != NULL; l = l->next) {
        if (l->alloc == p) {
            large_release(pool, l);
            return RP_OK;
        }
    }
    return RP_DECLINED;
}

rp_cleanup_t *rp_cleanup_add(rp_pool_t *pool, size_t size)
{
    if (pool == NULL || size > pool->max)
        return NULL;
    /* The record first: if the data then fails, only unseen pool memory is
     * spent and every count stays as it was. */
    rp_cleanup_t *c = internal_alloc(pool, sizeof *c);
    if (c == NULL) {
        pool->st.failed_requests++;
        return NULL;
    }
    void *data = NULL;
    if (size != 0) {
        data = rp_alloc_fast(pool, size, 1);
        if (data == NULL)
            return NULL;
    }
    c->handler = NULL;
    c->data = data;
    c->next = pool->cleanup;
    pool->cleanup = c;
    pool->st.cleanups++;
    return c;
}

/* ---- lifecycle ------------------------------------------------------------ */

rp_pool_t *rp_create(size_t size, const alloc_upstream_t *upstream)
{
    return rp_create_max(size, RP_MAX_ALLOC_FROM_POOL, upstream);
}

rp_pool_t *rp_create_max(size_t size, size_t max, const alloc_upstream_t *upstream)
{
    alloc_upstream_t up;
    if (!upstream_pick(upstream, &up))
        return NULL;
    if (size < RP_MIN_POOL_SIZE)
        size = RP_MIN_POOL_SIZE;
    if (!ck_round_up(size, RP_ALIGNMENT, &size))
        return NULL;
    unsigned char *raw = up.alloc(up.ctx, size);
    if (raw == NULL)
        return NULL;
    rp_pool_t *pool = (rp_pool_t *)(void *)raw;
    memset(pool, 0, sizeof *pool);
    pool->h.first.last = raw + POOL_HEADER;
    pool->h.first.end = raw + size;
    pool->block_size = size;
    size_t room = size - POOL_HEADER;
    pool->max = room < max ? room : max;
    pool->h.fast_max = FAST_PATH_ON ? pool->max : 0;
    pool->h.current = &pool->h.first;
    pool->up = up;
    pool->st.blocks = 1;
    pool->st.block_size = size;
    note_upstream(pool, size, 0);
    ann_pool_create(pool);
    ann_no_access(pool->h.first.last, room);
    return pool;
}

static void run_cleanups(rp_pool_t *pool)
{
    rp_cleanup_t *c = pool->cleanup;
    pool->cleanup = NULL;
    pool->st.cleanups = 0;
    for (; c != NULL; c = c->next) {
        if (c->handler != NULL)
            c->handler(c->data);
    }
}

static void release_large(rp_pool_t *pool)
{
    for (large_t *l = pool->large; l != NULL; l = l->next) {
        if (l->alloc != NULL)
            large_release(pool, l);
    }
    pool->large = NULL;
    pool->st.large_nodes = 0;
}

void rp_reset(rp_pool_t *pool)
{
    if (pool == NULL)
        return;
    run_cleanups(pool);
    release_large(pool);
    /* Every piece handed out is dead: forget them all at once. */
    ann_pool_destroy(pool);
    ann_pool_create(pool);
    for (block_t *b = &pool->h.first; b != NULL; b = b->next) {
        unsigned char *data = block_data(pool, b);
        if (ALLOC_DEBUG >= 1) {
            ann_release(data, (size_t)(b->end - data));
            memset(data, FILL_RESET, (size_t)(b->end - data));
        }
        ann_no_access(data, (size_t)(b->end - data));
        b->last = data;
        b->failed = 0;
    }
    settle_peak(pool); /* the large blocks settled it as they went; small now */
    pool->h.current = &pool->h.first;
    pool->h.small_bytes = 0;
    pool->st.resets++;
}

void rp_destroy(rp_pool_t *pool)
{
    if (pool == NULL)
        return;
    run_cleanups(pool);
    release_large(pool);
    ann_pool_destroy(pool);
    alloc_upstream_t up = pool->up;
    size_t block_size = pool->block_size;
    block_t *b = pool->h.first.next;
    while (b != NULL) {
        block_t *next = b->next;
        ann_release(b, block_size);
        up.free(up.ctx, b, block_size);
        b = next;
    }
    ann_release(pool, block_size);
    up.free(up.ctx, pool, block_size);
}

size_t rp_max(const rp_pool_t *pool)
{
    return pool != NULL ? pool->max : 0;
}

ALLOC_STATS_READER rp_stats_t rp_stats(const rp_pool_t *pool)
{
    rp_stats_t st;
    memset(&st, 0, sizeof st);
    if (pool != NULL) {
        st = pool->st;
        st.small_bytes_live = pool->h.small_bytes;
        st.bytes_requested_live = requested_live(pool);
        if (st.bytes_requested_live > st.bytes_requested_peak)
            st.bytes_requested_peak = st.bytes_requested_live;
    }
    return st;
}

/* ---- self-check ----------------------------------------------------------- */

/* Is [p, p + n) inside the used part of some block? */
static int in_used_pool_memory(const rp_pool_t *pool, const void *p, size_t n)
{
    uintptr_t x = (uintptr_t)p;
    size_t steps = 0;
    for (const block_t *b = &pool->h.first; b != NULL && steps <= pool->st.blocks; b = b->next, steps++) {
        uintptr_t lo = (uintptr_t)block_data(pool, b), hi = (uintptr_t)b->last;
        if (x >= lo && x <= hi && hi - x >= n)
            return 1;
    }
    return 0;
}

static size_t check_blocks(const rp_pool_t *pool)
{
    size_t bad = 0, n = 0;
    int current_seen = 0;
    for (const block_t *b = &pool->h.first; b != NULL; b = b->next) {
        if (++n > pool->st.blocks)
            return bad + 1; /* a cycle or a stray link */
        const unsigned char *data = block_data(pool, b);
        if (b->last < data || b->last > b->end)
            bad++;
        if ((size_t)(b->end - (const unsigned char *)b) != pool->block_size)
            bad++;
        if (b == pool->h.current)
            current_seen = 1;
    }
    if (n != pool->st.blocks)
        bad++;
    if (!current_seen)
        bad++;
    return bad;
}

static size_t check_large(const rp_pool_t *pool, size_t *raw_bytes)
{
    size_t bad = 0, nodes = 0, live = 0, bytes = 0;
    for (const large_t *l = pool->large; l != NULL; l = l->next) {
        if (++nodes > pool->st.large_nodes)
            return bad + 1;
        if (!in_used_pool_memory(pool, l, sizeof *l))
            return bad + 1; /* cannot follow a link out of pool memory */
        if (l->alloc != NULL) {
            live++;
            bytes += l->size;
            *raw_bytes += l->raw_size;
            if ((uintptr_t)l->alloc < (uintptr_t)l->raw ||
                (uintptr_t)l->alloc - (uintptr_t)l->raw > l->raw_size - l->size)
                bad++;
        }
    }
    if (nodes != pool->st.large_nodes)
        bad++;
    if (live != pool->st.large_blocks_live)
        bad++;
    if (bytes != pool->st.large_bytes_live)
        bad++;
    return bad;
}

static size_t check_cleanups(const rp_pool_t *pool)
{
    size_t bad = 0, n = 0;
    for (const rp_cleanup_t *c = pool->cleanup; c != NULL; c = c->next) {
        if (++n > pool->st.cleanups)
            return bad + 1;
        if (!in_used_pool_memory(pool, c, sizeof *c))
            return bad + 1;
    }
    if (n != pool->st.cleanups)
        bad++;
    return bad;
}

size_t rp_check(const rp_pool_t *pool)
{
    if (pool == NULL)
        return 1;
    size_t large_raw = 0;
    size_t bad = check_blocks(pool) + check_large(pool, &large_raw) + check_cleanups(pool);
    if (pool->st.upstream_bytes_held != pool->st.blocks * pool->block_size + large_raw)
        bad++;
    /* The caller's small bytes fit in what the blocks have handed out. */
    size_t used = 0, steps = 0;
    for (const block_t *b = &pool->h.first; b != NULL && steps <= pool->st.blocks; b = b->next, steps++)
        used += (size_t)(b->last - block_data(pool, b));
    if (pool->h.small_bytes > used)
        bad++;
    /* (max itself is written once, at create, as a minimum with what a
     * block holds: no check of it, since no tamper through rp.h could
     * break it.) */
    if (pool->h.fast_max != (FAST_PATH_ON ? pool->max : 0))
        bad++;
    return bad;
}
