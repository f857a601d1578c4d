/*
 * rp.c - the rp adapter: our region pool, per-request pools drawing their
 * blocks through a caching upstream (functions in rp_adapter.h).
 */
#include "rp_adapter.h"

static const bench_adapter rp_adapter = {
    .name = "rp",
    .caps = BENCH_CAP_RESET | BENCH_CAP_DESTROY_FREES,
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
    .held = ours_env_held,
};

#define BENCH_ADAPTER rp_adapter
#include "instantiate.h"

void bench_register_rp(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
