/*
 * test_sca_fast_layout.c - the fast layout's mechanics (sca.h,
 * SCA_LAYOUT_FAST): option checks, refills bounded in bytes, fixed chunks,
 * a chunk's leftover cut into the classes that fit it, a larger class's
 * free block carved before a new chunk, reallocate staying in
 * its class, lean statistics, bad frees, the waste cap (sizes it routes
 * are large blocks of their own size), and the inline paths: on in a
 * library built without checks (TEST_SCA_INLINE, the alloc_sca_fast copy),
 * below the first routed size, off in every checked or annotated one.
 */
#include <stdint.h>
#include <string.h>

#include "alloc/sca.h"
#include "check.h"

#ifndef ALLOC_DEBUG
#define ALLOC_DEBUG 0
#endif
#ifndef TEST_SCA_INLINE
#define TEST_SCA_INLINE 0
#endif
#ifdef CHECK_ASAN
#define UNDER_ASAN 1
#else
#define UNDER_ASAN 0
#endif
#ifndef TEST_SCA_NAME
#define TEST_SCA_NAME "test_sca_fast_layout"
#endif

typedef struct fixture {
    alloc_counting_t counting;
    sca_t *a;
} fixture_t;

/* The fast layout at its largest small limit (32 KiB), so that the
 * chunk-sized classes are small blocks; waste cap waste_cap (the fast
 * option set has none, the compact one SCA_COMPACT_WASTE_CAP). */
static void setup_capped(fixture_t *f, int lean, size_t waste_cap)
{
    alloc_counting_init(&f->counting, NULL);
    sca_options_t o = sca_options_fast();
    o.small_limit = SCA_FAST_MAX_LIMIT;
    o.lean_stats = lean;
    o.waste_cap = waste_cap;
    o.report = sca_report_count_only;
    o.upstream = alloc_counting_upstream(&f->counting);
    f->a = sca_create(&o);
    CHECK(f->a != NULL);
}

static void setup(fixture_t *f, int lean)
{
    setup_capped(f, lean, sca_options_fast().waste_cap);
}

static void teardown(fixture_t *f)
{
    CHECK_EQ(sca_check(f->a), 0);
    sca_destroy(f->a);
    alloc_counting_stats_t s = alloc_counting_stats(&f->counting);
    CHECK_EQ(s.bytes_held, 0);
    CHECK_EQ(s.size_mismatches, 0);
}

