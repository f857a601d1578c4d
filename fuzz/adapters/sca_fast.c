/*
 * adapters/sca_fast.c - the size-class allocator in its fast layout
 * (sca_options_fast(): SCA_LAYOUT_FAST, classes to 8 KiB; and
 * sca_options_compact(), the same with the waste cap) as a fuzz adapter.
 * The instance every run starts with has the compact set's waste cap; an
 * `sca-new` instance has it when its batch is odd, none when even (the op
 * has no operand of its own for it), so both sets are fuzzed.  SGI's exact accounting (reference_sgi.h) does not apply to this
 * layout; what does, and is checked here after every op (account):
 *   - LIFO reuse: a small free followed by an allocate of the same class
 *     returns that block;
 *   - chunks: every chunk holds SCA_FAST_CHUNK_BYTES of data (no batch of
 *     the fast layout is larger), so chunk_bytes = chunks x that;
 *   - classes: sca_class_size is the fast layout's class, computed here
 *     another way (check_block), and the class slack is poisoned;
 *   - the waste cap: a size whose class would waste more than the cap
 *     allows is a large block of its own size (routed, again computed here
 *     another way: is_small), counted in large_blocks_live.
 * The instance keeps exact statistics (lean_stats 0: the model compares
 * requested bytes); the lean option set's inline paths are off in the
 * checked builds the fuzzers use anyway (sca.h), and alloc/tests covers them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/sca.h"
#include "harness.h"
#include "sanitizer.h"
#include "sca_common.h"
#include "sca_tamper.h"

#ifndef ALLOC_DEBUG
#define ALLOC_DEBUG 0
#endif

typedef struct sca_fast_inst {
    sca_t *a;
    sca_options_t o;
    void *last_freed;          /* the last small block freed, if nothing since */
    size_t last_freed_class;
    const char *broken;        /* the first broken rule, for account() */
} sca_fast_inst_t;

/* The fast layout's class of a small request, written as a walk (sca.c
 * computes it from the leading bit): the granule multiples up to 128, then
 * in each (2^k, 2^(k+1)] steps of 2^k / 4; never above the small limit. */
static size_t fast_class(const sca_options_t *o, size_t req)
{
    size_t cls;
    if (req <= 128) {
        cls = (req + o->granule - 1) / o->granule * o->granule;
    } else {
        size_t base = 128;
        while (2 * base < req)
            base *= 2;
        size_t step = base / 4;
        cls = base + (req - base + step - 1) / step * step;
    }
    return cls < o->small_limit ? cls : o->small_limit;
}

/* sca.h's waste cap: past 128 bytes, a request r (rounded up to 8 bytes)
 * whose class is more than r / waste_cap above it is routed to the large
 * path (written as a product here, sca.c divides). */
static int routed(const sca_options_t *o, size_t req)
{
    size_t r = (req + 7) / 8 * 8, cls = fast_class(o, req);
    return o->waste_cap != 0 && cls > 128 && (cls - r) * o->waste_cap > r;
}

static void *create(const fuzz_env_t *env, const fuzz_new_args_t *args, int *invalid)
{
    sca_fast_inst_t *s = calloc(1, sizeof *s);
    if (s == NULL)
        abort();
    sca_options_t o = sca_options_compact();
    o.lean_stats = 0;
    if (!args->defaults) {
        o.granule = args->a;
        o.small_limit = args->b;
        o.refill_batch = args->c;
        o.waste_cap = args->c % 2 != 0 ? SCA_COMPACT_WASTE_CAP : 0;
    }
    *invalid = !sca_common_options_valid(&o);
    o.upstream = env->upstream;
    s->a = sca_create(&o);
    if (s->a == NULL) {
        free(s);
        return NULL;
    }
    s->o = sca_options(s->a);
    return s;
}

static void destroy(void *inst)
{
    sca_fast_inst_t *s = inst;
    sca_destroy(s->a);
    free(s);
}

static int is_small(const sca_fast_inst_t *s, size_t n)
{
    size_t req = n != 0 ? n : 1;
    return req <= s->o.small_limit && !routed(&s->o, req);
}

static void *alloc(void *inst, size_t n)
{
    sca_fast_inst_t *s = inst;
    void *p = sca_allocate(s->a, n);
    if (s->last_freed != NULL && is_small(s, n) && fast_class(&s->o, n != 0 ? n : 1) == s->last_freed_class &&
        p != s->last_freed && s->broken == NULL)
        s->broken = "LIFO: an allocate after a free of its class did not return the block freed";
    s->last_freed = NULL;
    return p;
}

static void dealloc(void *inst, void *p, size_t n)
{
    sca_fast_inst_t *s = inst;
    sca_deallocate(s->a, p, n);
    s->last_freed = p != NULL && is_small(s, n) ? p : NULL;
    s->last_freed_class = fast_class(&s->o, n != 0 ? n : 1);
}

static void *resize(void *inst, void *p, size_t old_n, size_t new_n)
{
    sca_fast_inst_t *s = inst;
    s->last_freed = NULL;
    return sca_reallocate(s->a, p, old_n, new_n);
}

static int is_large(const void *inst, size_t n)
{
    return !is_small(inst, n);
}

static size_t param(const void *inst, fuzz_param_t which)
{
    const sca_fast_inst_t *s = inst;
    switch (which) {
    case FUZZ_PARAM_GRANULE: return s->o.granule;
    case FUZZ_PARAM_SMALL_LIMIT: return s->o.small_limit;
    default: return 0;
    }
}

/* sca.h: a small block's class is the fast layout's class of n (less than
 * 25% over n past 128 bytes; sca_common.h has the rest of the rule); a
 * routed one's is n itself. */
