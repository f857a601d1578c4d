/*
 * adapters/sca.c - the size-class allocator (alloc/include/alloc/sca.h) as a
 * fuzz adapter: every capability a heap can have, and exact accounting
 * against a reference of SGI's rules (reference_sgi.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/sca.h"
#include "harness.h"
#include "reference_sgi.h"
#include "sanitizer.h"
#include "spare.h"
#include "sca_common.h"
#include "sca_tamper.h"

#ifndef ALLOC_DEBUG
#define ALLOC_DEBUG 0
#endif

typedef struct sca_inst {
    sca_t *a;
    sca_options_t o;
    sgi_ref_t ref;            /* what SGI's rules say the upstream calls are */
} sca_inst_t;

static void *spare; /* spare.h */

static sca_inst_t *inst_new(void)
{
    sca_inst_t *s = fuzz_spare_take(&spare, sizeof *s);
    s->a = NULL;
    return s;
}

static void inst_drop(sca_inst_t *s)
{
    if (fuzz_spare_keep(&spare, s))
        return;
    sgi_ref_free(&s->ref);
    free(s);
}

static void *create(const fuzz_env_t *env, const fuzz_new_args_t *args, int *invalid)
{
    sca_inst_t *s = inst_new();
    sca_options_t o = sca_options_default();
    if (!args->defaults) {
        o.granule = args->a;
        o.small_limit = args->b;
        o.refill_batch = args->c;
    }
    *invalid = !sca_common_options_valid(&o);
    o.upstream = sgi_ref_upstream(&s->ref, &env->upstream);
    s->a = sca_create(&o);
    if (s->a == NULL) {
        inst_drop(s);
        return NULL;
    }
    s->o = sca_options(s->a);
    sgi_ref_init(&s->ref, s->o.granule, s->o.small_limit, s->o.refill_batch); /* forgets the create's call */
    return s;
}

static void destroy(void *inst)
{
    sca_inst_t *s = inst;
    sca_destroy(s->a);
    inst_drop(s);
}

static void *alloc(void *inst, size_t n)
{
    sca_inst_t *s = inst;
    void *p = sca_allocate(s->a, n);
    sgi_ref_allocated(&s->ref, n, p);
    return p;
}

static void dealloc(void *inst, void *p, size_t n)
{
    sca_inst_t *s = inst;
    sca_deallocate(s->a, p, n);
    if (p != NULL)
        sgi_ref_freed(&s->ref, p, n);
}

static void *resize(void *inst, void *p, size_t old_n, size_t new_n)
{
    sca_inst_t *s = inst;
    void *q = sca_reallocate(s->a, p, old_n, new_n);
    sgi_ref_reallocated(&s->ref, p, old_n, new_n, q);
    return q;
}

static int is_large(const void *inst, size_t n)
{
    const sca_inst_t *s = inst;
    return (n != 0 ? n : 1) > s->o.small_limit;
}

static size_t param(const void *inst, fuzz_param_t which)
{
    const sca_inst_t *s = inst;
    switch (which) {
    case FUZZ_PARAM_GRANULE: return s->o.granule;
    case FUZZ_PARAM_SMALL_LIMIT: return s->o.small_limit;
    default: return 0;
    }
}

/* sca.h: a small block is n rounded up to the granule (sca_common.h has
 * the rest of the rule). */
static const char *check_block(const void *inst, const void *p, size_t n)
{
    const sca_inst_t *s = inst;
    size_t req = n != 0 ? n : 1, g = s->o.granule;
    return sca_common_check_block(s->a, &s->o, p, n, (req + g - 1) / g * g,
                                  "sca_class_size is not n rounded up to the granule");
}

static void stats(const void *inst, fuzz_stats_t *out)
{
    const sca_inst_t *s = inst;
    sca_common_stats(s->a, out);
}

static size_t self_check(const void *inst)
{
    const sca_inst_t *s = inst;
    return sca_check(s->a);
}

/* The free node after hint is swapped for `fake` (its link taken over), and
 * put back: counts and bytes stay as they were, so only the rule about
 * where a node may lie sees it.  -1 when there is no such swap to make. */
static int swap_next_node(sca_inst_t *s, void *hint, unsigned char *fake, size_t *broken, size_t *after)
{
    void *next, *next_next, *saved;
    peek(&next, hint, sizeof next);
    if (fake == NULL || next == NULL || (unsigned char *)hint == fake || (unsigned char *)next == fake)
        return -1;
    peek(&next_next, next, sizeof next_next);
    peek(&saved, fake, sizeof saved);
    poke(fake, &next_next, sizeof next_next);
    poke(hint, &fake, sizeof fake);
    *broken = sca_check(s->a);
    poke(hint, &next, sizeof next);
    poke(fake, &saved, sizeof saved);
    *after = sca_check(s->a);
    return 0;
}

