/*
 * rp.c - our region pool (alloc/include/alloc/rp.h), blocks of
 * RP_DEFAULT_POOL_SIZE, rp_palloc for every request (aligned, as malloc),
 * released by rp_reset or by rp_destroy.  Two adapters:
 *   rp          per-request pools draw their blocks through a caching
 *               upstream, as a server would keep a few blocks around;
 *   rp-nocache  the naive pool per request straight over malloc (only in
 *               lifecycle-create, to show what the cache buys).
 * and two with the pool's options changed (rp_create_max), over the same
 * upstreams as rp:
 *   rp-64k      blocks of 64 KiB, nginx's large threshold (4095 bytes);
 *   rp-64k-16k  blocks of 64 KiB, large threshold 16 KiB: every object of
 *               the lifecycle workloads (up to 16 KiB) comes from blocks.
 * Held bytes: the counting upstream (exact; cached blocks count as held).
 */
#include "adapter.h"
#include "alloc/rp.h"
#include "ours_env.h"

static void *rp_adapter_open(const bench_open_opts *o)
{
    return ours_env_open(o, 1);
}

static void *rp_adapter_open_nocache(const bench_open_opts *o)
{
    return ours_env_open(o, 0);
}

#define RP_WIDE_BLOCK (64u * 1024u)
#define RP_WIDE_MAX (16u * 1024u)

static void *rp_adapter_create(void *env)
{
    return rp_create(RP_DEFAULT_POOL_SIZE, &((ours_env *)env)->up);
}

static void *rp_adapter_create_64k(void *env)
{
    return rp_create(RP_WIDE_BLOCK, &((ours_env *)env)->up);
}

static void *rp_adapter_create_64k_16k(void *env)
{
    return rp_create_max(RP_WIDE_BLOCK, RP_WIDE_MAX, &((ours_env *)env)->up);
}

static void rp_adapter_destroy(void *env, void *inst)
{
    (void)env;
    rp_destroy((rp_pool_t *)inst);
}

static void *rp_adapter_alloc(void *inst, size_t n)
{
    return rp_palloc((rp_pool_t *)inst, n);
}

static void rp_adapter_reset(void *inst)
{
    rp_reset((rp_pool_t *)inst);
}

static const bench_adapter rp_adapter = {
    .name = "rp",
    .caps = BENCH_CAP_RESET | BENCH_CAP_DESTROY_FREES | BENCH_CAP_CAN_FAIL,
    .workloads = BENCH_W_LIFECYCLE | BENCH_W_LIFECYCLE_CREATE,
    .held_source = "counting upstream",
    .open = rp_adapter_open,
    .close = ours_env_close,
    .create = rp_adapter_create,
    .destroy = rp_adapter_destroy,
    .alloc = rp_adapter_alloc,
    .free = bench_adapter_missing_free,
    .realloc = bench_adapter_missing_realloc,
    .reset = rp_adapter_reset,
    .held_bytes = ours_env_held,
};

static const bench_adapter rp_nocache_adapter = {
    .name = "rp-nocache",
    .caps = BENCH_CAP_RESET | BENCH_CAP_DESTROY_FREES | BENCH_CAP_CAN_FAIL,
    .workloads = BENCH_W_LIFECYCLE_CREATE,
    .held_source = "counting upstream",
    .open = rp_adapter_open_nocache,
    .close = ours_env_close,
    .create = rp_adapter_create,
    .destroy = rp_adapter_destroy,
    .alloc = rp_adapter_alloc,
    .free = bench_adapter_missing_free,
    .realloc = bench_adapter_missing_realloc,
    .reset = rp_adapter_reset,
    .held_bytes = ours_env_held,
};

static const bench_adapter rp_64k_adapter = {
    .name = "rp-64k",
    .caps = BENCH_CAP_RESET | BENCH_CAP_DESTROY_FREES | BENCH_CAP_CAN_FAIL,
    .workloads = BENCH_W_LIFECYCLE | BENCH_W_LIFECYCLE_CREATE,
    .held_source = "counting upstream",
    .open = rp_adapter_open,
    .close = ours_env_close,
    .create = rp_adapter_create_64k,
    .destroy = rp_adapter_destroy,
    .alloc = rp_adapter_alloc,
    .free = bench_adapter_missing_free,
    .realloc = bench_adapter_missing_realloc,
    .reset = rp_adapter_reset,
    .held_bytes = ours_env_held,
};

static const bench_adapter rp_64k_16k_adapter = {
    .name = "rp-64k-16k",
    .caps = BENCH_CAP_RESET | BENCH_CAP_DESTROY_FREES | BENCH_CAP_CAN_FAIL,
    .workloads = BENCH_W_LIFECYCLE | BENCH_W_LIFECYCLE_CREATE,
    .held_source = "counting upstream",
    .open = rp_adapter_open,
    .close = ours_env_close,
    .create = rp_adapter_create_64k_16k,
    .destroy = rp_adapter_destroy,
    .alloc = rp_adapter_alloc,
    .free = bench_adapter_missing_free,
    .realloc = bench_adapter_missing_realloc,
    .reset = rp_adapter_reset,
    .held_bytes = ours_env_held,
};

#define BENCH_ADAPTER rp_adapter
#define BENCH_ADAPTER_ID rp
#include "instantiate.h"
#undef BENCH_ADAPTER
#undef BENCH_ADAPTER_ID

#define BENCH_ADAPTER rp_64k_adapter
#define BENCH_ADAPTER_ID rp_64k
#include "instantiate.h"
#undef BENCH_ADAPTER
#undef BENCH_ADAPTER_ID

#define BENCH_ADAPTER rp_64k_16k_adapter
#define BENCH_ADAPTER_ID rp_64k_16k
#include "instantiate.h"
#undef BENCH_ADAPTER
#undef BENCH_ADAPTER_ID

#define BENCH_ADAPTER rp_nocache_adapter
#define BENCH_ADAPTER_ID rp_nocache
#include "instantiate.h"
