/*
 * test_oom_sweep.c - run a scripted scenario once per k with upstream call
 * number k failing, for every k until the scenario runs without meeting a
 * failure.  Each run must end consistent (self-check 0 after every step),
 * with every surviving block's bytes intact, and leak-free (the counting
 * upstream back at zero after destroy).
 */
#include <stdint.h>
#include <string.h>

#include "alloc/rp.h"
#include "alloc/sca.h"
#include "check.h"

#define SLOTS 64

typedef struct live {
    unsigned char *p;
    size_t n;
} live_t;

static void fill(live_t *b, size_t slot)
{
    memset(b->p, (int)(slot * 7 + 1), b->n);
}

static int intact(const live_t *b, size_t slot)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->p[i] != (unsigned char)(slot * 7 + 1))
            return 0;
    return 1;
}

/* The scenario for the size-class allocator.  Returns the checks that failed. */
static size_t sca_scenario(alloc_counting_t *c)
{
    size_t bad = 0;
    sca_options_t o = sca_options_default();
    o.refill_batch = 5; /* small batches: many chunks, many failure points */
    o.upstream = alloc_counting_upstream(c);
    sca_t *a = sca_create(&o);
    if (a == NULL)
        return 0; /* failing the very first call is a clean outcome too */
    live_t b[SLOTS] = {{0}};
    static const size_t sizes[] = {1, 8, 9, 24, 64, 100, 128, 129, 500, 4000, 0, 72};
    for (size_t round = 0; round < 4; round++) {
        for (size_t s = 0; s < SLOTS; s++) {
            size_t n = sizes[(s + round) % 12];
            if (b[s].p == NULL) {
                b[s].p = sca_allocate(a, n);
                b[s].n = n;
            } else if ((s + round) % 3 == 0) {
                bad += !intact(&b[s], s);
                unsigned char *q = sca_reallocate(a, b[s].p, b[s].n, n);
                if (q != NULL) {
                    b[s].p = q;
                    b[s].n = b[s].n < n ? b[s].n : n; /* the kept prefix */
                    bad += !intact(&b[s], s);
                    b[s].n = n;
                }
            } else {
                bad += !intact(&b[s], s);
                sca_deallocate(a, b[s].p, b[s].n);
                b[s].p = NULL;
            }
            if (b[s].p != NULL)
                fill(&b[s], s);
            bad += sca_check(a) != 0;
        }
    }
    for (size_t s = 0; s < SLOTS; s += 2)
        if (b[s].p != NULL) {
            bad += !intact(&b[s], s);
            sca_deallocate(a, b[s].p, b[s].n);
        }
    bad += sca_check(a) != 0;
    sca_destroy(a); /* odd slots still live: destroy gives them back */
    return bad;
}

static void count_cleanup(void *data)
{
    ++*(int *)data;
}

/* The scenario for the region pool. */
static size_t rp_scenario(alloc_counting_t *c)
{
    size_t bad = 0;
    alloc_upstream_t up = alloc_counting_upstream(c);
    rp_pool_t *pool = rp_create(1024, &up);
    if (pool == NULL)
        return 0;
    int ran = 0, added = 0;
    live_t b[SLOTS] = {{0}};
    static const size_t sizes[] = {1, 16, 100, 700, 800, 2000, 0, 33, 5000, 64};
    for (size_t round = 0; round < 3; round++) {
        for (size_t s = 0; s < SLOTS; s++) {
            size_t n = sizes[(s + round) % 10];
            switch ((s + round) % 6) {
            case 0: b[s].p = rp_palloc(pool, n); break;
            case 1: b[s].p = rp_pnalloc(pool, n); break;
            case 2:
                b[s].p = rp_pcalloc(pool, n);
                if (b[s].p != NULL)
                    for (size_t i = 0; i < n; i++)
                        bad += b[s].p[i] != 0;
                break;
            case 3: b[s].p = rp_pmemalign(pool, n, 64); break;
            case 4: {
                rp_cleanup_t *cl = rp_cleanup_add(pool, 0);
                if (cl != NULL) {
                    cl->handler = count_cleanup;
                    cl->data = &ran;
                    added++;
                }
                b[s].p = NULL;
                break;
            }
            default:
                if (s > 0 && b[s - 1].p != NULL && rp_pfree(pool, b[s - 1].p) == RP_OK)
                    b[s - 1].p = NULL;
                b[s].p = NULL;
            }
            b[s].n = n;
            if (b[s].p != NULL)
                fill(&b[s], s);
            bad += rp_check(pool) != 0;
        }
        for (size_t s = 0; s < SLOTS; s++)
            if (b[s].p != NULL)
                bad += !intact(&b[s], s);
        rp_reset(pool);
        memset(b, 0, sizeof b);
        bad += ran != added; /* every cleanup added ran, once */
        bad += rp_check(pool) != 0;
    }
    rp_palloc(pool, 5000); /* a large block left for destroy */
    rp_destroy(pool);
    return bad;
}

static void sweep(const char *name, size_t (*scenario)(alloc_counting_t *))
{
    size_t k, runs_with_failure = 0;
    for (k = 1; k < 100000; k++) {
        alloc_counting_t c;
        alloc_counting_init(&c, NULL);
        alloc_counting_fail_at(&c, k);
        size_t bad = scenario(&c);
        alloc_counting_stats_t s = alloc_counting_stats(&c);
        if (bad != 0 || s.bytes_held != 0 || s.size_mismatches != 0)
            fprintf(stderr, "%s: k=%zu: %zu failed checks, %zu bytes held, %zu size mismatches\n",
                    name, k, bad, s.bytes_held, s.size_mismatches);
        CHECK_EQ(bad, 0);
        CHECK_EQ(s.bytes_held, 0);
        CHECK_EQ(s.size_mismatches, 0);
        if (s.injected == 0)
            break; /* the scenario made fewer than k calls: every point was hit */
        runs_with_failure++;
    }
    printf("%s: OOM sweep over %zu failure points\n", name, runs_with_failure);
    CHECK(runs_with_failure > 10); /* the sweep must have swept something */
}

int main(void)
{
    sweep("sca", sca_scenario);
    sweep("rp", rp_scenario);
    return check_report("test_oom_sweep");
}