/* Mode 3: a node that starts in a chunk, on the grid, but ends past the
 * chunk's end ("a node ends inside its chunk"). */
static int tamper_node_past_end(sca_inst_t *s, void *hint, size_t cls, size_t *broken, size_t *after)
{
    unsigned char *end = sgi_ref_carved_chunk_end(&s->ref);
    if (end == NULL || cls <= s->o.granule)
        return -1;
    return swap_next_node(s, hint, end - s->o.granule, broken, after);
}

/* Mode 4: a node at the start of the uncarved tail, where the SGI reference
 * has it: in a chunk, on the grid, whole ("no node inside the uncarved
 * tail"). */
static int tamper_node_in_tail(sca_inst_t *s, void *hint, size_t cls, size_t *broken, size_t *after)
{
    return swap_next_node(s, hint, s->ref.left >= cls ? s->ref.start : NULL, broken, after);
}

/* Break the free list headed by hint (a block just freed): modes 0-2 as
 * sca_common.h says; 3 and 4, see above; then the structure tampers of
 * sca_tamper.h, which need no hint. */
static int tamper(void *inst, unsigned mode, void *hint, size_t hint_size, size_t *broken, size_t *after,
                  const char **what)
{
    static const char *const own[] = {"a free node that ends past its chunk", "a free node in the uncarved tail"};
    sca_inst_t *s = inst;
    mode %= SCA_COMMON_TAMPERS + 2 + SCA_STRUCTURE_TAMPERS;
    if (mode >= SCA_COMMON_TAMPERS + 2)
        return sca_tamper_structure(s->a, mode - (SCA_COMMON_TAMPERS + 2), broken, after, what);
    *what = mode < SCA_COMMON_TAMPERS ? sca_common_tamper_names[mode] : own[mode - SCA_COMMON_TAMPERS];
    if (is_large(s, hint_size))
        return -1; /* not a free-list node */
    size_t cls = sca_class_size(s->a, hint_size);
    if (mode == SCA_COMMON_TAMPERS)
        return tamper_node_past_end(s, hint, cls, broken, after);
    if (mode == SCA_COMMON_TAMPERS + 1)
        return tamper_node_in_tail(s, hint, cls, broken, after);
    return sca_common_tamper_list(s->a, mode, hint, broken, after);
}

/* Reallocate q (n bytes, filled here) through each size of steps in turn,
 * checking that the prefix both sizes share survives every step; then free
 * it.  what names the option set in a failure. */
static void realloc_steps(sca_t *a, unsigned char *q, size_t n, const size_t *steps, size_t nsteps,
                          const fuzz_reporter_t *r, const char *what)
{
    memset(q, 0x5c, n);
    size_t old = n, kept = n; /* bytes of the pattern still promised */
    for (size_t i = 0; i < nsteps && q != NULL; i++) {
        q = sca_reallocate(a, q, old, steps[i]);
        kept = kept < steps[i] ? kept : steps[i];
        if (q == NULL || q[0] != 0x5c || q[kept - 1] != 0x5c)
            r->fail(r->ctx, "%s: reallocate to %zu lost the prefix", what, steps[i]);
        old = steps[i];
    }
    sca_deallocate(a, q, old);
}

/* The fast layout (sca_options_fast()) on instances of its own, so that a
 * replay of this target's corpus reaches its code too (fuzz_sca_fast fuzzes
 * it in depth, fuzz/adapters/sca_fast.c): a block at every class edge past
 * 128 bytes and one past it, a chunk's leftover cut into two classes,
 * reallocate in and across classes and to and from large, a lean
 * instance's statistics, a fast option set refused; and the compact option
 * set's routed sizes on every path. */
