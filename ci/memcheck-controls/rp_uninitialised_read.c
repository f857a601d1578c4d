/*
 * Negative control for the memcheck gate: a branch on region-pool memory
 * that was never written.
 *
 * A connection's pool is reset between requests.  The request parser sets
 * keep_alive only when the header is present, and the caller branches on it
 * unconditionally.  The first request had the header; the second lands on
 * the same pool memory and does not, so the field holds the first request's
 * stale value: a defined byte to memcheck, unless the pool's annotations
 * mark handed-out memory undefined again (VALGRIND_MEMPOOL_ALLOC does).
 *
 * memcheck-expect: UninitCondition
 * memcheck-caught-by: annotations
 */
#include <stdio.h>
#include <string.h>

#include "alloc/rp.h"

struct request {
    int method;
    int keep_alive;
    char path[48];
};

/* Fills req from a raw request line; keep_alive only if the header is there
 * (the bug: nothing sets it to 0 otherwise). */
static void parse_request(struct request *req, const char *raw)
{
    req->method = strncmp(raw, "GET ", 4) == 0 ? 1 : 2;
    snprintf(req->path, sizeof req->path, "%s", raw + 4);
    if (strstr(raw, "Connection: keep-alive") != NULL)
        req->keep_alive = 1;
}

static int serve(rp_pool_t *pool, const char *raw)
{
    struct request *req = rp_palloc(pool, sizeof *req);
    if (req == NULL)
        return -1;
    parse_request(req, raw);
    int keep = 0;
    if (req->keep_alive) /* planted bug */
        keep = 1;
    else
        keep = 0;
    return keep;
}

int main(void)
{
    rp_pool_t *pool = rp_create(RP_DEFAULT_POOL_SIZE, NULL);
    if (pool == NULL) {
        fprintf(stderr, "control setup failed: rp_create failed\n");
        return 2;
    }
    static const char *const requests[] = {
        "GET /index.html\r\nConnection: keep-alive\r\n",
        "GET /style.css\r\n",
    };
    for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++) {
        int keep = serve(pool, requests[i]);
        printf("control: request %zu keep-alive %d\n", i, keep);
        rp_reset(pool);
    }
    rp_destroy(pool);
    return 0;
}
