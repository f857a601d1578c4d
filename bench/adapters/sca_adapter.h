/*
 * sca_adapter.h - our size-class allocator (alloc/include/alloc/sca.h) as a
 * bench adapter: everything but the options, which each file sets (sca.c:
 * the defaults, SGI's layout; sca_fast.c: sca_options_fast(); sca_compact.c:
 * sca_options_compact()).  Sized free, as SGI's interface asks.  Held bytes: the counting upstream (exact).
 * Static inline, so that each adapter's instantiated loops inline the calls.
 */
#ifndef BENCH_SCA_ADAPTER_H
#define BENCH_SCA_ADAPTER_H

#include "adapter.h"
#include "alloc/sca.h"
#include "ours_env.h"

static inline void *sca_adapter_open(const bench_open_opts *o)
{
    return ours_env_open(o, 1);
}

/* An instance with these options over the environment's counting upstream. */
static inline void *sca_adapter_create_with(void *env, sca_options_t opts)
{
    opts.upstream = ((ours_env *)env)->up;
    return sca_create(&opts);
}

static inline void sca_adapter_destroy(void *env, void *inst)
{
    (void)env;
    sca_destroy((sca_t *)inst);
}

static inline void *sca_adapter_alloc(void *inst, size_t n)
{
    return sca_allocate((sca_t *)inst, n);
}

static inline void sca_adapter_free(void *inst, void *p, size_t n)
{
    sca_deallocate((sca_t *)inst, p, n);
}

static inline void *sca_adapter_realloc(void *inst, void *p, size_t old_n, size_t new_n)
{
    return sca_reallocate((sca_t *)inst, p, old_n, new_n);
}

/* What every sca adapter serves. */
#define SCA_ADAPTER_WORKLOADS                                                                     \
    (BENCH_W_CHURN | BENCH_W_LIFO | BENCH_W_LIFECYCLE | BENCH_W_LIFECYCLE_CREATE | BENCH_W_REALLOC | \
     BENCH_W_TRACE)

/* Every field of an sca adapter but its name and create, which say its
 * option set: `{.name = "...", .create = ..., SCA_ADAPTER_FIELDS}`. */
#define SCA_ADAPTER_FIELDS                                                                          \
    .caps = BENCH_CAP_DESTROY_FREES, .workloads = SCA_ADAPTER_WORKLOADS, .held_source = "counting upstream", \
    .open = sca_adapter_open, .close = ours_env_close, .destroy = sca_adapter_destroy,                 \
    .alloc = sca_adapter_alloc, .free = sca_adapter_free, .realloc = sca_adapter_realloc,              \
    .reset = bench_adapter_missing_reset, .held = ours_env_held

#endif