static void test_options(void)
{
    sca_options_t o = sca_options_fast();
    o.granule = 64; /* classes past 128 are multiples of 32 only */
    CHECK(sca_create(&o) == NULL);
    o = sca_options_fast();
    o.small_limit = SCA_FAST_MAX_LIMIT + 8;
    CHECK(sca_create(&o) == NULL);
    o = sca_options_fast();
    o.layout = (sca_layout_t)2;
    CHECK(sca_create(&o) == NULL);
    o = sca_options_fast();
    o.lean_stats = 2;
    CHECK(sca_create(&o) == NULL);
    o = sca_options_default();
    o.waste_cap = 8; /* SGI's classes waste less than a granule: no cap */
    CHECK(sca_create(&o) == NULL);
    CHECK_EQ(sca_options_default().waste_cap, 0);
    o = sca_options_fast();
    sca_t *a = sca_create(&o);
    CHECK(a != NULL);
    sca_options_t got = sca_options(a);
    CHECK_EQ(got.layout, SCA_LAYOUT_FAST);
    CHECK_EQ(got.lean_stats, 1);
    CHECK_EQ(got.small_limit, SCA_FAST_SMALL_LIMIT);
    CHECK_EQ(got.waste_cap, 0);
    sca_destroy(a);
    /* The compact option set is the fast one with the waste cap. */
    sca_options_t c = sca_options_compact();
    CHECK_EQ(c.layout, SCA_LAYOUT_FAST);
    CHECK_EQ(c.lean_stats, 1);
    CHECK_EQ(c.small_limit, SCA_FAST_SMALL_LIMIT);
    CHECK_EQ(c.waste_cap, SCA_COMPACT_WASTE_CAP);
    o = c;
    a = sca_create(&o);
    CHECK(a != NULL);
    /* The inline paths: on only for a lean instance of an unchecked library;
     * its allocate serves every small size (a routed one finds its list
     * empty), its deallocate only those below the first size the waste cap
     * routes (129 with a cap of 8: class 160 is 24 bytes over 136, more
     * than 136 / 8); an exact instance's, both below it. */
    size_t first_routed = SCA_COMPACT_WASTE_CAP == 8 ? 129 : SCA_FAST_SMALL_LIMIT + 1;
    const sca_head_t *h = (const sca_head_t *)(const void *)a;
    CHECK_EQ(h->fast_max, TEST_SCA_INLINE ? SCA_FAST_SMALL_LIMIT : 0);
    CHECK_EQ(h->free_max, TEST_SCA_INLINE ? first_routed - 1 : 0);
    CHECK_EQ(h->exact_max, 0);
    sca_destroy(a);
    o.lean_stats = 0;
    a = sca_create(&o);
    CHECK(a != NULL);
    h = (const sca_head_t *)(const void *)a;
    CHECK_EQ(h->fast_max, 0);
    CHECK_EQ(h->free_max, 0);
    CHECK_EQ(h->exact_max, TEST_SCA_INLINE ? first_routed - 1 : 0);
    sca_destroy(a);
    /* No cap: the inline paths serve every small size. */
    o = sca_options_fast();
    a = sca_create(&o);
    CHECK(a != NULL);
    h = (const sca_head_t *)(const void *)a;
    CHECK_EQ(h->fast_max, TEST_SCA_INLINE ? SCA_FAST_SMALL_LIMIT : 0);
    CHECK_EQ(h->free_max, TEST_SCA_INLINE ? SCA_FAST_SMALL_LIMIT : 0);
    CHECK_EQ(sca_options(a).waste_cap, 0);
    sca_destroy(a);
    o = sca_options_default();
    o.lean_stats = 1;
    a = sca_create(&o);
    CHECK(a != NULL);
    h = (const sca_head_t *)(const void *)a;
    CHECK_EQ(h->fast_max, TEST_SCA_INLINE ? SCA_DEFAULT_SMALL_LIMIT : 0);
    CHECK_EQ(h->free_max, TEST_SCA_INLINE ? SCA_DEFAULT_SMALL_LIMIT : 0);
    sca_destroy(a);
}

