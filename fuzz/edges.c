/*
 * edges.c - the `edges` op's part that belongs to no allocator: the
 * upstreams' defined answers to bad input (NULL and invalid upstreams, the
 * counting and caching upstreams' own paths: realloc from NULL, injected
 * failures, size mismatches, a full cache).  Each allocator's own answers
 * (NULL instances, invalid options, refused frees) are its adapter's
 * `edges` hook.  The op is cheap, so the fuzzer may call it anywhere.
 */
#include <stdint.h>
#include <string.h>

#include "executor.h"

void exec_edges_upstreams(exec_t *h)
{
    alloc_upstream_t bad = {NULL, NULL, NULL, NULL};
    alloc_upstream_t libc = alloc_upstream_malloc();
    alloc_counting_t c;
    alloc_caching_t k;
    alloc_upstream_t no_free = libc, no_realloc = libc;
    no_free.free = NULL;
    no_realloc.realloc = NULL;
    EXEC_CHECK(h, alloc_upstream_valid(&libc) && !alloc_upstream_valid(NULL) && !alloc_upstream_valid(&bad) &&
                 !alloc_upstream_valid(&no_free) && !alloc_upstream_valid(&no_realloc),
          "alloc_upstream_valid gives wrong answers");
    EXEC_CHECK(h, alloc_counting_init(NULL, NULL) == -1 && alloc_counting_init(&c, &bad) == -1,
          "alloc_counting_init accepted NULL or an invalid parent");
    EXEC_CHECK(h, alloc_caching_init(NULL, NULL, 1) == -1 && alloc_caching_init(&k, &bad, 1) == -1,
          "alloc_caching_init accepted NULL or an invalid parent");
    alloc_upstream_t u = alloc_counting_upstream(NULL);
    EXEC_CHECK(h, alloc_upstream_valid(&u), "alloc_counting_upstream(NULL) is not a valid upstream");
    u = alloc_caching_upstream(NULL);
    EXEC_CHECK(h, alloc_upstream_valid(&u), "alloc_caching_upstream(NULL) is not a valid upstream");
    alloc_counting_fail_next(NULL, 1);
    alloc_counting_fail_at(NULL, 1);
    alloc_counting_reset_peak(NULL);
    alloc_caching_drain(NULL);
    EXEC_CHECK(h, alloc_counting_stats(NULL).calls == 0, "alloc_counting_stats(NULL) is not zero");

    /* A counting upstream over libc, with a cache over it: every path once. */
    EXEC_CHECK(h, alloc_counting_init(&c, NULL) == 0, "alloc_counting_init(&c, NULL) failed");
    EXEC_CHECK(h, alloc_caching_init(&k, NULL, 1000) == 0 && k.capacity == ALLOC_CACHING_MAX,
          "alloc_caching_init does not clamp its capacity");
    alloc_counting_t *cp = &c;
    alloc_upstream_t cu = alloc_counting_upstream(cp);
    EXEC_CHECK(h, alloc_caching_init(&k, &cu, 2) == 0, "alloc_caching_init over a counting upstream failed");
    alloc_upstream_t ku = alloc_caching_upstream(&k);
    unsigned char *a = ku.alloc(ku.ctx, 48);
    EXEC_CHECK(h, a != NULL, "caching upstream: alloc(48) failed");
    ku.free(ku.ctx, a, 48); /* kept */
    ku.free(ku.ctx, NULL, 48);
    unsigned char *b = ku.alloc(ku.ctx, 48);
    EXEC_CHECK(h, b == a && k.hits == 1, "caching upstream: a freed block was not handed back");
    unsigned char *d = ku.alloc(ku.ctx, 24); /* another size: through */
    EXEC_CHECK(h, d != NULL, "caching upstream: alloc(24) failed");
    d = ku.realloc(ku.ctx, d, 24, 100);
    EXEC_CHECK(h, d != NULL, "caching upstream: realloc failed");
    ku.free(ku.ctx, d, 100); /* another size: through to counting */
    unsigned char *b2 = ku.alloc(ku.ctx, 48), *b3 = ku.alloc(ku.ctx, 48); /* cache empty: misses */
    EXEC_CHECK(h, b2 != NULL && b3 != NULL, "caching upstream: alloc(48) failed");
    ku.free(ku.ctx, b, 48);
    ku.free(ku.ctx, b2, 48);
    ku.free(ku.ctx, b3, 48); /* cache full (capacity 2): through */
    EXEC_CHECK(h, k.count == 2, "caching upstream holds %zu blocks, capacity 2", k.count);
    alloc_caching_drain(&k);
    EXEC_CHECK(h, k.count == 0, "alloc_caching_drain left blocks");

    /* The counting upstream's own paths: realloc(NULL), failure, mismatch. */
    unsigned char *e = cu.realloc(cu.ctx, NULL, 0, 32);
    EXEC_CHECK(h, e != NULL, "counting upstream: realloc(NULL, 32) failed");
    alloc_counting_fail_next(cp, 1);
    EXEC_CHECK(h, cu.realloc(cu.ctx, e, 32, 64) == NULL, "counting upstream: an armed failure did not fail realloc");
    alloc_counting_fail_at(cp, alloc_counting_stats(cp).calls + 1);
    EXEC_CHECK(h, cu.alloc(cu.ctx, 8) == NULL, "counting upstream: fail_at did not fail the next call");
    EXEC_CHECK(h, cu.alloc(cu.ctx, SIZE_MAX) == NULL, "counting upstream: alloc(SIZE_MAX) did not fail");
    EXEC_CHECK(h, cu.realloc(cu.ctx, e, 32, SIZE_MAX) == NULL, "counting upstream: realloc to SIZE_MAX did not fail");
    cu.free(cu.ctx, NULL, 1);
    cu.free(cu.ctx, e, 31); /* wrong size on purpose: counted, not corrupting */
    alloc_counting_stats_t s = alloc_counting_stats(cp);
    EXEC_CHECK(h, s.bytes_held == 0 && s.blocks_held == 0 && s.size_mismatches == 1 && s.injected == 2,
          "counting upstream over libc: held %zu blocks %zu mismatches %zu injected %zu", s.bytes_held,
          s.blocks_held, s.size_mismatches, s.injected);
    unsigned char *l = libc.alloc(libc.ctx, 8);
    EXEC_CHECK(h, l != NULL && libc.alloc(libc.ctx, SIZE_MAX) == NULL && libc.realloc(libc.ctx, l, 8, SIZE_MAX) == NULL,
          "the libc upstream did not refuse a size above PTRDIFF_MAX");
    libc.free(libc.ctx, libc.realloc(libc.ctx, l, 8, 16), 16);
}
