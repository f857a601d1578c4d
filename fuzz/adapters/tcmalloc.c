/*
 * tcmalloc.c - the fuzz adapter for gperftools 2.10's tcmalloc (Debian
 * libgoogle-perftools-dev, the libtcmalloc_minimal library: no heap
 * profiler or heap checker), through its tc_* API with sized free.
 *
 * What tcmalloc promises (gperftools/tcmalloc.h, docs/tcmalloc.html):
 * tc_malloc(n) returns a block of at least n bytes (tc_malloc_size), aligned
 * for any object that fits (8-byte blocks are 8-aligned, 16 and up
 * 16-aligned); tc_realloc keeps min(old, new) bytes and returns NULL leaving
 * the block alone when it cannot; tc_free_sized(p, n) is free with the size
 * the block was allocated with (gperftools 2.10 offers it: tcmalloc.h).
 * tc_realloc(p, 0) frees p and returns NULL.
 *
 * What the adapter does:
 *   alloc     tc_malloc(max(n, 1)); free: tc_free_sized(p, max(n, 1)), the
 *             same size as asked, for a block from tc_malloc; for a block whose
 *             last call was tc_realloc, tc_free_sized(p, its usable size as
 *             tc_realloc left it) (see "Sized free after realloc").  realloc:
 *             tc_realloc(p, max(new_n, 1)) (0 would free the block).  Above PEER_MAX_REQUEST (peer.h) the adapter
 *             answers NULL itself.  NULL p: free is a no-op, realloc allocates.
 *             realloc of a block the instance did not hand out is refused (NULL).
 *   destroy   frees the blocks still live: tcmalloc is one process-wide heap,
 *             so the instance lists its live blocks (peer.h, peer_blocks_t)
 *             to keep destroy's meaning, "every block of the instance is gone".
 *   check_block  the C11 alignment rule (peer.h), tc_malloc_size(p) >= n, and
 *             for a block from tc_malloc tc_malloc_size(p) == tc_nallocx(n):
 *             the block is of the request's size class (a span filed on the
 *             wrong free list shows up here, at its next hand-out).
 *   self_check  tc_malloc_size(p) >= n for every live block (tcmalloc's page
 *             map and size classes still describe it).
 * What it does not claim: no reset (no per-instance heap to drop: the executor
 * frees blocks one by one), no statistics (MallocExtension's counters are
 * process-wide and, in a gcc binary, include the executor's own mallocs), no
 * upstream, no poisoning.
 *
 * Linking (-ltcmalloc_minimal, the shared library, which also exports
 * malloc/free): gcc debug binary: tcmalloc then serves the whole process's
 * malloc, the executor's too.  clang -fsanitize=fuzzer,address,undefined:
 * works; the executable's ASan interceptors take malloc/free, the tc_* calls
 * are tcmalloc's (its spans come from sbrk/mmap, unseen by ASan).  Never pass
 * a tc_* block to free() or a malloc() block to tc_* in an ASan binary: the
 * two allocators differ there (tcmalloc aborts: "invalid pointer").  Checked by
 * the unit test in both presets.
 *
 * G = 8 (smallest size class), L = 256 KiB (kMaxSize: the largest size served
 * from size classes and thread caches; larger requests are page-heap spans),
 * M = 1 MiB (the page heap's exact-size span lists end at 128 pages),
 * B = 8 KiB (tcmalloc's page).
 *
 * Sized free after realloc (found by fuzz_tcmalloc in its first 30 s):
 * tc_realloc shrinks in place when the new size is not much smaller than the
 * block (300000 -> 200000 stays where it was), and the block keeps its size
 * class or stays a large page-heap span.  tc_free_sized trusts the size it is given to
 * find the class: given the new request (say 200000 for a 300000-byte span:
 * 200000 is a small class), it files the span on a small-class free list and
 * tcmalloc's lists are corrupt; a later thread-cache scavenge dies in
 * tcmalloc::DLL_Remove (SEGV at 0x10).  C23's free_sized(p, n) would allow
 * n = the realloc's size; tcmalloc 2.10's sized free does not, so the adapter
 * remembers, for a realloc'd block, the usable size to name.  The executor's
 * `n` still decides everything else (the model, the contents checks).
 *
 * LeakSanitizer: libtcmalloc_minimal's constructor (MallocExtension::Register,
 * at load time) makes a default MallocExtension with operator new and then
 * overwrites the only pointer to it with tcmalloc's own: 8 bytes leaked once
 * per process.  In a gcc binary operator new is tcmalloc's and nobody sees it;
 * in an ASan binary it is ASan's malloc, and a libFuzzer binary reports it at
 * exit ("Direct leak of 8 byte(s) ... operator new ... libstdc++.so.6").
 * LSan's fast unwinder stops at operator new (libstdc++ keeps no frame
 * pointers), so the suppression cannot name the tcmalloc function; it names
 * the module instead: "leak:libstdc++.so" (__lsan_default_suppressions, ASan
 * builds only).  In these C binaries only tcmalloc's constructor and libFuzzer
 * call operator new, so every leak of the executor and the adapters is still
 * reported.
 *
 * Planted bugs for the unit test's negative controls (never in real builds):
 * FUZZ_PEER_PLANT == 1 makes realloc lose the first byte; 2 makes free name
 * the request size even after an in-place tc_realloc (the bug above).
 */
#include <stdlib.h>

#include <gperftools/nallocx.h>
#include <gperftools/tcmalloc.h>

#include "peer.h"

