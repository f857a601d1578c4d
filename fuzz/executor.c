/*
 * executor.c - runs an op stream against any allocator adapter (adapter.h)
 * and compares every answer with the shadow model (model.h) and with the
 * contracts the adapter's capabilities promise.
 *
 * A run drives up to two instances: the heap (alloc / free / realloc) and the
 * pool (palloc ... reset, cleanups).  An op whose capability the adapter
 * lacks is skipped, always the same way, so a crash replays.
 *
 * The checks:
 *   - a NULL answer only when upstream failed during the call or the size is
 *     impossible (> PTRDIFF_MAX), and always NULL for an impossible size; a
 *     failed call leaves the upstream bytes held unchanged;
 *   - alignment as the adapter promises (and its check_block hook);
 *   - no overlap with any live block, cleanup record or cleanup data;
 *   - contents intact when a block's life ends (free, realloc, reset,
 *     destroy), at `check` and at the end of the input; realloc keeps
 *     min(old, new) bytes; pcalloc zeroes;
 *   - pfree OK exactly for live large blocks of the pool, DECLINED otherwise;
 *   - reset and destroy run the cleanups with a handler, newest first, once;
 *   - the adapter's statistics equal the model's, its upstream bytes equal
 *     the counting upstream's, and its reference model of its own memory
 *     rules (exact accounting) agrees after every op;
 *   - freed small blocks and reset pools are ASan-poisoned (FUZZ_CAP_POISONS);
 *   - self-checks find nothing at `check`, reset, teardown and the end;
 *   - at the end (and at every re-create) the counting upstream holds 0.
 * A failed check prints the op index and text and aborts.
 *
 * Speed: the executor and the model are built without coverage
 * instrumentation (fuzz/CMakeLists.txt): their loops must not earn coverage.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "executor.h"
#include "optext.h"
#include "sanitizer.h"

#define IMPOSSIBLE(n) ((n) > (size_t)PTRDIFF_MAX)

/* ---- failure reporting ---------------------------------------------------- */

void exec_fail(const exec_t *x, const char *fmt, ...)
{
    char text[FUZZ_OP_TEXT_MAX] = "setup";
    va_list ap;
    if (x->at_end)
        snprintf(text, sizeof text, "end of program");
    else if (x->op != NULL)
        fuzz_op_format(x->op, text);
    fflush(stdout);
    fprintf(stderr, "\nfuzz check failed: target %s%s%s, op #%zu `%s`:\n  ", x->t->name,
            x->label != NULL ? ", input " : "", x->label != NULL ? x->label : "", x->op_index, text);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n  (fuzz-print -n INPUT shows the program with its op numbers)\n");
    fflush(stderr);
    abort();
}

static void reporter_fail(void *ctx, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    exec_fail(ctx, "%s", msg);
}

/* ---- the harness's own upstream: the arena (libc without ASan), capped --- */

/* Blocks above the cap are refused, as a system out of memory would: they
 * would take ASan's mmap path (slow) and teach the fuzzer nothing new.
 * Under ASan they come from one reused arena (arena.h), poisoned as ASan's
 * malloc would, without its per-call cost. */
static void *capped_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return n > FUZZ_UPSTREAM_CAP ? NULL : fuzz_arena_alloc(n);
}

static void capped_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    (void)n;
    fuzz_arena_free(p);
}

static void *capped_realloc(void *ctx, void *p, size_t old_n, size_t n)
{
    (void)ctx;
    (void)old_n;
    return n > FUZZ_UPSTREAM_CAP ? NULL : fuzz_arena_realloc(p, n);
}

static const alloc_upstream_t capped_upstream = {capped_alloc, capped_free, capped_realloc, NULL};

/* ---- small helpers -------------------------------------------------------- */

static int has(const role_t *r, unsigned cap)
{
    return r->ad != NULL && (r->ad->caps & cap) == cap;
}

/* The counting upstream's figures are read in place: several reads per op. */
static size_t failures(const role_t *r)
{
    return r->count.stats.failures;
}

static size_t cached_bytes(const role_t *r)
{
    return r->cache.count * r->cache.block_size;
}

/* Bytes the instance holds from upstream: what the counting upstream gave
 * out, less what the caching upstream keeps for later. */
static size_t held(const role_t *r)
{
    return r->count.stats.bytes_held - cached_bytes(r);
}

static fuzz_owner_t owner_of(const exec_t *x, const role_t *r)
{
    return r == &x->role[1] ? FUZZ_OWNER_POOL : FUZZ_OWNER_HEAP;
}

static role_t *role_of(exec_t *x, fuzz_owner_t owner)
{
    return &x->role[owner == FUZZ_OWNER_POOL ? 1 : 0];
}

static const char *role_name(const role_t *r)
{
    return r->ad != NULL ? r->ad->name : "?";
}

static size_t param(const exec_t *x, fuzz_param_t which, size_t fallback)
{
    for (int i = 0; i < FUZZ_ROLES; i++) {
        const role_t *r = &x->role[i];
        if (r->ad != NULL && r->ad->param != NULL && r->inst != NULL) {
            size_t v = r->ad->param(r->inst, which);
            if (v != 0)
                return v;
        }
    }
    return fallback;
}

