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
    .create = sca_adapter_create,
    SCA_ADAPTER_FIELDS,
};

#define BENCH_ADAPTER sca_adapter
#define BENCH_ADAPTER_VIA_POINTER
#include "instantiate.h"

void bench_register_sca(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
