/*
 * bump.c - a bare bump pointer with reset: the floor for the region
 * workloads.  64 KiB chunks from malloc (bigger requests get a chunk of
 * their own size), kept in a chain and reused after reset; every block
 * aligned to 16 bytes, as the region pool's rp_palloc.  No statistics in the
 * fast path; held bytes counted exactly, on the slow path only.
 */
#include <stdint.h>
#include <stdlib.h>

#include "adapter.h"

#define BUMP_CHUNK (64u * 1024u)
#define BUMP_ALIGN 16u

typedef struct bump_chunk {
    struct bump_chunk *next;
    size_t size;  /* usable bytes after the header */
} bump_chunk;

typedef struct bump {
    uintptr_t cur, end;
    bump_chunk *first, *at;
    size_t held, peak_held;
} bump;

static void *bump_open(const bench_open_opts *o)
{
    (void)o;
    return calloc(1, sizeof(bump));
}

static void bump_close(void *env)
{
    bump *b = env;
    bump_chunk *c = b->first;
    while (c) {
        bump_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(b);
}

static void *bump_create(void *env)
{
    return env;
}

static void bump_destroy(void *env, void *inst)
{
    (void)env;
    (void)inst;  /* chunks go at close */
}

static uintptr_t bump_chunk_data(bump_chunk *c)
{
    return (uintptr_t)(c + 1);
}

__attribute__((noinline)) static void *bump_slow(bump *b, size_t n)
{
    bump_chunk *c = b->at ? b->at->next : b->first;
    if (c == NULL || c->size < n + BUMP_ALIGN) {
        size_t size = n + BUMP_ALIGN > BUMP_CHUNK ? n + BUMP_ALIGN : BUMP_CHUNK;
        c = malloc(sizeof *c + size);
        if (c == NULL)
            return NULL;
        c->size = size;
        if (b->at) {
            c->next = b->at->next;
            b->at->next = c;
        } else {
            c->next = b->first;
            b->first = c;
        }
        b->held += sizeof *c + size;
        if (b->held > b->peak_held)
            b->peak_held = b->held;
    }
    b->at = c;
    b->cur = bump_chunk_data(c);
    b->end = b->cur + c->size;
    uintptr_t p = (b->cur + (BUMP_ALIGN - 1)) & ~(uintptr_t)(BUMP_ALIGN - 1);
    b->cur = p + n;
    return (void *)p;
}

static void *bump_alloc(void *inst, size_t n)
{
    bump *b = inst;
    uintptr_t p = (b->cur + (BUMP_ALIGN - 1)) & ~(uintptr_t)(BUMP_ALIGN - 1);
    if (p <= b->end && n <= b->end - p) {
        b->cur = p + n;
        return (void *)p;
    }
    return bump_slow(b, n);
}

static void bump_reset(void *inst)
{
    bump *b = inst;
    b->at = NULL;
    b->cur = b->end = 0;
}

static void bump_held(void *env, bench_held *out)
{
    bump *b = env;
    out->exact_peak = b->peak_held;
    out->held = b->held;
    out->in_use = 0;
}

static const bench_adapter bump_adapter = {
    .name = "bump",
    .caps = BENCH_CAP_RESET | BENCH_CAP_DESTROY_FREES,
    .workloads = BENCH_W_LIFECYCLE,
    .held_source = "own chunk count",
    .open = bump_open,
    .close = bump_close,
    .create = bump_create,
    .destroy = bump_destroy,
    .alloc = bump_alloc,
    .free = bench_adapter_missing_free,
    .realloc = bench_adapter_missing_realloc,
    .reset = bump_reset,
    .held = bump_held,
};

#define BENCH_ADAPTER bump_adapter
#include "instantiate.h"

void bench_register_bump(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
