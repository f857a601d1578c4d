/*
 * sca_fast.c - the sca-fast adapter: our size-class allocator with its fast option
 * set (sca_options_fast(): the fast layout, classes to 8 KiB, lean statistics,
 * so the inline paths of sca.h run in the loops)
 * (functions in sca_adapter.h).
 */
#include "sca_adapter.h"

static void *sca_fast_adapter_create(void *env)
{
    return sca_adapter_create_with(env, sca_options_fast());
}

static const bench_adapter sca_fast_adapter = {
    .name = "sca-fast",
    .caps = BENCH_CAP_DESTROY_FREES,
    .workloads = SCA_ADAPTER_WORKLOADS,
    .held_source = "counting upstream",
    .open = sca_adapter_open,
    .close = ours_env_close,
    .create = sca_fast_adapter_create,
    .destroy = sca_adapter_destroy,
    .alloc = sca_adapter_alloc,
    .free = sca_adapter_free,
    .realloc = sca_adapter_realloc,
    .reset = bench_adapter_missing_reset,
    .held = ours_env_held,
};

#define BENCH_ADAPTER sca_fast_adapter
#include "instantiate.h"

void bench_register_sca_fast(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