static void fast_layout_edges(const fuzz_reporter_t *r)
{
    sca_options_t o = sca_options_fast();
    o.granule = 64;
    if (sca_create(&o) != NULL)
        r->fail(r->ctx, "sca_create accepted the fast layout with a 64-byte granule");
    o = sca_options_fast();
    o.small_limit = SCA_FAST_MAX_LIMIT;
    o.lean_stats = 0;
    sca_t *a = sca_create(&o);
    if (a == NULL) {
        r->fail(r->ctx, "sca_create(fast layout) failed");
        return;
    }
    void *p[64];
    size_t n[64], k = 0;
    for (size_t base = 128; base < SCA_FAST_MAX_LIMIT; base *= 2) {
        for (size_t edge = base + base / 4; edge <= 2 * base; edge += base / 4) {
            if (sca_class_size(a, edge) != edge || sca_class_size(a, edge + 1) <= edge ||
                4 * (sca_class_size(a, edge + 1) - edge - 1) >= edge + 1)
                r->fail(r->ctx, "fast layout: the classes at %zu are not 4 per power of two", edge);
            n[k] = edge;
            p[k++] = sca_allocate(a, edge);
            n[k] = edge + 1;
            p[k++] = sca_allocate(a, edge + 1);
        }
    }
    for (size_t i = 0; i < k; i++)
        sca_deallocate(a, p[i], n[i]);
    sca_destroy(a);
    /* 20480 + 3584 of a 32 KiB chunk leave 8704 bytes, not a class: a
     * request of 10240 puts them on the lists as 8192 + 512. */
    a = sca_create(&o);
    if (a == NULL) {
        r->fail(r->ctx, "sca_create(fast layout) failed");
        return;
    }
    p[0] = sca_allocate(a, 20480);
    p[1] = sca_allocate(a, 3584);
    p[2] = sca_allocate(a, 10240);
    if (sca_stats(a).free_list_blocks != 2 || sca_allocate(a, 8192) != (char *)p[1] + 3584)
        r->fail(r->ctx, "fast layout: a chunk's leftover was not cut into 8192 + 512");
    unsigned char *q = sca_allocate(a, 200);
    if (q == NULL || sca_reallocate(a, q, 200, 224) != q) {
        r->fail(r->ctx, "fast layout: a reallocate within its class moved");
    } else {
        static const size_t steps[] = {300, 40000, 50000, 100};
        realloc_steps(a, q, 224, steps, sizeof steps / sizeof steps[0], r, "fast layout");
    }
    if (sca_check(a) != 0)
        r->fail(r->ctx, "fast layout: sca_check counts broken invariants");
    sca_destroy(a);
    /* Lean statistics: no requested bytes, the counts exact. */
    o = sca_options_fast();
    a = sca_create(&o);
    if (a == NULL)
        return;
    q = sca_allocate(a, 300);
    sca_stats_t st = sca_stats(a);
    if (q == NULL || st.bytes_requested_live != 0 || st.small_blocks_live != 1)
        r->fail(r->ctx, "a lean instance's statistics are not as sca.h says");
    sca_deallocate(a, q, 300);
    sca_destroy(a);
    /* The compact option set's waste cap: 1032 (class 1280) and 4368 (class
     * 5120) are large blocks of their own size, 1200 and 4096 stay small;
     * reallocate across the two kinds and to and from large keeps the
     * prefix, and everything goes back. */
    o = sca_options_compact();
    o.lean_stats = 0;
    a = sca_create(&o);
    if (a == NULL) {
        r->fail(r->ctx, "sca_create(sca_options_compact()) failed");
        return;
    }
    if (sca_class_size(a, 1032) != 1032 || sca_class_size(a, 1200) != 1280)
        r->fail(r->ctx, "compact option set: 1032 is not routed to the large path, or 1200 is");
    q = sca_allocate(a, 1032);
    if (q == NULL || sca_stats(a).large_blocks_live != 1) {
        r->fail(r->ctx, "compact option set: 1032 is not a large block");
    } else {
        static const size_t steps[] = {4368, 1200, 4096, 1032, 40000, 129};
        realloc_steps(a, q, 1032, steps, sizeof steps / sizeof steps[0], r, "compact option set");
    }
    st = sca_stats(a);
    if (st.large_blocks_live != 0 || st.small_blocks_live != 0 || sca_check(a) != 0)
        r->fail(r->ctx, "compact option set: blocks left, or sca_check counts broken invariants");
    sca_destroy(a);
}

/* The answers to bad input, on instances of their own (the run's instance
 * and its statistics stay untouched). */