/* A size operand's value in the current state. */
static size_t resolve(const exec_t *x, fuzz_value_t v)
{
    if (v.sym == FUZZ_SYM_LITERAL)
        return (size_t)v.literal; /* most operands: no instance to ask */
    size_t g = param(x, FUZZ_PARAM_GRANULE, 8), l = param(x, FUZZ_PARAM_SMALL_LIMIT, 128),
           m = param(x, FUZZ_PARAM_POOL_MAX, 4095);
    switch ((fuzz_sym_t)v.sym) {
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
    case FUZZ_SYM_B: return param(x, FUZZ_PARAM_BLOCK_SIZE, 16384);
    case FUZZ_SYM_PAGE: return FUZZ_PAGE;
    case FUZZ_SYM_HUGE: return FUZZ_HUGE;
    case FUZZ_SYM_MAX: return SIZE_MAX;
    case FUZZ_SYM_MAX_MINUS_G: return SIZE_MAX - g;
    case FUZZ_SYM_HALF: return SIZE_MAX / 2 + 1;
    default: return 0;
    }
}

/* Adapters without an upstream of ours take memory from the real system:
 * requests above FUZZ_SYSTEM_CAP are not made at all (the op is skipped),
 * so a peer is never asked for terabytes, and never answers NULL for want
 * of memory (a NULL from it is then a failed check). */
static int too_big_for_system(const role_t *r, size_t n)
{
    return !has(r, FUZZ_CAP_UPSTREAM) && n > FUZZ_SYSTEM_CAP;
}

static int is_large(const role_t *r, size_t n)
{
    return r->ad->is_large != NULL && r->ad->is_large(r->inst, n);
}

static size_t charge_of(const role_t *r, size_t n, int large)
{
    return r->ad->charge != NULL ? r->ad->charge(r->inst, n, large) : n;
}

static void verify_block(const exec_t *x, size_t slot, const char *when)
{
    const fuzz_block_t *b = &x->model.slot[slot];
    size_t bad = fuzz_verify(b->ptr, b->size, b->seed, 0, b->size);
    EXEC_CHECK(x, bad == SIZE_MAX,
               "contents of s%zu changed (%s block %p, %zu bytes, checked %s): byte %zu is 0x%02x, "
               "expected 0x%02x",
               slot, role_name(&x->role[b->owner == FUZZ_OWNER_POOL]), (void *)b->ptr, b->size, when,
               bad, b->ptr[bad], fuzz_pattern(b->seed, b->size, bad));
}

static void verify_cleanup_data(const exec_t *x, size_t index, const char *when)
{
    const fuzz_cleanup_rec_t *c = &x->model.cleanup[index];
    size_t bad = fuzz_verify(c->data, c->size, c->seed, 0, c->size);
    EXEC_CHECK(x, bad == SIZE_MAX, "cleanup #%zu data (%p, %zu bytes) changed (checked %s) at byte %zu",
               index, (void *)c->data, c->size, when, bad);
}

static void verify_owner(const exec_t *x, fuzz_owner_t owner, const char *when)
{
    for (uint64_t live = x->model.live; live != 0;) {
        size_t i = fuzz_next_live(&live);
        if (x->model.slot[i].owner == owner)
            verify_block(x, i, when);
    }
    for (size_t i = 0; owner == FUZZ_OWNER_POOL && i < x->model.ncleanups; i++)
        verify_cleanup_data(x, i, when);
}

/* No live block, cleanup record or cleanup data overlaps [p, p + n),
 * except slot `except` (the block being reallocated). */
static void check_no_overlap(const exec_t *x, const void *p, size_t n, size_t except, const char *what)
{
    for (uint64_t live = x->model.live; live != 0;) {
        size_t i = fuzz_next_live(&live);
        const fuzz_block_t *b = &x->model.slot[i];
        if (i != except)
            EXEC_CHECK(x, !fuzz_overlaps(p, n, b->ptr, b->size),
                       "%s %p (%zu bytes) overlaps live block s%zu %p (%zu bytes)", what, p, n, i,
                       (void *)b->ptr, b->size);
    }
    for (size_t i = 0; i < x->model.ncleanups; i++) {
        const fuzz_cleanup_rec_t *c = &x->model.cleanup[i];
        if (c->size > 0)
            EXEC_CHECK(x, !fuzz_overlaps(p, n, c->data, c->size),
                       "%s %p (%zu bytes) overlaps cleanup #%zu data %p (%zu bytes)", what, p, n, i,
                       (void *)c->data, c->size);
        if (x->records[i].size > 0)
            EXEC_CHECK(x, !fuzz_overlaps(p, n, x->records[i].at, x->records[i].size),
                       "%s %p (%zu bytes) overlaps cleanup record #%zu %p", what, p, n, i, x->records[i].at);
    }
}

static void check_aligned(const exec_t *x, const void *p, size_t align, const char *what)
{
    EXEC_CHECK(x, align == 0 || (uintptr_t)p % align == 0, "%s %p is not aligned to %zu", what, p, align);
}

/* A NULL answer must be explained: upstream failed during the call, or the
 * size was impossible.  An impossible size must get NULL. */
static void check_null_answer(const exec_t *x, const role_t *r, const void *p, size_t n, size_t f0,
                              const char *what)
{
    if (p == NULL)
        EXEC_CHECK(x, failures(r) > f0 || IMPOSSIBLE(n), "%s(%zu) returned NULL but upstream did not fail",
                   what, n);
    else
        EXEC_CHECK(x, !IMPOSSIBLE(n), "%s(%zu) returned %p for an impossible size", what, n, p);
}

/* With ASan annotations in the library, memory the allocator took back must
 * be poisoned, or ASan would miss a use after free inside a chunk. */
