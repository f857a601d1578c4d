/*
 * harness.c - the executor: runs ops on the allocators and checks every
 * answer against the shadow model (model.h) and the contracts in
 * alloc/include/alloc/{sca,rp,upstream}.h.
 *
 * The checks, after every op:
 *   - a returned block is non-NULL unless upstream failed during the op or
 *     the size is impossible (> PTRDIFF_MAX), and NULL when it is impossible;
 *     it is aligned as the header promises and overlaps no live block;
 *   - a failed call leaves the instance as it was (upstream bytes held);
 *   - every block's bytes are intact when it is freed, reallocated, reset,
 *     destroyed or `check`ed; reallocate keeps min(old, new); pcalloc zeroes;
 *   - pfree answers OK exactly for live large blocks of the pool;
 *   - reset and destroy run the cleanups with a handler, most recent first,
 *     each exactly once, and empty the list;
 *   - the allocators' statistics agree with the model, and with the counting
 *     upstream under them (no size mismatches, held bytes equal);
 *   - sca_check / rp_check return 0 (every FUZZ_SELF_CHECK_EVERY ops, at
 *     `check` and at the end);
 *   - at the end (and at every destroy-and-recreate) the counting upstream
 *     is back at zero bytes and zero blocks;
 *   - with the library's ASan annotations: a deallocated small block, the
 *     blocks of a reset pool and the byte past a new small block are poisoned.
 * A failed check prints the op index and text and aborts.  The `edges` and
 * `tamper` ops live in edges.c and tamper.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness_internal.h"
#include "optext.h"

/* ---- failure reporting ---------------------------------------------------- */

void harness_fail(const harness_t *h, const char *fmt, ...)
{
    char text[FUZZ_OP_TEXT_MAX] = "setup";
    va_list ap;
    if (h->at_end)
        snprintf(text, sizeof text, "end of program");
    else if (h->op != NULL)
        fuzz_op_format(h->op, text);
    fflush(stdout);
    fprintf(stderr, "\nfuzz check failed: target %s%s%s, op #%zu `%s`:\n  ", h->t->name,
            h->label != NULL ? ", input " : "", h->label != NULL ? h->label : "", h->op_index, text);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n  (fuzz-print -n INPUT shows the program with its op numbers)\n");
    fflush(stderr);
    abort();
}

/* ---- the harness's own upstream: libc with a size cap --------------------- */

static void *capped_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return n > FUZZ_UPSTREAM_CAP ? NULL : malloc(n);
}

static void capped_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    (void)n;
    free(p);
}

static void *capped_realloc(void *ctx, void *p, size_t old_n, size_t n)
{
    (void)ctx;
    (void)old_n;
    return n > FUZZ_UPSTREAM_CAP ? NULL : realloc(p, n);
}

static const alloc_upstream_t capped_upstream = {capped_alloc, capped_free, capped_realloc, NULL};

/* ---- small helpers -------------------------------------------------------- */

static size_t sca_granule(const harness_t *h)
{
    return h->sca != NULL ? h->sca_opts.granule : SCA_DEFAULT_GRANULE;
}

static size_t sca_limit(const harness_t *h)
{
    return h->sca != NULL ? h->sca_opts.small_limit : SCA_DEFAULT_SMALL_LIMIT;
}

static size_t pool_max(const harness_t *h)
{
    return h->pool != NULL ? rp_max(h->pool) : RP_MAX_ALLOC_FROM_POOL;
}

/* A size operand's value in the current state. */
static size_t resolve(const harness_t *h, fuzz_value_t v)
{
    size_t g = sca_granule(h), l = sca_limit(h), m = pool_max(h);
    switch ((fuzz_sym_t)v.sym) {
    case FUZZ_SYM_LITERAL: return (size_t)v.literal;
    case FUZZ_SYM_G_MINUS_1: return g - 1;
    case FUZZ_SYM_G: return g;
    case FUZZ_SYM_G_PLUS_1: return g + 1;
    case FUZZ_SYM_2G: return 2 * g;
    case FUZZ_SYM_L_MINUS_1: return l - 1;
    case FUZZ_SYM_L: return l;
    case FUZZ_SYM_L_PLUS_1: return l + 1;
    case FUZZ_SYM_M_MINUS_1: return m - 1;
    case FUZZ_SYM_M: return m;
    case FUZZ_SYM_M_PLUS_1: return m + 1;
    case FUZZ_SYM_B: return h->pool != NULL ? h->pool_block_size : RP_DEFAULT_POOL_SIZE;
    case FUZZ_SYM_PAGE: return FUZZ_PAGE;
    case FUZZ_SYM_HUGE: return FUZZ_HUGE;
    case FUZZ_SYM_MAX: return SIZE_MAX;
    case FUZZ_SYM_MAX_MINUS_G: return SIZE_MAX - g;
    case FUZZ_SYM_HALF: return SIZE_MAX / 2 + 1;
    default: return 0;
    }
}

/* The most free blocks the sca could hold: its bytes from upstream over the
 * granule (a cheap bound: sca_stats itself walks the lists). */
static size_t sca_free_bound(const harness_t *h)
{
    return h->sca != NULL ? alloc_counting_stats(&h->sca_count).bytes_held / h->sca_opts.granule : 0;
}

static size_t failures(const alloc_counting_t *c)
{
    return alloc_counting_stats(c).failures;
}

static size_t cached_bytes(const harness_t *h)
{
    return h->cache.count * h->cache.block_size;
}

static size_t pool_held(const harness_t *h)
{
    return rp_stats(h->pool).upstream_bytes_held;
}

