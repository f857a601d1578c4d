/*
 * mimalloc.c - the fuzz adapter for mimalloc 2.0.9 (Debian libmimalloc-dev),
 * through its first-class heaps: mi_heap_new per instance.
 *
 * What mimalloc promises (mimalloc.h and its docs): mi_heap_malloc(h, n)
 * returns a block of at least n bytes (mi_usable_size), aligned for any
 * object that fits (8-byte blocks are 8-aligned, 16 and up 16-aligned:
 * MI_MAX_ALIGN_SIZE); size 0 gives a unique non-NULL block; mi_heap_realloc
 * keeps min(old, new) bytes and returns NULL leaving the block alone when it
 * cannot; mi_free takes a block of any heap (no size); mi_heap_destroy frees
 * every block still allocated in the heap at once.  A heap belongs to the
 * thread that made it: the executor is single-threaded.
 *
 * What the adapter does:
 *   create    mi_heap_new().
 *   alloc     mi_heap_malloc(h, n), n = 0 included; free: mi_free(p) (no
 *             sized free: mi_free_size only checks the size in mimalloc's debug
 *             builds); realloc: mi_heap_realloc(h, p, new_n), new_n = 0
 *             included (mimalloc returns a fresh 0-byte block, not NULL).
 *             Above PEER_MAX_REQUEST (peer.h) the adapter answers NULL itself.
 *   reset     mi_heap_destroy + mi_heap_new (if that new heap cannot be made,
 *             every later request answers NULL; destroy copes).
 *   destroy   mi_heap_destroy: the live blocks go with the heap.
 *   self_check  mi_heap_visit_blocks(h, visit_all_blocks = true) counts the
 *             blocks mimalloc holds live in the heap; the adapter counts the
 *             blocks it handed out and did not free.  1 broken invariant when
 *             the two differ (a lost or duplicated block, a free that did not
 *             reach the heap).  O(live blocks + pages): run at check, reset
 *             and teardown only.
 *   check_block  the C11 alignment rule (peer.h), mi_usable_size(p) >= n, and
 *             mi_heap_check_owned(h, p): the block lies in this instance's heap.
 * What it does not claim: no statistics (mimalloc's are process-wide), no
 * upstream (segments come from mimalloc's own mmap), no poisoning.
 *
 * Linking (-lmimalloc, the shared library, which also exports malloc/free):
 * gcc debug binary: mimalloc then serves the whole process's malloc, the
 * executor's too.  clang -fsanitize=fuzzer,address,undefined: works; the
 * executable's ASan interceptors take malloc/free, the mi_heap_* calls are
 * mimalloc's.  ASan does not see inside mimalloc's pages.  Checked by the
 * unit test in both presets.
 *
 * G = 8 (mimalloc's smallest size-class step), L = MI_SMALL_SIZE_MAX (1024:
 * the largest size of the small-object fast path, mimalloc.h), M = 128 KiB
 * (medium pages end there in mimalloc 2.0: larger blocks get large pages),
 * B = 64 KiB (a small page, also mimalloc's slice).
 *
 * Planted bugs for the unit test's negative controls (never in real builds):
 * FUZZ_PEER_PLANT == 1: realloc loses the first byte; 2: the adapter's block
 * count misses every realloc from NULL.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <mimalloc.h>

#include "peer.h"

#ifndef FUZZ_PEER_PLANT
#define FUZZ_PEER_PLANT 0
#endif

typedef struct mimalloc_instance {
    mi_heap_t *heap;   /* NULL only when a reset could not make a new heap */
    size_t live;       /* blocks handed out and not freed */
} mimalloc_instance_t;

static void *mimalloc_create(const fuzz_env_t *env, const fuzz_new_args_t *args, int *invalid)
{
    (void)env;
    (void)args;
    if (invalid)
        *invalid = 0;
    mimalloc_instance_t *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->heap = mi_heap_new();
    if (!m->heap) {
        free(m);
        return NULL;
    }
    return m;
}

static void mimalloc_destroy(void *inst)
{
    mimalloc_instance_t *m = inst;
    if (!m)
        return;
    if (m->heap)
        mi_heap_destroy(m->heap);
    free(m);
}