static void expect_poisoned(const exec_t *x, const role_t *r, const void *p, size_t n, const char *what)
{
    if (!has(r, FUZZ_CAP_POISONS) || !FUZZ_POISON_VISIBLE)
        return;
    const char *last = (const char *)p + (n != 0 ? n - 1 : 0);
    EXEC_CHECK(x, fuzz_is_poisoned(p) && fuzz_is_poisoned(last),
               "%s %p (%zu bytes) is not poisoned: ASan would miss a use after free", what, p, n);
}

/* ---- statistics, accounting and self-checks ------------------------------- */

static void compare_stats(const exec_t *x, const role_t *r)
{
    const alloc_counting_stats_t c = r->count.stats;
    if (has(r, FUZZ_CAP_UPSTREAM))
        EXEC_CHECK(x, c.size_mismatches == 0, "%s gave a block back to upstream with the wrong size (%zu times)",
                   role_name(r), c.size_mismatches);
    if (r->inst == NULL || !has(r, FUZZ_CAP_STATS))
        return;
    fuzz_stats_t s;
    memset(&s, 0, sizeof s);
    r->ad->stats(r->inst, &s);
    const fuzz_expect_t *e = &x->model.expect[owner_of(x, r) == FUZZ_OWNER_POOL];
#define STAT(field, model)                                                                          \
    EXEC_CHECK(x, s.field == (model), "%s stats: " #field " is %zu, the model says %zu", role_name(r), \
               s.field, (size_t)(model))
    STAT(requested_live, e->requested_live);
    STAT(requested_peak, e->requested_peak);
    STAT(large_live, e->large_live);
    STAT(reallocs, e->reallocs);
    STAT(failed, e->failed);
    STAT(resets, e->resets);
    if (owner_of(x, r) == FUZZ_OWNER_HEAP)
        STAT(blocks_live, e->blocks_live);
    else
        STAT(cleanups, x->model.ncleanups);
    if (has(r, FUZZ_CAP_UPSTREAM)) {
        STAT(upstream_held, c.bytes_held - cached_bytes(r));
        EXEC_CHECK(x, s.upstream_peak >= s.upstream_held && s.upstream_peak <= c.peak_bytes_held,
                   "%s stats: upstream_peak %zu outside [held %zu, counting peak %zu]", role_name(r),
                   s.upstream_peak, s.upstream_held, c.peak_bytes_held);
    }
#undef STAT
}

static void check_accounting(const exec_t *x, const role_t *r)
{
    if (r->inst == NULL || r->ad->account == NULL)
        return;
    const char *why = r->ad->account(r->inst);
    EXEC_CHECK(x, why == NULL, "%s: exact accounting: %s", role_name(r), why);
}

/* Whether a self-check may run now, and if so charge its cost.  The
 * self-checks walk every free list (about free blocks x chunks steps), so a
 * program that builds huge lists would spend minutes in them; past a
 * per-run budget the checks are skipped, deterministically (the estimate
 * depends on the program only).  forced: the end of the run. */
static int may_check(exec_t *x, const role_t *r, int forced)
{
    size_t cost = (r->count.stats.bytes_held / 8 + 1) * (r->count.stats.blocks_held + 1);
    if (cost > FUZZ_CHECK_MAX_ONE || (!forced && x->check_spent + cost > FUZZ_CHECK_BUDGET))
        return 0;
    x->check_spent += cost;
    return 1;
}

static void self_check(exec_t *x, const role_t *r, const char *when)
{
    if (r->inst == NULL || !has(r, FUZZ_CAP_SELF_CHECK) || !may_check(x, r, x->at_end))
        return;
    size_t bad = r->ad->self_check(r->inst);
    EXEC_CHECK(x, bad == 0, "%s self-check found %zu broken invariants %s", role_name(r), bad, when);
}

static void check_upstream_empty(const exec_t *x, const role_t *r, size_t expect_held)
{
    if (!has(r, FUZZ_CAP_UPSTREAM))
        return;
    alloc_counting_stats_t s = alloc_counting_stats(&r->count);
    EXEC_CHECK(x, s.bytes_held == expect_held, "after destroying the %s, upstream still holds %zu bytes (expected %zu)",
               role_name(r), s.bytes_held, expect_held);
    EXEC_CHECK(x, s.size_mismatches == 0, "the %s gave blocks back with the wrong size (%zu times)", role_name(r),
               s.size_mismatches);
}

/* ---- instances ------------------------------------------------------------ */

static void role_create(exec_t *x, role_t *r, const fuzz_new_args_t *args, int must_succeed)
{
    fuzz_owner_t owner = owner_of(x, r);
    alloc_counting_reset_peak(&r->count);
    fuzz_model_new_instance(&x->model, owner);
    size_t f0 = failures(r);
    int invalid = 0;
    r->inst = r->ad->create(&r->env, args, &invalid);
    if (r->inst == NULL) {
        EXEC_CHECK(x, !must_succeed, "%s: create with default options failed", role_name(r));
        EXEC_CHECK(x, invalid || failures(r) > f0, "%s: create returned NULL for valid options, upstream did not fail",
                   role_name(r));
        return;
    }
    EXEC_CHECK(x, !invalid, "%s: create accepted invalid options", role_name(r));
}

static void on_cleanup(void *arg)
{
    const cleanup_tag_t *tag = arg;
    exec_t *x = tag->x;
    fuzz_cleanup_rec_t *c = &x->model.cleanup[tag->index];
    EXEC_CHECK(x, c->has_handler, "cleanup #%zu ran but its handler was NULL", tag->index);
    EXEC_CHECK(x, !c->ran, "cleanup #%zu ran twice", tag->index);
    c->ran = 1;
    verify_cleanup_data(x, tag->index, "when its handler ran");
    x->model.run_order[x->model.nrun++] = tag->index;
}

