/*
 * glibc.c - the fuzz adapter for the C library's malloc / realloc / free.
 *
 * What glibc promises (x86_64, glibc 2.36): malloc(n) is 16-aligned
 * (MALLOC_ALIGNMENT = 2 * sizeof(size_t)) for every n, malloc(0) returns a
 * unique non-NULL block, realloc keeps min(old, new) bytes and on failure
 * returns NULL leaving the block as it was, requests above PTRDIFF_MAX fail.
 *
 * What the adapter does:
 *   alloc     malloc(n); n above PEER_MAX_REQUEST (peer.h) is refused (NULL).
 *   free      free(p); the size is ignored (no sized free in glibc's C API).
 *             realloc of a block the instance did not hand out is refused (NULL).
 *   realloc   realloc(p, new_n), but realloc(p, 0) is asked as realloc(p, 1):
 *             glibc frees p and returns NULL for 0, which the executor would
 *             take for a failure that left p live.
 *   destroy   frees the blocks still live: glibc has one process-wide heap,
 *             so the instance lists its live blocks (peer.h, peer_blocks_t)
 *             to keep destroy's meaning, "every block of the instance is gone".
 *   check_block  16-alignment and malloc_usable_size(p) >= n.
 *   self_check  malloc_usable_size(p) >= n for every live block: glibc reads
 *             the size from the chunk header, so a header that was overwritten
 *             counts as broken.  (mallinfo2 is process-wide, and under ASan it
 *             describes glibc's unused arena: not used.)
 * What it does not claim: no reset (glibc has no per-instance heap to drop;
 * the executor frees blocks one by one), no statistics, no upstream, no
 * poisoning of
 * its own (under ASan, freed blocks are poisoned by ASan's allocator, which
 * then replaces glibc's: an ASan binary fuzzes the *adapter and executor*
 * with ASan's malloc, a plain gcc binary fuzzes glibc's).
 *
 * Linking: nothing extra.  gcc debug build: glibc's malloc.  clang
 * -fsanitize=fuzzer,address,undefined: ASan intercepts malloc/free/realloc/
 * malloc_usable_size, so the blocks come from ASan's allocator.
 *
 * G = 16 (the malloc alignment and chunk step), L = 1032 (largest request a
 * tcache bin holds, glibc.malloc.tcache_max's default), M = 128 KiB (the
 * initial mmap threshold: larger requests are mmapped), B = 4096 (a page).
 *
 * Planted bug for the unit test's negative control (never in real builds):
 * FUZZ_PEER_PLANT == 1 makes realloc lose the first byte of the block.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "peer.h"

#ifndef FUZZ_PEER_PLANT
#define FUZZ_PEER_PLANT 0
#endif

/* glibc malloc is one process-wide heap: an instance lists its blocks. */
typedef struct glibc_instance {
    peer_blocks_t blocks;
} glibc_instance_t;

static void *glibc_create(const fuzz_env_t *env, const fuzz_new_args_t *args, int *invalid)
{
    (void)env;
    (void)args;
    if (invalid)
        *invalid = 0;
    return calloc(1, sizeof(glibc_instance_t));
}

static void glibc_destroy(void *inst)
{
    glibc_instance_t *g = inst;
    if (!g)
        return;
    for (size_t i = 0; i < g->blocks.count; i++)
        free(g->blocks.at[i].p);
    free(g->blocks.at);
    free(g);
}

static void *glibc_alloc(void *inst, size_t n)
{
    glibc_instance_t *g = inst;
    if (peer_refuses(n) || peer_blocks_reserve(&g->blocks) != 0)
        return NULL;
    void *p = malloc(n);
    if (p)
        peer_blocks_add(&g->blocks, p, n, n);
    return p;
}

static void glibc_free(void *inst, void *p, size_t n)
{
    glibc_instance_t *g = inst;
    (void)n;
    if (!p)
        return;
    peer_blocks_remove(&g->blocks, p);
    free(p);
}

static void *glibc_realloc(void *inst, void *p, size_t old_n, size_t new_n)
{
    glibc_instance_t *g = inst;
    if (!p)
        return glibc_alloc(inst, new_n);
    peer_block_t *e = peer_blocks_find(&g->blocks, p);
    if (peer_refuses(new_n) || !e)
        return NULL; /* not a block of this instance: refused, not corrupted */
    unsigned char *q = realloc(p, peer_nonzero(new_n));
    if (!q)
        return NULL;
    *e = (peer_block_t){q, new_n, new_n};
    if (FUZZ_PEER_PLANT == 1 && old_n > 0 && new_n > 0)
        q[0] ^= 0xFF;
    return q;
}

/* Every live block's usable size still covers its request: glibc reads it
 * from the chunk header, so a header overwritten by anyone shows here. */
static size_t glibc_self_check(const void *inst)
{
    const glibc_instance_t *g = inst;
    size_t broken = 0;
    for (size_t i = 0; i < g->blocks.count; i++)
        broken += malloc_usable_size(g->blocks.at[i].p) < g->blocks.at[i].n;
    return broken;
}

static int glibc_is_large(const void *inst, size_t n)
{
    (void)inst;
    return n >= (size_t)128 * 1024; /* mmapped */
}

static size_t glibc_param(const void *inst, fuzz_param_t which)
{
    (void)inst;
    switch (which) {
    case FUZZ_PARAM_GRANULE: return 16;
    case FUZZ_PARAM_SMALL_LIMIT: return 1032;
    case FUZZ_PARAM_POOL_MAX: return (size_t)128 * 1024;
    case FUZZ_PARAM_BLOCK_SIZE: return 4096;
    }
    return 0;
}

static const char *glibc_check_block(const void *inst, const void *p, size_t n)
{
    (void)inst;
    if (((uintptr_t)p & 15) != 0)
        return "malloc block not 16-aligned";
    if (malloc_usable_size((void *)p) < n)
        return "malloc_usable_size is smaller than the request";
    return NULL;
}

const fuzz_adapter_t fuzz_adapter_glibc = {
    .name = "glibc",
    .caps = FUZZ_CAP_HEAP | FUZZ_CAP_REALLOC | FUZZ_CAP_SELF_CHECK,
    .align = 16,
    .create = glibc_create,
    .destroy = glibc_destroy,
    .alloc = glibc_alloc,
    .free = glibc_free,
    .realloc = glibc_realloc,
    .is_large = glibc_is_large,
    .charge = peer_charge,
    .param = glibc_param,
    .check_block = glibc_check_block,
    .self_check = glibc_self_check,
};
