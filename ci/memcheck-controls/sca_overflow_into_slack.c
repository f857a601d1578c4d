/*
 * Negative control for the memcheck gate: an off-by-one write into the
 * rounding slack of a size-class block.
 *
 * A 20-byte name is copied with its terminating NUL into a 20-byte block.
 * The block's class is 24 bytes, so the extra byte lands in the block's own
 * slack, not in a neighbour: memcheck sees it only because the allocator
 * hands each block out at the size that was asked for, not at its class
 * size.  A regression to class-size annotations would lose this report.
 *
 * memcheck-expect: InvalidWrite
 * memcheck-caught-by: annotations
 */
#include <stdio.h>
#include <string.h>

#include "alloc/sca.h"

enum { NAME_LENGTH = 20 };

int main(void)
{
    static const char name[NAME_LENGTH + 1] = "twenty-chars-exactly";
    sca_t *allocator = sca_create(NULL);
    if (allocator == NULL) {
        fprintf(stderr, "control setup failed: sca_create failed\n");
        return 2;
    }
    char *copy = sca_allocate(allocator, NAME_LENGTH); /* forgot the + 1 */
    if (copy == NULL) {
        fprintf(stderr, "control setup failed: sca_allocate failed\n");
        return 2;
    }
    for (size_t i = 0; i <= NAME_LENGTH; i++)
        *(volatile char *)&copy[i] = name[i]; /* planted bug */

    printf("control: copied a name starting with %c\n", copy[0]);
    sca_deallocate(allocator, copy, NAME_LENGTH);
    sca_destroy(allocator);
    return 0;
}