/* The cleanups with a handler ran, newest first, once each. */
static void check_cleanup_order(const exec_t *x, const char *what)
{
    size_t expect = 0;
    for (size_t i = x->model.ncleanups; i-- > 0;) {
        if (!x->model.cleanup[i].has_handler)
            continue;
        EXEC_CHECK(x, expect < x->model.nrun && x->model.run_order[expect] == i,
                   "%s: cleanup #%zu should have run %s (most recent first), %zu handlers ran", what, i,
                   expect == 0 ? "first" : "next", x->model.nrun);
        expect++;
    }
    EXEC_CHECK(x, expect == x->model.nrun, "%s ran %zu handlers, expected %zu", what, x->model.nrun, expect);
}

/* Reset (destroying 0) or destroy (1) the instance of r. */
static void role_teardown(exec_t *x, role_t *r, int destroying)
{
    fuzz_owner_t owner = owner_of(x, r);
    const char *what = destroying ? "destroy" : "reset";
    verify_owner(x, owner, destroying ? "before destroy" : "before reset");
    self_check(x, r, destroying ? "before destroy" : "before reset");
    /* the small pool blocks, to see them poisoned after a reset */
    const void *small[FUZZ_SLOTS + FUZZ_CLEANUPS];
    size_t small_size[FUZZ_SLOTS + FUZZ_CLEANUPS], nsmall = 0;
    for (uint64_t live = x->model.live; live != 0;) {
        size_t i = fuzz_next_live(&live);
        const fuzz_block_t *b = &x->model.slot[i];
        if (b->owner == owner && !b->large) {
            small[nsmall] = b->ptr;
            small_size[nsmall++] = b->size;
        }
    }
    for (size_t i = 0; owner == FUZZ_OWNER_POOL && i < x->model.ncleanups; i++)
        if (x->model.cleanup[i].size > 0) {
            small[nsmall] = x->model.cleanup[i].data;
            small_size[nsmall++] = x->model.cleanup[i].size;
        }
    x->model.nrun = 0;
    if (destroying) {
        if (r->inst != NULL)
            r->ad->destroy(r->inst);
        r->inst = NULL;
    } else {
        r->ad->reset(r->inst);
    }
    for (size_t i = 0; !destroying && owner == FUZZ_OWNER_POOL && i < nsmall; i++)
        expect_poisoned(x, r, small[i], small_size[i], "a small pool block after reset");
    if (owner == FUZZ_OWNER_POOL)
        check_cleanup_order(x, what);
    if (destroying) {
        fuzz_model_drop_owner(&x->model, owner);
        check_upstream_empty(x, r, cached_bytes(r));
    } else {
        fuzz_model_reset(&x->model, owner);
    }
    fuzz_set_own(x->records, 0, owner == FUZZ_OWNER_POOL ? sizeof x->records : 0);
}

/* ---- heap ops ------------------------------------------------------------- */

static void new_block(exec_t *x, role_t *r, size_t slot, unsigned char *p, size_t n, size_t align,
                      size_t except, const char *what)
{
    if (r->ad->check_block != NULL) {
        const char *why = r->ad->check_block(r->inst, p, n);
        EXEC_CHECK(x, why == NULL, "%s(%zu) = %p: %s", what, n, (void *)p, why);
    }
    check_aligned(x, p, align, what);
    check_no_overlap(x, p, n, except, what);
    int large = is_large(r, n);
    if (except == FUZZ_SLOTS)
        fuzz_model_put(&x->model, slot, p, n, owner_of(x, r), large, charge_of(r, n, large));
}

static void pool_pfree_block(exec_t *x, size_t slot);

/* Give back whatever slot holds, the way its owner takes it back. */
static void release_slot(exec_t *x, size_t slot)
{
    const fuzz_block_t *b = &x->model.slot[slot];
    if (b->owner == FUZZ_OWNER_NONE)
        return;
    role_t *r = role_of(x, (fuzz_owner_t)b->owner);
    if (b->owner == FUZZ_OWNER_HEAP) {
        verify_block(x, slot, "before free");
        unsigned char *p = b->ptr;
        size_t n = b->size;
        int large = b->large;
        r->ad->free(r->inst, p, n);
        fuzz_model_drop(&x->model, slot, 1);
        if (!large)
            expect_poisoned(x, r, p, n, "a freed small block");
    } else if (b->large && has(r, FUZZ_CAP_PFREE)) {
        pool_pfree_block(x, slot);
    } else {
        /* Small pool memory is only released by reset: forget it. */
        verify_block(x, slot, "when dropped");
        fuzz_model_drop(&x->model, slot, 0);
    }
}

static void op_alloc(exec_t *x, size_t slot, size_t n)
{
    role_t *r = &x->role[0];
    if (!has(r, FUZZ_CAP_HEAP) || too_big_for_system(r, n))
        return;
    release_slot(x, slot);
    if (r->inst == NULL)
        return; /* the create failed; nothing to ask */
    size_t f0 = failures(r), held0 = held(r);
    unsigned char *p = r->ad->alloc(r->inst, n);
    check_null_answer(x, r, p, n, f0, "alloc");
    if (p == NULL) {
        fuzz_model_failed(&x->model, FUZZ_OWNER_HEAP);
        EXEC_CHECK(x, held(r) == held0, "a failed alloc changed the upstream bytes held");
        return;
    }
    new_block(x, r, slot, p, n, r->ad->align, FUZZ_SLOTS, "alloc");
}

