/*
 * glibc.c - glibc malloc / free / realloc, the reference every ratio is
 * taken against.  Held bytes: glibc_heap.h.
 */
#include <stdlib.h>

#include "adapter.h"
#include "glibc_heap.h"

static int glibc_env;  /* malloc has no instance: one address to hand out */

static void *glibc_open(const bench_open_opts *o)
{
    glibc_heap_settle(o);
    return &glibc_env;
}

static void glibc_close(void *env)
{
    (void)env;
}

static void *glibc_create(void *env)
{
    return env;
}

static void glibc_destroy(void *env, void *inst)
{
    (void)env;
    (void)inst;
}

static void *glibc_alloc(void *inst, size_t n)
{
    (void)inst;
    return malloc(n);
}

static void glibc_free(void *inst, void *p, size_t n)
{
    (void)inst;
    (void)n;
    free(p);
}

static void *glibc_realloc(void *inst, void *p, size_t old_n, size_t new_n)
{
    (void)inst;
    (void)old_n;
    return realloc(p, new_n);
}

static const bench_adapter glibc_adapter = {
    .name = "glibc",
    .caps = 0,
    .workloads = BENCH_W_CHURN | BENCH_W_LIFO | BENCH_W_LIFECYCLE | BENCH_W_LIFECYCLE_CREATE |
                 BENCH_W_REALLOC | BENCH_W_TRACE,
    .held_source = GLIBC_HEAP_HELD_SOURCE,
    .open = glibc_open,
    .close = glibc_close,
    .create = glibc_create,
    .destroy = glibc_destroy,
    .alloc = glibc_alloc,
    .free = glibc_free,
    .realloc = glibc_realloc,
    .reset = bench_adapter_missing_reset,
    .held = glibc_heap_held,
};

#define BENCH_ADAPTER glibc_adapter
#define BENCH_ADAPTER_VIA_POINTER
#include "instantiate.h"

void bench_register_glibc(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