static void verify_block(const harness_t *h, const fuzz_block_t *b, size_t slot, const char *when)
{
    size_t bad = fuzz_verify(b->ptr, b->size, b->seed, 0, b->size);
    CHECK(h, bad == SIZE_MAX,
          "contents of s%zu changed (%s block %p, %zu bytes, checked %s): byte %zu is 0x%02x, "
          "expected 0x%02x",
          slot, b->owner == FUZZ_OWNER_SCA ? "sca" : "rp", (void *)b->ptr, b->size, when, bad,
          b->ptr[bad], fuzz_pattern(b->seed, bad));
}

static void verify_cleanup_data(const harness_t *h, const cleanup_rec_t *c, size_t index,
                                const char *when)
{
    size_t bad = fuzz_verify(c->data, c->size, c->seed, 0, c->size);
    CHECK(h, bad == SIZE_MAX, "cleanup #%zu data (%p, %zu bytes) changed (checked %s) at byte %zu",
          index, (void *)c->data, c->size, when, bad);
}

/* No live block, cleanup record or cleanup data overlaps [p, p + n),
 * except slot `except` (the block being reallocated). */
static void check_no_overlap(const harness_t *h, const void *p, size_t n, size_t except,
                             const char *what)
{
    for (size_t i = 0; i < FUZZ_SLOTS; i++) {
        const fuzz_block_t *b = &h->slot[i];
        if (i != except && b->owner != FUZZ_OWNER_NONE)
            CHECK(h, !fuzz_overlaps(p, n, b->ptr, b->size),
                  "%s %p (%zu bytes) overlaps live block s%zu %p (%zu bytes)", what, p, n, i,
                  (void *)b->ptr, b->size);
    }
    for (size_t i = 0; i < h->ncleanups; i++) {
        const cleanup_rec_t *c = &h->cleanups[i];
        CHECK(h, !fuzz_overlaps(p, n, c->rec, sizeof *c->rec),
              "%s %p (%zu bytes) overlaps cleanup record #%zu %p", what, p, n, i, (void *)c->rec);
        if (c->size > 0)
            CHECK(h, !fuzz_overlaps(p, n, c->data, c->size),
                  "%s %p (%zu bytes) overlaps cleanup #%zu data %p (%zu bytes)", what, p, n, i,
                  (void *)c->data, c->size);
    }
}

static void check_aligned(const harness_t *h, const void *p, size_t align, const char *what)
{
    CHECK(h, align == 0 || (uintptr_t)p % align == 0, "%s %p is not aligned to %zu", what, p, align);
}

/* A NULL answer must be explained: upstream failed during the call, or the
 * size was impossible.  An impossible size must get NULL. */
static void check_null_answer(const harness_t *h, const void *p, size_t n, size_t failures_before,
                              size_t failures_after, const char *what)
{
    if (p == NULL)
        CHECK(h, failures_after > failures_before || IMPOSSIBLE(n),
              "%s(%zu) returned NULL but upstream did not fail", what, n);
    else
        CHECK(h, !IMPOSSIBLE(n), "%s(%zu) returned %p for an impossible size", what, n, p);
}

/* With ASan annotations in the library, memory the allocator took back must
 * be poisoned, or ASan would miss a use after free inside a chunk. */
static void expect_poisoned(const harness_t *h, const void *p, size_t n, const char *what)
{
#if defined(FUZZ_ASAN) && FUZZ_ALLOC_ANNOTATE_ASAN
    const char *last = (const char *)p + (n != 0 ? n - 1 : 0);
    CHECK(h, __asan_address_is_poisoned(p) && __asan_address_is_poisoned(last),
          "%s %p (%zu bytes) is not poisoned: ASan would miss a use after free", what, p, n);
#else
    (void)h;
    (void)p;
    (void)n;
    (void)what;
#endif
}

static void put_block(harness_t *h, size_t slot, unsigned char *p, size_t n, fuzz_owner_t owner,
                      int large)
{
    fuzz_block_t *b = &h->slot[slot];
    b->ptr = p;
    b->size = n;
    b->owner = (uint8_t)owner;
    b->large = (uint8_t)large;
    b->seed = h->next_seed++;
    fuzz_fill(p, n, b->seed);
    h->last_ptr[slot] = p;
}

static void drop_block(harness_t *h, size_t slot)
{
    h->last_ptr[slot] = h->slot[slot].ptr;
    memset(&h->slot[slot], 0, sizeof h->slot[slot]);
}

/* ---- statistics against the model ---------------------------------------- */

