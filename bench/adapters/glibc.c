/*
 * glibc.c - glibc malloc / free / realloc, the reference every ratio is
 * taken against.  Held bytes: mallinfo2's arena + hblkhd (sbrk heap plus
 * mmapped blocks), process-wide; the meter subtracts what was there before.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdlib.h>

#include "adapter.h"

static int glibc_env;  /* malloc has no instance: one address to hand out */

static void *glibc_open(const bench_open_opts *o)
{
    (void)o;
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

static size_t glibc_held(void *env, size_t *exact_peak)
{
    struct mallinfo2 mi = mallinfo2();
    (void)env;
    *exact_peak = 0;
    return mi.arena + mi.hblkhd;
}

static const bench_adapter glibc_adapter = {
    .name = "glibc",
    .caps = BENCH_CAP_FREE | BENCH_CAP_REALLOC,
    .workloads = BENCH_W_CHURN | BENCH_W_LIFO | BENCH_W_LIFECYCLE | BENCH_W_LIFECYCLE_CREATE |
                 BENCH_W_REALLOC | BENCH_W_TRACE,
    .held_source = "mallinfo2 arena+hblkhd",
    .open = glibc_open,
    .close = glibc_close,
    .create = glibc_create,
    .destroy = glibc_destroy,
    .alloc = glibc_alloc,
    .free = glibc_free,
    .realloc = glibc_realloc,
    .reset = bench_adapter_missing_reset,
    .held_bytes = glibc_held,
};

#define BENCH_ADAPTER glibc_adapter
#define BENCH_ADAPTER_ID glibc
#define BENCH_ADAPTER_VIA_POINTER
#include "instantiate.h"