/* Refills bounded in bytes, fixed chunks, and the leftover cut up. */
static void test_refill_chunks_leftover(void)
{
    fixture_t f;
    setup(&f, 0);
    sca_t *a = f.a;

    /* Class 1024: a batch of SCA_FAST_BATCH_BYTES (at least one block, at
     * most refill_batch), from a 32 KiB chunk; class 32: as many as fit. */
    unsigned char *p = sca_allocate(a, 1000);
    CHECK(p != NULL);
    sca_stats_t s = sca_stats(a);
    CHECK_EQ(s.chunks, 1);
    CHECK_EQ(s.chunk_bytes, SCA_FAST_CHUNK_BYTES);
    size_t batch = SCA_FAST_BATCH_BYTES / 1024;
    CHECK_EQ(s.free_list_blocks, (batch > 20 ? 20 : batch > 0 ? batch : 1) - 1);
    void *small = sca_allocate(a, 32);
    batch = SCA_FAST_BATCH_BYTES / 32;
    CHECK_EQ(sca_stats(a).free_list_blocks - s.free_list_blocks, (batch > 20 ? 20 : batch) - 1);
    sca_deallocate(a, small, 32);
    sca_deallocate(a, p, 1000);
    CHECK_EQ(sca_allocate(a, 1024), p); /* LIFO, same class */
    sca_deallocate(a, p, 1024);

    /* A fresh instance: 20480 and 3584 (classes, one block each) leave
     * 32768 - 24064 = 8704 bytes, not a class; a request of 10240 does not
     * fit, so they go to the lists as 8192 + 512 and a new chunk comes. */
    teardown(&f);
    setup(&f, 0);
    a = f.a;
    unsigned char *b1 = sca_allocate(a, 20480);
    unsigned char *b2 = sca_allocate(a, 3584);
    CHECK(b1 != NULL && b2 == b1 + 20480);
    CHECK_EQ(sca_stats(a).free_list_blocks, 0);
    unsigned char *b3 = sca_allocate(a, 10240);
    CHECK(b3 != NULL);
    s = sca_stats(a);
    CHECK_EQ(s.chunks, 2);
    CHECK_EQ(s.chunk_bytes, 2 * SCA_FAST_CHUNK_BYTES);
    CHECK_EQ(s.free_list_blocks, 2);
    CHECK_EQ(sca_check(a), 0);
    unsigned char *l1 = sca_allocate(a, 8192), *l2 = sca_allocate(a, 512);
    CHECK(l1 == b2 + 3584);
    CHECK(l2 == l1 + 8192);
    CHECK_EQ(sca_stats(a).free_list_blocks, 0);
    sca_deallocate(a, l2, 512);
    sca_deallocate(a, l1, 8192);
    sca_deallocate(a, b3, 10240);
    sca_deallocate(a, b2, 3584);
    sca_deallocate(a, b1, 20480);
    CHECK_EQ(sca_stats(a).blocks_live, 0);

    /* A block past the chunk size is large: straight to upstream. */
    void *big = sca_allocate(a, SCA_FAST_MAX_LIMIT + 1);
    CHECK(big != NULL);
    CHECK_EQ(sca_stats(a).large_blocks_live, 1);
    sca_deallocate(a, big, SCA_FAST_MAX_LIMIT + 1);
    teardown(&f);
}

static void fill(unsigned char *p, size_t n, unsigned char seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i);
}

static size_t mismatches(const unsigned char *p, size_t n, unsigned char seed)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += p[i] != (unsigned char)(seed + i);
    return bad;
}

static void test_reallocate(void)
{
    fixture_t f;
    setup(&f, 0);
    sca_t *a = f.a;
    unsigned char *p = sca_allocate(a, 200);
    CHECK(p != NULL);
    fill(p, 200, 1);
    /* 200 -> 224: the same class (224), in place; and back down. */
    CHECK(sca_reallocate(a, p, 200, 224) == p);
    CHECK(sca_reallocate(a, p, 224, 193) == p);
    CHECK_EQ(mismatches(p, 193, 1), 0);
    /* 193 -> 300: class 320, moved, the 193 bytes kept. */
    unsigned char *q = sca_reallocate(a, p, 193, 300);
    CHECK(q != NULL && q != p);
    CHECK_EQ(mismatches(q, 193, 1), 0);
    /* Up to large and on through upstream's realloc, down again. */
    fill(q, 300, 7);
    unsigned char *r = sca_reallocate(a, q, 300, 40000);
    CHECK(r != NULL);
    CHECK_EQ(mismatches(r, 300, 7), 0);
    CHECK_EQ(sca_stats(a).large_blocks_live, 1);
    r = sca_reallocate(a, r, 40000, 100000);
    CHECK(r != NULL);
    CHECK_EQ(mismatches(r, 300, 7), 0);
    r = sca_reallocate(a, r, 100000, 100);
    CHECK(r != NULL);
    CHECK_EQ(mismatches(r, 100, 7), 0);
    sca_stats_t s = sca_stats(a);
    CHECK_EQ(s.large_blocks_live, 0);
    CHECK_EQ(s.blocks_live, 1);
    CHECK_EQ(s.reallocs, 6);
    CHECK_EQ(s.bytes_requested_live, 100);
    CHECK_EQ(s.bytes_requested_peak, 100100); /* 100 allocated before the 100000 went */
    /* Small blocks through the inline paths (when on) keep the byte counts
     * of an instance that is not lean. */
    void *x = sca_allocate(a, 16), *y = sca_allocate(a, 16);
    sca_deallocate(a, x, 16);
    x = sca_allocate(a, 10); /* the same class, off its free list */
    s = sca_stats(a);
    CHECK_EQ(s.bytes_requested_live, 126);
    sca_deallocate(a, x, 10);
    sca_deallocate(a, y, 16);
    CHECK_EQ(sca_stats(a).bytes_requested_live, 100);
    sca_deallocate(a, r, 100);
    teardown(&f);
}

