/*
 * test_sca.c - the size-class allocator's mechanics, after SGI: refill by a
 * batch, a short chunk giving what it can, the leftover going to the list
 * that fits it, chunk growth, borrowing from larger classes when upstream
 * refuses; the large path, reallocate, statistics and bad input.
 */
#include <stdint.h>
#include <string.h>

#include "alloc/sca.h"
#include "check.h"
#include "poke.h"

#ifndef ALLOC_DEBUG
#define ALLOC_DEBUG 0
#endif

typedef struct fixture {
    alloc_counting_t counting;
    sca_t *a;
} fixture_t;

/* report NULL: the default (print and abort on a bad free). */
static void setup_reporting(fixture_t *f, size_t batch, sca_report_fn report)
{
    alloc_counting_init(&f->counting, NULL);
    sca_options_t o = sca_options_default();
    o.refill_batch = batch;
    o.report = report;
    o.upstream = alloc_counting_upstream(&f->counting);
    f->a = sca_create(&o);
    CHECK(f->a != NULL);
}

static void setup(fixture_t *f, size_t batch)
{
    setup_reporting(f, batch, NULL);
}

static void teardown(fixture_t *f)
{
    CHECK_EQ(sca_check(f->a), 0);
    sca_destroy(f->a);
    alloc_counting_stats_t s = alloc_counting_stats(&f->counting);
    CHECK_EQ(s.bytes_held, 0);
    CHECK_EQ(s.blocks_held, 0);
    CHECK_EQ(s.size_mismatches, 0);
}

static void test_refill_leftover_growth(void)
{
    fixture_t f;
    setup(&f, 20);
    sca_t *a = f.a;

    /* First request of class 24: a chunk of 2 x 20 x 24 bytes, 20 carved. */
    void *p = sca_allocate(a, 24);
    CHECK(p != NULL);
    sca_stats_t s = sca_stats(a);
    CHECK_EQ(s.chunks, 1);
    CHECK_EQ(s.chunk_bytes, 960);
    CHECK_EQ(s.free_list_blocks, 19);
    /* The batch is handed out in address order, from the list. */
    void *q = sca_allocate(a, 20);
    CHECK((unsigned char *)q == (unsigned char *)p + 24);
    for (int i = 0; i < 18; i++)
        sca_allocate(a, 24);
    CHECK_EQ(sca_stats(a).free_list_blocks, 0);
    /* The 21st comes from the other half of the chunk: no new chunk. */
    sca_allocate(a, 24);
    s = sca_stats(a);
    CHECK_EQ(s.chunks, 1);
    CHECK_EQ(s.free_list_blocks, 19);

    /* Class 64 finds the chunk empty: new chunk of 2 x 1280 + 960/16 rounded. */
    sca_allocate(a, 64);
    s = sca_stats(a);
    CHECK_EQ(s.chunks, 2);
    CHECK_EQ(s.chunk_bytes, 960 + 2560 + 64);
    CHECK_EQ(s.free_list_blocks, 19 + 19);

    /* Uncarved now 2624 - 1280 = 1344: class 128 gets a short batch of 10. */
    sca_allocate(a, 128);
    s = sca_stats(a);
    CHECK_EQ(s.chunks, 2);
    CHECK_EQ(s.free_list_blocks, 38 + 9);

    /* 64 bytes left, class 72 needs more: the 64 go to the class-64 list,
     * then a new chunk of 2 x 1440 + 3584/16. */
    sca_allocate(a, 72);
    s = sca_stats(a);
    CHECK_EQ(s.chunks, 3);
    CHECK_EQ(s.chunk_bytes, 3584 + 2880 + 224);
    CHECK_EQ(s.free_list_blocks, 47 + 1 + 19);
    /* ... and that leftover is the next class-64 block handed out? No: the
     * list is LIFO, the leftover was pushed last, so it comes first. */
    unsigned char *left = sca_allocate(a, 64);
    CHECK(left != NULL);
    CHECK_EQ(sca_check(a), 0);
    teardown(&f);
}

static void test_borrow_on_failure(void)
{
    fixture_t f;
    setup(&f, 20);
    sca_t *a = f.a;
    CHECK(sca_allocate(a, 16) != NULL); /* chunk 640: 19 x 16 on the list, 320 uncarved */
    CHECK(sca_allocate(a, 64) != NULL); /* short batch of 5: 4 x 64 on the list */
    sca_stats_t s = sca_stats(a);
    CHECK_EQ(s.chunks, 1);
    CHECK_EQ(s.free_list_blocks, 19 + 4);

    /* Upstream refuses from now on: class 8 is served by carving the larger
     * free blocks, 19 x 16 + 4 x 64 = 560 bytes = 70 blocks of 8. */
    alloc_counting_fail_next(&f.counting, SIZE_MAX);
    size_t served = 0;
    while (sca_allocate(a, 8) != NULL) {
        served++;
        if (served > 1000)
            break;
    }
    CHECK_EQ(served, 70);
    s = sca_stats(a);
    CHECK_EQ(s.borrows, 23);
    CHECK_EQ(s.failed_requests, 1);
    CHECK_EQ(s.chunks, 1);
    CHECK_EQ(sca_check(a), 0);
    /* Large requests fail cleanly too; the instance stays usable. */
    CHECK(sca_allocate(a, 1000) == NULL);
    alloc_counting_fail_next(&f.counting, 0);
    CHECK(sca_allocate(a, 8) != NULL);
    CHECK(sca_allocate(a, 1000) != NULL);
    CHECK_EQ(sca_stats(a).chunks, 2);
    teardown(&f);
}

