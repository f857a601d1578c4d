/*
 * test_sca_classes.c - every request size against its class, exhaustively
 * for 0..small limit (+ a few above), under several option sets of both
 * layouts: the class is the size rounded up to the granule (SGI) or the
 * smallest of the fast layout's classes that holds it, the block is aligned
 * and writable in full, and everything comes back at destroy.  For the fast
 * layout also: the class is monotone in n and wastes less than 25% of n
 * past 128 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/sca.h"
#include "check.h"

#ifndef TEST_SCA_NAME
#define TEST_SCA_NAME "test_sca_classes"
#endif

/* The fast layout's classes written out by enumeration (not by sca.c's
 * formula): every multiple of the granule up to 128, then for each power of
 * two 2^k >= 128 the four sizes 2^k + j x 2^k/4, j = 1..4.  The smallest
 * that holds req, capped at the limit. */
static size_t expected_fast_class(size_t req, size_t granule, size_t limit)
{
    size_t cls = 0;
    for (size_t c = granule; c <= 128 && cls == 0; c += granule)
        if (c >= req)
            cls = c;
    for (size_t p = 128; cls == 0; p *= 2)
        for (size_t j = 1; j <= 4 && cls == 0; j++)
            if (p + j * (p / 4) >= req)
                cls = p + j * (p / 4);
    return cls < limit ? cls : limit;
}

static size_t expected_class(sca_layout_t layout, size_t n, size_t granule, size_t limit)
{
    size_t req = n != 0 ? n : 1;
    if (req > limit)
        return req;
    if (layout == SCA_LAYOUT_FAST)
        return expected_fast_class(req, granule, limit);
    return (req + granule - 1) / granule * granule;
}

/* Blocks are written and read back at both ends, EDGE bytes each (whole
 * when shorter), and the last WINDOW blocks are live together (WINDOW / 16
 * past 2 KiB: sca_check's walk is O(free blocks x chunks)): every byte
 * of every block up to 32 KiB, all live at once, would make the sweep
 * quadratic (half a gigabyte, minutes under ASan); overlapping blocks meet
 * at an end, and blocks of neighbouring sizes share chunks. */
#define EDGE 256
#define WINDOW 1024

/* Block n still holds its own byte at both ends; then give it back. */
static void release(sca_t *a, unsigned char **blocks, size_t n)
{
    if (blocks[n] == NULL)
        return;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == EDGE && n > 2 * EDGE)
            i = n - EDGE;
        bad += blocks[n][i] != (unsigned char)(n & 0xff);
    }
    CHECK_EQ(bad, 0);
    sca_deallocate(a, blocks[n], n);
    blocks[n] = NULL;
}

static void sweep_layout(sca_layout_t layout, int lean, size_t granule, size_t limit, size_t batch)
{
    alloc_counting_t c;
    alloc_counting_init(&c, NULL);
    sca_options_t o = sca_options_default();
    o.layout = layout;
    o.lean_stats = lean;
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
    unsigned char **blocks = calloc(top + 1, sizeof *blocks);
    CHECK(blocks != NULL);
    if (blocks == NULL)
        return;
    size_t prev_cls = 0;
    for (size_t n = 0; n <= top; n++) {
        size_t cls = sca_class_size(a, n), req = n != 0 ? n : 1;
        CHECK_EQ(cls, expected_class(layout, n, granule, limit));
        /* round trip: a class is its own class; the block holds the request */
        CHECK_EQ(sca_class_size(a, cls), cls);
        CHECK(cls >= req);
        if (req <= limit) {
            CHECK(cls % granule == 0);
            CHECK(cls >= prev_cls); /* monotone */
            prev_cls = cls;
        }
        if (layout == SCA_LAYOUT_SGI)
            CHECK(n > limit || cls - req < granule);
        else
            CHECK(n > limit || (req <= 128 ? cls - req < granule : 4 * (cls - req) < req));
        size_t window = n <= 2048 ? WINDOW : WINDOW / 16;
        if (n >= window)
            release(a, blocks, n - window);
        unsigned char *p = sca_allocate(a, n);
        blocks[n] = p;
        CHECK(p != NULL);
        if (p == NULL)
            continue;
        CHECK((uintptr_t)p % (n > limit ? _Alignof(max_align_t) : align) == 0);
        memset(p, (int)(n & 0xff), EDGE < n ? EDGE : n);
        if (n > EDGE)
            memset(p + n - EDGE, (int)(n & 0xff), EDGE);
    }
    CHECK_EQ(sca_check(a), 0);
    for (size_t n = 0; n <= top; n++)
        release(a, blocks, n);
    sca_stats_t s = sca_stats(a);
    CHECK_EQ(s.blocks_live, 0);
    CHECK_EQ(s.bytes_requested_live, 0);
    CHECK_EQ(sca_check(a), 0);
    free(blocks);
    sca_destroy(a);
    CHECK_EQ(alloc_counting_stats(&c).bytes_held, 0);
    CHECK_EQ(alloc_counting_stats(&c).size_mismatches, 0);
}

static void sweep(size_t granule, size_t limit, size_t batch)
{
    sweep_layout(SCA_LAYOUT_SGI, 0, granule, limit, batch);
}

int main(void)
{
    sweep(8, 128, 20);   /* SGI's defaults */
    sweep(8, 8, 1);      /* one class, no batching */
    sweep(16, 256, 7);
    sweep(32, 512, 20);
    sweep(64, 4096, 3);  /* largest granule, 64 classes */
    sweep(8, 2048, 20);  /* the most classes: 256 */

    /* The fast layout: its option set, then other granules and limits (one
     * not on a class edge: the last class is the limit itself). */
    sca_options_t f = sca_options_fast();
    CHECK_EQ(f.layout, SCA_LAYOUT_FAST);
    CHECK_EQ(f.small_limit, SCA_FAST_SMALL_LIMIT);
    CHECK_EQ(f.lean_stats, 1);
    sweep_layout(SCA_LAYOUT_FAST, 1, f.granule, f.small_limit, f.refill_batch);
    sweep_layout(SCA_LAYOUT_FAST, 0, 8, SCA_FAST_MAX_LIMIT, 20);
    sweep_layout(SCA_LAYOUT_FAST, 0, 16, 1000 / 16 * 16, 5);
    sweep_layout(SCA_LAYOUT_FAST, 0, SCA_FAST_MAX_GRANULE, 4096, 1);
    sweep_layout(SCA_LAYOUT_FAST, 0, 8, 64, 20); /* granule classes only */
    return check_report(TEST_SCA_NAME);
}
