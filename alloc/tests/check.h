/*
 * check.h - the unit tests' only machinery: CHECK records a failure and goes
 * on, so one run shows every broken assertion; main returns check_report().
 * Assertions are never compiled out (no NDEBUG dependence).
 */
#ifndef ALLOC_TESTS_CHECK_H
#define ALLOC_TESTS_CHECK_H

#include <stdio.h>

typedef struct check_tally {
    unsigned long passed, failed;
} check_tally_t;

/* One tally per test program: the tests are single-threaded programs. */
static check_tally_t check_tally;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            check_tally.passed++;                                                    \
        } else {                                                                     \
            check_tally.failed++;                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_EQ(a, b)                                                                     \
    do {                                                                                   \
        unsigned long long check_a_ = (unsigned long long)(a), check_b_ = (unsigned long long)(b); \
        if (check_a_ == check_b_) {                                                        \
            check_tally.passed++;                                                          \
        } else {                                                                           \
            check_tally.failed++;                                                          \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%llu vs %llu)\n", __FILE__, \
                    __LINE__, #a, #b, check_a_, check_b_);                                 \
        }                                                                                  \
    } while (0)

/* The tests ask for sizes near SIZE_MAX on purpose: under ASan, let malloc
 * answer NULL (as glibc does) instead of aborting the test. */
#if defined(__SANITIZE_ADDRESS__)
#define CHECK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHECK_ASAN 1
#endif
#endif
#ifdef CHECK_ASAN
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}
#endif

static inline int check_report(const char *name)
{
    printf("%s: %lu checks passed, %lu failed\n", name, check_tally.passed, check_tally.failed);
    if (check_tally.passed == 0) {
        printf("%s: no check ran: treating as failure\n", name);
        return 1;
    }
    return check_tally.failed != 0;
}

#endif
