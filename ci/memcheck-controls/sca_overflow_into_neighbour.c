/*
 * Negative control for the memcheck gate: a write past the end of a
 * size-class block, into the neighbouring block of the same chunk.
 *
 * An array of two counters is reset with an off-by-one loop (<= instead of
 * <).  The extra element lies in the next block of the chunk, which the
 * allocator owns (it is on a free list), so only the allocator's Valgrind
 * annotations make the write visible.  The loop writes only the second field
 * of each element, so the free-list link at the start of the neighbour stays
 * intact and the program ends cleanly after the planted write.
 *
 * memcheck-expect: InvalidWrite
 * memcheck-caught-by: annotations
 */
#include <stdio.h>

#include "alloc/sca.h"

struct counter {
    const char *key;
    long hits;
};

enum { COUNTERS = 2 };

int main(void)
{
    sca_t *allocator = sca_create(NULL);
    if (allocator == NULL) {
        fprintf(stderr, "control setup failed: sca_create failed\n");
        return 2;
    }
    /* 2 x 16 = 32 bytes: a size class exactly, so no rounding slack hides
     * the overflow. */
    struct counter *counters = sca_allocate(allocator, COUNTERS * sizeof *counters);
    if (counters == NULL) {
        fprintf(stderr, "control setup failed: sca_allocate failed\n");
        return 2;
    }
    for (size_t i = 0; i < COUNTERS; i++)
        counters[i].key = "unset";

    for (size_t i = 0; i <= COUNTERS; i++)
        *(volatile long *)&counters[i].hits = 0; /* planted bug */

    printf("control: %s %ld\n", counters[0].key, counters[0].hits);
    sca_deallocate(allocator, counters, COUNTERS * sizeof *counters);
    sca_destroy(allocator);
    return 0;
}