static void test_large_and_reallocate(void)
{
    fixture_t f;
    setup(&f, 20);
    sca_t *a = f.a;
    unsigned char *big = sca_allocate(a, 129);
    CHECK(big != NULL);
    CHECK((uintptr_t)big % _Alignof(max_align_t) == 0);
    sca_stats_t s = sca_stats(a);
    CHECK_EQ(s.large_blocks_live, 1);
    CHECK_EQ(s.chunks, 0);
    memset(big, 0x5a, 129);

    /* large -> large keeps the bytes */
    big = sca_reallocate(a, big, 129, 5000);
    CHECK(big != NULL && big[0] == 0x5a && big[128] == 0x5a);
    CHECK_EQ(sca_stats(a).bytes_requested_live, 5000);
    /* large -> small keeps the prefix */
    unsigned char *small = sca_reallocate(a, big, 5000, 40);
    CHECK(small != NULL && small[0] == 0x5a && small[39] == 0x5a);
    s = sca_stats(a);
    CHECK_EQ(s.large_blocks_live, 0);
    CHECK_EQ(s.small_blocks_live, 1);
    /* same class: same block */
    CHECK(sca_reallocate(a, small, 40, 37) == small);
    CHECK(sca_reallocate(a, small, 37, 40) == small);
    memset(small + 37, 0x5a, 3); /* only 37 bytes were kept: write the rest */
    /* small -> other small class */
    unsigned char *s2 = sca_reallocate(a, small, 40, 100);
    CHECK(s2 != NULL && s2 != small && s2[0] == 0x5a && s2[39] == 0x5a);
    /* small -> large */
    unsigned char *l2 = sca_reallocate(a, s2, 100, 300);
    CHECK(l2 != NULL && l2[39] == 0x5a);
    /* NULL p is allocate */
    unsigned char *fresh = sca_reallocate(a, NULL, 0, 12);
    CHECK(fresh != NULL);
    s = sca_stats(a);
    CHECK_EQ(s.bytes_requested_live, 300 + 12);
    CHECK_EQ(s.reallocs, 6);
    CHECK_EQ(s.blocks_live, 2);
    /* Failure leaves p valid and unchanged. */
    alloc_counting_fail_next(&f.counting, SIZE_MAX);
    CHECK(sca_reallocate(a, l2, 300, 100000) == NULL);
    CHECK(sca_reallocate(a, fresh, 12, 4000) == NULL);
    alloc_counting_fail_next(&f.counting, 0);
    CHECK(l2[39] == 0x5a);
    CHECK_EQ(sca_stats(a).bytes_requested_live, 300 + 12);
    sca_deallocate(a, fresh, 12);
    /* l2 is left live on purpose: destroy must give it back. */
    teardown(&f);
}

static void test_stats(void)
{
    fixture_t f;
    setup(&f, 20);
    sca_t *a = f.a;
    void *p[10];
    for (int i = 0; i < 10; i++)
        p[i] = sca_allocate(a, (size_t)(10 * i));
    sca_stats_t s = sca_stats(a);
    CHECK_EQ(s.bytes_requested_live, 450);
    CHECK_EQ(s.bytes_requested_peak, 450);
    CHECK_EQ(s.blocks_live, 10);
    CHECK_EQ(s.small_blocks_live, 10);
    CHECK_EQ(s.upstream_bytes_held, alloc_counting_stats(&f.counting).bytes_held);
    for (int i = 0; i < 5; i++)
        sca_deallocate(a, p[i], (size_t)(10 * i));
    s = sca_stats(a);
    CHECK_EQ(s.bytes_requested_live, 350);
    CHECK_EQ(s.bytes_requested_peak, 450);
    CHECK_EQ(s.blocks_live, 5);
    CHECK_EQ(s.upstream_bytes_peak, alloc_counting_stats(&f.counting).peak_bytes_held);
    teardown(&f);
}

