/*
 * spare.h - one destroyed adapter instance kept for the next create.  A run
 * re-creates its allocator several times (sca-new, rp-new), and under ASan
 * a calloc and free of the instance, and of its reference's arrays, cost
 * more than most ops.  Each adapter keeps one `static void *spare`.
 */
#ifndef FUZZ_ADAPTERS_SPARE_H
#define FUZZ_ADAPTERS_SPARE_H

#include <stdlib.h>

/* The kept instance (its contents as they were left), or a zeroed one of
 * size bytes; aborts when calloc fails (the harness cannot go on). */
static inline void *fuzz_spare_take(void **spare, size_t size)
{
    void *s = *spare;
    *spare = NULL;
    if (s == NULL && (s = calloc(1, size)) == NULL)
        abort();
    return s;
}

/* Keeps s for the next take and returns 1, or returns 0 when one is kept
 * already: the caller then frees s and what it owns. */
static inline int fuzz_spare_keep(void **spare, void *s)
{
    if (*spare != NULL)
        return 0;
    *spare = s;
    return 1;
}

#endif
