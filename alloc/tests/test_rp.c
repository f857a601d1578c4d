/*
 * test_rp.c - the region pool's mechanics, after nginx: bump allocation,
 * `current` skipping a block that failed more than 4 times, large blocks and
 * the reuse of their emptied nodes, cleanups, and the reset contract.
 *
 * Built twice: test_rp against the library as configured (with checks or
 * annotations every request goes out of line), and test_rp_fast against a
 * copy built without them, where rp.h's inline fast path serves requests.
 */
#include <stdint.h>
#include <string.h>

#include "alloc/rp.h"
#include "check.h"

#ifndef TEST_RP_NAME
#define TEST_RP_NAME "test_rp"
#endif

typedef struct fixture {
    alloc_counting_t counting;
    alloc_upstream_t up;
    rp_pool_t *pool;
} fixture_t;

static void setup(fixture_t *f, size_t size)
{
    alloc_counting_init(&f->counting, NULL);
    f->up = alloc_counting_upstream(&f->counting);
    f->pool = rp_create(size, &f->up);
    CHECK(f->pool != NULL);
}

static void teardown(fixture_t *f)
{
    CHECK_EQ(rp_check(f->pool), 0);
    rp_destroy(f->pool);
    alloc_counting_stats_t s = alloc_counting_stats(&f->counting);
    CHECK_EQ(s.bytes_held, 0);
    CHECK_EQ(s.blocks_held, 0);
    CHECK_EQ(s.size_mismatches, 0);
}

static int same_block(const void *a, const void *b, size_t block_size)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return (x > y ? x - y : y - x) < block_size;
}

static void test_create_sizes(void)
{
    fixture_t f;
#ifdef TEST_RP_FAST_PATH
    /* This copy of the pool must serve requests inline (rp.h). */
    setup(&f, 4096);
    CHECK_EQ(((const rp_pool_head_t *)(const void *)f.pool)->fast_max, rp_max(f.pool));
    teardown(&f);
#endif
    setup(&f, 0); /* raised to the minimum */
    rp_stats_t s = rp_stats(f.pool);
    CHECK_EQ(s.block_size, RP_MIN_POOL_SIZE);
    CHECK(rp_max(f.pool) > 0 && rp_max(f.pool) < RP_MIN_POOL_SIZE);
    CHECK_EQ(s.blocks, 1);
    CHECK_EQ(s.upstream_bytes_held, RP_MIN_POOL_SIZE);
    teardown(&f);

    setup(&f, RP_DEFAULT_POOL_SIZE);
    CHECK_EQ(rp_max(f.pool), RP_MAX_ALLOC_FROM_POOL);
    teardown(&f);

    setup(&f, 1000); /* rounded up to the alignment */
    CHECK_EQ(rp_stats(f.pool).block_size, 1008);
    teardown(&f);

    alloc_counting_t c;
    alloc_counting_init(&c, NULL);
    alloc_upstream_t up = alloc_counting_upstream(&c);
    CHECK(rp_create(SIZE_MAX, &up) == NULL);      /* rounding would wrap */
    CHECK(rp_create(SIZE_MAX - 4095, &up) == NULL); /* upstream says no */
    alloc_counting_fail_next(&c, 1);
    CHECK(rp_create(4096, &up) == NULL);
    alloc_upstream_t bad = up;
    bad.alloc = NULL;
    CHECK(rp_create(4096, &bad) == NULL);
    CHECK_EQ(alloc_counting_stats(&c).bytes_held, 0);
    rp_pool_t *libc = rp_create(4096, NULL); /* default upstream */
    CHECK(libc != NULL);
    rp_destroy(libc);
}

static void test_small_alloc(void)
{
    fixture_t f;
    setup(&f, 4096);
    rp_pool_t *pool = f.pool;
    for (size_t n = 0; n < 100; n++) {
        unsigned char *p = rp_palloc(pool, n);
        CHECK(p != NULL && (uintptr_t)p % RP_ALIGNMENT == 0);
        memset(p, 1, n);
    }
    /* pnalloc packs byte by byte */
    unsigned char *a = rp_pnalloc(pool, 3), *b = rp_pnalloc(pool, 5);
    CHECK(b == a + 3);
    /* pcalloc zeroes, even where the pool wrote before (after a reset) */
    rp_reset(pool);
    for (int i = 0; i < 20; i++) {
        unsigned char *z = rp_pcalloc(pool, 200);
        size_t nonzero = 0;
        for (int j = 0; j < 200; j++)
            nonzero += z[j] != 0;
        CHECK_EQ(nonzero, 0);
        memset(z, 0xee, 200);
    }
    rp_reset(pool);
    unsigned char *z = rp_pcalloc(pool, 200);
    CHECK(z != NULL && z[0] == 0 && z[199] == 0);
    rp_stats_t s = rp_stats(pool);
    CHECK_EQ(s.small_bytes_live, 200);
    CHECK_EQ(s.resets, 2);
    teardown(&f);
}