/* The fast layout carves a free block of a larger class before it takes a
 * new chunk (SGI's layout borrows only when upstream refuses). */
static void test_borrow_before_chunk(void)
{
    fixture_t f;
    setup(&f, 0);
    sca_t *a = f.a;
    unsigned char *big[SCA_FAST_CHUNK_BYTES / 8192];
    for (size_t i = 0; i < SCA_FAST_CHUNK_BYTES / 8192; i++) {
        big[i] = sca_allocate(a, 8192); /* one block a refill: the chunk, whole */
        CHECK(big[i] != NULL);
    }
    sca_stats_t s = sca_stats(a);
    CHECK_EQ(s.chunks, 1);
    CHECK_EQ(s.borrows, 0);
    unsigned char *last = big[SCA_FAST_CHUNK_BYTES / 8192 - 1];
    sca_deallocate(a, last, 8192);
    /* Class 1024's list is empty and the chunk is carved to its end: the
     * free 8192 block becomes the uncarved region, and serves 1024 blocks
     * front to back. */
    unsigned char *q = sca_allocate(a, 1024);
    CHECK(q == last);
    CHECK(sca_allocate(a, 1024) == last + 1024);
    s = sca_stats(a);
    CHECK_EQ(s.chunks, 1);
    CHECK_EQ(s.borrows, 1);
    CHECK_EQ(s.small_blocks_live, SCA_FAST_CHUNK_BYTES / 8192 - 1 + 2);
    CHECK_EQ(sca_check(a), 0);
    /* No free block left in any class at least as large: a new chunk. */
    CHECK(sca_allocate(a, 16384) != NULL);
    CHECK_EQ(sca_stats(a).chunks, 2);
    CHECK_EQ(sca_stats(a).borrows, 1);
    teardown(&f);
}

/* lean_stats: requested bytes are not kept, every count is.  (No waste
 * cap, as in the fast option set: every size here is a small block;
 * test_waste_cap has routed ones.) */
static void test_lean_stats(void)
{
    fixture_t f;
    setup_capped(&f, 1, 0);
    sca_t *a = f.a;
    void *p[40];
    for (size_t i = 0; i < 40; i++) {
        p[i] = sca_allocate(a, 16 + 64 * i);
        CHECK(p[i] != NULL);
    }
    sca_stats_t s = sca_stats(a);
    CHECK_EQ(s.bytes_requested_live, 0);
    CHECK_EQ(s.bytes_requested_peak, 0);
    CHECK_EQ(s.small_blocks_live, 40);
    CHECK_EQ(sca_check(a), 0);
    for (size_t i = 0; i < 40; i += 2)
        sca_deallocate(a, p[i], 16 + 64 * i);
    s = sca_stats(a);
    CHECK_EQ(s.small_blocks_live, 20);
    CHECK_EQ(sca_check(a), 0);
    /* LIFO: the last block freed of a class comes back first. */
    CHECK(sca_allocate(a, 16 + 64 * 38) == p[38]);
    for (size_t i = 1; i < 40; i += 2)
        sca_deallocate(a, p[i], 16 + 64 * i);
    sca_deallocate(a, p[38], 16 + 64 * 38);
    CHECK_EQ(sca_stats(a).blocks_live, 0);
    teardown(&f);
}

