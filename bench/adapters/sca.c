/*
 * sca.c - the sca adapter: our size-class allocator with its default options
 * (SGI's layout: granule 8, small limit 128, batch 20)
 * (functions in sca_adapter.h).
 */
#include "sca_adapter.h"

static void *sca_adapter_create(void *env)
{
    return sca_adapter_create_with(env, sca_options_default());
}

static const bench_adapter sca_adapter = {
    .name = "sca",
    .caps = BENCH_CAP_DESTROY_FREES,
    .workloads = SCA_ADAPTER_WORKLOADS,
    .held_source = "counting upstream",
    .open = sca_adapter_open,
    .close = ours_env_close,
    .create = sca_adapter_create,
    .destroy = sca_adapter_destroy,
    .alloc = sca_adapter_alloc,
    .free = sca_adapter_free,
    .realloc = sca_adapter_realloc,
    .reset = bench_adapter_missing_reset,
    .held = ours_env_held,
};

#define BENCH_ADAPTER sca_adapter
#define BENCH_ADAPTER_VIA_POINTER
#include "instantiate.h"

void bench_register_sca(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