/* Every block a request passes over counts a failure; a block that fails
 * more than 4 times is skipped from then on. */
static void test_current_skips(void)
{
    fixture_t f;
    setup(&f, 1024);
    rp_pool_t *pool = f.pool;
    size_t max = rp_max(pool);
    unsigned char *first = rp_palloc(pool, 16);
    /* Five requests too big for the first block: it fails five times. */
    for (int i = 0; i < 5; i++)
        CHECK(rp_palloc(pool, max) != NULL);
    CHECK_EQ(rp_stats(pool).blocks, 6);
    unsigned char *still = rp_palloc(pool, 16);
    CHECK(same_block(still, first, 1024));
    /* The sixth failure is one more than 4 + 1: skipped. */
    CHECK(rp_palloc(pool, max) != NULL);
    unsigned char *moved = rp_palloc(pool, 16);
    CHECK(!same_block(moved, first, 1024));
    /* A reset makes the first block current again, with a clean count. */
    rp_reset(pool);
    unsigned char *again = rp_palloc(pool, 16);
    CHECK(again == first);
    CHECK_EQ(rp_stats(pool).blocks, 7); /* blocks are kept */

    /* After a reset no block is appended, yet current still moves on: six
     * requests that do not fit the first block's rest make it skipped. */
    for (int i = 0; i < 6; i++)
        CHECK(rp_palloc(pool, max) != NULL);
    CHECK_EQ(rp_stats(pool).blocks, 7);
    moved = rp_palloc(pool, 16);
    CHECK(!same_block(moved, first, 1024));
    teardown(&f);
}

static void test_large(void)
{
    fixture_t f;
    setup(&f, 1024);
    rp_pool_t *pool = f.pool;
    size_t max = rp_max(pool);
    unsigned char *l1 = rp_palloc(pool, max + 1);
    CHECK(l1 != NULL && (uintptr_t)l1 % RP_ALIGNMENT == 0);
    rp_stats_t s = rp_stats(pool);
    CHECK_EQ(s.large_blocks_live, 1);
    CHECK_EQ(s.large_nodes, 1);
    CHECK_EQ(s.large_bytes_live, max + 1);
    CHECK_EQ(rp_pfree(pool, l1), RP_OK);
    CHECK_EQ(rp_pfree(pool, l1), RP_DECLINED); /* already freed */
    /* The emptied node is reused. */
    unsigned char *l2 = rp_pnalloc(pool, 5000);
    CHECK(l2 != NULL);
    CHECK_EQ(rp_stats(pool).large_nodes, 1);

    /* Exactly the first five nodes are searched for reuse. */
    void *l[5];
    for (int i = 0; i < 5; i++)
        l[i] = rp_palloc(pool, 2000 + (size_t)i);
    CHECK_EQ(rp_stats(pool).large_nodes, 6);
    CHECK_EQ(rp_pfree(pool, l2), RP_OK); /* l2's node is the 6th: not searched */
    void *l3 = rp_palloc(pool, 3000);
    CHECK_EQ(rp_stats(pool).large_nodes, 7);
    CHECK_EQ(rp_pfree(pool, l[1]), RP_OK); /* now the 5th: found */
    void *l4 = rp_palloc(pool, 3000);
    CHECK_EQ(rp_stats(pool).large_nodes, 7);
    (void)l3;
    (void)l4;

    /* pfree declines what is not a live large block, changing nothing. */
    void *small = rp_palloc(pool, 10);
    size_t before = alloc_counting_stats(&f.counting).bytes_held;
    int local;
    CHECK_EQ(rp_pfree(pool, small), RP_DECLINED);
    CHECK_EQ(rp_pfree(pool, &local), RP_DECLINED);
    CHECK_EQ(rp_pfree(pool, NULL), RP_DECLINED);
    CHECK_EQ(rp_pfree(NULL, small), RP_DECLINED);
    CHECK_EQ(alloc_counting_stats(&f.counting).bytes_held, before);
    CHECK_EQ(rp_check(pool), 0);

    /* pmemalign */
    size_t aligns[] = {1, 8, 16, 32, 4096, 65536};
    for (size_t i = 0; i < sizeof aligns / sizeof aligns[0]; i++) {
        unsigned char *m = rp_pmemalign(pool, 100, aligns[i]);
        size_t want = aligns[i] < RP_ALIGNMENT ? RP_ALIGNMENT : aligns[i];
        CHECK(m != NULL && (uintptr_t)m % want == 0);
        memset(m, 3, 100);
        CHECK_EQ(rp_pfree(pool, m), RP_OK);
    }
    size_t bad_aligns[] = {0, 3, 24, 100};
    for (size_t i = 0; i < 4; i++)
        CHECK(rp_pmemalign(pool, 100, bad_aligns[i]) == NULL);
    CHECK(rp_pmemalign(pool, SIZE_MAX - 100, 4096) == NULL);
    CHECK(rp_pmemalign(NULL, 100, 16) == NULL);
    teardown(&f);
}

