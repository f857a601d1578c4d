/*
 * Negative control for the memcheck gate: a region pool that is never
 * destroyed (a leak).
 *
 * A request handler creates a pool, allocates from it (small pieces and one
 * large block), and returns early on an error path without rp_destroy.  The
 * only pointer to the pool dies with the handler's frame, so every block the
 * pool took from upstream is definitely or indirectly lost.  memcheck's leak
 * check sees this through libc malloc, with or without the annotations.
 *
 * memcheck-expect: Leak_DefinitelyLost
 * memcheck-caught-by: malloc-tracking
 */
#include <stdio.h>
#include <string.h>

#include "alloc/rp.h"

/* Returns 0 on success, -1 on a malformed request (the leaking path).
 * noinline keeps the pool pointer in this frame only, so no stale copy in
 * main's frame can make the pool look reachable at exit. */
__attribute__((noinline)) static int handle_request(const char *raw)
{
    rp_pool_t *pool = rp_create(RP_DEFAULT_POOL_SIZE, NULL); /* planted bug */
    if (pool == NULL)
        return -1;
    char *line = rp_pnalloc(pool, strlen(raw) + 1);
    char *upload = rp_palloc(pool, 32 * 1024); /* a large block */
    if (line == NULL || upload == NULL) {
        rp_destroy(pool);
        return -1;
    }
    memcpy(line, raw, strlen(raw) + 1);
    memset(upload, 0, 32 * 1024);
    if (strncmp(line, "GET ", 4) != 0)
        return -1; /* forgot rp_destroy(pool) on this path */
    rp_destroy(pool);
    return 0;
}

int main(void)
{
    int status = handle_request("BREW /coffee HTTP/1.1");
    printf("control: handler answered %d\n", status);
    return 0;
}
