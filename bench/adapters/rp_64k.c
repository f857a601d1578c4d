/*
 * rp_64k.c - the rp-64k adapter: as rp, with blocks of 64 KiB, nginx's large threshold
 * (functions in rp_adapter.h).
 */
#include "rp_adapter.h"

static const bench_adapter rp_64k_adapter = {
    .name = "rp-64k",
    .caps = BENCH_CAP_RESET | BENCH_CAP_DESTROY_FREES,
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
    .held = ours_env_held,
};

#define BENCH_ADAPTER rp_64k_adapter
#include "instantiate.h"

void bench_register_rp_64k(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