/* Bad frees in the fast layout: the large tag in every build, the class
 * map (ALLOC_DEBUG >= 1) or ASan's shadow for small ones. */
static void test_bad_frees(void)
{
    fixture_t f;
    setup(&f, 0);
    sca_t *a = f.a;
    void *big = sca_allocate(a, 40000);
    CHECK(big != NULL);
    sca_deallocate(a, big, 40000);
    size_t before = sca_stats(a).bad_frees;
    /* A large size for a pointer with no tag before it, in memory of the
     * test's own (a real double free reads freed memory, which ASan and
     * memcheck report themselves: test_bad_frees and the matrix have it). */
    _Alignas(max_align_t) unsigned char zeroed[2 * 64];
    memset(zeroed, 0, sizeof zeroed);
    sca_deallocate(a, zeroed + 64, 40000);
    CHECK_EQ(sca_stats(a).bad_frees, before + 1);
    if ((ALLOC_DEBUG >= 1 || UNDER_ASAN) && !TEST_SCA_INLINE) {
        unsigned char *p = sca_allocate(a, 200); /* class 224 */
        CHECK(p != NULL);
        before = sca_stats(a).bad_frees;
        sca_deallocate(a, p, 300); /* class 320: wrong size */
        CHECK_EQ(sca_stats(a).bad_frees, before + 1);
        sca_deallocate(a, p, 200);
        sca_deallocate(a, p, 200); /* double free, small */
        CHECK_EQ(sca_stats(a).bad_frees, before + 2);
    }
    teardown(&f);
}

/* The waste cap (sca.h): a size whose class would waste more than 1/8 of
 * it (n rounded up to 8) is a large block of its own size, on every path
 * (allocate, deallocate, reallocate; inline or not); the rule written here
 * another way than sca.c's: d x (class - r) > r. */
static int routed(size_t n, size_t cls)
{
    size_t r = (n + 7) / 8 * 8;
    return n > 128 && SCA_COMPACT_WASTE_CAP * (cls - r) > r;
}

