/*
 * ours_env.h - the upstream stack under our allocators in the benchmark:
 *   timed runs     libc malloc, or a caching upstream over it (per-request
 *                  pools), so the timed loops pay no counting;
 *   measuring pass the same over a counting upstream, whose peak is the
 *                  exact "bytes held from the system".
 */
#ifndef BENCH_OURS_ENV_H
#define BENCH_OURS_ENV_H

#include <stdlib.h>

#include "adapter.h"
#include "alloc/upstream.h"

typedef struct ours_env {
    alloc_counting_t counting;
    alloc_caching_t caching;
    alloc_upstream_t up;
    int measure;
    int cache;
} ours_env;

static inline void *ours_env_open(const bench_open_opts *o, int allow_cache)
{
    ours_env *e = (ours_env *)calloc(1, sizeof *e);
    alloc_upstream_t base = alloc_upstream_malloc();
    if (e == NULL)
        return NULL;
    e->measure = o->measure;
    e->cache = o->cache && allow_cache;
    if (e->measure) {
        if (alloc_counting_init(&e->counting, NULL) != 0) {
            free(e);
            return NULL;
        }
        base = alloc_counting_upstream(&e->counting);
    }
    if (e->cache) {
        if (alloc_caching_init(&e->caching, &base, ALLOC_CACHING_MAX) != 0) {
            free(e);
            return NULL;
        }
        base = alloc_caching_upstream(&e->caching);
    }
    e->up = base;
    return e;
}

static inline void ours_env_close(void *env)
{
    ours_env *e = (ours_env *)env;
    if (e->cache)
        alloc_caching_drain(&e->caching);
    free(e);
}

/* Exact: the counting upstream sees every byte our allocator takes, and
 * nothing else (in_use stays 0: no one else's bytes to subtract). */
static inline void ours_env_held(void *env, bench_held *out)
{
    ours_env *e = (ours_env *)env;
    out->held = out->in_use = out->exact_peak = 0;
    if (e->measure) {
        alloc_counting_stats_t s = alloc_counting_stats(&e->counting);
        out->exact_peak = s.peak_bytes_held;
        out->held = s.bytes_held;
    }
}

#endif
