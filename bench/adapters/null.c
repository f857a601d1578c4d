/*
 * null.c - an allocator that does nothing, for the trace workload only:
 * trace/null/<trace> is the replay loop's own cost (reading each op, the
 * slot table, touching the block), which the report subtracts from every
 * allocator's trace figures.  Every block is the start of one reserved
 * mapping, large enough for any traced size (sizes are below 2^32), of
 * which only the pages a replay writes ever become real.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE under -std=c11 */
#include <stdint.h>
#include <sys/mman.h>

#include "adapter.h"

#define NULL_SPAN ((size_t)UINT32_MAX + 1)

static void *null_open(const bench_open_opts *o)
{
    void *span = mmap(NULL, NULL_SPAN, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    (void)o;
    return span == MAP_FAILED ? NULL : span;
}

static void null_close(void *env)
{
    munmap(env, NULL_SPAN);
}

static void *null_create(void *env)
{
    return env;
}

static void null_destroy(void *env, void *inst)
{
    (void)env;
    (void)inst;
}

static void *null_alloc(void *inst, size_t n)
{
    (void)n;
    return inst;
}

static void null_free(void *inst, void *p, size_t n)
{
    (void)inst;
    (void)p;
    (void)n;
}

static void *null_realloc(void *inst, void *p, size_t old_n, size_t new_n)
{
    (void)inst;
    (void)old_n;
    (void)new_n;
    return p;
}

/* Holds nothing the report would call fragmentation: no figure. */
static void null_held(void *env, bench_held *out)
{
    (void)env;
    out->held = out->in_use = out->exact_peak = 0;
}

static const bench_adapter null_adapter = {
    .name = "null",
    .caps = 0,
    .workloads = BENCH_W_TRACE,
    .held_source = "none (does nothing)",
    .open = null_open,
    .close = null_close,
    .create = null_create,
    .destroy = null_destroy,
    .alloc = null_alloc,
    .free = null_free,
    .realloc = null_realloc,
    .reset = bench_adapter_missing_reset,
    .held = null_held,
};

#define BENCH_ADAPTER null_adapter
#include "instantiate.h"

void bench_register_null(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