static void test_bad_input(void)
{
    fixture_t f;
    setup_reporting(&f, 20, sca_report_count_only); /* bad frees below on purpose */
    sca_t *a = f.a;
    CHECK(sca_allocate(NULL, 8) == NULL);
    CHECK(sca_reallocate(NULL, NULL, 0, 8) == NULL);
    sca_deallocate(NULL, (void *)&f, 8); /* no-op */
    sca_deallocate(a, NULL, 8);          /* no-op */
    sca_destroy(NULL);
    CHECK_EQ(sca_check(NULL), 1);
    CHECK_EQ(sca_class_size(NULL, 8), 0);
    CHECK_EQ(sca_stats(NULL).blocks_live, 0);

    /* Sizes near SIZE_MAX fail cleanly: no wrap in any rounding. */
    size_t huge[] = {SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 15, SIZE_MAX - 31, SIZE_MAX / 2 + 1};
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++)
        CHECK(sca_allocate(a, huge[i]) == NULL);
    CHECK_EQ(sca_stats(a).failed_requests, 5);
    unsigned char *p = sca_allocate(a, 0); /* 0 is served as 1 */
    CHECK(p != NULL);
    CHECK(sca_reallocate(a, p, 0, SIZE_MAX) == NULL);
    unsigned char *p2 = sca_reallocate(a, p, 0, 0);
    CHECK(p2 == p);
    sca_deallocate(a, p2, 0);

    if (ALLOC_DEBUG >= 1) {
        /* A pointer the allocator never gave is refused, not listed. */
        unsigned char local[64];
        sca_deallocate(a, local + 8, 16);
        CHECK_EQ(sca_stats(a).bad_frees, 1);
        /* A pointer off the granule grid inside a chunk, too. */
        unsigned char *q = sca_allocate(a, 16);
        sca_deallocate(a, q + 3, 16);
        CHECK_EQ(sca_stats(a).bad_frees, 2);
        sca_deallocate(a, q, 16);
        sca_deallocate(a, q, 16); /* double free */
        CHECK_EQ(sca_stats(a).bad_frees, 3);
        CHECK_EQ(sca_check(a), 0);
    }

    /* Invalid options are refused. */
    sca_options_t o = sca_options_default();
    size_t bad_granules[] = {0, 4, 12, 128};
    for (size_t i = 0; i < 4; i++) {
        o = sca_options_default();
        o.granule = bad_granules[i];
        CHECK(sca_create(&o) == NULL);
    }
    o = sca_options_default();
    o.small_limit = 100;
    CHECK(sca_create(&o) == NULL);
    o.small_limit = 0;
    CHECK(sca_create(&o) == NULL);
    o.small_limit = 8 * (SCA_MAX_CLASSES + 1);
    CHECK(sca_create(&o) == NULL);
    o = sca_options_default();
    o.refill_batch = 0;
    CHECK(sca_create(&o) == NULL);
    o.refill_batch = SCA_MAX_REFILL_BATCH + 1;
    CHECK(sca_create(&o) == NULL);
    o = sca_options_default();
    o.upstream.free = NULL;
    CHECK(sca_create(&o) == NULL);
    /* Upstream refusing the instance itself. */
    alloc_counting_t c;
    alloc_counting_init(&c, NULL);
    alloc_counting_fail_next(&c, 1);
    o = sca_options_default();
    o.upstream = alloc_counting_upstream(&c);
    CHECK(sca_create(&o) == NULL);
    CHECK_EQ(alloc_counting_stats(&c).bytes_held, 0);
    /* Defaults come back from an instance. */
    sca_options_t got = sca_options(a);
    CHECK_EQ(got.granule, 8);
    CHECK_EQ(got.small_limit, 128);
    CHECK_EQ(got.refill_batch, 20);
    teardown(&f);
}

/* The self-check must see a broken structure (its own negative control). */
static void test_check_bites(void)
{
    fixture_t f;
    setup(&f, 4);
    sca_t *a = f.a;
    void *p = sca_allocate(a, 32);
    void *q = sca_allocate(a, 32);
    sca_deallocate(a, p, 32);
    CHECK_EQ(sca_check(a), 0);
    /* Plant a cycle: the freed block's link points at itself. */
    unsigned char saved[sizeof(void *)];
    peek(saved, p, sizeof saved);
    poke(p, &p, sizeof p);
    CHECK(sca_check(a) > 0);
    poke(p, saved, sizeof saved);
    CHECK_EQ(sca_check(a), 0);
    /* A link into memory the allocator does not own. */
    void *stray = &f;
    poke(p, &stray, sizeof stray);
    CHECK(sca_check(a) > 0);
    poke(p, saved, sizeof saved);
    sca_deallocate(a, q, 32);
    teardown(&f);
}

int main(void)
{
    test_refill_leftover_growth();
    test_borrow_on_failure();
    test_large_and_reallocate();
    test_stats();
    test_bad_input();
    test_check_bites();
    return check_report("test_sca");
}
