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
    .create = sca_compact_adapter_create,
    SCA_ADAPTER_FIELDS,
};

#define BENCH_ADAPTER sca_compact_adapter
#include "instantiate.h"

void bench_register_sca_compact(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
