/*
 * Negative control for the memcheck gate: use of a large region-pool block
 * after rp_pfree.
 *
 * A response body too big for the pool's blocks becomes a large block; the
 * handler frees it early with rp_pfree and then reads it again.  Large
 * blocks go back to upstream (libc free here), so memcheck's own malloc
 * tracking catches this one even without the annotations.
 *
 * memcheck-expect: InvalidRead
 * memcheck-caught-by: malloc-tracking
 */
#include <stdio.h>
#include <string.h>

#include "alloc/rp.h"

enum { BODY_SIZE = 64 * 1024 };

int main(void)
{
    rp_pool_t *pool = rp_create(RP_DEFAULT_POOL_SIZE, NULL);
    if (pool == NULL) {
        fprintf(stderr, "control setup failed: rp_create failed\n");
        return 2;
    }
    char *body = rp_palloc(pool, BODY_SIZE);
    if (body == NULL) {
        fprintf(stderr, "control setup failed: rp_palloc failed\n");
        return 2;
    }
    memset(body, 'x', BODY_SIZE);

    if (rp_pfree(pool, body) != RP_OK) {
        fprintf(stderr, "control setup failed: rp_pfree declined a large block\n");
        return 2;
    }

    char last = *(volatile char *)&body[BODY_SIZE - 1]; /* planted bug */
    printf("control: freed body ended with %d\n", last);

    rp_destroy(pool);
    return 0;
}
