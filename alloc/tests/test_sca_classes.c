/*
 * test_sca_classes.c - every request size against its class, exhaustively
 * for 0..small limit (+ a few above), under several option sets: the class
 * is the size rounded up to the granule (0 -> granule), the block is aligned
 * and writable in full, and everything comes back at destroy.
 */
#include <stdint.h>
#include <string.h>

#include "alloc/sca.h"
#include "check.h"

static size_t expected_class(size_t n, size_t granule, size_t limit)
{
    size_t req = n != 0 ? n : 1;
    if (req > limit)
        return req;
    return (req + granule - 1) / granule * granule;
}

static void sweep(size_t granule, size_t limit, size_t batch)
{
    alloc_counting_t c;
    alloc_counting_init(&c, NULL);
    sca_options_t o = sca_options_default();
    o.granule = granule;
    o.small_limit = limit;
    o.refill_batch = batch;
    o.upstream = alloc_counting_upstream(&c);
    sca_t *a = sca_create(&o);
    CHECK(a != NULL);
    if (a == NULL)
        return;

    size_t top = limit + 3 * granule;
    size_t align = granule < _Alignof(max_align_t) ? granule : _Alignof(max_align_t);
    unsigned char *blocks[4096 + 3 * 64 + 1];
    for (size_t n = 0; n <= top; n++) {
        size_t cls = sca_class_size(a, n);
        CHECK_EQ(cls, expected_class(n, granule, limit));
        /* round trip: a class is its own class, and the slack is < granule */
        CHECK_EQ(sca_class_size(a, cls), cls);
        CHECK(n > limit || cls - (n != 0 ? n : 1) < granule);
        unsigned char *p = sca_allocate(a, n);
        blocks[n] = p;
        CHECK(p != NULL);
        if (p == NULL)
            continue;
        CHECK((uintptr_t)p % (n > limit ? _Alignof(max_align_t) : align) == 0);
        memset(p, (int)(n & 0xff), n);
    }
    CHECK_EQ(sca_check(a), 0);
    for (size_t n = 0; n <= top; n++) {
        if (blocks[n] == NULL)
            continue;
        /* No block overwrote another: each still holds its own byte. */
        size_t bad = 0;
        for (size_t i = 0; i < n; i++)
            bad += blocks[n][i] != (unsigned char)(n & 0xff);
        CHECK_EQ(bad, 0);
        sca_deallocate(a, blocks[n], n);
    }
    sca_stats_t s = sca_stats(a);
    CHECK_EQ(s.blocks_live, 0);
    CHECK_EQ(s.bytes_requested_live, 0);
    CHECK_EQ(sca_check(a), 0);
    sca_destroy(a);
    CHECK_EQ(alloc_counting_stats(&c).bytes_held, 0);
    CHECK_EQ(alloc_counting_stats(&c).size_mismatches, 0);
}

int main(void)
{
    sweep(8, 128, 20);   /* SGI's defaults */
    sweep(8, 8, 1);      /* one class, no batching */
    sweep(16, 256, 7);
    sweep(32, 512, 20);
    sweep(64, 4096, 3);  /* largest granule, 64 classes */
    sweep(8, 2048, 20);  /* the most classes: 256 */
    return check_report("test_sca_classes");
}