static void op_free(exec_t *x, size_t slot)
{
    role_t *r = &x->role[0];
    if (!has(r, FUZZ_CAP_HEAP))
        return;
    if (x->model.slot[slot].owner == FUZZ_OWNER_NONE) {
        if (r->inst != NULL)
            r->ad->free(r->inst, NULL, 8); /* freeing NULL is a no-op (the stats say so) */
        return;
    }
    release_slot(x, slot);
}

static void op_realloc(exec_t *x, size_t slot, size_t n)
{
    role_t *r = &x->role[0];
    if (!has(r, FUZZ_CAP_HEAP | FUZZ_CAP_REALLOC) || too_big_for_system(r, n))
        return;
    const fuzz_block_t *b = &x->model.slot[slot];
    if (b->owner != FUZZ_OWNER_HEAP) {
        /* realloc(NULL) is alloc */
        release_slot(x, slot);
        if (r->inst == NULL)
            return;
        size_t f0 = failures(r);
        unsigned char *p = r->ad->realloc(r->inst, NULL, 0, n);
        check_null_answer(x, r, p, n, f0, "realloc(NULL)");
        if (p == NULL) {
            fuzz_model_failed(&x->model, FUZZ_OWNER_HEAP);
            return;
        }
        new_block(x, r, slot, p, n, r->ad->align, FUZZ_SLOTS, "realloc(NULL)");
        return;
    }
    verify_block(x, slot, "before realloc");
    size_t f0 = failures(r), held0 = held(r), old = b->size;
    uint8_t seed = b->seed;
    unsigned char *q = r->ad->realloc(r->inst, b->ptr, old, n);
    check_null_answer(x, r, q, n, f0, "realloc");
    if (q == NULL) {
        fuzz_model_failed(&x->model, FUZZ_OWNER_HEAP);
        EXEC_CHECK(x, held(r) == held0, "a failed realloc changed the upstream bytes held");
        verify_block(x, slot, "after a failed realloc");
        return;
    }
    size_t keep = old < n ? old : n;
    size_t bad = fuzz_verify(q, old, seed, 0, keep);
    EXEC_CHECK(x, bad == SIZE_MAX, "realloc(%zu -> %zu) lost the prefix: byte %zu is 0x%02x, expected 0x%02x",
               old, n, bad, q[bad], fuzz_pattern(seed, old, bad));
    new_block(x, r, slot, q, n, r->ad->align, slot, "realloc");
    int large = is_large(r, n);
    /* A move allocates the new block before freeing the old one: for a
     * moment both count towards the peak.  A block that stays (same class,
     * or both large through upstream realloc) never has two. */
    int transient = q != b->ptr && !(b->large && large);
    fuzz_model_resize(&x->model, slot, q, n, large, charge_of(r, n, large), transient);
}

static void op_new(exec_t *x, role_t *r, const fuzz_new_args_t *args)
{
    if (r->ad == NULL)
        return;
    fuzz_new_args_t a = *args;
    if (!has(r, FUZZ_CAP_OPTIONS))
        a.defaults = 1;
    if (a.cached && !has(r, FUZZ_CAP_CACHED_UPSTREAM))
        return;
    role_teardown(x, r, 1);
    role_create(x, r, &a, 0);
}

/* ---- pool ops ------------------------------------------------------------- */

static void op_pool_alloc(exec_t *x, size_t slot, size_t n, fuzz_op_kind_t kind)
{
    role_t *r = &x->role[1];
    if (!has(r, FUZZ_CAP_POOL) || too_big_for_system(r, n))
        return;
    release_slot(x, slot);
    if (r->inst == NULL)
        return;
    size_t f0 = failures(r), held0 = held(r);
    const char *what = kind == FUZZ_OP_PALLOC ? "palloc" : kind == FUZZ_OP_PNALLOC ? "pnalloc" : "pcalloc";
    unsigned char *p = kind == FUZZ_OP_PALLOC    ? r->ad->palloc(r->inst, n)
                       : kind == FUZZ_OP_PNALLOC ? r->ad->pnalloc(r->inst, n)
                                                 : r->ad->pcalloc(r->inst, n);
    check_null_answer(x, r, p, n, f0, what);
    if (p == NULL) {
        fuzz_model_failed(&x->model, FUZZ_OWNER_POOL);
        EXEC_CHECK(x, held(r) == held0, "a failed %s changed the pool's upstream bytes", what);
        return;
    }
    if (kind == FUZZ_OP_PCALLOC) {
        size_t bad = fuzz_verify_zero(p, n);
        EXEC_CHECK(x, bad == SIZE_MAX, "pcalloc(%zu): byte %zu is 0x%02x, not zero", n, bad, p[bad]);
    }
    size_t align = kind == FUZZ_OP_PNALLOC && !is_large(r, n) ? 1 : r->ad->align;
    new_block(x, r, slot, p, n, align, FUZZ_SLOTS, what);
}