static void test_waste_cap(int lean)
{
    fixture_t f;
    setup_capped(&f, lean, sca_options_compact().waste_cap);
    sca_t *a = f.a;
    /* 1032 (SQLite's page): class 1280 wastes 248 > 129, routed; 1200 (80
     * <= 150) and 1024 stay small; 8032 (class 8192) and 3200 (3584: 384
     * <= 400) stay small; 4368 (5120) and 129 (160) are routed. */
    CHECK(routed(1032, 1280) && !routed(1200, 1280) && !routed(3200, 3584) && routed(4368, 5120));
    CHECK_EQ(sca_class_size(a, 1032), 1032);
    CHECK_EQ(sca_class_size(a, 4368), 4368);
    CHECK_EQ(sca_class_size(a, 129), 129);
    CHECK_EQ(sca_class_size(a, 137), 160);
    CHECK_EQ(sca_class_size(a, 1200), 1280);
    CHECK_EQ(sca_class_size(a, 1024), 1024);
    CHECK_EQ(sca_class_size(a, 3200), 3584);
    CHECK_EQ(sca_class_size(a, 8032), 8192);
    /* A 1032-byte block takes exactly 1032 bytes and the large header from
     * upstream, one call, no chunk. */
    alloc_counting_stats_t c0 = alloc_counting_stats(&f.counting);
    unsigned char *p = sca_allocate(a, 1032);
    CHECK(p != NULL);
    alloc_counting_stats_t c1 = alloc_counting_stats(&f.counting);
    CHECK_EQ(c1.alloc_calls, c0.alloc_calls + 1);
    size_t header = c1.bytes_held - c0.bytes_held - 1032;
    CHECK(header >= sizeof(void *) && header <= 64);
    sca_stats_t s = sca_stats(a);
    CHECK_EQ(s.chunks, 0);
    CHECK_EQ(s.large_blocks_live, 1);
    CHECK_EQ(s.small_blocks_live, 0);
    fill(p, 1032, 3);
    /* Given back (through sca.h's inline deallocate when it is on): to
     * upstream at once; allocated again: the same way. */
    sca_deallocate(a, p, 1032);
    c1 = alloc_counting_stats(&f.counting);
    CHECK_EQ(c1.bytes_held, c0.bytes_held);
    CHECK_EQ(c1.free_calls, c0.free_calls + 1);
    CHECK_EQ(sca_stats(a).large_blocks_live, 0);
    p = sca_allocate(a, 1032);
    CHECK(p != NULL);
    CHECK_EQ(alloc_counting_stats(&f.counting).bytes_held, c0.bytes_held + 1032 + header);
    fill(p, 1032, 3);
    /* Reallocate: routed to routed through upstream's realloc (1100: class
     * 1280 wastes 176 > 138), routed to small (1200) moves into class 1280,
     * and back. */
    unsigned char *q = sca_reallocate(a, p, 1032, 1100);
    CHECK(q != NULL);
    CHECK_EQ(mismatches(q, 1032, 3), 0);
    CHECK_EQ(alloc_counting_stats(&f.counting).realloc_calls, c0.realloc_calls + 1);
    CHECK_EQ(sca_stats(a).large_blocks_live, 1);
    q = sca_reallocate(a, q, 1100, 1200);
    CHECK(q != NULL);
    CHECK_EQ(mismatches(q, 1032, 3), 0);
    s = sca_stats(a);
    CHECK_EQ(s.large_blocks_live, 0);
    CHECK_EQ(s.small_blocks_live, 1);
    q = sca_reallocate(a, q, 1200, 1032);
    CHECK(q != NULL);
    CHECK_EQ(mismatches(q, 1032, 3), 0);
    CHECK_EQ(sca_stats(a).large_blocks_live, 1);
    /* Every size from 1 to 8 KiB: routed exactly when the rule says so,
     * each allocated and given back (the inline paths where they are on). */
    size_t wrong = 0;
    for (size_t n = 1; n <= SCA_FAST_SMALL_LIMIT; n++) {
        size_t before = sca_stats(a).large_blocks_live;
        unsigned char *b = sca_allocate(a, n);
        CHECK(b != NULL);
        size_t cls = sca_class_size(a, n);
        int large = sca_stats(a).large_blocks_live == before + 1;
        /* the class the fast layout would give n: the smallest holding it */
        size_t want = n <= 128 ? (n + 7) / 8 * 8 : 0;
        for (size_t k = 128; want == 0; k *= 2)
            for (size_t j = 1; j <= 4 && want == 0; j++)
                if (k + j * k / 4 >= n)
                    want = k + j * k / 4;
        wrong += large != routed(n, want) || cls != (large ? n : want);
        b[0] = b[n - 1] = 0x5a;
        sca_deallocate(a, b, n);
        wrong += sca_stats(a).large_blocks_live != before;
    }
    CHECK_EQ(wrong, 0);
    /* A small block given back with a routed size of its class is a bad
     * free of a large size: refused in every build (no tag before it). */
    unsigned char *sm = sca_allocate(a, 1200);
    CHECK(sm != NULL);
    size_t bad = sca_stats(a).bad_frees;
    sca_deallocate(a, sm, 1032);
    CHECK_EQ(sca_stats(a).bad_frees, bad + 1);
    sca_deallocate(a, sm, 1200);
    CHECK_EQ(sca_stats(a).bad_frees, bad + 1);
    sca_deallocate(a, q, 1032);
    CHECK_EQ(sca_stats(a).blocks_live, 0);
    teardown(&f);
}

int main(void)
{
    test_options();
    test_refill_chunks_leftover();
    test_reallocate();
    test_borrow_before_chunk();
    test_lean_stats();
    test_bad_frees();
    test_waste_cap(0);
    test_waste_cap(1);
    return check_report(TEST_SCA_NAME);
}
