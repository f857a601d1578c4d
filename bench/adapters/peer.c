/*
 * peer.c - a peer allocator that replaces malloc for the whole process
 * (jemalloc, tcmalloc, mimalloc), so it runs in its own executable, linked
 * with exactly one of them (BENCH_PEER_JEMALLOC / _TCMALLOC / _MIMALLOC).
 * The workloads call plain malloc / free / realloc, as C programs do.
 * Held bytes come from each allocator's own statistics:
 *   jemalloc  mallctl "stats.mapped" (after an "epoch" refresh)
 *   tcmalloc  "generic.heap_size" - "tcmalloc.pageheap_unmapped_bytes"
 *             - "tcmalloc.pageheap_free_bytes"
 *   mimalloc  the resident set (its statistics are off in Debian's build)
 */
#include <stdint.h>
#include <stdlib.h>

#include "adapter.h"

#if defined(BENCH_PEER_JEMALLOC)
#include <jemalloc/jemalloc.h>
#define PEER_NAME "jemalloc"
#define PEER_HELD "jemalloc stats.mapped"
static size_t peer_held_now(void)
{
    uint64_t epoch = 1;
    size_t mapped = 0, len = sizeof mapped, elen = sizeof epoch;
    mallctl("epoch", &epoch, &elen, &epoch, elen);
    if (mallctl("stats.mapped", &mapped, &len, NULL, 0) != 0)
        return 0;
    return mapped;
}
#elif defined(BENCH_PEER_TCMALLOC)
#include <gperftools/malloc_extension_c.h>
#define PEER_NAME "tcmalloc"
#define PEER_HELD "tcmalloc heap_size-pageheap free-unmapped"
/* Pages tcmalloc holds outside its page heap's free lists: it reserves heap
 * in big steps, so the mapped total often does not move for a small working
 * set; the pages it has handed to spans (objects live or cached) do. */
static size_t peer_held_now(void)
{
    size_t heap = 0, unmapped = 0, free_bytes = 0;
    MallocExtension_GetNumericProperty("generic.heap_size", &heap);
    MallocExtension_GetNumericProperty("tcmalloc.pageheap_unmapped_bytes", &unmapped);
    MallocExtension_GetNumericProperty("tcmalloc.pageheap_free_bytes", &free_bytes);
    return heap > unmapped + free_bytes ? heap - unmapped - free_bytes : 0;
}
#elif defined(BENCH_PEER_MIMALLOC)
#define PEER_NAME "mimalloc"
#include <stdio.h>
#include <unistd.h>
#define PEER_HELD "RSS (/proc/self/statm)"
/* Debian's mimalloc is built without statistics: mi_process_info reports a
 * commit of 0.  The resident set is the next best reading (it moves with the
 * pages mimalloc touches, the benchmark's own arrays being already there). */
static size_t peer_held_now(void)
{
    unsigned long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return 0;
    if (fscanf(f, "%lu %lu", &size, &resident) != 2)
        resident = 0;
    fclose(f);
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
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

static size_t peer_held(void *env, size_t *exact_peak)
{
    (void)env;
    *exact_peak = 0;
    return peer_held_now();
}

static const bench_adapter peer_adapter = {
    .name = PEER_NAME,
    .caps = BENCH_CAP_FREE | BENCH_CAP_REALLOC,
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
    .held_bytes = peer_held,
};

#define BENCH_ADAPTER peer_adapter
#define BENCH_ADAPTER_ID peer
#include "instantiate.h"