static void op_pmemalign(exec_t *x, size_t slot, size_t n, size_t align)
{
    role_t *r = &x->role[1];
    if (!has(r, FUZZ_CAP_PMEMALIGN) || too_big_for_system(r, n))
        return;
    release_slot(x, slot);
    if (r->inst == NULL)
        return;
    size_t f0 = failures(r), held0 = held(r);
    unsigned char *p = r->ad->pmemalign(r->inst, n, align);
    int pow2 = align != 0 && (align & (align - 1)) == 0;
    size_t eff = align < r->ad->align ? r->ad->align : align;
    size_t req = n != 0 ? n : 1;
    int impossible = !pow2 || req > SIZE_MAX - eff || IMPOSSIBLE(req);
    if (p == NULL) {
        EXEC_CHECK(x, impossible || failures(r) > f0, "pmemalign(%zu, %zu) returned NULL but upstream did not fail",
                   n, align);
        EXEC_CHECK(x, held(r) == held0, "a failed pmemalign changed the pool's upstream bytes");
        /* Counted as a failed request only when it got as far as asking upstream. */
        if (pow2)
            fuzz_model_failed(&x->model, FUZZ_OWNER_POOL);
        return;
    }
    EXEC_CHECK(x, !impossible, "pmemalign(%zu, %zu) returned %p for an impossible request", n, align, (void *)p);
    check_aligned(x, p, eff, "pmemalign");
    check_no_overlap(x, p, n, FUZZ_SLOTS, "pmemalign");
    fuzz_model_put(&x->model, slot, p, n, FUZZ_OWNER_POOL, 1, charge_of(r, n, 1));
}

/* pfree of the live large block in slot (the model says it must be OK). */
static void pool_pfree_block(exec_t *x, size_t slot)
{
    role_t *r = &x->role[1];
    const fuzz_block_t *b = &x->model.slot[slot];
    verify_block(x, slot, "before pfree");
    int ok = r->ad->pfree(r->inst, b->ptr);
    EXEC_CHECK(x, ok, "pfree of live large block s%zu (%p, %zu bytes) answered DECLINED", slot, (void *)b->ptr,
               b->size);
    fuzz_model_drop(&x->model, slot, 1);
}

static void op_pfree(exec_t *x, size_t slot)
{
    role_t *r = &x->role[1];
    if (!has(r, FUZZ_CAP_PFREE) || r->inst == NULL)
        return;
    const fuzz_block_t *s = &x->model.slot[slot];
    unsigned char *p = s->owner != FUZZ_OWNER_NONE ? s->ptr : x->model.last_ptr[slot];
    /* OK exactly when p is a live large block of the pool, in any slot. */
    for (size_t i = 0; p != NULL && i < FUZZ_SLOTS; i++) {
        const fuzz_block_t *b = &x->model.slot[i];
        if (b->owner == FUZZ_OWNER_POOL && b->large && b->ptr == p) {
            pool_pfree_block(x, i);
            return;
        }
    }
    size_t held0 = held(r);
    int ok = r->ad->pfree(r->inst, p);
    EXEC_CHECK(x, !ok, "pfree(%p) answered OK for a pointer that is not a live large block (s%zu %s)", (void *)p,
               slot, s->owner == FUZZ_OWNER_NONE ? "is empty" : "holds a small or heap block");
    EXEC_CHECK(x, held(r) == held0, "a declined pfree changed the pool's upstream bytes");
    if (s->owner != FUZZ_OWNER_NONE)
        verify_block(x, slot, "after a declined pfree");
}

static void op_cleanup(exec_t *x, size_t n, int with_handler)
{
    role_t *r = &x->role[1];
    if (!has(r, FUZZ_CAP_CLEANUP) || r->inst == NULL || x->model.ncleanups == FUZZ_CLEANUPS)
        return;
    size_t f0 = failures(r), held0 = held(r), i = x->model.ncleanups;
    fuzz_cleanup_out_t out;
    memset(&out, 0, sizeof out);
    x->tags[i].x = x;
    x->tags[i].index = i;
    int rc = r->ad->cleanup_add(r->inst, n, with_handler ? on_cleanup : NULL, &x->tags[i], &out);
    if (rc != 0) {
        EXEC_CHECK(x, out.too_big || failures(r) > f0, "cleanup_add(%zu) failed but upstream did not fail", n);
        EXEC_CHECK(x, held(r) == held0, "a failed cleanup_add changed the pool's upstream bytes");
        if (!out.too_big)
            fuzz_model_failed(&x->model, FUZZ_OWNER_POOL);
        return;
    }
    EXEC_CHECK(x, !out.too_big, "cleanup_add(%zu) succeeded and said too big", n);
    EXEC_CHECK(x, (n == 0) == (out.data == NULL), "cleanup_add(%zu): data is %p", n, out.data);
    if (out.record_size > 0) {
        check_no_overlap(x, out.record, out.record_size, FUZZ_SLOTS, "cleanup record");
        EXEC_CHECK(x, n == 0 || !fuzz_overlaps(out.record, out.record_size, out.data, n),
                   "cleanup record and its data overlap");
    }
    if (n > 0) {
        check_aligned(x, out.data, r->ad->align, "cleanup data");
        check_no_overlap(x, out.data, n, FUZZ_SLOTS, "cleanup data");
    }
    x->records[i].at = out.record;
    x->records[i].size = out.record_size;
    fuzz_model_add_cleanup(&x->model, out.data, n, with_handler);
    fuzz_model_charge(&x->model, FUZZ_OWNER_POOL, n);
}

static void op_reset(exec_t *x)
{
    role_t *r = has(&x->role[1], FUZZ_CAP_RESET) ? &x->role[1] : &x->role[0];
    if (!has(r, FUZZ_CAP_RESET) || r->inst == NULL)
        return;
    role_teardown(x, r, 0);
}

/* ---- fault injection, checks, tamper -------------------------------------- */

