/*
 * Negative control for the memcheck gate: use of region-pool memory after
 * rp_reset.
 *
 * A server keeps one pool per connection and resets it after each request.
 * A pointer into the previous request's memory (here, its method string)
 * survives the reset and is read while serving the next request.  The pool
 * keeps its blocks on reset, so only the pool's Valgrind annotations tell
 * memcheck the memory is dead.
 *
 * memcheck-expect: InvalidRead
 * memcheck-caught-by: annotations
 */
#include <stdio.h>
#include <string.h>

#include "alloc/rp.h"

int main(void)
{
    rp_pool_t *pool = rp_create(RP_DEFAULT_POOL_SIZE, NULL);
    if (pool == NULL) {
        fprintf(stderr, "control setup failed: rp_create failed\n");
        return 2;
    }
    char *method = rp_pnalloc(pool, 8);
    if (method == NULL) {
        fprintf(stderr, "control setup failed: rp_pnalloc failed\n");
        return 2;
    }
    memcpy(method, "GET", 4);

    rp_reset(pool); /* request done, the next one begins */

    char first = *(volatile char *)method; /* planted bug */
    printf("control: previous method started with %d\n", first);

    rp_destroy(pool);
    return 0;
}
