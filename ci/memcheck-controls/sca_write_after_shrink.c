/*
 * Negative control for the memcheck gate: a write past the new end of a
 * block shrunk in place by sca_reallocate.
 *
 * A line buffer of 64 bytes is trimmed to the 60 bytes it needs; both sizes
 * are in the same size class, so the block stays where it is.  The caller
 * keeps writing with the old length.  Only the allocator's annotations
 * (the resize of the block in its Valgrind mempool) make the cut tail
 * no-access; to memcheck's malloc tracking it is still inside the chunk.
 *
 * memcheck-expect: InvalidWrite
 * memcheck-caught-by: annotations
 */
#include <stdio.h>
#include <string.h>

#include "alloc/sca.h"

enum { OLD_SIZE = 64, NEW_SIZE = 60 }; /* both in the 64-byte class */

int main(void)
{
    sca_t *allocator = sca_create(NULL);
    if (allocator == NULL) {
        fprintf(stderr, "control setup failed: sca_create failed\n");
        return 2;
    }
    char *line = sca_allocate(allocator, OLD_SIZE);
    if (line == NULL) {
        fprintf(stderr, "control setup failed: sca_allocate failed\n");
        return 2;
    }
    memset(line, ' ', OLD_SIZE);
    char *trimmed = sca_reallocate(allocator, line, OLD_SIZE, NEW_SIZE);
    if (trimmed != line) {
        fprintf(stderr, "control setup failed: expected an in-place shrink (same class), got a move\n");
        return 2;
    }

    *(volatile char *)&trimmed[OLD_SIZE - 1] = '\n'; /* planted bug */

    printf("control: trimmed line starts with %d\n", trimmed[0]);
    sca_deallocate(allocator, trimmed, NEW_SIZE);
    sca_destroy(allocator);
    return 0;
}