static void op_fail(exec_t *x, size_t n, int at)
{
    for (int i = 0; i < FUZZ_ROLES; i++) {
        alloc_counting_t *c = &x->role[i].count;
        if (at)
            alloc_counting_fail_at(c, alloc_counting_stats(c).calls + n);
        else
            alloc_counting_fail_next(c, n);
    }
}

/* `check`: every self-check and a sweep of every block.  A sweep costs up
 * to FUZZ_SLOTS x FUZZ_FULL_FILL bytes; past the run's budget it is skipped
 * (blocks are verified at the end of their lives anyway). */
static void op_check(exec_t *x)
{
    for (int i = 0; i < FUZZ_ROLES; i++)
        self_check(x, &x->role[i], "at check");
    if (x->sweeps_left == 0)
        return;
    x->sweeps_left--;
    verify_owner(x, FUZZ_OWNER_HEAP, "by check");
    verify_owner(x, FUZZ_OWNER_POOL, "by check");
}

static void op_tamper(exec_t *x, unsigned mode)
{
    /* Modes alternate between the roles so both are reached. */
    role_t *r = &x->role[mode % 2];
    if (r->ad == NULL || r->ad->tamper == NULL)
        r = &x->role[(mode + 1) % 2];
    if (r->ad == NULL || r->ad->tamper == NULL || r->inst == NULL || x->tampers_left == 0 || !may_check(x, r, 0) ||
        !may_check(x, r, 0))
        return;
    x->tampers_left--;
    /* Something to break, made through tracked ops: a freed heap block (the
     * head of its free list), or a pool's newest cleanup record. */
    void *hint = NULL;
    size_t hint_size = 0;
    if (r == &x->role[0]) {
        size_t g = param(x, FUZZ_PARAM_GRANULE, 8), l = param(x, FUZZ_PARAM_SMALL_LIMIT, 128);
        hint_size = 2 * g <= l ? 2 * g : g; /* two granules where that is still small */
        op_alloc(x, FUZZ_SLOTS - 1, hint_size);
        hint = x->model.slot[FUZZ_SLOTS - 1].ptr;
        if (hint == NULL)
            return; /* upstream failed (armed) */
        release_slot(x, FUZZ_SLOTS - 1);
    } else {
        if (x->model.ncleanups == 0)
            op_cleanup(x, 0, 0);
        if (x->model.ncleanups == 0)
            return;
        hint = (void *)(uintptr_t)x->records[x->model.ncleanups - 1].at;
    }
    size_t broken = 0, after = 0;
    const char *what = "?";
    if (r->ad->tamper(r->inst, mode / 2, hint, hint_size, &broken, &after, &what) != 0)
        return;
    EXEC_CHECK(x, broken > 0, "%s self-check did not see %s", role_name(r), what);
    EXEC_CHECK(x, after == 0, "%s self-check still counts %zu after %s was repaired", role_name(r), after, what);
}

/* Whether key is new to this process (a few keys: the upstreams' part and
 * each adapter; past the table's room, always yes). */
static int first_in_process(const void *key)
{
    static const void *seen[16];
    static size_t nseen;
    for (size_t i = 0; i < nseen; i++)
        if (seen[i] == key)
            return 0;
    if (nseen < sizeof seen / sizeof seen[0])
        seen[nseen++] = key;
    return 1;
}

/* Once a process for each part (adapter.h, `edges`): nothing here depends
 * on the input.  One process may run several targets (fuzz_replay): each
 * adapter's part runs at its own first `edges` op. */
static void op_edges(exec_t *x)
{
    static const char upstreams_part = 0;
    fuzz_reporter_t rep = {reporter_fail, x};
    if (first_in_process(&upstreams_part))
        exec_edges_upstreams(x);
    for (int i = 0; i < FUZZ_ROLES; i++) {
        role_t *r = &x->role[i];
        if (r->ad != NULL && r->ad->edges != NULL && first_in_process(r->ad))
            r->ad->edges(r->inst, &rep);
    }
}

/* ---- the run -------------------------------------------------------------- */

static void run_op(exec_t *x, const fuzz_op_t *op)
{
    size_t slot = (size_t)op->arg[0].literal % FUZZ_SLOTS;
    fuzz_new_args_t args;
    memset(&args, 0, sizeof args);
    switch (op->kind) {
    case FUZZ_OP_ALLOC: op_alloc(x, slot, resolve(x, op->arg[1])); break;
    case FUZZ_OP_FREE: op_free(x, slot); break;
    case FUZZ_OP_REALLOC: op_realloc(x, slot, resolve(x, op->arg[1])); break;
    case FUZZ_OP_SCA_NEW:
        args.a = (size_t)op->arg[0].literal;
        args.b = (size_t)op->arg[1].literal;
        args.c = (size_t)op->arg[2].literal;
        op_new(x, &x->role[0], &args);
        break;
    case FUZZ_OP_PALLOC:
    case FUZZ_OP_PNALLOC:
    case FUZZ_OP_PCALLOC: op_pool_alloc(x, slot, resolve(x, op->arg[1]), op->kind); break;
    case FUZZ_OP_PMEMALIGN: op_pmemalign(x, slot, resolve(x, op->arg[1]), (size_t)op->arg[2].literal); break;
    case FUZZ_OP_PFREE: op_pfree(x, slot); break;
    case FUZZ_OP_RESET: op_reset(x); break;
    case FUZZ_OP_CLEANUP: op_cleanup(x, resolve(x, op->arg[0]), 1); break;
    case FUZZ_OP_CLEANUP_NULL: op_cleanup(x, resolve(x, op->arg[0]), 0); break;
    case FUZZ_OP_RP_NEW:
    case FUZZ_OP_RP_NEW_CACHED:
        args.a = resolve(x, op->arg[0]); /* before teardown: B and M refer to the old pool */
        args.cached = op->kind == FUZZ_OP_RP_NEW_CACHED;
        op_new(x, &x->role[1], &args);
        break;
    case FUZZ_OP_FAIL: op_fail(x, (size_t)op->arg[0].literal, 0); break;
    case FUZZ_OP_FAIL_AT: op_fail(x, (size_t)op->arg[0].literal, 1); break;
    case FUZZ_OP_CHECK: op_check(x); break;
    case FUZZ_OP_EDGES: op_edges(x); break;
    case FUZZ_OP_TAMPER: op_tamper(x, (unsigned)op->arg[0].literal); break;
    default: break;
    }
}