typedef struct order_log {
    int seen[8];
    int n;
} order_log_t;

typedef struct cleanup_arg {
    order_log_t *log;
    int id;
} cleanup_arg_t;

static void record(void *data)
{
    cleanup_arg_t *arg = data;
    arg->log->seen[arg->log->n++] = arg->id;
}

static void add_recorder(rp_pool_t *pool, order_log_t *log, int id)
{
    rp_cleanup_t *c = rp_cleanup_add(pool, sizeof(cleanup_arg_t));
    CHECK(c != NULL && c->data != NULL);
    if (c == NULL)
        return;
    CHECK((uintptr_t)c->data % RP_ALIGNMENT == 0);
    cleanup_arg_t *arg = c->data;
    arg->log = log;
    arg->id = id;
    c->handler = record;
}

static void test_cleanups_and_reset(void)
{
    fixture_t f;
    setup(&f, 2048);
    rp_pool_t *pool = f.pool;
    order_log_t log = {{0}, 0};
    add_recorder(pool, &log, 1);
    add_recorder(pool, &log, 2);
    CHECK(rp_cleanup_add(pool, 0) != NULL); /* NULL handler: skipped */
    add_recorder(pool, &log, 3);
    CHECK_EQ(rp_stats(pool).cleanups, 4);
    CHECK(rp_cleanup_add(pool, rp_max(pool) + 1) == NULL);
    CHECK(rp_cleanup_add(NULL, 8) == NULL);

    void *big = rp_palloc(pool, 100000);
    CHECK(big != NULL);
    void *freed = rp_palloc(pool, 50000);
    CHECK_EQ(rp_pfree(pool, freed), RP_OK);
    rp_stats_t s = rp_stats(pool);
    CHECK_EQ(s.large_nodes, 2);
    CHECK_EQ(s.large_blocks_live, 1);

    /* Reset: handlers run LIFO, once; large blocks go back; lists emptied. */
    rp_reset(pool);
    CHECK_EQ(log.n, 3);
    CHECK(log.seen[0] == 3 && log.seen[1] == 2 && log.seen[2] == 1);
    s = rp_stats(pool);
    CHECK_EQ(s.cleanups, 0);
    CHECK_EQ(s.large_nodes, 0);
    CHECK_EQ(s.large_blocks_live, 0);
    CHECK_EQ(s.bytes_requested_live, 0);
    CHECK_EQ(s.upstream_bytes_held, s.blocks * s.block_size);
    CHECK_EQ(alloc_counting_stats(&f.counting).bytes_held, s.upstream_bytes_held);
    CHECK_EQ(rp_pfree(pool, big), RP_DECLINED); /* gone with the reset */
    CHECK_EQ(rp_check(pool), 0);

    /* After a reset, destroy runs only what was added since. */
    add_recorder(pool, &log, 4);
    rp_destroy(pool);
    CHECK_EQ(log.n, 4);
    CHECK_EQ(log.seen[3], 4);
    CHECK_EQ(alloc_counting_stats(&f.counting).bytes_held, 0);
}