static void *mimalloc_alloc(void *inst, size_t n)
{
    mimalloc_instance_t *m = inst;
    if (peer_refuses(n) || !m->heap)
        return NULL;
    void *p = mi_heap_malloc(m->heap, n);
    m->live += p != NULL;
    return p;
}

static void mimalloc_free(void *inst, void *p, size_t n)
{
    mimalloc_instance_t *m = inst;
    (void)n;
    if (!p)
        return;
    m->live--;
    mi_free(p);
}

static void *mimalloc_realloc(void *inst, void *p, size_t old_n, size_t new_n)
{
    mimalloc_instance_t *m = inst;
    if (peer_refuses(new_n) || !m->heap)
        return NULL;
    unsigned char *q = mi_heap_realloc(m->heap, p, new_n);
    if (q && !p && FUZZ_PEER_PLANT != 2)
        m->live++;
    if (FUZZ_PEER_PLANT == 1 && q && p && old_n > 0 && new_n > 0)
        q[0] ^= 0xFF;
    return q;
}

static void mimalloc_reset(void *inst)
{
    mimalloc_instance_t *m = inst;
    if (m->heap)
        mi_heap_destroy(m->heap);
    m->heap = mi_heap_new();
    m->live = 0;
}

static bool count_block(const mi_heap_t *heap, const mi_heap_area_t *area, void *block, size_t block_size,
                        void *arg)
{
    (void)heap;
    (void)area;
    (void)block_size;
    if (block) /* NULL: the visit of the area itself */
        ++*(size_t *)arg;
    return true;
}

static size_t mimalloc_self_check(const void *inst)
{
    const mimalloc_instance_t *m = inst;
    if (!m->heap)
        return m->live != 0;
    size_t blocks = 0;
    /* Its result is no verdict: false also means "the heap has no pages"
     * (count_block never stops the walk). */
    (void)mi_heap_visit_blocks(m->heap, true, count_block, &blocks);
    if (blocks != m->live) {
        fprintf(stderr, "mimalloc heap %p holds %zu live blocks, the adapter handed out %zu\n",
                (void *)m->heap, blocks, m->live);
        return 1;
    }
    return 0;
}

static int mimalloc_is_large(const void *inst, size_t n)
{
    (void)inst;
    return n > MI_SMALL_SIZE_MAX;
}

static size_t mimalloc_param(const void *inst, fuzz_param_t which)
{
    (void)inst;
    switch (which) {
    case FUZZ_PARAM_GRANULE: return 8;
    case FUZZ_PARAM_SMALL_LIMIT: return MI_SMALL_SIZE_MAX;
    case FUZZ_PARAM_POOL_MAX: return (size_t)128 * 1024;
    case FUZZ_PARAM_BLOCK_SIZE: return (size_t)64 * 1024;
    }
    return 0;
}

static const char *mimalloc_check_block(const void *inst, const void *p, size_t n)
{
    const mimalloc_instance_t *m = inst;
    const char *why = peer_check_alignment(p, n);
    if (why)
        return why;
    if (mi_usable_size(p) < n)
        return "mi_usable_size is smaller than the request";
    if (!m->heap || !mi_heap_check_owned(m->heap, p))
        return "the block is not in the instance's heap (mi_heap_check_owned)";
    return NULL;
}

const fuzz_adapter_t fuzz_adapter_mimalloc = {
    .name = "mimalloc",
    .caps = FUZZ_CAP_HEAP | FUZZ_CAP_REALLOC | FUZZ_CAP_RESET | FUZZ_CAP_SELF_CHECK,
    .align = 8,
    .create = mimalloc_create,
    .destroy = mimalloc_destroy,
    .alloc = mimalloc_alloc,
    .free = mimalloc_free,
    .realloc = mimalloc_realloc,
    .reset = mimalloc_reset,
    .is_large = mimalloc_is_large,
    .charge = peer_charge,
    .param = mimalloc_param,
    .check_block = mimalloc_check_block,
    .self_check = mimalloc_self_check,
};
