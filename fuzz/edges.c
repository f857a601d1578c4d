/*
 * edges.c - the `edges` op: the API's defined answers to bad input.
 *
 * NULL instances, invalid upstreams, the default-upstream instances, the
 * counting and caching upstreams' own paths (realloc from NULL, injected
 * failures, size mismatches, a full cache), and the deallocations that the
 * ALLOC_DEBUG checks must refuse.  Each answer is the one the headers
 * promise; the op is cheap, so the fuzzer may call it anywhere.
 */
#include <stdint.h>
#include <string.h>

#include "harness_internal.h"

static void edges_upstreams(harness_t *h)
{
    alloc_upstream_t bad = {NULL, NULL, NULL, NULL};
    alloc_upstream_t libc = alloc_upstream_malloc();
    alloc_counting_t c;
    alloc_caching_t k;
    alloc_upstream_t no_free = libc, no_realloc = libc;
    no_free.free = NULL;
    no_realloc.realloc = NULL;
    CHECK(h, alloc_upstream_valid(&libc) && !alloc_upstream_valid(NULL) && !alloc_upstream_valid(&bad) &&
                 !alloc_upstream_valid(&no_free) && !alloc_upstream_valid(&no_realloc),
          "alloc_upstream_valid gives wrong answers");
    CHECK(h, alloc_counting_init(NULL, NULL) == -1 && alloc_counting_init(&c, &bad) == -1,
          "alloc_counting_init accepted NULL or an invalid parent");
    CHECK(h, alloc_caching_init(NULL, NULL, 1) == -1 && alloc_caching_init(&k, &bad, 1) == -1,
          "alloc_caching_init accepted NULL or an invalid parent");
    alloc_upstream_t u = alloc_counting_upstream(NULL);
    CHECK(h, alloc_upstream_valid(&u), "alloc_counting_upstream(NULL) is not a valid upstream");
    u = alloc_caching_upstream(NULL);
    CHECK(h, alloc_upstream_valid(&u), "alloc_caching_upstream(NULL) is not a valid upstream");
    alloc_counting_fail_next(NULL, 1);
    alloc_counting_fail_at(NULL, 1);
    alloc_counting_reset_peak(NULL);
    alloc_caching_drain(NULL);
    CHECK(h, alloc_counting_stats(NULL).calls == 0, "alloc_counting_stats(NULL) is not zero");

    /* A counting upstream over libc, with a cache over it: every path once. */
    CHECK(h, alloc_counting_init(&c, NULL) == 0, "alloc_counting_init(&c, NULL) failed");
    CHECK(h, alloc_caching_init(&k, NULL, 1000) == 0 && k.capacity == ALLOC_CACHING_MAX,
          "alloc_caching_init does not clamp its capacity");
    alloc_counting_t *cp = &c;
    alloc_upstream_t cu = alloc_counting_upstream(cp);
    CHECK(h, alloc_caching_init(&k, &cu, 2) == 0, "alloc_caching_init over a counting upstream failed");
    alloc_upstream_t ku = alloc_caching_upstream(&k);
    unsigned char *a = ku.alloc(ku.ctx, 48);
    CHECK(h, a != NULL, "caching upstream: alloc(48) failed");
    ku.free(ku.ctx, a, 48); /* kept */
    ku.free(ku.ctx, NULL, 48);
    unsigned char *b = ku.alloc(ku.ctx, 48);
    CHECK(h, b == a && k.hits == 1, "caching upstream: a freed block was not handed back");
    unsigned char *d = ku.alloc(ku.ctx, 24); /* another size: through */
    CHECK(h, d != NULL, "caching upstream: alloc(24) failed");
    d = ku.realloc(ku.ctx, d, 24, 100);
    CHECK(h, d != NULL, "caching upstream: realloc failed");
    ku.free(ku.ctx, d, 100); /* another size: through to counting */
    unsigned char *b2 = ku.alloc(ku.ctx, 48), *b3 = ku.alloc(ku.ctx, 48); /* cache empty: misses */
    CHECK(h, b2 != NULL && b3 != NULL, "caching upstream: alloc(48) failed");
    ku.free(ku.ctx, b, 48);
    ku.free(ku.ctx, b2, 48);
    ku.free(ku.ctx, b3, 48); /* cache full (capacity 2): through */
    CHECK(h, k.count == 2, "caching upstream holds %zu blocks, capacity 2", k.count);
    alloc_caching_drain(&k);
    CHECK(h, k.count == 0, "alloc_caching_drain left blocks");

    /* The counting upstream's own paths: realloc(NULL), failure, mismatch. */
    unsigned char *e = cu.realloc(cu.ctx, NULL, 0, 32);
    CHECK(h, e != NULL, "counting upstream: realloc(NULL, 32) failed");
    alloc_counting_fail_next(cp, 1);
    CHECK(h, cu.realloc(cu.ctx, e, 32, 64) == NULL, "counting upstream: an armed failure did not fail realloc");
    alloc_counting_fail_at(cp, alloc_counting_stats(cp).calls + 1);
    CHECK(h, cu.alloc(cu.ctx, 8) == NULL, "counting upstream: fail_at did not fail the next call");
    CHECK(h, cu.alloc(cu.ctx, SIZE_MAX) == NULL, "counting upstream: alloc(SIZE_MAX) did not fail");
    CHECK(h, cu.realloc(cu.ctx, e, 32, SIZE_MAX) == NULL, "counting upstream: realloc to SIZE_MAX did not fail");
    cu.free(cu.ctx, NULL, 1);
    cu.free(cu.ctx, e, 31); /* wrong size on purpose: counted, not corrupting */
    alloc_counting_stats_t s = alloc_counting_stats(cp);
    CHECK(h, s.bytes_held == 0 && s.blocks_held == 0 && s.size_mismatches == 1 && s.injected == 2,
          "counting upstream over libc: held %zu blocks %zu mismatches %zu injected %zu", s.bytes_held,
          s.blocks_held, s.size_mismatches, s.injected);
    unsigned char *l = libc.alloc(libc.ctx, 8);
    CHECK(h, l != NULL && libc.alloc(libc.ctx, SIZE_MAX) == NULL && libc.realloc(libc.ctx, l, 8, SIZE_MAX) == NULL,
          "the libc upstream did not refuse a size above PTRDIFF_MAX");
    libc.free(libc.ctx, libc.realloc(libc.ctx, l, 8, 16), 16);
}