#ifndef FUZZ_PEER_PLANT
#define FUZZ_PEER_PLANT 0
#endif

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TCMALLOC_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TCMALLOC_UNDER_ASAN 1
#endif

#ifdef TCMALLOC_UNDER_ASAN
/* LSan asks for this hook at start-up (see "LeakSanitizer" above). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libstdc++.so\n";
}
#endif

/* tcmalloc is one process-wide heap: an instance lists its blocks. */
typedef struct tcmalloc_instance {
    peer_blocks_t blocks;
} tcmalloc_instance_t;

static void *tcmalloc_create(const fuzz_env_t *env, const fuzz_new_args_t *args, int *invalid)
{
    (void)env;
    (void)args;
    if (invalid)
        *invalid = 0;
    return calloc(1, sizeof(tcmalloc_instance_t));
}

static void tcmalloc_destroy(void *inst)
{
    tcmalloc_instance_t *t = inst;
    if (!t)
        return;
    for (size_t i = 0; i < t->blocks.count; i++)
        tc_free_sized(t->blocks.at[i].p, t->blocks.at[i].free_n);
    free(t->blocks.at);
    free(t);
}

static void *tcmalloc_alloc(void *inst, size_t n)
{
    tcmalloc_instance_t *t = inst;
    if (peer_refuses(n) || peer_blocks_reserve(&t->blocks) != 0)
        return NULL;
    void *p = tc_malloc(peer_nonzero(n));
    if (p)
        peer_blocks_add(&t->blocks, p, n, peer_nonzero(n));
    return p;
}

static void tcmalloc_free(void *inst, void *p, size_t n)
{
    tcmalloc_instance_t *t = inst;
    if (!p)
        return;
    const peer_block_t *e = peer_blocks_find(&t->blocks, p);
    size_t size = e && FUZZ_PEER_PLANT != 2 ? e->free_n : peer_nonzero(n);
    peer_blocks_remove(&t->blocks, p);
    tc_free_sized(p, size);
}

static void *tcmalloc_realloc(void *inst, void *p, size_t old_n, size_t new_n)
{
    tcmalloc_instance_t *t = inst;
    if (!p)
        return tcmalloc_alloc(inst, new_n);
    peer_block_t *e = peer_blocks_find(&t->blocks, p);
    if (peer_refuses(new_n) || !e)
        return NULL; /* not a block of this instance: refused, not corrupted */
    unsigned char *q = tc_realloc(p, peer_nonzero(new_n));
    if (!q)
        return NULL;
    /* tc_realloc may keep the block where it was, in its old size class
     * (a shrink to no less than about half): its sized free must then name
     * that class, not the new request (see "Sized free after realloc"). */
    *e = (peer_block_t){q, new_n, tc_malloc_size(q)};
    if (FUZZ_PEER_PLANT == 1 && old_n > 0 && new_n > 0)
        q[0] ^= 0xFF;
    return q;
}

/* Every live block's usable size still covers its request: tcmalloc finds
 * it through its page map and the span's size class, so a block whose span
 * went back to the page heap (or changed class) counts as broken. */
static size_t tcmalloc_self_check(const void *inst)
{
    const tcmalloc_instance_t *t = inst;
    size_t broken = 0;
    for (size_t i = 0; i < t->blocks.count; i++)
        broken += tc_malloc_size(t->blocks.at[i].p) < t->blocks.at[i].n;
    return broken;
}

static int tcmalloc_is_large(const void *inst, size_t n)
{
    (void)inst;
    return n > (size_t)256 * 1024;
}

static size_t tcmalloc_param(const void *inst, fuzz_param_t which)
{
    (void)inst;
    switch (which) {
    case FUZZ_PARAM_GRANULE: return 8;
    case FUZZ_PARAM_SMALL_LIMIT: return (size_t)256 * 1024;
    case FUZZ_PARAM_POOL_MAX: return (size_t)1 << 20;
    case FUZZ_PARAM_BLOCK_SIZE: return 8192;
    }
    return 0;
}

static const char *tcmalloc_check_block(const void *inst, const void *p, size_t n)
{
    const tcmalloc_instance_t *t = inst;
    const char *why = peer_check_alignment(p, n);
    if (why)
        return why;
    size_t usable = tc_malloc_size((void *)p);
    if (usable < n)
        return "tc_malloc_size is smaller than the request";
    /* A block from tc_malloc is of the request's size class exactly; one that
     * tc_realloc shrank in place keeps its old class (free_n holds it). */
    size_t i = peer_blocks_index(&t->blocks, p);
    int fresh = i != SIZE_MAX && t->blocks.at[i].free_n == peer_nonzero(t->blocks.at[i].n);
    if (fresh && usable != tc_nallocx(peer_nonzero(n), 0))
        return "tc_malloc_size(p) differs from tc_nallocx(n): the block is not of the request's size class";
    return NULL;
}

const fuzz_adapter_t fuzz_adapter_tcmalloc = {
    .name = "tcmalloc",
    .caps = FUZZ_CAP_HEAP | FUZZ_CAP_SIZED_FREE | FUZZ_CAP_REALLOC | FUZZ_CAP_SELF_CHECK,
    .align = 8,
    .create = tcmalloc_create,
    .destroy = tcmalloc_destroy,
    .alloc = tcmalloc_alloc,
    .free = tcmalloc_free,
    .realloc = tcmalloc_realloc,
    .is_large = tcmalloc_is_large,
    .charge = peer_charge,
    .param = tcmalloc_param,
    .check_block = tcmalloc_check_block,
    .self_check = tcmalloc_self_check,
};
