/*
 * jemalloc.c - the fuzz adapter for jemalloc 5.3 (Debian libjemalloc-dev),
 * through its own API: an arena per instance, mallocx / rallocx / sdallocx.
 *
 * What jemalloc promises (jemalloc(3)): mallocx(n, flags) returns a block of
 * at least n bytes, of the size class nallocx(n, flags) reports (sallocx
 * gives the same), aligned for any object that fits (a request of 1..8 bytes
 * gets an 8-byte class, 8-aligned; 16 and up are 16-aligned: the quantum);
 * rallocx keeps min(old, new) bytes and returns NULL leaving the block alone
 * when it cannot; sdallocx(p, n) takes any n between the request and the
 * usable size.  mallocx and rallocx with size 0 are *undefined*.
 * "arena.<i>.reset" discards every allocation of an arena made by
 * arenas.create (with no thread cache holding its blocks), "arena.<i>.destroy"
 * does that and retires the arena, whose index the next arenas.create reuses.
 *
 * What the adapter does:
 *   create    mallctl("arenas.create"); every call passes
 *             MALLOCX_ARENA(i) | MALLOCX_TCACHE_NONE, so the instance's blocks
 *             live in its arena alone and no thread cache hides any of them
 *             (which reset and the statistics need).
 *   alloc     mallocx(max(n, 1)); free: sdallocx(p, max(n, 1)) (sized free: the
 *             executor always passes the size); realloc: rallocx(p, max(new, 1)).
 *             NULL p: free is a no-op, realloc allocates.  Above
 *             PEER_MAX_REQUEST (peer.h) the adapter answers NULL itself.
 *   reset     "arena.<i>.reset"; destroy: "arena.<i>.destroy".
 *   self_check  jemalloc's own statistics against the adapter's count: after
 *             an "epoch" refresh, stats.arenas.<i>.small.allocated +
 *             large.allocated must equal the sum of nallocx(n) over the blocks
 *             the adapter handed out and not freed.  1 broken invariant when
 *             they differ.  (The epoch merges every arena's statistics, so it
 *             runs at `check`, reset and teardown only, never per op.)
 *   check_block  the C11 alignment rule (peer.h) and sallocx(p) == nallocx(n).
 * What it does not claim: FUZZ_CAP_STATS (jemalloc knows usable bytes, not
 * the requested bytes, reallocs or failures the model compares), no upstream
 * (extents come from jemalloc's own mmap), no poisoning.
 *
 * Linking (-ljemalloc, the shared library, which also exports malloc/free):
 * gcc debug binary: jemalloc then serves the whole process's malloc, the
 * executor's too.  clang -fsanitize=fuzzer,address,undefined: works; ASan's
 * malloc interceptors in the executable take precedence over jemalloc's
 * malloc, so the executor uses ASan's allocator while mallocx/rallocx/sdallocx
 * are jemalloc's.  ASan does not see inside jemalloc's extents: an overflow
 * within an arena is caught by the executor's content checks, not by ASan.
 * Checked by the unit test in both presets.
 *
 * G = 16 (LG_QUANTUM), L = the largest small size class (arenas.bin.<last>.size,
 * 14336 with 4 KiB pages), M = opt.oversize_threshold (8 MiB: larger requests
 * get an extent of their own), B = arenas.page.
 *
 * Planted bugs for the unit test's negative controls (never in real builds):
 * FUZZ_PEER_PLANT == 1: realloc loses the first byte; 2: the self-check's
 * expected byte count forgets the first block.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <jemalloc/jemalloc.h>

#include "peer.h"

#ifndef FUZZ_PEER_PLANT
#define FUZZ_PEER_PLANT 0
#endif

typedef struct jemalloc_instance {
    unsigned arena;
    int flags;            /* MALLOCX_ARENA(arena) | MALLOCX_TCACHE_NONE */
    size_t usable_live;   /* sum of nallocx(n) over the live blocks */
    size_t small_limit, oversize, page;
} jemalloc_instance_t;

/* mallctl "<prefix>.<arena>.<suffix>": reads size bytes into out (out NULL:
 * reads nothing, as for reset and destroy); returns mallctl's error code. */
static int arena_ctl(const char *prefix, unsigned arena, const char *suffix, void *out, size_t size)
{
    char name[96];
    snprintf(name, sizeof name, "%s.%u.%s", prefix, arena, suffix);
    size_t len = size;
    return mallctl(name, out, out ? &len : NULL, NULL, 0);
}

static size_t read_size(const char *name, size_t fallback)
{
    size_t v = 0, len = sizeof v;
    return mallctl(name, &v, &len, NULL, 0) == 0 ? v : fallback;
}

