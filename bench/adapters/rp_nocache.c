/*
 * rp_nocache.c - the rp-nocache adapter: a pool per request straight over
 * malloc, only in lifecycle-create, to show what rp's cache buys
 * (functions in rp_adapter.h).
 */
#include "rp_adapter.h"

static const bench_adapter rp_nocache_adapter = {
    .name = "rp-nocache",
    .caps = BENCH_CAP_RESET | BENCH_CAP_DESTROY_FREES,
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
    .held = ours_env_held,
};

#define BENCH_ADAPTER rp_nocache_adapter
#include "instantiate.h"

void bench_register_rp_nocache(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
