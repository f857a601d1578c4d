/*
 * sca_fast.c - our size-class allocator with its fast option set
 * (sca_options_fast(): the fast layout, classes to 8 KiB, lean statistics,
 * so the inline paths of sca.h run in the loops).  Sized free.  Held bytes:
 * the counting upstream (exact).
 */
#include "adapter.h"
#include "alloc/sca.h"
#include "ours_env.h"

static void *sca_fast_adapter_open(const bench_open_opts *o)
{
    return ours_env_open(o, 1);
}

static void *sca_fast_adapter_create(void *env)
{
    sca_options_t opts = sca_options_fast();
    opts.upstream = ((ours_env *)env)->up;
    return sca_create(&opts);
}

static void sca_fast_adapter_destroy(void *env, void *inst)
{
    (void)env;
    sca_destroy((sca_t *)inst);
}

static void *sca_fast_adapter_alloc(void *inst, size_t n)
{
    return sca_allocate((sca_t *)inst, n);
}

static void sca_fast_adapter_free(void *inst, void *p, size_t n)
{
    sca_deallocate((sca_t *)inst, p, n);
}

static void *sca_fast_adapter_realloc(void *inst, void *p, size_t old_n, size_t new_n)
{
    return sca_reallocate((sca_t *)inst, p, old_n, new_n);
}

static const bench_adapter sca_fast_adapter = {
    .name = "sca-fast",
    .caps = BENCH_CAP_DESTROY_FREES,
    .workloads = BENCH_W_CHURN | BENCH_W_LIFO | BENCH_W_LIFECYCLE | BENCH_W_LIFECYCLE_CREATE |
                 BENCH_W_REALLOC | BENCH_W_TRACE,
    .held_source = "counting upstream",
    .open = sca_fast_adapter_open,
    .close = ours_env_close,
    .create = sca_fast_adapter_create,
    .destroy = sca_fast_adapter_destroy,
    .alloc = sca_fast_adapter_alloc,
    .free = sca_fast_adapter_free,
    .realloc = sca_fast_adapter_realloc,
    .reset = bench_adapter_missing_reset,
    .held = ours_env_held,
};

#define BENCH_ADAPTER sca_fast_adapter
#include "instantiate.h"

void bench_register_sca_fast(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
