/*
 * obstack.c - the fuzz adapter for glibc's obstack (<obstack.h>), used as a
 * region pool: objects are allocated one after another in chunks and freed
 * all at once.
 *
 * What obstack promises (glibc manual, "Obstacks"; glibc 2.36 obstack.h):
 * obstack_alloc(h, n) returns n bytes aligned to the obstack's alignment
 * (here 16, asked for explicitly with obstack_specify_allocation), in the
 * current chunk or in a new chunk of at least the chunk size; obstack_free(h,
 * obj) frees obj and everything allocated after it, obstack_free(h, NULL)
 * everything.  It never returns NULL: when its chunk function fails it calls
 * the process-global obstack_alloc_failed_handler, which by default prints
 * "memory exhausted" and exits.  Lengths are `int` in glibc's ABI.
 *
 * What the adapter does:
 *   create    obstack_specify_allocation(chunk 4096, alignment 16) over
 *             malloc/free (through two small functions of the right type),
 *             then allocates a 0-byte marker object, the base for reset.
 *   palloc, pnalloc  obstack_alloc(h, max(n, 1)) (obstack has no unaligned
 *             variant: pnalloc is aligned too).  A 0-byte obstack object has no
 *             address of its own (the next object starts there), but every
 *             block must have one (the executor's rule, after malloc(0)'s
 *             "unique pointer"), so 0 is asked as 1.  pcalloc: obstack_alloc then memset 0
 *             (obstack has no calloc: the zeroing is the adapter's).
 *             Above PEER_MAX_REQUEST (peer.h) the adapter answers NULL without
 *             calling obstack: a larger request could reach the exiting
 *             failure handler (or overflow obstack's int lengths).
 *   reset     obstack_free(h, marker): every object since create is freed, the
 *             first chunk is kept and reused (the next palloc returns the
 *             marker's address again); then a new marker.
 *   destroy   obstack_free(h, NULL): every chunk goes back to free().
 *   self_check  the obstack's public fields, nothing more: no object under
 *             construction (object_base == next_free), chunk <= next_free <=
 *             chunk_limit == chunk->limit, and a chunk chain of finite length
 *             whose every chunk has limit > its own address.  One count per
 *             broken rule.  O(chunks).
 * What it does not claim: no heap ops (no pfree, no per-object free), no
 * large blocks (is_large is always 0: every object lives in a chunk), no
 * upstream (chunk failure cannot be reported without the global handler), no
 * statistics, no poisoning (the whole chunk is one malloc block to ASan:
 * an overflow into the next object in the same chunk is only seen by the
 * executor's content checks), no cleanups.
 *
 * Linking: nothing extra (obstack is in libc).  gcc debug binary: chunks
 * come from glibc's malloc; clang -fsanitize=fuzzer,address,undefined: from
 * ASan's.  Checked by the unit test in both presets.  UBSan: obstack.h aligns
 * by adding an offset to a null pointer (__PTR_ALIGN: (char *) 0 + ...),
 * which UBSan's pointer-overflow check reports as undefined; the functions
 * that expand obstack's macros opt out of that one check (OBSTACK_MACROS),
 * every other check stays on.
 *
 * G = 16 (the alignment), L = M = 4096 - the chunk header (requests that fit
 * in one default chunk; larger ones get a chunk of their own size), B = 4096
 * (the chunk size).
 *
 * Planted bug for the unit test's negative control (never in real builds):
 * FUZZ_PEER_PLANT == 1 makes pcalloc leave a nonzero last byte.
 */
#include <stdlib.h>
#include <string.h>

#include <obstack.h>

#include "peer.h"

#ifndef FUZZ_PEER_PLANT
#define FUZZ_PEER_PLANT 0
#endif

#define OBSTACK_CHUNK 4096
#define OBSTACK_ALIGN 16
/* What a chunk holds after its header (obstack.h: struct _obstack_chunk). */
#define OBSTACK_ROOM (OBSTACK_CHUNK - offsetof(struct _obstack_chunk, contents))
#define OBSTACK_CHAIN_MAX ((size_t)1 << 24) /* longer: a cycle */