static void test_stats_and_bad_input(void)
{
    fixture_t f;
    setup(&f, 1024);
    rp_pool_t *pool = f.pool;
    rp_palloc(pool, 100);
    rp_pnalloc(pool, 7);
    rp_pcalloc(pool, 0);
    void *l = rp_palloc(pool, 3000);
    rp_stats_t s = rp_stats(pool);
    CHECK_EQ(s.small_bytes_live, 107);
    CHECK_EQ(s.large_bytes_live, 3000);
    CHECK_EQ(s.bytes_requested_live, 3107);
    CHECK_EQ(s.upstream_bytes_held, alloc_counting_stats(&f.counting).bytes_held);
    rp_pfree(pool, l);
    s = rp_stats(pool);
    CHECK_EQ(s.bytes_requested_live, 107);
    CHECK_EQ(s.bytes_requested_peak, 3107);

    CHECK(rp_palloc(NULL, 8) == NULL);
    CHECK(rp_pnalloc(NULL, 8) == NULL);
    CHECK(rp_pcalloc(NULL, 8) == NULL);
    CHECK_EQ(rp_max(NULL), 0);
    CHECK_EQ(rp_check(NULL), 1);
    rp_reset(NULL);
    rp_destroy(NULL);
    size_t huge[] = {SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 15, SIZE_MAX / 2 + 1};
    for (size_t i = 0; i < 4; i++) {
        CHECK(rp_palloc(pool, huge[i]) == NULL);
        CHECK(rp_pnalloc(pool, huge[i]) == NULL);
        CHECK(rp_pcalloc(pool, huge[i]) == NULL);
    }
    CHECK_EQ(rp_stats(pool).failed_requests, 12);
    /* Upstream failure: a new block and a large block both fail cleanly. */
    alloc_counting_fail_next(&f.counting, SIZE_MAX);
    size_t blocks = rp_stats(pool).blocks;
    int failed = 0;
    for (int i = 0; i < 10 && !failed; i++)
        failed = rp_palloc(pool, rp_max(pool)) == NULL;
    CHECK(failed);
    CHECK_EQ(rp_stats(pool).blocks, blocks);
    CHECK(rp_palloc(pool, 5000) == NULL);
    CHECK_EQ(rp_check(pool), 0);
    alloc_counting_fail_next(&f.counting, 0);
    CHECK(rp_palloc(pool, rp_max(pool)) != NULL);
    teardown(&f);
}

/* rp_create_max: the large threshold is the caller's, clipped to a block. */
static void test_create_max(void)
{
    alloc_counting_t c;
    alloc_counting_init(&c, NULL);
    alloc_upstream_t up = alloc_counting_upstream(&c);

    rp_pool_t *pool = rp_create_max(4096, 100, &up);
    CHECK(pool != NULL);
    CHECK_EQ(rp_max(pool), 100);
    void *small = rp_palloc(pool, 100), *large = rp_palloc(pool, 101);
    CHECK(small != NULL && large != NULL);
    CHECK_EQ(rp_pfree(pool, small), RP_DECLINED);
    CHECK_EQ(rp_stats(pool).large_blocks_live, 1);
    CHECK_EQ(rp_pfree(pool, large), RP_OK);
    CHECK(rp_cleanup_add(pool, 101) == NULL); /* cleanup data must be small */
    CHECK_EQ(rp_check(pool), 0);
    rp_destroy(pool);

    /* Above what a block holds: lowered to it; the whole room is usable. */
    pool = rp_create_max(1024, SIZE_MAX, &up);
    size_t room = rp_max(pool);
    CHECK(room > 512 && room < 1024);
    unsigned char *p = rp_palloc(pool, room);
    CHECK(p != NULL && rp_pfree(pool, p) == RP_DECLINED);
    CHECK_EQ(rp_stats(pool).blocks, 1);
    CHECK(rp_palloc(pool, room + 1) != NULL);
    CHECK_EQ(rp_stats(pool).large_blocks_live, 1);
    CHECK_EQ(rp_check(pool), 0);
    rp_destroy(pool);

    /* max 0: every request is a large block, size 0 included. */
    pool = rp_create_max(1024, 0, &up);
    CHECK_EQ(rp_max(pool), 0);
    void *z = rp_palloc(pool, 0), *q = rp_pnalloc(pool, 1);
    CHECK(z != NULL && q != NULL && z != q);
    CHECK_EQ(rp_stats(pool).large_blocks_live, 2);
    CHECK_EQ(rp_pfree(pool, z), RP_OK);
    CHECK_EQ(rp_pfree(pool, q), RP_OK);
    CHECK(rp_cleanup_add(pool, 0) != NULL);
    CHECK_EQ(rp_check(pool), 0);
    rp_destroy(pool);

    /* The same failures as rp_create. */
    CHECK(rp_create_max(SIZE_MAX, 100, &up) == NULL);
    alloc_counting_fail_next(&c, 1);
    CHECK(rp_create_max(4096, 100, &up) == NULL);
    CHECK_EQ(alloc_counting_stats(&c).bytes_held, 0);
}

