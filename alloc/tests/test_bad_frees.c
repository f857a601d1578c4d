/*
 * test_bad_frees.c - the report hook's contract (sca.h, "Bad frees"): a bad
 * free the build catches reaches the instance's report function with the
 * function's name, the caller's pointer and size and the instance's context,
 * is counted in bad_frees, and changes nothing else; reallocate refuses the
 * same blocks before reading them.  Which bad frees a build catches is the
 * detection matrix's business (bad_free_matrix.c); here every one that the
 * build under test promises is asked for.
 */
#include <string.h>

#include "alloc/sca.h"
#include "check.h"

#ifndef ALLOC_DEBUG
#define ALLOC_DEBUG 0
#endif
#ifndef ALLOC_ANNOTATE_ASAN
#define ALLOC_ANNOTATE_ASAN 0
#endif

/* Small frees are checked with the class map or under ASan's shadow. */
#if ALLOC_DEBUG >= 1 || (defined(CHECK_ASAN) && ALLOC_ANNOTATE_ASAN)
#define SMALL_FREES_CHECKED 1
#else
#define SMALL_FREES_CHECKED 0
#endif

typedef struct record {
    size_t calls;
    void *ctx;
    const char *function;
    const void *p;
    size_t n;
    char problem[160];
} record_t;

static void record_report(void *ctx, const char *function, const void *p, size_t n, const char *problem)
{
    record_t *r = ctx;
    r->calls++;
    r->ctx = ctx;
    r->function = function;
    r->p = p;
    r->n = n;
    strncpy(r->problem, problem, sizeof r->problem - 1);
    r->problem[sizeof r->problem - 1] = '\0';
}

static sca_t *create_recording(record_t *r)
{
    memset(r, 0, sizeof *r);
    sca_options_t o = sca_options_default();
    o.report = record_report;
    o.report_ctx = r;
    sca_t *a = sca_create(&o);
    CHECK(a != NULL);
    return a;
}

/* Everything but bad_frees is as it was. */
static void check_unchanged(const sca_t *a, sca_stats_t before)
{
    sca_stats_t now = sca_stats(a);
    CHECK_EQ(now.bad_frees, before.bad_frees + 1);
    now.bad_frees = before.bad_frees;
    CHECK(memcmp(&now, &before, sizeof now) == 0);
    CHECK_EQ(sca_check(a), 0);
}

/* One bad call: the hook saw it exactly so, and nothing else changed. */
static void expect_report(sca_t *a, record_t *r, const char *function, const void *p, size_t n,
                          const char *problem_part, sca_stats_t before)
{
    CHECK_EQ(r->calls, 1);
    CHECK(r->ctx == r);
    CHECK(r->function != NULL && strcmp(r->function, function) == 0);
    CHECK(r->p == p);
    CHECK_EQ(r->n, n);
    CHECK(strstr(r->problem, problem_part) != NULL);
    if (strstr(r->problem, problem_part) == NULL)
        fprintf(stderr, "  the report said: %s\n", r->problem);
    check_unchanged(a, before);
    r->calls = 0;
}

static void test_defaults(void)
{
    sca_options_t o = sca_options_default();
    CHECK(o.report == NULL); /* NULL: the default */
    sca_t *a = sca_create(&o);
    CHECK(a != NULL);
    CHECK(sca_options(a).report == sca_report_abort);
    sca_destroy(a);
    record_t r;
    a = create_recording(&r);
    CHECK(sca_options(a).report == record_report && sca_options(a).report_ctx == &r);
    sca_report_count_only(NULL, "sca_deallocate", NULL, 0, "nothing"); /* returns */
    sca_destroy(a);
}