static void compare_sca_stats(const harness_t *h)
{
    /* sca_stats walks the free lists: with huge lists compare every 64 ops. */
    if (sca_free_bound(h) > FUZZ_STATS_CHEAP && h->op_index % 64 != 0 && !h->at_end)
        return;
    sca_stats_t s = sca_stats(h->sca);
    alloc_counting_stats_t c = alloc_counting_stats(&h->sca_count);
    CHECK(h, c.size_mismatches == 0, "sca gave a block back to upstream with the wrong size (%zu times)",
          c.size_mismatches);
    if (h->sca == NULL) {
        CHECK(h, s.blocks_live == 0 && s.upstream_bytes_held == 0, "sca_stats(NULL) is not all zero");
        return;
    }
#define SCA_FIELD(field, model) \
    CHECK(h, s.field == (model), "sca_stats." #field " is %zu, the model says %zu", s.field, (size_t)(model))
    SCA_FIELD(bytes_requested_live, h->sca_req_live);
    SCA_FIELD(bytes_requested_peak, h->sca_req_peak);
    SCA_FIELD(small_blocks_live, h->sca_small);
    SCA_FIELD(large_blocks_live, h->sca_large);
    SCA_FIELD(blocks_live, h->sca_small + h->sca_large);
    SCA_FIELD(reallocs, h->sca_reallocs);
    SCA_FIELD(failed_requests, h->sca_failed);
    SCA_FIELD(bad_frees, h->sca_bad_frees);
    SCA_FIELD(upstream_bytes_held, c.bytes_held);
    SCA_FIELD(upstream_bytes_peak, c.peak_bytes_held);
#undef SCA_FIELD
}

static void compare_rp_stats(const harness_t *h)
{
    rp_stats_t s = rp_stats(h->pool);
    alloc_counting_stats_t c = alloc_counting_stats(&h->rp_count);
    CHECK(h, c.size_mismatches == 0, "the pool gave a block back to upstream with the wrong size (%zu times)",
          c.size_mismatches);
    if (h->pool == NULL) {
        CHECK(h, s.blocks == 0 && s.upstream_bytes_held == 0, "rp_stats(NULL) is not all zero");
        CHECK(h, rp_max(NULL) == 0, "rp_max(NULL) is not 0");
        return;
    }
#define RP_FIELD(field, model) \
    CHECK(h, s.field == (model), "rp_stats." #field " is %zu, the model says %zu", s.field, (size_t)(model))
    RP_FIELD(small_bytes_live, h->rp_small_bytes);
    RP_FIELD(large_bytes_live, h->rp_large_bytes);
    RP_FIELD(large_blocks_live, h->rp_large_blocks);
    RP_FIELD(bytes_requested_live, h->rp_small_bytes + h->rp_large_bytes);
    RP_FIELD(bytes_requested_peak, h->rp_req_peak);
    RP_FIELD(failed_requests, h->rp_failed);
    RP_FIELD(resets, h->rp_resets);
    RP_FIELD(cleanups, h->ncleanups);
    RP_FIELD(block_size, h->pool_block_size);
    RP_FIELD(upstream_bytes_held, c.bytes_held - cached_bytes(h));
#undef RP_FIELD
    CHECK(h, s.large_nodes >= s.large_blocks_live, "rp_stats: %zu large nodes for %zu live large blocks",
          s.large_nodes, s.large_blocks_live);
    CHECK(h, s.upstream_bytes_peak >= s.upstream_bytes_held && s.upstream_bytes_peak <= c.peak_bytes_held,
          "rp_stats.upstream_bytes_peak %zu outside [held %zu, counting peak %zu]",
          s.upstream_bytes_peak, s.upstream_bytes_held, c.peak_bytes_held);
    CHECK(h, s.blocks >= 1 && s.upstream_bytes_held >= s.blocks * s.block_size,
          "rp_stats: %zu blocks of %zu bytes but only %zu bytes held", s.blocks, s.block_size,
          s.upstream_bytes_held);
    size_t max = rp_max(h->pool);
    CHECK(h, max <= RP_MAX_ALLOC_FROM_POOL && max < h->pool_block_size && max > 0,
          "rp_max %zu for blocks of %zu bytes", max, h->pool_block_size);
}

static void note_rp_requested(harness_t *h)
{
    size_t live = h->rp_small_bytes + h->rp_large_bytes;
    if (live > h->rp_req_peak)
        h->rp_req_peak = live;
}

void harness_note_sca_requested(harness_t *h, size_t add, size_t sub)
{
    h->sca_req_live = h->sca_req_live - sub + add;
    if (h->sca_req_live > h->sca_req_peak)
        h->sca_req_peak = h->sca_req_live;
}

int harness_may_check(harness_t *h, int forced)
{
    size_t cost = 0;
    if (h->sca != NULL)
        cost += (sca_free_bound(h) + 1) * (alloc_counting_stats(&h->sca_count).blocks_held + 1);
    if (h->pool != NULL) {
        rp_stats_t s = rp_stats(h->pool);
        cost += (s.large_nodes + s.cleanups + 1) * (s.blocks + 1);
    }
    if (cost > FUZZ_CHECK_MAX_ONE || (!forced && h->check_spent + cost > FUZZ_CHECK_BUDGET))
        return 0;
    h->check_spent += cost;
    return 1;
}

static void self_check(harness_t *h)
{
    if (!harness_may_check(h, h->at_end))
        return;
    if (h->t->uses_sca) {
        size_t bad = h->sca != NULL ? sca_check(h->sca) : 0;
        CHECK(h, bad == 0, "sca_check found %zu broken invariants", bad);
    }
    if (h->t->uses_rp) {
        size_t bad = h->pool != NULL ? rp_check(h->pool) : 0;
        CHECK(h, bad == 0, "rp_check found %zu broken invariants", bad);
    }
}

static void verify_all(const harness_t *h, const char *when)
{
    for (size_t i = 0; i < FUZZ_SLOTS; i++)
        if (h->slot[i].owner != FUZZ_OWNER_NONE)
            verify_block(h, &h->slot[i], i, when);
    for (size_t i = 0; i < h->ncleanups; i++)
        verify_cleanup_data(h, &h->cleanups[i], i, when);
}

/* ---- the size-class allocator --------------------------------------------- */

static int sca_options_valid(const sca_options_t *o)
{
    size_t g = o->granule;
    return g != 0 && (g & (g - 1)) == 0 && g >= sizeof(void *) && g <= SCA_MAX_GRANULE &&
           o->small_limit >= g && o->small_limit % g == 0 && o->small_limit / g <= SCA_MAX_CLASSES &&
           o->refill_batch >= 1 && o->refill_batch <= SCA_MAX_REFILL_BATCH;
}

static void sca_small_or_large_checks(harness_t *h, const void *p, size_t n, const char *what)
{
    size_t req = n != 0 ? n : 1, g = h->sca_opts.granule, cls = sca_class_size(h->sca, n);
    if (req <= h->sca_opts.small_limit) {
        CHECK(h, cls % g == 0 && cls >= req && cls - req < g,
              "sca_class_size(%zu) is %zu: not %zu rounded up to the granule %zu", n, cls, req, g);
        check_aligned(h, p, g < _Alignof(max_align_t) ? g : _Alignof(max_align_t), what);
    } else {
        CHECK(h, cls == n, "sca_class_size(%zu) is %zu for a large size", n, cls);
        check_aligned(h, p, _Alignof(max_align_t), what);
    }
}

static int sca_is_large(const harness_t *h, size_t n)
{
    return (n != 0 ? n : 1) > h->sca_opts.small_limit;
}

static void sca_new_block(harness_t *h, size_t slot, unsigned char *p, size_t n, size_t except)
{
    sca_small_or_large_checks(h, p, n, "sca block");
    size_t req = n != 0 ? n : 1;
    if (req < sca_class_size(h->sca, n))
        expect_poisoned(h, p + req, 1, "the byte past a new sca block (class slack)");
    check_no_overlap(h, p, n, except, "new sca block");
    int large = sca_is_large(h, n);
    put_block(h, slot, p, n, FUZZ_OWNER_SCA, large);
    if (large)
        h->sca_large++;
    else
        h->sca_small++;
    harness_note_sca_requested(h, n, 0);
}

static void rp_pfree_block(harness_t *h, size_t slot);

/* Give back whatever slot holds (the way its owner takes it back). */
static void release_slot(harness_t *h, size_t slot)
{
    fuzz_block_t *b = &h->slot[slot];
    if (b->owner == FUZZ_OWNER_SCA) {
        verify_block(h, b, slot, "before deallocate");
        sca_deallocate(h->sca, b->ptr, b->size);
        if (!b->large)
            expect_poisoned(h, b->ptr, b->size, "a deallocated sca block");
        if (b->large)
            h->sca_large--;
        else
            h->sca_small--;
        harness_note_sca_requested(h, 0, b->size);
        drop_block(h, slot);
    } else if (b->owner == FUZZ_OWNER_RP) {
        if (b->large) {
            rp_pfree_block(h, slot);
        } else {
            /* Small pool memory is only released by reset: forget it. */
            verify_block(h, b, slot, "when dropped");
            drop_block(h, slot);
        }
    }
}

static void op_alloc(harness_t *h, size_t slot, size_t n)
{
    release_slot(h, slot);
    size_t f0 = failures(&h->sca_count), held0 = alloc_counting_stats(&h->sca_count).bytes_held;
    unsigned char *p = sca_allocate(h->sca, n);
    if (h->sca == NULL) {
        CHECK(h, p == NULL, "sca_allocate(NULL, %zu) did not return NULL", n);
        return;
    }
    check_null_answer(h, p, n, f0, failures(&h->sca_count), "sca_allocate");
    if (p == NULL) {
        h->sca_failed++;
        CHECK(h, alloc_counting_stats(&h->sca_count).bytes_held == held0,
              "a failed sca_allocate changed the upstream bytes held");
        return;
    }
    sca_new_block(h, slot, p, n, FUZZ_SLOTS);
}

static void op_free(harness_t *h, size_t slot)
{
    if (h->slot[slot].owner == FUZZ_OWNER_NONE) {
        /* Freeing NULL is a no-op (the stats comparison after the op checks it). */
        sca_deallocate(h->sca, NULL, 8);
        return;
    }
    release_slot(h, slot);
}

static void op_realloc(harness_t *h, size_t slot, size_t n)
{
    fuzz_block_t *b = &h->slot[slot];
    if (b->owner != FUZZ_OWNER_SCA) {
        /* reallocate(NULL) is allocate */
        release_slot(h, slot);
        size_t f0 = failures(&h->sca_count);
        unsigned char *p = sca_reallocate(h->sca, NULL, 0, n);
        if (h->sca == NULL) {
            CHECK(h, p == NULL, "sca_reallocate(NULL, ...) did not return NULL");
            return;
        }
        check_null_answer(h, p, n, f0, failures(&h->sca_count), "sca_reallocate(NULL)");
        if (p == NULL) {
            h->sca_failed++;
            return;
        }
        sca_new_block(h, slot, p, n, FUZZ_SLOTS);
        return;
    }
    verify_block(h, b, slot, "before reallocate");
    size_t f0 = failures(&h->sca_count), held0 = alloc_counting_stats(&h->sca_count).bytes_held;
    size_t old = b->size;
    unsigned char *q = sca_reallocate(h->sca, b->ptr, old, n);
    check_null_answer(h, q, n, f0, failures(&h->sca_count), "sca_reallocate");
    if (q == NULL) {
        h->sca_failed++;
        CHECK(h, alloc_counting_stats(&h->sca_count).bytes_held == held0,
              "a failed sca_reallocate changed the upstream bytes held");
        verify_block(h, b, slot, "after a failed reallocate");
        return;
    }
    h->sca_reallocs++;
    size_t keep = old < n ? old : n;
    size_t bad = fuzz_verify(q, old, b->seed, 0, keep);
    CHECK(h, bad == SIZE_MAX, "sca_reallocate(%zu -> %zu) lost the prefix: byte %zu is 0x%02x, expected 0x%02x",
          old, n, bad, q[bad], fuzz_pattern(b->seed, bad));
    if (b->large)
        h->sca_large--;
    else
        h->sca_small--;
    /* Moving between classes allocates the new block before freeing the old
     * one, so for a moment both count towards the peak. */
    int moved = !(sca_is_large(h, old) && sca_is_large(h, n)) &&
                sca_class_size(h->sca, old) != sca_class_size(h->sca, n);
    if (moved)
        harness_note_sca_requested(h, n, 0);
    harness_note_sca_requested(h, 0, old);
    if (moved)
        h->sca_req_live -= n; /* sca_new_block adds it back */
    drop_block(h, slot);
    sca_new_block(h, slot, q, n, slot);
}

static void drop_owner_blocks(harness_t *h, fuzz_owner_t owner)
{
    for (size_t i = 0; i < FUZZ_SLOTS; i++)
        if (h->slot[i].owner == owner)
            drop_block(h, i);
}

static void check_upstream_empty(const harness_t *h, const alloc_counting_t *c, size_t expect_held,
                                 const char *who)
{
    alloc_counting_stats_t s = alloc_counting_stats(c);
    CHECK(h, s.bytes_held == expect_held, "after destroying the %s, upstream still holds %zu bytes (expected %zu)",
          who, s.bytes_held, expect_held);
    CHECK(h, s.size_mismatches == 0, "the %s gave blocks back with the wrong size (%zu times)", who,
          s.size_mismatches);
}

static void sca_teardown(harness_t *h)
{
    for (size_t i = 0; i < FUZZ_SLOTS; i++)
        if (h->slot[i].owner == FUZZ_OWNER_SCA)
            verify_block(h, &h->slot[i], i, "before sca_destroy");
    if (h->sca != NULL && harness_may_check(h, h->at_end)) {
        size_t bad = sca_check(h->sca);
        CHECK(h, bad == 0, "sca_check found %zu broken invariants before destroy", bad);
    }
    sca_destroy(h->sca);
    h->sca = NULL;
    drop_owner_blocks(h, FUZZ_OWNER_SCA);
    check_upstream_empty(h, &h->sca_count, 0, "sca");
    CHECK(h, alloc_counting_stats(&h->sca_count).blocks_held == 0,
          "after sca_destroy upstream still has %zu blocks out", alloc_counting_stats(&h->sca_count).blocks_held);
}

static void sca_setup(harness_t *h, size_t granule, size_t limit, size_t batch, int must_succeed)
{
    sca_options_t o;
    memset(&o, 0, sizeof o);
    o.granule = granule;
    o.small_limit = limit;
    o.refill_batch = batch;
    o.upstream = alloc_counting_upstream(&h->sca_count);
    o.report = sca_report_count_only; /* the edges op frees badly on purpose */
    alloc_counting_reset_peak(&h->sca_count);
    h->sca_req_live = h->sca_req_peak = h->sca_small = h->sca_large = 0;
    h->sca_reallocs = h->sca_failed = h->sca_bad_frees = 0;
    size_t f0 = failures(&h->sca_count);
    h->sca = sca_create(&o);
    int valid = sca_options_valid(&o);
    if (h->sca == NULL) {
        CHECK(h, !must_succeed, "sca_create with default options failed");
        CHECK(h, !valid || failures(&h->sca_count) > f0,
              "sca_create(granule %zu, limit %zu, batch %zu) returned NULL for valid options", granule,
              limit, batch);
        return;
    }
    CHECK(h, valid, "sca_create(granule %zu, limit %zu, batch %zu) accepted invalid options", granule,
          limit, batch);
    h->sca_opts = sca_options(h->sca);
    CHECK(h, h->sca_opts.granule == granule && h->sca_opts.small_limit == limit &&
                 h->sca_opts.refill_batch == batch,
          "sca_options does not give back the options sca_create was given");
}

/* ---- the region pool ------------------------------------------------------ */

static void on_cleanup(void *data)
{
    cleanup_tag_t *tag = data;
    harness_t *h = tag->h;
    cleanup_rec_t *c = &h->cleanups[tag->index];
    CHECK(h, c->has_handler, "cleanup #%zu ran but its handler was NULL", tag->index);
    CHECK(h, !c->ran, "cleanup #%zu ran twice", tag->index);
    c->ran = 1;
    verify_cleanup_data(h, c, tag->index, "when its handler ran");
    h->run_order[h->nrun++] = tag->index;
}

/* Run reset (destroying: 0) or destroy (1) and check the cleanup contract. */
static void rp_teardown(harness_t *h, int destroying)
{
    const char *what = destroying ? "rp_destroy" : "rp_reset";
    for (size_t i = 0; i < FUZZ_SLOTS; i++)
        if (h->slot[i].owner == FUZZ_OWNER_RP)
            verify_block(h, &h->slot[i], i, destroying ? "before rp_destroy" : "before rp_reset");
    if (h->pool != NULL && harness_may_check(h, h->at_end)) {
        size_t bad = rp_check(h->pool);
        CHECK(h, bad == 0, "rp_check found %zu broken invariants before %s", bad, what);
    }
    h->nrun = 0;
    /* the small blocks, to see them poisoned after a reset */
    const void *small[FUZZ_SLOTS + FUZZ_CLEANUPS];
    size_t small_size[FUZZ_SLOTS + FUZZ_CLEANUPS], nsmall = 0;
    for (size_t i = 0; i < FUZZ_SLOTS; i++)
        if (h->slot[i].owner == FUZZ_OWNER_RP && !h->slot[i].large) {
            small[nsmall] = h->slot[i].ptr;
            small_size[nsmall++] = h->slot[i].size;
        }
    for (size_t i = 0; i < h->ncleanups; i++)
        if (h->cleanups[i].size > 0) {
            small[nsmall] = h->cleanups[i].data;
            small_size[nsmall++] = h->cleanups[i].size;
        }
    if (destroying)
        rp_destroy(h->pool);
    else
        rp_reset(h->pool);
    for (size_t i = 0; !destroying && h->pool != NULL && i < nsmall; i++)
        expect_poisoned(h, small[i], small_size[i], "a small pool block after rp_reset");
    size_t expect = 0;
    for (size_t i = h->ncleanups; i-- > 0;) {
        if (!h->cleanups[i].has_handler)
            continue;
        CHECK(h, expect < h->nrun && h->run_order[expect] == i,
              "%s: cleanup #%zu should have run %s (most recent first), %zu handlers ran", what, i,
              expect == 0 ? "first" : "next", h->nrun);
        expect++;
    }
    CHECK(h, expect == h->nrun, "%s ran %zu handlers, expected %zu", what, h->nrun, expect);
    h->ncleanups = 0;
    drop_owner_blocks(h, FUZZ_OWNER_RP);
    h->rp_small_bytes = h->rp_large_bytes = h->rp_large_blocks = 0;
    if (destroying) {
        h->pool = NULL;
        check_upstream_empty(h, &h->rp_count, cached_bytes(h), "pool");
    } else if (h->pool != NULL) {
        h->rp_resets++;
        rp_stats_t s = rp_stats(h->pool);
        CHECK(h, s.large_nodes == 0 && s.cleanups == 0,
              "after rp_reset: %zu large nodes, %zu cleanups left", s.large_nodes, s.cleanups);
    }
}

static void rp_setup(harness_t *h, size_t size, int cached, int must_succeed)
{
    alloc_upstream_t counting = alloc_counting_upstream(&h->rp_count);
    alloc_upstream_t up = cached ? alloc_caching_upstream(&h->cache) : counting;
    alloc_counting_reset_peak(&h->rp_count);
    h->rp_small_bytes = h->rp_large_bytes = h->rp_large_blocks = h->rp_req_peak = 0;
    h->rp_failed = h->rp_resets = 0;
    size_t f0 = failures(&h->rp_count);
    size_t hits0 = h->cache.hits;
    h->pool = rp_create(size, &up);
    size_t want = size < RP_MIN_POOL_SIZE ? RP_MIN_POOL_SIZE : size;
    int overflow = want > SIZE_MAX - (RP_ALIGNMENT - 1);
    if (h->pool == NULL) {
        CHECK(h, !must_succeed, "rp_create(%zu) failed", size);
        CHECK(h, overflow || failures(&h->rp_count) > f0, "rp_create(%zu) returned NULL but upstream did not fail", size);
        return;
    }
    CHECK(h, !overflow, "rp_create(%zu) succeeded on a size that overflows when rounded", size);
    h->pool_block_size = (want + RP_ALIGNMENT - 1) & ~(size_t)(RP_ALIGNMENT - 1);
    CHECK(h, !cached || h->cache.hits >= hits0, "caching upstream lost its hit count");
}

static void rp_new_block(harness_t *h, size_t slot, unsigned char *p, size_t n, int large,
                         size_t align, const char *what)
{
    check_aligned(h, p, align, what);
    check_no_overlap(h, p, n, FUZZ_SLOTS, what);
    put_block(h, slot, p, n, FUZZ_OWNER_RP, large);
    if (large) {
        h->rp_large_bytes += n != 0 ? n : 1;
        h->rp_large_blocks++;
    } else {
        h->rp_small_bytes += n;
    }
    note_rp_requested(h);
}

static void op_pool_alloc(harness_t *h, size_t slot, size_t n, fuzz_op_kind_t kind)
{
    release_slot(h, slot);
    size_t f0 = failures(&h->rp_count), held0 = pool_held(h);
    unsigned char *p;
    const char *what = kind == FUZZ_OP_PALLOC ? "rp_palloc" : kind == FUZZ_OP_PNALLOC ? "rp_pnalloc" : "rp_pcalloc";
    if (kind == FUZZ_OP_PALLOC)
        p = rp_palloc(h->pool, n);
    else if (kind == FUZZ_OP_PNALLOC)
        p = rp_pnalloc(h->pool, n);
    else
        p = rp_pcalloc(h->pool, n);
    if (h->pool == NULL) {
        CHECK(h, p == NULL, "%s(NULL, %zu) did not return NULL", what, n);
        return;
    }
    check_null_answer(h, p, n, f0, failures(&h->rp_count), what);
    if (p == NULL) {
        h->rp_failed++;
        CHECK(h, pool_held(h) == held0, "a failed %s changed the pool's upstream bytes", what);
        return;
    }
    int large = (n != 0 ? n : 1) > rp_max(h->pool);
    if (kind == FUZZ_OP_PCALLOC) {
        size_t bad = fuzz_verify_zero(p, n);
        CHECK(h, bad == SIZE_MAX, "rp_pcalloc(%zu): byte %zu is 0x%02x, not zero", n, bad, p[bad]);
    }
    size_t align = kind == FUZZ_OP_PNALLOC && !large ? 1 : RP_ALIGNMENT;
    /* A bump allocator hands out the lowest free address of its block, so
     * the byte after a new small block is free (or past the block): poisoned. */
    if (!large)
        expect_poisoned(h, p + (n != 0 ? n : 1), 1, "the byte past a new small pool block");
    rp_new_block(h, slot, p, n, large, align, what);
}

static void op_pmemalign(harness_t *h, size_t slot, size_t n, size_t align)
{
    release_slot(h, slot);
    size_t f0 = failures(&h->rp_count), held0 = pool_held(h);
    unsigned char *p = rp_pmemalign(h->pool, n, align);
    if (h->pool == NULL) {
        CHECK(h, p == NULL, "rp_pmemalign(NULL, ...) did not return NULL");
        return;
    }
    int pow2 = align != 0 && (align & (align - 1)) == 0;
    size_t eff = align < RP_ALIGNMENT ? RP_ALIGNMENT : align;
    size_t req = n != 0 ? n : 1;
    int impossible = !pow2 || req > SIZE_MAX - eff || IMPOSSIBLE(req);
    if (p == NULL) {
        CHECK(h, impossible || failures(&h->rp_count) > f0,
              "rp_pmemalign(%zu, %zu) returned NULL but upstream did not fail", n, align);
        CHECK(h, pool_held(h) == held0, "a failed rp_pmemalign changed the pool's upstream bytes");
        /* Counted as a failed request only when it got as far as asking upstream. */
        if (pow2)
            h->rp_failed++;
        return;
    }
    CHECK(h, !impossible, "rp_pmemalign(%zu, %zu) returned %p for an impossible request", n, align, (void *)p);
    rp_new_block(h, slot, p, n, 1, eff, "rp_pmemalign");
}

/* pfree of the live large block in slot (the model says it must be OK). */
static void rp_pfree_block(harness_t *h, size_t slot)
{
    fuzz_block_t *b = &h->slot[slot];
    verify_block(h, b, slot, "before pfree");
    rp_result_t r = rp_pfree(h->pool, b->ptr);
    CHECK(h, r == RP_OK, "rp_pfree of live large block s%zu (%p, %zu bytes) answered DECLINED", slot,
          (void *)b->ptr, b->size);
    h->rp_large_bytes -= b->size != 0 ? b->size : 1;
    h->rp_large_blocks--;
    drop_block(h, slot);
}

static void op_pfree(harness_t *h, size_t slot)
{
    unsigned char *p = h->slot[slot].owner != FUZZ_OWNER_NONE ? h->slot[slot].ptr : h->last_ptr[slot];
    /* OK exactly when p is a live large block of the pool, in any slot. */
    for (size_t i = 0; p != NULL && i < FUZZ_SLOTS; i++) {
        const fuzz_block_t *b = &h->slot[i];
        if (b->owner == FUZZ_OWNER_RP && b->large && b->ptr == p) {
            rp_pfree_block(h, i);
            return;
        }
    }
    size_t held0 = pool_held(h);
    rp_result_t r = rp_pfree(h->pool, p);
    CHECK(h, r == RP_DECLINED, "rp_pfree(%p) answered OK for a pointer that is not a live large block (s%zu %s)",
          (void *)p, slot, h->slot[slot].owner == FUZZ_OWNER_NONE ? "is empty" : "holds a small or sca block");
    CHECK(h, pool_held(h) == held0, "a declined rp_pfree changed the pool's upstream bytes");
    if (h->slot[slot].owner != FUZZ_OWNER_NONE)
        verify_block(h, &h->slot[slot], slot, "after a declined pfree");
}

void harness_op_cleanup(harness_t *h, size_t n, int with_handler)
{
    if (h->ncleanups == FUZZ_CLEANUPS)
        return; /* the model is full: skip (rare) */
    size_t f0 = failures(&h->rp_count), held0 = pool_held(h);
    rp_cleanup_t *c = rp_cleanup_add(h->pool, n);
    if (h->pool == NULL) {
        CHECK(h, c == NULL, "rp_cleanup_add(NULL, %zu) did not return NULL", n);
        return;
    }
    /* rp_cleanup_add refuses data larger than rp_max without asking upstream
     * (not in rp.h's contract: see notes/alloc-bugs.md). */
    int too_big = n > rp_max(h->pool);
    if (c == NULL) {
        CHECK(h, too_big || failures(&h->rp_count) > f0,
              "rp_cleanup_add(%zu) returned NULL but upstream did not fail", n);
        CHECK(h, pool_held(h) == held0, "a failed rp_cleanup_add changed the pool's upstream bytes");
        if (!too_big)
            h->rp_failed++;
        return;
    }
    CHECK(h, !too_big, "rp_cleanup_add(%zu) succeeded above rp_max %zu", n, rp_max(h->pool));
    CHECK(h, (n == 0) == (c->data == NULL), "rp_cleanup_add(%zu): data is %p", n, c->data);
    CHECK(h, c->handler == NULL, "rp_cleanup_add: a new record's handler is not NULL");
    check_aligned(h, c, _Alignof(rp_cleanup_t), "cleanup record");
    check_no_overlap(h, c, sizeof *c, FUZZ_SLOTS, "cleanup record");
    if (n > 0) {
        check_aligned(h, c->data, RP_ALIGNMENT, "cleanup data");
        check_no_overlap(h, c->data, n, FUZZ_SLOTS, "cleanup data");
        CHECK(h, !fuzz_overlaps(c, sizeof *c, c->data, n), "cleanup record and its data overlap");
    }
    size_t i = h->ncleanups++;
    cleanup_rec_t *r = &h->cleanups[i];
    r->rec = c;
    r->data = c->data;
    r->size = n;
    r->seed = h->next_seed++;
    r->has_handler = (uint8_t)with_handler;
    r->ran = 0;
    if (n > 0)
        fuzz_fill(r->data, n, r->seed);
    h->tags[i].h = h;
    h->tags[i].index = i;
    c->handler = with_handler ? on_cleanup : NULL;
    c->data = &h->tags[i]; /* the handler finds the harness through it */
    h->rp_small_bytes += n;
    note_rp_requested(h);
}

/* ---- fault injection, checks, API edges ----------------------------------- */

static void op_fail(harness_t *h, size_t n)
{
    alloc_counting_fail_next(&h->sca_count, n);
    alloc_counting_fail_next(&h->rp_count, n);
}

static void op_fail_at(harness_t *h, size_t k)
{
    alloc_counting_fail_at(&h->sca_count, alloc_counting_stats(&h->sca_count).calls + k);
    alloc_counting_fail_at(&h->rp_count, alloc_counting_stats(&h->rp_count).calls + k);
}

/* ---- the run -------------------------------------------------------------- */

static void run_op(harness_t *h, const fuzz_op_t *op)
{
    size_t slot = (size_t)op->arg[0].literal % FUZZ_SLOTS;
    switch (op->kind) {
    case FUZZ_OP_ALLOC: op_alloc(h, slot, resolve(h, op->arg[1])); break;
    case FUZZ_OP_FREE: op_free(h, slot); break;
    case FUZZ_OP_REALLOC: op_realloc(h, slot, resolve(h, op->arg[1])); break;
    case FUZZ_OP_SCA_NEW:
        sca_teardown(h);
        sca_setup(h, (size_t)op->arg[0].literal, (size_t)op->arg[1].literal, (size_t)op->arg[2].literal, 0);
        break;
    case FUZZ_OP_PALLOC:
    case FUZZ_OP_PNALLOC:
    case FUZZ_OP_PCALLOC: op_pool_alloc(h, slot, resolve(h, op->arg[1]), op->kind); break;
    case FUZZ_OP_PMEMALIGN: op_pmemalign(h, slot, resolve(h, op->arg[1]), (size_t)op->arg[2].literal); break;
    case FUZZ_OP_PFREE: op_pfree(h, slot); break;
    case FUZZ_OP_RESET: rp_teardown(h, 0); break;
    case FUZZ_OP_CLEANUP: harness_op_cleanup(h, resolve(h, op->arg[0]), 1); break;
    case FUZZ_OP_CLEANUP_NULL: harness_op_cleanup(h, resolve(h, op->arg[0]), 0); break;
    case FUZZ_OP_RP_NEW:
    case FUZZ_OP_RP_NEW_CACHED: {
        size_t size = resolve(h, op->arg[0]); /* before teardown: B and M refer to the old pool */
        rp_teardown(h, 1);
        rp_setup(h, size, op->kind == FUZZ_OP_RP_NEW_CACHED, 0);
        break;
    }
    case FUZZ_OP_FAIL: op_fail(h, (size_t)op->arg[0].literal); break;
    case FUZZ_OP_FAIL_AT: op_fail_at(h, (size_t)op->arg[0].literal); break;
    case FUZZ_OP_CHECK:
        self_check(h);
        verify_all(h, "by check");
        break;
    case FUZZ_OP_EDGES: harness_op_edges(h); break;
    case FUZZ_OP_TAMPER: harness_op_tamper(h, (unsigned)op->arg[0].literal); break;
    default: break;
    }
}

int fuzz_run(const fuzz_target_t *t, const uint8_t *data, size_t size, const char *label)
{
    harness_t *h = calloc(1, sizeof *h);
    if (h == NULL) {
        fprintf(stderr, "fuzz_run: out of memory\n");
        abort();
    }
    h->t = t;
    h->label = label;
    if (alloc_counting_init(&h->sca_count, &capped_upstream) != 0 ||
        alloc_counting_init(&h->rp_count, &capped_upstream) != 0) {
        harness_fail(h, "alloc_counting_init failed over a valid upstream");
    }
    alloc_upstream_t rp_counting = alloc_counting_upstream(&h->rp_count);
    if (alloc_caching_init(&h->cache, &rp_counting, FUZZ_CACHE_CAPACITY) != 0)
        harness_fail(h, "alloc_caching_init failed over a valid upstream");
    if (t->uses_sca)
        sca_setup(h, SCA_DEFAULT_GRANULE, SCA_DEFAULT_SMALL_LIMIT, SCA_DEFAULT_REFILL_BATCH, 1);
    if (t->uses_rp)
        rp_setup(h, FUZZ_DEFAULT_POOL, 0, 1);

    fuzz_producer_t p;
    fuzz_op_t op;
    fuzz_producer_init(&p, data, size);
    while (h->op_index < FUZZ_MAX_OPS && fuzz_decode_next(&p, t, &op)) {
        h->op_index++;
        h->op = &op;
        run_op(h, &op);
        compare_sca_stats(h);
        compare_rp_stats(h);
        if (h->op_index % FUZZ_SELF_CHECK_EVERY == 0)
            self_check(h);
    }

    h->at_end = 1;
    alloc_counting_fail_next(&h->sca_count, 0);
    alloc_counting_fail_at(&h->sca_count, 0);
    alloc_counting_fail_next(&h->rp_count, 0);
    alloc_counting_fail_at(&h->rp_count, 0);
    self_check(h);
    verify_all(h, "at the end");
    if (t->uses_sca)
        sca_teardown(h);
    if (t->uses_rp)
        rp_teardown(h, 1);
    alloc_caching_drain(&h->cache);
    check_upstream_empty(h, &h->rp_count, 0, "pool (cache drained)");
    check_upstream_empty(h, &h->sca_count, 0, "sca");
    CHECK(h, alloc_counting_stats(&h->rp_count).blocks_held == 0 &&
                 alloc_counting_stats(&h->sca_count).blocks_held == 0,
          "upstream blocks still out at the end");
    free(h);
    return 0;
}