/* For the functions that expand obstack.h's macros: see "UBSan" above. */
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 8)
#define OBSTACK_MACROS __attribute__((no_sanitize("pointer-overflow")))
#else
#define OBSTACK_MACROS
#endif

typedef struct obstack_pool {
    struct obstack ob;
    void *marker; /* the 0-byte object reset frees back to */
} obstack_pool_t;

/* obstack calls chunk functions with a `long` size: malloc's type is not that. */
static void *obstack_chunk_get(long n)
{
    return n > 0 ? malloc((size_t)n) : NULL;
}

static void obstack_chunk_put(void *p)
{
    free(p);
}

OBSTACK_MACROS static void *obstack_create(const fuzz_env_t *env, const fuzz_new_args_t *args, int *invalid)
{
    (void)env;
    (void)args;
    if (invalid)
        *invalid = 0;
    obstack_pool_t *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    /* Returns 0 only when the first chunk failed, and then glibc has already
     * called the failure handler; checked anyway. */
    if (!obstack_specify_allocation(&o->ob, OBSTACK_CHUNK, OBSTACK_ALIGN, obstack_chunk_get, obstack_chunk_put)) {
        free(o);
        return NULL;
    }
    o->marker = obstack_alloc(&o->ob, 0);
    return o;
}

OBSTACK_MACROS static void obstack_destroy(void *inst)
{
    obstack_pool_t *o = inst;
    if (!o)
        return;
    obstack_free(&o->ob, NULL);
    free(o);
}

OBSTACK_MACROS static void *obstack_palloc(void *inst, size_t n)
{
    obstack_pool_t *o = inst;
    return peer_refuses(n) ? NULL : obstack_alloc(&o->ob, (int)peer_nonzero(n));
}

static void *obstack_pcalloc(void *inst, size_t n)
{
    unsigned char *p = obstack_palloc(inst, n);
    if (p)
        memset(p, 0, n);
    if (FUZZ_PEER_PLANT == 1 && p && n > 0)
        p[n - 1] = 0xA5; /* a defined byte, so memcheck runs the control cleanly */
    return p;
}

OBSTACK_MACROS static void obstack_reset(void *inst)
{
    obstack_pool_t *o = inst;
    obstack_free(&o->ob, o->marker);
    o->marker = obstack_alloc(&o->ob, 0);
}

static size_t obstack_self_check(const void *inst)
{
    const struct obstack *h = &((const obstack_pool_t *)inst)->ob;
    size_t broken = 0;
    const char *chunk = (const char *)h->chunk;
    broken += h->object_base != h->next_free;
    broken += !(chunk && chunk < h->next_free && h->next_free <= h->chunk_limit);
    broken += !(chunk && h->chunk_limit == h->chunk->limit);
    size_t length = 0;
    for (const struct _obstack_chunk *c = h->chunk; c && length < OBSTACK_CHAIN_MAX; c = c->prev, length++)
        broken += !((const char *)c < c->limit);
    broken += length == OBSTACK_CHAIN_MAX;
    return broken;
}

static int obstack_is_large(const void *inst, size_t n)
{
    (void)inst;
    (void)n;
    return 0;
}

static size_t obstack_param(const void *inst, fuzz_param_t which)
{
    (void)inst;
    switch (which) {
    case FUZZ_PARAM_GRANULE: return OBSTACK_ALIGN;
    case FUZZ_PARAM_SMALL_LIMIT: return OBSTACK_ROOM;
    case FUZZ_PARAM_POOL_MAX: return OBSTACK_ROOM;
    case FUZZ_PARAM_BLOCK_SIZE: return OBSTACK_CHUNK;
    }
    return 0;
}

const fuzz_adapter_t fuzz_adapter_obstack = {
    .name = "obstack",
    .caps = FUZZ_CAP_POOL | FUZZ_CAP_RESET | FUZZ_CAP_SELF_CHECK,
    .align = OBSTACK_ALIGN,
    .create = obstack_create,
    .destroy = obstack_destroy,
    .palloc = obstack_palloc,
    .pnalloc = obstack_palloc,
    .pcalloc = obstack_pcalloc,
    .reset = obstack_reset,
    .is_large = obstack_is_large,
    .charge = peer_charge,
    .param = obstack_param,
    .self_check = obstack_self_check,
};
