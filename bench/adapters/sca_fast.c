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
    .create = sca_fast_adapter_create,
    SCA_ADAPTER_FIELDS,
};

#define BENCH_ADAPTER sca_fast_adapter
#include "instantiate.h"

void bench_register_sca_fast(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
