/*
 * rp_adapter.h - our region pool (alloc/include/alloc/rp.h), blocks of
 * RP_DEFAULT_POOL_SIZE, rp_palloc for every request (aligned, as malloc),
 * released by rp_reset or by rp_destroy.  Two adapters:
 *   rp          per-request pools draw their blocks through a caching
 *               upstream, as a server would keep a few blocks around;
 *   rp-nocache  the naive pool per request straight over malloc (only in
 *               lifecycle-create, to show what the cache buys).
 * Held bytes: the counting upstream (exact; cached blocks count as held).
 * The two adapter files (rp.c, rp_nocache.c) share these functions.
 */
#ifndef BENCH_RP_ADAPTER_H
#define BENCH_RP_ADAPTER_H

#include "adapter.h"
#include "alloc/rp.h"
#include "ours_env.h"

static inline void *rp_adapter_open(const bench_open_opts *o)
{
    return ours_env_open(o, 1);
}

static inline void *rp_adapter_open_nocache(const bench_open_opts *o)
{
    return ours_env_open(o, 0);
}

static inline void *rp_adapter_create(void *env)
{
    return rp_create(RP_DEFAULT_POOL_SIZE, &((ours_env *)env)->up);
}

static inline void rp_adapter_destroy(void *env, void *inst)
{
    (void)env;
    rp_destroy((rp_pool_t *)inst);
}

static inline void *rp_adapter_alloc(void *inst, size_t n)
{
    return rp_palloc((rp_pool_t *)inst, n);
}

static inline void rp_adapter_reset(void *inst)
{
    rp_reset((rp_pool_t *)inst);
}

#endif