/* Ops that ask no instance to change: they arm the upstreams (fail,
 * fail-at), read (check: self-checks take a const instance, sweeps read
 * blocks) or use instances of their own (edges).  After them the statistics
 * and the accounting cannot have moved, so they are not compared again (a
 * quarter of the ops of evolved inputs; sca_stats is the costliest read). */
static int changes_nothing(fuzz_op_kind_t kind)
{
    return kind == FUZZ_OP_FAIL || kind == FUZZ_OP_FAIL_AT || kind == FUZZ_OP_CHECK || kind == FUZZ_OP_EDGES;
}

static void after_op(exec_t *x)
{
    for (int i = 0; i < FUZZ_ROLES && !changes_nothing(x->op->kind); i++) {
        compare_stats(x, &x->role[i]);
        check_accounting(x, &x->role[i]);
    }
    if (x->paranoid) {
        for (int i = 0; i < FUZZ_ROLES; i++)
            if (x->role[i].inst != NULL && has(&x->role[i], FUZZ_CAP_SELF_CHECK)) {
                size_t bad = x->role[i].ad->self_check(x->role[i].inst);
                EXEC_CHECK(x, bad == 0, "%s self-check found %zu broken invariants (paranoid)",
                           role_name(&x->role[i]), bad);
            }
        verify_owner(x, FUZZ_OWNER_HEAP, "after the op (paranoid)");
        verify_owner(x, FUZZ_OWNER_POOL, "after the op (paranoid)");
    }
}

static void role_init(exec_t *x, role_t *r, const fuzz_adapter_t *ad)
{
    r->ad = ad;
    if (alloc_counting_init(&r->count, &capped_upstream) != 0)
        exec_fail(x, "alloc_counting_init failed over a valid upstream");
    r->env.upstream = alloc_counting_upstream(&r->count);
    if (alloc_caching_init(&r->cache, &r->env.upstream, FUZZ_CACHE_CAPACITY) != 0)
        exec_fail(x, "alloc_caching_init failed over a valid upstream");
    r->env.cached = alloc_caching_upstream(&r->cache);
}

int fuzz_run_adapters(const fuzz_target_t *t, const fuzz_adapter_t *heap, const fuzz_adapter_t *pool,
                      const uint8_t *data, size_t size, const char *label, int paranoid)
{
    /* One run's state, reused by the next input (a calloc and free per
     * input cost more than clearing it). */
    static exec_t run_state;
    exec_t *x = &run_state;
    fuzz_set_own(x, 0, sizeof *x);
    x->t = t;
    x->label = label;
    x->paranoid = paranoid;
    x->sweeps_left = FUZZ_SWEEPS;
    x->tampers_left = FUZZ_TAMPERS;
    fuzz_model_init(&x->model);
    fuzz_new_args_t defaults;
    memset(&defaults, 0, sizeof defaults);
    defaults.defaults = 1;
    const fuzz_adapter_t *ads[FUZZ_ROLES] = {heap, pool};
    for (int i = 0; i < FUZZ_ROLES; i++) {
        role_init(x, &x->role[i], ads[i]);
        if (ads[i] != NULL)
            role_create(x, &x->role[i], &defaults, 1);
    }

    fuzz_producer_t p;
    fuzz_op_t op;
    fuzz_producer_init(&p, data, size);
    while (x->op_index < FUZZ_MAX_OPS && fuzz_decode_next(&p, t, &op)) {
        x->op_index++;
        x->op = &op;
        run_op(x, &op);
        after_op(x);
    }

    x->at_end = 1;
    for (int i = 0; i < FUZZ_ROLES; i++) {
        alloc_counting_fail_next(&x->role[i].count, 0);
        alloc_counting_fail_at(&x->role[i].count, 0);
    }
    verify_owner(x, FUZZ_OWNER_HEAP, "at the end");
    verify_owner(x, FUZZ_OWNER_POOL, "at the end");
    for (int i = 0; i < FUZZ_ROLES; i++) {
        role_t *r = &x->role[i];
        if (r->ad == NULL)
            continue;
        self_check(x, r, "at the end");
        role_teardown(x, r, 1);
        alloc_caching_drain(&r->cache);
        check_upstream_empty(x, r, 0);
        EXEC_CHECK(x, !has(r, FUZZ_CAP_UPSTREAM) || alloc_counting_stats(&r->count).blocks_held == 0,
                   "%s: upstream blocks still out at the end", role_name(r));
    }
    fuzz_arena_reset(); /* every arena block is back: the checks above said so */
    return 0;
}