static void edges(void *inst, const fuzz_reporter_t *r)
{
    (void)inst;
    alloc_upstream_t bad = {NULL, NULL, NULL, NULL};
    int dummy = 0;
    sca_options_t o = sca_options_default();
    if (o.granule != SCA_DEFAULT_GRANULE || o.small_limit != SCA_DEFAULT_SMALL_LIMIT ||
        o.refill_batch != SCA_DEFAULT_REFILL_BATCH || !alloc_upstream_valid(&o.upstream))
        r->fail(r->ctx, "sca_options_default is not 8/128/20 over libc");
    o.upstream = bad;
    if (sca_create(&o) != NULL)
        r->fail(r->ctx, "sca_create accepted an invalid upstream");
    if (sca_allocate(NULL, 8) != NULL || sca_reallocate(NULL, NULL, 0, 8) != NULL)
        r->fail(r->ctx, "sca_allocate/reallocate on NULL did not return NULL");
    sca_deallocate(NULL, &dummy, 8);
    sca_destroy(NULL);
    if (sca_class_size(NULL, 8) != 0 || sca_options(NULL).granule != 0 || sca_stats(NULL).blocks_live != 0 ||
        sca_check(NULL) != 1)
        r->fail(r->ctx, "sca_* on NULL gave wrong answers");

    /* Bad frees are refused, counted and not reported here: a count-only
     * instance of its own. */
    sca_options_t count_only = sca_options_default();
    count_only.report = sca_report_count_only;
    sca_t *a = sca_create(&count_only);
    if (a == NULL) {
        r->fail(r->ctx, "sca_create(defaults, count only) failed");
        return;
    }
    unsigned char *q = sca_allocate(a, 8);
    if (q == NULL) {
        r->fail(r->ctx, "sca_allocate on a default sca failed");
        sca_destroy(a);
        return;
    }
    if (ALLOC_DEBUG >= 1) {
        /* Deallocations the debug checks refuse (undefined behaviour in
         * release builds).  A fresh instance's first refill takes a chunk of
         * 2 x 20 x 8 = 320 bytes and carves 20 blocks of 8; the rest is not
         * carved yet. */
        size_t large_n = SCA_DEFAULT_SMALL_LIMIT + 1;
        _Alignas(max_align_t) unsigned char zeroed[2 * 64];
        memset(zeroed, 0, sizeof zeroed);
        const struct {
            void *p;
            size_t n;
            const char *what;
        } bad[] = {
            {&dummy, 1, "a pointer in no chunk"},
            {q + 1, 1, "a pointer off the granule grid"},
            {q + 20 * 8, 8, "an uncarved pointer"},
            {q + 2 * 20 * 8 - 4, 8, "a pointer at the chunk's end"},
            {q, SCA_DEFAULT_GRANULE + 1, "a block with another class's size"},
            {q, large_n, "a small block with a large size"},
            {zeroed + 64, large_n, "a pointer with no large tag"},
            {zeroed + 65, large_n, "a misaligned pointer with a large size"},
            {(void *)(uintptr_t)16, large_n, "a pointer with no room for a header"},
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            size_t before = sca_stats(a).bad_frees;
            sca_deallocate(a, bad[i].p, bad[i].n);
            if (sca_stats(a).bad_frees != before + 1)
                r->fail(r->ctx, "sca_deallocate of %s was not refused and counted", bad[i].what);
        }
        size_t before = sca_stats(a).bad_frees;
        if (sca_reallocate(a, zeroed + 64, large_n, large_n + 1) != NULL || sca_stats(a).bad_frees != before + 1)
            r->fail(r->ctx, "sca_reallocate of a pointer with no large tag was not refused and counted");
        sca_deallocate(a, q, 8);
        before = sca_stats(a).bad_frees;
        sca_deallocate(a, q, 8); /* a double free */
        if (sca_stats(a).bad_frees != before + 1)
            r->fail(r->ctx, "sca_deallocate did not refuse a double free");
        if (sca_check(a) != 0)
            r->fail(r->ctx, "refused bad frees left sca_check counting");
    } else {
        sca_deallocate(a, q, 8);
    }
    sca_destroy(a);
    fast_layout_edges(r);
}

static const char *account(void *inst)
{
    sca_inst_t *s = inst;
    return sgi_ref_verdict(&s->ref);
}

const fuzz_adapter_t fuzz_adapter_sca = {
    .name = "sca",
    .caps = FUZZ_CAP_HEAP | FUZZ_CAP_SIZED_FREE | FUZZ_CAP_REALLOC | FUZZ_CAP_STATS | FUZZ_CAP_SELF_CHECK |
            FUZZ_CAP_UPSTREAM | FUZZ_CAP_POISONS | FUZZ_CAP_OPTIONS,
    .align = 1, /* per size: check_block */
    .create = create,
    .destroy = destroy,
    .alloc = alloc,
    .free = dealloc,
    .realloc = resize,
    .is_large = is_large,
    .param = param,
    .check_block = check_block,
    .stats = stats,
    .self_check = self_check,
    .tamper = tamper,
    .edges = edges,
    .account = account,
};
