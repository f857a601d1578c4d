/*
 * sca_compact.c - the sca-compact adapter: our size-class allocator with its
 * compact option set (sca_options_compact(): the fast option set plus the
 * waste cap, so that no small block wastes more than 1/8 of its size)
 * (functions in sca_adapter.h).
 */
#include "sca_adapter.h"

static void *sca_compact_adapter_create(void *env)
{
    return sca_adapter_create_with(env, sca_options_compact());
}

static const bench_adapter sca_compact_adapter = {
    .name = "sca-compact",
    .caps = BENCH_CAP_DESTROY_FREES,
    .workloads = SCA_ADAPTER_WORKLOADS,
    .held_source = "counting upstream",
    .open = sca_adapter_open,
    .close = ours_env_close,
    .create = sca_compact_adapter_create,
    .destroy = sca_adapter_destroy,
    .alloc = sca_adapter_alloc,
    .free = sca_adapter_free,
    .realloc = sca_adapter_realloc,
    .reset = bench_adapter_missing_reset,
    .held = ours_env_held,
};

#define BENCH_ADAPTER sca_compact_adapter
#include "instantiate.h"

void bench_register_sca_compact(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