static void edges_instances(harness_t *h)
{
    alloc_upstream_t bad = {NULL, NULL, NULL, NULL};
    int dummy = 0;
    sca_options_t o = sca_options_default();
    CHECK(h, o.granule == SCA_DEFAULT_GRANULE && o.small_limit == SCA_DEFAULT_SMALL_LIMIT &&
                 o.refill_batch == SCA_DEFAULT_REFILL_BATCH && alloc_upstream_valid(&o.upstream),
          "sca_options_default is not 8/128/20 over libc");
    o.upstream = bad;
    CHECK(h, sca_create(&o) == NULL, "sca_create accepted an invalid upstream");
    CHECK(h, rp_create(1024, &bad) == NULL, "rp_create accepted an invalid upstream");
    CHECK(h, sca_allocate(NULL, 8) == NULL && sca_reallocate(NULL, NULL, 0, 8) == NULL,
          "sca_allocate/reallocate on NULL did not return NULL");
    sca_deallocate(NULL, &dummy, 8);
    sca_destroy(NULL);
    CHECK(h, sca_class_size(NULL, 8) == 0 && sca_options(NULL).granule == 0 &&
                 sca_stats(NULL).blocks_live == 0 && sca_check(NULL) == 1,
          "sca_* on NULL gave wrong answers");
    CHECK(h, rp_palloc(NULL, 8) == NULL && rp_pnalloc(NULL, 8) == NULL && rp_pcalloc(NULL, 8) == NULL &&
                 rp_pmemalign(NULL, 8, 16) == NULL && rp_cleanup_add(NULL, 0) == NULL,
          "rp_* allocation on NULL did not return NULL");
    CHECK(h, rp_pfree(NULL, &dummy) == RP_DECLINED && rp_max(NULL) == 0 && rp_check(NULL) == 1 &&
                 rp_stats(NULL).blocks == 0,
          "rp_* on NULL gave wrong answers");
    rp_reset(NULL);
    rp_destroy(NULL);

    /* Default-upstream instances: created, used once, destroyed. */
    sca_t *a = sca_create(NULL);
    CHECK(h, a != NULL, "sca_create(NULL) failed");
    void *p = sca_allocate(a, 24);
    CHECK(h, p != NULL, "sca_allocate on a default sca failed");
    sca_deallocate(a, p, 24);
    sca_destroy(a);
    if (ALLOC_DEBUG >= 2) {
        /* A fresh instance's first refill takes a chunk of 2 x 20 x 8 = 320
         * bytes (sca.h) and carves a batch of 20 blocks of 8; the rest is not
         * carved yet.  A pointer there must be refused (were it a free block
         * instead, the double-free check would refuse it), and so must one 4
         * bytes before the chunk's end (no 8-byte block fits; off the grid). */
        sca_options_t count_only = sca_options_default();
        count_only.report = sca_report_count_only;
        sca_t *b = sca_create(&count_only);
        CHECK(h, b != NULL, "sca_create(NULL) failed");
        unsigned char *q = sca_allocate(b, 8);
        CHECK(h, q != NULL, "sca_allocate on a default sca failed");
        sca_deallocate(b, q + 20 * 8, 8);
        CHECK(h, sca_stats(b).bad_frees == 1, "sca_deallocate of an uncarved or free pointer was not refused");
        sca_deallocate(b, q + 2 * 20 * 8 - 4, 8);
        CHECK(h, sca_stats(b).bad_frees == 2, "sca_deallocate of a pointer at a chunk's end was not refused");
        sca_deallocate(b, q, 8);
        sca_destroy(b);
    }
    rp_pool_t *pool = rp_create(1, NULL);
    CHECK(h, pool != NULL && rp_stats(pool).block_size == RP_MIN_POOL_SIZE,
          "rp_create(1, NULL) did not make a pool of the minimum size");
    CHECK(h, rp_pfree(pool, NULL) == RP_DECLINED, "rp_pfree(pool, NULL) did not decline");
    rp_destroy(pool);

    /* Deallocations the debug checks refuse (undefined behaviour otherwise). */
    if (ALLOC_DEBUG >= 1 && h->sca != NULL) {
        unsigned char *q = sca_allocate(h->sca, 1);
        if (q == NULL) {
            h->sca_failed++;
            return;
        }
        sca_deallocate(h->sca, &dummy, 1); /* not in any chunk */
        sca_deallocate(h->sca, q + 1, 1);  /* off the granule grid */
        h->sca_bad_frees += 2;
        sca_deallocate(h->sca, q, 1);
        if (ALLOC_DEBUG >= 2) {
            sca_deallocate(h->sca, q, 1); /* a double free */
            h->sca_bad_frees++;
        }
        harness_note_sca_requested(h, 1, 0);
        harness_note_sca_requested(h, 0, 1);

        /* Sizes that lie: another class's, and a large one for a small
         * block; and large frees of memory with no live tag (zeroed, and
         * misaligned).  No freed large block: its header is upstream's free
         * memory, which memcheck rightly reports when read. */
        size_t large_n = h->sca_opts.small_limit + 1;
        _Alignas(max_align_t) unsigned char zeroed[2 * 64];
        memset(zeroed, 0, sizeof zeroed);
        unsigned char *r = sca_allocate(h->sca, 1);
        if (r == NULL) {
            h->sca_failed++;
            return;
        }
        sca_deallocate(h->sca, r, h->sca_opts.granule + 1); /* another class (or large) */
        sca_deallocate(h->sca, r, large_n);                 /* a small block, a large size */
        sca_deallocate(h->sca, zeroed + 64, large_n);       /* no tag */
        sca_deallocate(h->sca, zeroed + 65, large_n);       /* misaligned */
        sca_deallocate(h->sca, (void *)(uintptr_t)16, large_n); /* no room for a header */
        CHECK(h, sca_reallocate(h->sca, zeroed + 64, large_n, large_n + 1) == NULL,
              "sca_reallocate of a pointer with no large tag did not refuse");
        h->sca_bad_frees += 6;
        sca_deallocate(h->sca, r, 1);
        harness_note_sca_requested(h, 1, 0);
        harness_note_sca_requested(h, 0, 1);
    }
}

/* pfree of a pointer inside a live large block (not its start) declines
 * and changes nothing. */
static void edges_pfree_interior(harness_t *h)
{
    for (size_t i = 0; h->pool != NULL && i < FUZZ_SLOTS; i++) {
        const fuzz_block_t *b = &h->slot[i];
        if (b->owner == FUZZ_OWNER_RP && b->large) {
            rp_stats_t before = rp_stats(h->pool);
            CHECK(h, rp_pfree(h->pool, b->ptr + 1) == RP_DECLINED,
                  "rp_pfree of a pointer inside large block s%zu (not its start) answered OK", i);
            CHECK(h, rp_stats(h->pool).large_blocks_live == before.large_blocks_live,
                  "a declined rp_pfree changed the pool's large blocks");
            return;
        }
    }
}

void harness_op_edges(harness_t *h)
{
    edges_upstreams(h);
    edges_instances(h);
    edges_pfree_interior(h);
}