/* The current block, filled to the last byte and one past it: the bound
 * check of whichever path serves the request. */
static void test_block_boundary(void)
{
    fixture_t f;
    setup(&f, 1024);
    rp_pool_t *pool = f.pool;
    unsigned char *first = rp_pnalloc(pool, 1);
    /* Fill the first block byte by byte until a request lands elsewhere
     * (bounded: a broken bound check would never leave the block). */
    unsigned char *prev = first, *p = NULL;
    size_t served = 1;
    while (served < 1024) {
        p = rp_pnalloc(pool, 1);
        CHECK(p != NULL);
        if (p != prev + 1)
            break;
        prev = p;
        served++;
    }
    CHECK_EQ(rp_stats(pool).blocks, 2);
    CHECK(served > 512 && served < 1024);
    CHECK((uintptr_t)p - (uintptr_t)first >= served); /* outside the first block's room */
    /* The first block's room was `served` bytes (all of rp_max): after a
     * reset, the whole room fits exactly; after one byte, the rest of the
     * room fits exactly and one more byte goes to the next block. */
    CHECK_EQ(rp_max(pool), served);
    rp_reset(pool);
    CHECK(rp_palloc(pool, served) == first);
    rp_reset(pool);
    CHECK(rp_pnalloc(pool, 1) == first);
    CHECK(rp_pnalloc(pool, served - 1) == first + 1);
    rp_reset(pool);
    CHECK(rp_pnalloc(pool, 1) == first);
    unsigned char *over = rp_pnalloc(pool, served);
    CHECK(over != NULL && (uintptr_t)over - (uintptr_t)first >= served); /* the next block */
    CHECK_EQ(rp_stats(pool).small_bytes_live, served + 1);
    CHECK_EQ(rp_stats(pool).large_blocks_live, 0);
    /* Alignment after an odd byte: the next palloc skips to the boundary. */
    rp_reset(pool);
    unsigned char *odd = rp_pnalloc(pool, 1);
    unsigned char *aligned = rp_palloc(pool, 1);
    CHECK(odd == first && aligned == first + RP_ALIGNMENT);
    CHECK_EQ(rp_check(pool), 0);
    teardown(&f);
}

/* Statistics derived off the fast path: bytes requested live and its peak
 * are exact through allocations, pfree, pmemalign, cleanups and resets. */
static void test_stats_derived(void)
{
    fixture_t f;
    setup(&f, 4096);
    rp_pool_t *pool = f.pool;
    size_t small = 0;
    for (size_t n = 0; n < 40; n++) {
        CHECK(rp_palloc(pool, n) != NULL);
        CHECK(rp_pnalloc(pool, n) != NULL);
        small += 2 * n;
    }
    void *l1 = rp_palloc(pool, 5000);
    void *l2 = rp_pmemalign(pool, 100, 64);
    rp_stats_t s = rp_stats(pool);
    CHECK_EQ(s.small_bytes_live, small);
    CHECK_EQ(s.bytes_requested_live, small + 5100);
    CHECK_EQ(s.bytes_requested_peak, small + 5100);
    CHECK_EQ(rp_pfree(pool, l1), RP_OK);
    CHECK(rp_cleanup_add(pool, 24) != NULL); /* its data counts as small */
    small += 24;
    s = rp_stats(pool);
    CHECK_EQ(s.bytes_requested_live, small + 100);
    CHECK_EQ(s.bytes_requested_peak, small - 24 + 5100);
    /* Grow past the old peak with small requests only: the peak follows. */
    for (int i = 0; i < 3; i++) {
        CHECK(rp_palloc(pool, 3000) != NULL);
        small += 3000;
    }
    s = rp_stats(pool);
    CHECK_EQ(s.bytes_requested_live, small + 100);
    CHECK_EQ(s.bytes_requested_peak, small + 100);
    CHECK_EQ(rp_pfree(pool, l2), RP_OK);
    rp_reset(pool);
    s = rp_stats(pool);
    CHECK_EQ(s.small_bytes_live, 0);
    CHECK_EQ(s.bytes_requested_live, 0);
    CHECK_EQ(s.bytes_requested_peak, small + 100);
    CHECK_EQ(rp_check(pool), 0);
    teardown(&f);
}

int main(void)
{
    test_create_sizes();
    test_small_alloc();
    test_current_skips();
    test_large();
    test_cleanups_and_reset();
    test_stats_and_bad_input();
    test_create_max();
    test_block_boundary();
    test_stats_derived();
    return check_report(TEST_RP_NAME);
}