static const char *check_block(const void *inst, const void *p, size_t n)
{
    const sca_fast_inst_t *s = inst;
    size_t req = n != 0 ? n : 1;
    return sca_common_check_block(s->a, &s->o, p, n, routed(&s->o, req) ? req : fast_class(&s->o, req),
                                  "sca_class_size is not the fast layout's class (or the routed size)");
}

static void stats(const void *inst, fuzz_stats_t *out)
{
    const sca_fast_inst_t *s = inst;
    sca_common_stats(s->a, out);
}

static size_t self_check(const void *inst)
{
    const sca_fast_inst_t *s = inst;
    return sca_check(s->a);
}

/* Break the free list headed by hint (a block just freed): the modes of
 * sca_common.h; then the structure tampers of sca_tamper.h. */
static int tamper(void *inst, unsigned mode, void *hint, size_t hint_size, size_t *broken, size_t *after,
                  const char **what)
{
    sca_fast_inst_t *s = inst;
    mode %= SCA_COMMON_TAMPERS + SCA_STRUCTURE_TAMPERS;
    if (mode >= SCA_COMMON_TAMPERS)
        return sca_tamper_structure(s->a, mode - SCA_COMMON_TAMPERS, broken, after, what);
    *what = sca_common_tamper_names[mode];
    if (is_large(s, hint_size))
        return -1; /* not a free-list node */
    return sca_common_tamper_list(s->a, mode, hint, broken, after);
}

/* The answers to bad input in this layout, on instances of their own. */
static void edges(void *inst, const fuzz_reporter_t *r)
{
    (void)inst;
    sca_options_t o = sca_options_fast();
    if (o.layout != SCA_LAYOUT_FAST || o.small_limit != SCA_FAST_SMALL_LIMIT || o.lean_stats != 1 ||
        o.waste_cap != 0)
        r->fail(r->ctx, "sca_options_fast is not the fast layout, 8 KiB, lean, no waste cap");
    sca_options_t c = sca_options_compact();
    if (c.layout != SCA_LAYOUT_FAST || c.small_limit != SCA_FAST_SMALL_LIMIT || c.lean_stats != 1 ||
        c.waste_cap != SCA_COMPACT_WASTE_CAP)
        r->fail(r->ctx, "sca_options_compact is not the fast option set with the waste cap");
    o.granule = 64;
    if (sca_create(&o) != NULL)
        r->fail(r->ctx, "sca_create accepted the fast layout with a 64-byte granule");
    o = sca_options_fast();
    o.small_limit = SCA_FAST_MAX_LIMIT + 8;
    if (sca_create(&o) != NULL)
        r->fail(r->ctx, "sca_create accepted the fast layout past its largest small limit");
    /* A lean instance: requested bytes read 0, the counts stay exact. */
    o = sca_options_compact();
    o.report = sca_report_count_only;
    sca_t *a = sca_create(&o);
    if (a == NULL) {
        r->fail(r->ctx, "sca_create(sca_options_compact()) failed");
        return;
    }
    void *p = sca_allocate(a, 300), *q = sca_allocate(a, 40000);
    sca_stats_t st = sca_stats(a);
    if (p == NULL || q == NULL || st.bytes_requested_live != 0 || st.small_blocks_live != 1 ||
        st.large_blocks_live != 1)
        r->fail(r->ctx, "a lean instance's statistics are not as sca.h says");
    sca_deallocate(a, q, 40000);
    size_t before = sca_stats(a).bad_frees;
    if (ALLOC_DEBUG >= 1) {
        /* A pointer with no large tag before it (in memory of our own, so
         * that no tool sees a read of freed memory). */
        _Alignas(max_align_t) unsigned char zeroed[2 * 64];
        memset(zeroed, 0, sizeof zeroed);
        sca_deallocate(a, zeroed + 64, 40000);
        if (sca_stats(a).bad_frees != before + 1)
            r->fail(r->ctx, "the fast layout did not refuse a large block with no tag");
        sca_deallocate(a, p, 200); /* class 224, not 320 */
        if (sca_stats(a).bad_frees != before + 2)
            r->fail(r->ctx, "the fast layout's class map did not refuse a wrong size");
    }
    sca_deallocate(a, p, 300);
    /* The waste cap: 1032 (class 1280, 248 bytes over) is a large block,
     * given back through the large path; 1200 (80 over) is small. */
    p = sca_allocate(a, 1032);
    q = sca_allocate(a, 1200);
    st = sca_stats(a);
    if (p == NULL || q == NULL || st.large_blocks_live != 1 || st.small_blocks_live != 1 || st.chunks != 1)
        r->fail(r->ctx, "the compact option set's waste cap did not route 1032 to the large path");
    sca_deallocate(a, p, 1032);
    sca_deallocate(a, q, 1200);
    if (sca_stats(a).large_blocks_live != 0 || sca_stats(a).small_blocks_live != 0)
        r->fail(r->ctx, "a routed block did not go back through the large path");
    if (sca_check(a) != 0)
        r->fail(r->ctx, "a lean fast instance fails sca_check");
    sca_destroy(a);
}

static const char *account(void *inst)
{
    sca_fast_inst_t *s = inst;
    sca_stats_t st = sca_stats(s->a);
    if (s->broken == NULL && st.chunk_bytes != st.chunks * SCA_FAST_CHUNK_BYTES)
        s->broken = "a chunk's data is not SCA_FAST_CHUNK_BYTES";
    return s->broken;
}

const fuzz_adapter_t fuzz_adapter_sca_fast = {
    .name = "sca_fast",
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