static void *jemalloc_create(const fuzz_env_t *env, const fuzz_new_args_t *args, int *invalid)
{
    (void)env;
    (void)args;
    if (invalid)
        *invalid = 0;
    jemalloc_instance_t *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    size_t len = sizeof j->arena;
    if (mallctl("arenas.create", &j->arena, &len, NULL, 0) != 0) {
        free(j);
        return NULL;
    }
    j->flags = MALLOCX_ARENA(j->arena) | MALLOCX_TCACHE_NONE;
    unsigned nbins = 0;
    len = sizeof nbins;
    if (mallctl("arenas.nbins", &nbins, &len, NULL, 0) != 0 || nbins == 0 ||
        arena_ctl("arenas.bin", nbins - 1, "size", &j->small_limit, sizeof j->small_limit) != 0)
        j->small_limit = 14336;
    j->oversize = read_size("opt.oversize_threshold", (size_t)8 << 20);
    j->page = read_size("arenas.page", 4096);
    return j;
}

static void jemalloc_destroy(void *inst)
{
    jemalloc_instance_t *j = inst;
    if (!j)
        return;
    arena_ctl("arena", j->arena, "destroy", NULL, 0);
    free(j);
}

static void *jemalloc_alloc(void *inst, size_t n)
{
    jemalloc_instance_t *j = inst;
    if (peer_refuses(n))
        return NULL;
    void *p = mallocx(peer_nonzero(n), j->flags);
    if (p)
        j->usable_live += nallocx(peer_nonzero(n), j->flags);
    return p;
}

static void jemalloc_free(void *inst, void *p, size_t n)
{
    jemalloc_instance_t *j = inst;
    if (!p)
        return;
    j->usable_live -= nallocx(peer_nonzero(n), j->flags);
    sdallocx(p, peer_nonzero(n), j->flags);
}

static void *jemalloc_realloc(void *inst, void *p, size_t old_n, size_t new_n)
{
    jemalloc_instance_t *j = inst;
    if (!p)
        return jemalloc_alloc(inst, new_n);
    if (peer_refuses(new_n))
        return NULL;
    unsigned char *q = rallocx(p, peer_nonzero(new_n), j->flags);
    if (!q)
        return NULL;
    j->usable_live += nallocx(peer_nonzero(new_n), j->flags);
    j->usable_live -= nallocx(peer_nonzero(old_n), j->flags);
    if (FUZZ_PEER_PLANT == 1 && old_n > 0 && new_n > 0)
        q[0] ^= 0xFF;
    return q;
}

static void jemalloc_reset(void *inst)
{
    jemalloc_instance_t *j = inst;
    arena_ctl("arena", j->arena, "reset", NULL, 0);
    j->usable_live = 0;
}

static size_t jemalloc_self_check(const void *inst)
{
    const jemalloc_instance_t *j = inst;
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    size_t small = 0, large = 0;
    if (mallctl("epoch", &epoch, &len, &epoch, len) != 0 ||
        arena_ctl("stats.arenas", j->arena, "small.allocated", &small, sizeof small) != 0 ||
        arena_ctl("stats.arenas", j->arena, "large.allocated", &large, sizeof large) != 0)
        return 1; /* the statistics are gone: the arena is not what we made */
    size_t expected = j->usable_live;
    if (FUZZ_PEER_PLANT == 2 && expected > 0)
        expected -= 8;
    if (small + large != expected) {
        fprintf(stderr, "jemalloc arena %u: stats say %zu bytes allocated (small %zu, large %zu), "
                        "the adapter handed out %zu\n", j->arena, small + large, small, large, expected);
        return 1;
    }
    return 0;
}

static int jemalloc_is_large(const void *inst, size_t n)
{
    const jemalloc_instance_t *j = inst;
    return n > j->small_limit;
}

static size_t jemalloc_param(const void *inst, fuzz_param_t which)
{
    const jemalloc_instance_t *j = inst;
    switch (which) {
    case FUZZ_PARAM_GRANULE: return 16;
    case FUZZ_PARAM_SMALL_LIMIT: return j->small_limit;
    case FUZZ_PARAM_POOL_MAX: return j->oversize;
    case FUZZ_PARAM_BLOCK_SIZE: return j->page;
    }
    return 0;
}

static const char *jemalloc_check_block(const void *inst, const void *p, size_t n)
{
    const jemalloc_instance_t *j = inst;
    const char *why = peer_check_alignment(p, n);
    if (why)
        return why;
    if (sallocx((void *)p, 0) != nallocx(peer_nonzero(n), j->flags))
        return "sallocx(p) differs from nallocx(n): the block is not of the request's size class";
    return NULL;
}

const fuzz_adapter_t fuzz_adapter_jemalloc = {
    .name = "jemalloc",
    .caps = FUZZ_CAP_HEAP | FUZZ_CAP_SIZED_FREE | FUZZ_CAP_REALLOC | FUZZ_CAP_RESET | FUZZ_CAP_SELF_CHECK,
    .align = 8,
    .create = jemalloc_create,
    .destroy = jemalloc_destroy,
    .alloc = jemalloc_alloc,
    .free = jemalloc_free,
    .realloc = jemalloc_realloc,
    .reset = jemalloc_reset,
    .is_large = jemalloc_is_large,
    .charge = peer_charge,
    .param = jemalloc_param,
    .check_block = jemalloc_check_block,
    .self_check = jemalloc_self_check,
};
