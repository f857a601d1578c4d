/* test_upstream.c - the libc, counting and caching upstreams. */
#include <stdint.h>
#include <string.h>

#include "alloc/upstream.h"
#include "check.h"

static void test_malloc_upstream(void)
{
    alloc_upstream_t u = alloc_upstream_malloc();
    CHECK(alloc_upstream_valid(&u));
    CHECK(!alloc_upstream_valid(NULL));
    unsigned char *p = u.alloc(u.ctx, 100);
    CHECK(p != NULL);
    CHECK((uintptr_t)p % _Alignof(max_align_t) == 0);
    memset(p, 7, 100);
    p = u.realloc(u.ctx, p, 100, 1000);
    CHECK(p != NULL && p[99] == 7);
    u.free(u.ctx, p, 1000);
    u.free(u.ctx, NULL, 0);
}

static void test_counting_counts(void)
{
    alloc_counting_t c;
    CHECK_EQ(alloc_counting_init(&c, NULL), 0);
    CHECK_EQ(alloc_counting_init(NULL, NULL), -1);
    alloc_upstream_t bad = {0};
    CHECK_EQ(alloc_counting_init(&c, &bad), -1);
    CHECK_EQ(alloc_counting_init(&c, NULL), 0);
    alloc_upstream_t u = alloc_counting_upstream(&c);

    void *a = u.alloc(u.ctx, 100);
    void *b = u.alloc(u.ctx, 50);
    CHECK((uintptr_t)a % _Alignof(max_align_t) == 0);
    alloc_counting_stats_t s = alloc_counting_stats(&c);
    CHECK_EQ(s.bytes_held, 150);
    CHECK_EQ(s.peak_bytes_held, 150);
    CHECK_EQ(s.blocks_held, 2);
    CHECK_EQ(s.calls, 2);
    u.free(u.ctx, a, 100);
    s = alloc_counting_stats(&c);
    CHECK_EQ(s.bytes_held, 50);
    CHECK_EQ(s.peak_bytes_held, 150);
    b = u.realloc(u.ctx, b, 50, 300);
    CHECK(b != NULL);
    s = alloc_counting_stats(&c);
    CHECK_EQ(s.bytes_held, 300);
    CHECK_EQ(s.peak_bytes_held, 300);
    CHECK_EQ(s.realloc_calls, 1);
    CHECK_EQ(s.calls, 3);
    alloc_counting_reset_peak(&c);
    CHECK_EQ(alloc_counting_stats(&c).peak_bytes_held, 300);

    /* A wrong size on free is counted and does not corrupt the counts. */
    u.free(u.ctx, b, 299);
    s = alloc_counting_stats(&c);
    CHECK_EQ(s.size_mismatches, 1);
    CHECK_EQ(s.bytes_held, 0);
    CHECK_EQ(s.blocks_held, 0);

    /* SIZE_MAX cannot be wrapped by the header. */
    CHECK(u.alloc(u.ctx, SIZE_MAX) == NULL);
    CHECK(u.alloc(u.ctx, SIZE_MAX - 8) == NULL);
    CHECK_EQ(alloc_counting_stats(&c).bytes_held, 0);
    CHECK_EQ(alloc_counting_stats(NULL).calls, 0);
    alloc_counting_reset_peak(NULL); /* the NULL contract: a no-op */
}

static void test_counting_faults(void)
{
    alloc_counting_t c;
    alloc_counting_init(&c, NULL);
    alloc_upstream_t u = alloc_counting_upstream(&c);

    alloc_counting_fail_next(&c, 2);
    CHECK(u.alloc(u.ctx, 8) == NULL);
    CHECK(u.alloc(u.ctx, 8) == NULL);
    void *p = u.alloc(u.ctx, 8);
    CHECK(p != NULL);
    CHECK_EQ(alloc_counting_stats(&c).injected, 2);

    /* Call number 5 fails: calls so far are 3. */
    alloc_counting_fail_at(&c, 5);
    void *q = u.alloc(u.ctx, 8); /* call 4 */
    CHECK(q != NULL);
    void *r = u.realloc(u.ctx, q, 8, 16); /* call 5: fails, q untouched */
    CHECK(r == NULL);
    void *s = u.alloc(u.ctx, 8); /* call 6 */
    CHECK(s != NULL);
    CHECK_EQ(alloc_counting_stats(&c).injected, 3);
    CHECK_EQ(alloc_counting_stats(&c).failures, 3);
    u.free(u.ctx, p, 8);
    u.free(u.ctx, q, 8);
    u.free(u.ctx, s, 8);
    CHECK_EQ(alloc_counting_stats(&c).bytes_held, 0);
    CHECK_EQ(alloc_counting_stats(&c).size_mismatches, 0);
}

static void test_caching(void)
{
    alloc_counting_t c;
    alloc_caching_t k;
    alloc_counting_init(&c, NULL);
    alloc_upstream_t cu = alloc_counting_upstream(&c);
    CHECK_EQ(alloc_caching_init(&k, &cu, 2), 0);
    CHECK_EQ(alloc_caching_init(NULL, &cu, 2), -1);
    alloc_upstream_t u = alloc_caching_upstream(&k);

    void *a = u.alloc(u.ctx, 4096), *b = u.alloc(u.ctx, 4096), *d = u.alloc(u.ctx, 4096);
    u.free(u.ctx, a, 4096);
    u.free(u.ctx, b, 4096);
    u.free(u.ctx, d, 4096); /* capacity 2: this one goes through */
    CHECK_EQ(k.count, 2);
    CHECK_EQ(alloc_counting_stats(&c).bytes_held, 2 * 4096);
    void *e = u.alloc(u.ctx, 4096);
    CHECK(e == b); /* the last cached block comes back first */
    CHECK_EQ(k.hits, 1);
    void *f = u.alloc(u.ctx, 100); /* other sizes pass through */
    CHECK(f != NULL);
    u.free(u.ctx, f, 100);
    u.free(u.ctx, e, 4096);
    alloc_caching_drain(&k);
    CHECK_EQ(k.count, 0);
    CHECK_EQ(alloc_counting_stats(&c).bytes_held, 0);
    CHECK_EQ(alloc_counting_stats(&c).size_mismatches, 0);
}

int main(void)
{
    test_malloc_upstream();
    test_counting_counts();
    test_counting_faults();
    test_caching();
    return check_report("test_upstream");
}
