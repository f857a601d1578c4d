/*
 * peer.c - a peer allocator that replaces malloc for the whole process
 * (jemalloc, tcmalloc, mimalloc), so it runs in its own executable, linked
 * with exactly one of them (BENCH_PEER_JEMALLOC / _TCMALLOC / _MIMALLOC).
 * The workloads call plain malloc / free / realloc, as C programs do.
 * Held bytes, by each allocator's own statistics where it keeps them (the
 * meter subtracts `in_use` of before the pass: see workloads/common.h):
 *   jemalloc  held: stats.resident (pages it holds, metadata included);
 *             in_use: stats.allocated; both after an "epoch" refresh
 *   tcmalloc  held: generic.heap_size - tcmalloc.pageheap_unmapped_bytes
 *             (mapped and not given back, free page-heap pages included);
 *             in_use: generic.current_allocated_bytes
 *   mimalloc  held and in_use: the resident set (/proc/self/statm), Debian
 *             builds it without statistics (mi_process_info reports no
 *             commit); the measuring pass writes every byte it asks for
 */
#include <stdint.h>
#include <stdlib.h>

#include "adapter.h"

#if defined(BENCH_PEER_JEMALLOC)
#include <jemalloc/jemalloc.h>
#define PEER_NAME "jemalloc"
#define PEER_HELD "jemalloc stats.resident"
static void peer_held_now(bench_held *out)
{
    uint64_t epoch = 1;
    size_t resident = 0, allocated = 0, len = sizeof resident, elen = sizeof epoch;
    mallctl("epoch", &epoch, &elen, &epoch, elen);
    if (mallctl("stats.resident", &resident, &len, NULL, 0) != 0)
        resident = 0;
    len = sizeof allocated;
    if (mallctl("stats.allocated", &allocated, &len, NULL, 0) != 0)
        allocated = 0;
    out->held = resident;
    out->in_use = allocated;
}
#elif defined(BENCH_PEER_TCMALLOC)
#include <gperftools/malloc_extension_c.h>
#define PEER_NAME "tcmalloc"
#define PEER_HELD "tcmalloc heap_size - pageheap_unmapped"
static void peer_held_now(bench_held *out)
{
    size_t heap = 0, unmapped = 0, allocated = 0;
    MallocExtension_GetNumericProperty("generic.heap_size", &heap);
    MallocExtension_GetNumericProperty("tcmalloc.pageheap_unmapped_bytes", &unmapped);
    MallocExtension_GetNumericProperty("generic.current_allocated_bytes", &allocated);
    out->held = heap > unmapped ? heap - unmapped : 0;
    out->in_use = allocated;
}
#elif defined(BENCH_PEER_MIMALLOC)
#define PEER_NAME "mimalloc"
#include <stdio.h>
#include <unistd.h>
#define PEER_HELD "resident set (statm; mimalloc keeps no statistics here)"
static void peer_held_now(bench_held *out)
{
    unsigned long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f != NULL) {
        if (fscanf(f, "%lu %lu", &size, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    out->held = out->in_use = (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}
#else
#error "peer.c needs one of BENCH_PEER_JEMALLOC, BENCH_PEER_TCMALLOC, BENCH_PEER_MIMALLOC"
#endif

static int peer_env;

static void *peer_open(const bench_open_opts *o)
{
    (void)o;
    return &peer_env;
}

static void peer_close(void *env)
{
    (void)env;
}

static void *peer_create(void *env)
{
    return env;
}

static void peer_destroy(void *env, void *inst)
{
    (void)env;
    (void)inst;
}

static void *peer_alloc(void *inst, size_t n)
{
    (void)inst;
    return malloc(n);
}

static void peer_free(void *inst, void *p, size_t n)
{
    (void)inst;
    (void)n;
    free(p);
}

static void *peer_realloc(void *inst, void *p, size_t old_n, size_t new_n)
{
    (void)inst;
    (void)old_n;
    return realloc(p, new_n);
}

static void peer_held(void *env, bench_held *out)
{
    (void)env;
    out->held = out->in_use = out->exact_peak = 0;
    peer_held_now(out);
}

static const bench_adapter peer_adapter = {
    .name = PEER_NAME,
    .caps = 0,
    .workloads = BENCH_W_CHURN | BENCH_W_LIFO | BENCH_W_LIFECYCLE | BENCH_W_LIFECYCLE_CREATE |
                 BENCH_W_REALLOC | BENCH_W_TRACE,
    .held_source = PEER_HELD,
    .open = peer_open,
    .close = peer_close,
    .create = peer_create,
    .destroy = peer_destroy,
    .alloc = peer_alloc,
    .free = peer_free,
    .realloc = peer_realloc,
    .reset = bench_adapter_missing_reset,
    .held = peer_held,
};

#define BENCH_ADAPTER peer_adapter
#include "instantiate.h"

void bench_register_peer(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