/* Large blocks: checked in every build, by their tag. */
static void test_large(void)
{
    record_t r;
    sca_t *a = create_recording(&r);
    unsigned char *p = sca_allocate(a, 1000), *keep = sca_allocate(a, 1000);
    CHECK(p != NULL && keep != NULL);
    sca_deallocate(a, p, 1000);
    sca_stats_t before = sca_stats(a);
    sca_deallocate(a, p, 1000); /* double free */
    expect_report(a, &r, "sca_deallocate", p, 1000, "not a live large block", before);

    before = sca_stats(a);
    CHECK(sca_reallocate(a, p, 1000, 2000) == NULL); /* reallocate of a freed block */
    expect_report(a, &r, "sca_reallocate", p, 1000, "not a live large block", before);

    unsigned char foreign[1100] __attribute__((aligned(16)));
    memset(foreign, 0, sizeof foreign);
    before = sca_stats(a);
    sca_deallocate(a, foreign + 64, 1000); /* a block of no allocator */
    expect_report(a, &r, "sca_deallocate", foreign + 64, 1000, "not a live large block", before);

    /* Another instance's large block. */
    record_t r2;
    sca_t *b = create_recording(&r2);
    unsigned char *theirs = sca_allocate(b, 1000);
    CHECK(theirs != NULL);
    before = sca_stats(a);
    sca_deallocate(a, theirs, 1000);
    expect_report(a, &r, "sca_deallocate", theirs, 1000, "not a live large block of this allocator", before);
    sca_deallocate(b, theirs, 1000);
    CHECK_EQ(r2.calls, 0);
    sca_destroy(b);

    /* Good frees still work, and are never reported. */
    keep = sca_reallocate(a, keep, 1000, 3000);
    CHECK(keep != NULL);
    sca_deallocate(a, keep, 3000);
    CHECK_EQ(r.calls, 0);
    CHECK_EQ(sca_stats(a).blocks_live, 0);
    CHECK_EQ(sca_stats(a).bad_frees, 4);
    sca_destroy(a);
}

/* Small blocks: checked with ALLOC_DEBUG >= 1 or under ASan. */
static void test_small(void)
{
    if (!SMALL_FREES_CHECKED) {
        printf("test_bad_frees: small frees are not checked in this build (release, no ASan)\n");
        return;
    }
    record_t r;
    sca_t *a = create_recording(&r);
    unsigned char *p = sca_allocate(a, 24), *q = sca_allocate(a, 16);
    CHECK(p != NULL && q != NULL);
    sca_deallocate(a, p, 24);
    sca_stats_t before = sca_stats(a);
    sca_deallocate(a, p, 24);
    expect_report(a, &r, "sca_deallocate", p, 24, "double free", before);

    before = sca_stats(a);
    CHECK(sca_reallocate(a, p, 24, 100) == NULL);
    expect_report(a, &r, "sca_reallocate", p, 24, "double free", before);

    /* q is 16 bytes; a fresh batch's neighbours are free, so ASan sees the
     * 64 bytes reach poisoned memory, and the class map knows the class. */
    before = sca_stats(a);
    sca_deallocate(a, q, 64);
    expect_report(a, &r, "sca_deallocate", q, 64, "wrong size", before);

    unsigned char *big = sca_allocate(a, 1000);
    CHECK(big != NULL);
    before = sca_stats(a);
    sca_deallocate(a, big, 16); /* a large block given a small size */
    expect_report(a, &r, "sca_deallocate", big, 16, "not a block of this allocator", before);

    long local[8];
    before = sca_stats(a);
    sca_deallocate(a, local, 16);
    expect_report(a, &r, "sca_deallocate", local, 16, "not a block of this allocator", before);

    /* After all that, the right calls work and nothing was corrupted. */
    sca_deallocate(a, q, 16);
    sca_deallocate(a, big, 1000);
    CHECK_EQ(r.calls, 0);
    CHECK_EQ(sca_stats(a).blocks_live, 0);
    CHECK_EQ(sca_check(a), 0);
    unsigned char *again = sca_allocate(a, 16);
    CHECK(again == q); /* LIFO: the refused frees listed nothing */
    sca_deallocate(a, again, 16);
    sca_destroy(a);
}

int main(void)
{
    test_defaults();
    test_large();
    test_small();
    return check_report("test_bad_frees");
}
