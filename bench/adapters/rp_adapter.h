/*
 * rp_adapter.h - our region pool (alloc/include/alloc/rp.h), blocks of
 * RP_DEFAULT_POOL_SIZE, rp_palloc for every request (aligned, as malloc),
 * released by rp_reset or by rp_destroy.  Four adapters, a file each:
 *   rp          per-request pools draw their blocks through a caching
 *               upstream, as a server would keep a few blocks around;
 *   rp-nocache  the naive pool per request straight over malloc (only in
 *               lifecycle-create, to show what the cache buys);
 *   rp-64k      as rp, blocks of 64 KiB, nginx's large threshold (4095 bytes);
 *   rp-64k-16k  as rp, blocks of 64 KiB, large threshold 16 KiB (rp_create_max):
 *               every object of the lifecycle workloads comes from blocks.
 * Held bytes: the counting upstream (exact; cached blocks count as held).
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

#define RP_WIDE_BLOCK (64u * 1024u)
#define RP_WIDE_MAX (16u * 1024u)

static inline void *rp_adapter_create_64k(void *env)
{
    return rp_create(RP_WIDE_BLOCK, &((ours_env *)env)->up);
}

static inline void *rp_adapter_create_64k_16k(void *env)
{
    return rp_create_max(RP_WIDE_BLOCK, RP_WIDE_MAX, &((ours_env *)env)->up);
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
