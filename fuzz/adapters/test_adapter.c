/*
 * test_adapter.c - a peer adapter driven through its own function pointers,
 * without the executor: the contract of adapter.h, checked for one adapter.
 *
 * Built once per adapter with FUZZ_ADAPTER_UNDER_TEST naming its table
 * (fuzz_adapter_glibc, ...).  Heap adapters: create with defaults, alloc /
 * realloc / free over sizes from 0 to PEER_MAX_REQUEST, alignment as
 * promised (align and the adapter's check_block), no overlap, contents kept
 * across realloc, refusals above the cap, a seeded churn, two instances side
 * by side, reset then reuse, destroy with blocks still live (ASan's leak
 * check in the asan preset, memcheck's in ci/memcheck, see what it leaves).  Pool adapters: palloc / pnalloc / pcalloc over
 * the same sizes, pcalloc zero on reused (dirty) memory, reset then reuse.
 * Self-check (when offered) must find nothing broken at every step.
 *
 * Prints "FAIL <what>" per failed check and exits 1 if any failed; the
 * negative controls (adapters built with FUZZ_PEER_PLANT) are ctests that
 * pass only when the planted bug is reported by name.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "peer.h"

#ifndef FUZZ_ADAPTER_UNDER_TEST
#error "build with -DFUZZ_ADAPTER_UNDER_TEST=fuzz_adapter_<name>"
#endif

extern const fuzz_adapter_t FUZZ_ADAPTER_UNDER_TEST;
static const fuzz_adapter_t *const A = &FUZZ_ADAPTER_UNDER_TEST;

static unsigned failures;

/* Counts a failure and goes on (the test reports them all). */
#define EXPECT(cond, ...)                                      \
    do {                                                       \
        if (!(cond)) {                                         \
            failures++;                                        \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                      \
            fputc('\n', stderr);                               \
        }                                                      \
    } while (0)

#define MIB ((size_t)1 << 20)
static const size_t sizes[] = {0,    1,    2,    7,     8,      9,       15,      16,     17,
                               24,   31,   32,   33,    48,     64,      100,     127,    128,
                               129,  255,  256,  1000,  1024,   1032,    1033,    4095,   4096,
                               4097, 8192, 14336, 14337, 65536, 131072, 262144, 262145, MIB,
                               4 * MIB, PEER_MAX_REQUEST};
#define NSIZES (sizeof sizes / sizeof sizes[0])

typedef struct block {
    unsigned char *p;
    size_t n;
    uint8_t seed;
} block_t;

/* Block contents: byte i of a block with seed s is pattern[(s + i) % PERIOD],
 * filled and compared with memcpy/memcmp (fast even at -O0 under ASan). */
#define PERIOD 4093u /* prime: no power-of-two stride lines up with it */
static unsigned char pattern[2 * PERIOD];

static void pattern_init(void)
{
    for (size_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (unsigned char)((i % PERIOD) * 167u + (i % PERIOD) / 251u + 1u);
}

static void fill(block_t *b)
{
    for (size_t off = 0; off < b->n; off += PERIOD) {
        size_t len = b->n - off < PERIOD ? b->n - off : PERIOD;
        memcpy(b->p + off, pattern + (b->seed + off) % PERIOD, len);
    }
}

/* The first byte of the first len bytes that differ from b's pattern, or SIZE_MAX. */
static size_t first_bad(const block_t *b, size_t len)
{
    for (size_t off = 0; off < len; off += PERIOD) {
        size_t chunk = len - off < PERIOD ? len - off : PERIOD;
        const unsigned char *want = pattern + (b->seed + off) % PERIOD;
        if (memcmp(b->p + off, want, chunk) != 0)
            for (size_t i = 0; i < chunk; i++)
                if (b->p[off + i] != want[i])
                    return off + i;
    }
    return SIZE_MAX;
}

/* The index of p's first nonzero byte among n, or n. */
static size_t first_nonzero(const unsigned char *p, size_t n)
{
    static const unsigned char zeros[PERIOD];
    for (size_t off = 0; off < n; off += PERIOD) {
        size_t chunk = n - off < PERIOD ? n - off : PERIOD;
        if (memcmp(p + off, zeros, chunk) != 0)
            for (size_t i = 0; i < chunk; i++)
                if (p[off + i])
                    return off + i;
    }
    return n;
}

static fuzz_env_t env_default(void)
{
    fuzz_env_t env;
    env.upstream = alloc_upstream_malloc();
    env.cached = env.upstream;
    return env;
}

static void *create_default(void)
{
    fuzz_env_t env = env_default();
    fuzz_new_args_t args = {0, 0, 0, 1, 0};
    int invalid = -1;
    void *inst = A->create(&env, &args, &invalid);
    EXPECT(inst != NULL, "create with defaults returned NULL");
    EXPECT(invalid == 0, "create with defaults set *invalid = %d", invalid);
    return inst;
}

static void expect_self_check(const void *inst, const char *when)
{
    if (A->caps & FUZZ_CAP_SELF_CHECK) {
        size_t broken = A->self_check(inst);
        EXPECT(broken == 0, "self_check found %zu broken invariants %s", broken, when);
    }
}

/* A block just handed out: aligned as promised, accepted by check_block. */
static void expect_new_block(const void *inst, const void *p, size_t n, const char *how)
{
    EXPECT(((uintptr_t)p & (A->align - 1)) == 0, "%s(%zu) = %p is not %zu-aligned", how, n, p, A->align);
    if (A->check_block) {
        const char *why = A->check_block(inst, p, n);
        EXPECT(why == NULL, "%s(%zu) = %p: check_block: %s", how, n, p, why ? why : "");
    }
}

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const block_t *)a)->p, y = (uintptr_t)((const block_t *)b)->p;
    return x < y ? -1 : x > y;
}

/* No two live blocks share a byte; a 0-byte block counts as 1 byte, so it
 * must have an address of its own (the executor's rule, fuzz_overlaps). */
static void expect_disjoint(const block_t *blocks, size_t count)
{
    block_t *sorted = malloc(count * sizeof *sorted);
    size_t live = 0;
    for (size_t i = 0; i < count; i++)
        if (blocks[i].p)
            sorted[live++] = blocks[i];
    qsort(sorted, live, sizeof *sorted, by_address);
    for (size_t i = 1; i < live; i++)
        EXPECT((uintptr_t)sorted[i - 1].p + peer_nonzero(sorted[i - 1].n) <= (uintptr_t)sorted[i].p,
               "blocks %p (%zu bytes) and %p overlap", (void *)sorted[i - 1].p, sorted[i - 1].n,
               (void *)sorted[i].p);
    free(sorted);
}

static void expect_intact(const block_t *b, const char *when)
{
    size_t bad = first_bad(b, b->n);
    EXPECT(bad == SIZE_MAX, "block %p (%zu bytes) changed at byte %zu %s", (void *)b->p, b->n, bad, when);
}

static void test_contract(void)
{
    unsigned c = A->caps;
    EXPECT(A->name && A->name[0], "no name");
    EXPECT(A->align && (A->align & (A->align - 1)) == 0, "align %zu is not a power of two", A->align);
    EXPECT(A->create && A->destroy, "create and destroy are required");
    EXPECT(!(c & FUZZ_CAP_HEAP) || (A->alloc && A->free), "HEAP without alloc/free");
    EXPECT(!(c & FUZZ_CAP_REALLOC) || A->realloc, "REALLOC without realloc");
    EXPECT(!(c & FUZZ_CAP_POOL) || (A->palloc && A->pnalloc && A->pcalloc), "POOL without palloc/pnalloc/pcalloc");
    EXPECT(!(c & FUZZ_CAP_RESET) || A->reset, "RESET without reset");
    EXPECT(!(c & FUZZ_CAP_SELF_CHECK) || A->self_check, "SELF_CHECK without self_check");
    EXPECT(!(c & FUZZ_CAP_STATS) || A->stats, "STATS without stats");
    EXPECT(!(c & FUZZ_CAP_PMEMALIGN) || A->pmemalign, "PMEMALIGN without pmemalign");
    EXPECT(!(c & FUZZ_CAP_PFREE) || A->pfree, "PFREE without pfree");
    EXPECT(!(c & FUZZ_CAP_UPSTREAM), "a peer takes no memory from env->upstream");
    EXPECT(A->param && A->is_large && A->charge, "param, is_large and charge are used by every target");
    if (!A->param)
        return;
    void *inst = create_default();
    if (!inst)
        return;
    size_t g = A->param(inst, FUZZ_PARAM_GRANULE), l = A->param(inst, FUZZ_PARAM_SMALL_LIMIT);
    size_t m = A->param(inst, FUZZ_PARAM_POOL_MAX), b = A->param(inst, FUZZ_PARAM_BLOCK_SIZE);
    EXPECT(g && (g & (g - 1)) == 0, "G = %zu is not a power of two", g);
    EXPECT(l > g, "L = %zu is not above G = %zu", l, g);
    EXPECT(m > 0 && b > 0, "M = %zu, B = %zu", m, b);
    EXPECT(A->charge(inst, 100, 0) == 100, "charge(100) = %zu", A->charge(inst, 100, 0));
    EXPECT(!A->is_large(inst, 1), "a 1-byte request counted large");
    A->destroy(inst);
}

/* Every size: alloc, fill, then realloc each block up, down and to 0, then free. */
static void test_heap_sizes(void)
{
    void *inst = create_default();
    if (!inst)
        return;
    block_t b[NSIZES];
    for (size_t i = 0; i < NSIZES; i++) {
        b[i] = (block_t){A->alloc(inst, sizes[i]), sizes[i], (uint8_t)(i * 7 + 1)};
        EXPECT(b[i].p != NULL, "alloc(%zu) = NULL", sizes[i]);
        if (!b[i].p)
            continue;
        expect_new_block(inst, b[i].p, b[i].n, "alloc");
        fill(&b[i]);
    }
    expect_disjoint(b, NSIZES);
    for (size_t i = 0; i < NSIZES; i++)
        if (b[i].p)
            expect_intact(&b[i], "after every size was allocated");
    expect_self_check(inst, "with one block of every size live");

    if (A->caps & FUZZ_CAP_REALLOC) {
        for (size_t i = 0; i < NSIZES; i++) {
            if (!b[i].p)
                continue;
            size_t steps[] = {b[i].n * 2 + 1, b[i].n + 1, b[i].n / 3, 0, 1, 4096, 17};
            for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
                size_t new_n = steps[s];
                if (peer_refuses(new_n))
                    continue;
                unsigned char *q = A->realloc(inst, b[i].p, b[i].n, new_n);
                EXPECT(q != NULL, "realloc(%zu -> %zu) = NULL", b[i].n, new_n);
                if (!q)
                    break;
                size_t keep = b[i].n < new_n ? b[i].n : new_n;
                block_t moved = {q, new_n, b[i].seed};
                size_t bad = first_bad(&moved, keep);
                EXPECT(bad == SIZE_MAX, "realloc(%zu -> %zu) lost the prefix at byte %zu", b[i].n, new_n, bad);
                expect_new_block(inst, q, new_n, "realloc");
                b[i] = moved;
                fill(&b[i]);
            }
        }
        expect_disjoint(b, NSIZES);
        expect_self_check(inst, "after the reallocs");
        /* realloc from NULL allocates */
        unsigned char *q = A->realloc(inst, NULL, 0, 40);
        EXPECT(q != NULL, "realloc(NULL, 0 -> 40) = NULL");
        if (q) {
            expect_new_block(inst, q, 40, "realloc from NULL");
            memset(q, 0x5A, 40);
            A->free(inst, q, 40);
        }
    }
    for (size_t i = 0; i < NSIZES; i++)
        if (b[i].p) {
            expect_intact(&b[i], "before its free");
            A->free(inst, b[i].p, b[i].n);
        }
    A->free(inst, NULL, 0); /* a no-op, not a crash */
    expect_self_check(inst, "after every block was freed");
    A->destroy(inst);
}

/* Above the cap the adapter answers NULL, and a refused realloc keeps the block. */
static void test_heap_refusals(void)
{
    void *inst = create_default();
    if (!inst)
        return;
    const size_t huge[] = {PEER_MAX_REQUEST + 1, (size_t)PTRDIFF_MAX, (size_t)PTRDIFF_MAX + 1, SIZE_MAX - 16, SIZE_MAX};
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        void *p = A->alloc(inst, huge[i]);
        EXPECT(p == NULL, "alloc(%zu) = %p, not NULL", huge[i], p);
        if (p)
            A->free(inst, p, huge[i]);
    }
    block_t b = {A->alloc(inst, 100), 100, 0x33};
    EXPECT(b.p != NULL, "alloc(100) = NULL");
    if (b.p && (A->caps & FUZZ_CAP_REALLOC)) {
        fill(&b);
        for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
            void *q = A->realloc(inst, b.p, b.n, huge[i]);
            EXPECT(q == NULL, "realloc(100 -> %zu) = %p, not NULL", huge[i], q);
            if (q) {
                b.p = q;
                b.n = huge[i];
                break;
            }
            expect_intact(&b, "after a refused realloc");
        }
    }
    if (b.p)
        A->free(inst, b.p, b.n);
    expect_self_check(inst, "after the refusals");
    A->destroy(inst);
}

/* A seeded random mix of alloc / free / realloc over 64 slots. */
#define CHURN_SLOTS 64
static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Mostly small, now and then large enough for every library's large path. */
static size_t random_size(void)
{
    switch (rng() % 16) {
    case 0: return rng() % 17;
    case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8: return rng() % 256;
    case 9: case 10: case 11: case 12: return rng() % 4096;
    case 13: case 14: return rng() % 65536;
    default: return rng() % 8 == 0 ? rng() % (2 * MIB) : rng() % 262144;
    }
}

static void churn(void *inst, block_t *slot, unsigned ops)
{
    for (unsigned op = 0; op < ops; op++) {
        block_t *b = &slot[rng() % CHURN_SLOTS];
        unsigned what = (unsigned)(rng() % 3);
        if (b->p && (what == 0 || !(A->caps & FUZZ_CAP_REALLOC))) {
            expect_intact(b, "before its free (churn)");
            A->free(inst, b->p, b->n);
            b->p = NULL;
        } else if (b->p && what == 1) {
            size_t new_n = random_size();
            unsigned char *q = A->realloc(inst, b->p, b->n, new_n);
            EXPECT(q != NULL, "realloc(%zu -> %zu) = NULL (churn)", b->n, new_n);
            if (q) {
                block_t moved = {q, new_n, b->seed};
                size_t bad = first_bad(&moved, b->n < new_n ? b->n : new_n);
                EXPECT(bad == SIZE_MAX, "realloc(%zu -> %zu) lost the prefix at byte %zu (churn)", b->n, new_n, bad);
                expect_new_block(inst, q, new_n, "realloc");
                *b = moved;
                fill(b);
            }
        } else if (!b->p) {
            size_t n = random_size();
            *b = (block_t){A->alloc(inst, n), n, (uint8_t)op};
            EXPECT(b->p != NULL, "alloc(%zu) = NULL (churn)", n);
            if (b->p) {
                expect_new_block(inst, b->p, n, "alloc");
                fill(b);
            }
        }
        if (op % 256 == 255) {
            expect_disjoint(slot, CHURN_SLOTS);
            expect_self_check(inst, "during the churn");
        }
    }
}

static void free_all(void *inst, block_t *slot, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (slot[i].p) {
            expect_intact(&slot[i], "before its free");
            A->free(inst, slot[i].p, slot[i].n);
            slot[i].p = NULL;
        }
}

/* Two instances at once: churn both, then (with reset) reset one and check the other. */
static void test_heap_churn(void)
{
    void *one = create_default(), *two = create_default();
    if (!one || !two)
        return;
    block_t s1[CHURN_SLOTS] = {{0}}, s2[CHURN_SLOTS] = {{0}};
    for (int round = 0; round < 4; round++) {
        churn(one, s1, 1000);
        churn(two, s2, 1000);
    }
    if (A->caps & FUZZ_CAP_RESET) {
        A->reset(one);
        memset(s1, 0, sizeof s1); /* every block of `one` is gone */
        expect_self_check(one, "right after reset");
        for (size_t i = 0; i < CHURN_SLOTS; i++)
            if (s2[i].p)
                expect_intact(&s2[i], "in the other instance after a reset");
        churn(one, s1, 1500); /* reset then reuse */
        expect_self_check(one, "after reuse following a reset");
        A->reset(one);
        memset(s1, 0, sizeof s1);
    }
    free_all(one, s1, CHURN_SLOTS);
    free_all(two, s2, CHURN_SLOTS);
    expect_self_check(one, "at the end");
    expect_self_check(two, "at the end");
    A->destroy(one);
    A->destroy(two);
}

/* Shrink a block by a quarter (libraries keep such a block in place, in its
 * old size class), free it with the size last asked, then ask for that size
 * again: each new block must still be what check_block expects (a sized free
 * that filed the old block under the wrong class shows here). */
static void test_heap_shrink_then_reuse(void)
{
    if (!(A->caps & FUZZ_CAP_REALLOC))
        return;
    void *inst = create_default();
    if (!inst)
        return;
    const size_t from[] = {1000, 4096, 20000, 300000, MIB, 3 * MIB};
    for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
        size_t n = from[i], m = from[i] - from[i] / 4;
        block_t b = {A->alloc(inst, n), n, (uint8_t)i};
        EXPECT(b.p != NULL, "alloc(%zu) = NULL", n);
        if (!b.p)
            continue;
        fill(&b);
        unsigned char *q = A->realloc(inst, b.p, n, m);
        EXPECT(q != NULL, "realloc(%zu -> %zu) = NULL", n, m);
        if (!q) {
            A->free(inst, b.p, n);
            continue;
        }
        b = (block_t){q, m, b.seed};
        size_t bad = first_bad(&b, m);
        EXPECT(bad == SIZE_MAX, "realloc(%zu -> %zu) lost the prefix at byte %zu", n, m, bad);
        A->free(inst, q, m);
        block_t again[8];
        for (size_t k = 0; k < 8; k++) {
            again[k] = (block_t){A->alloc(inst, m), m, (uint8_t)k};
            EXPECT(again[k].p != NULL, "alloc(%zu) = NULL after a shrunk block was freed", m);
            if (again[k].p) {
                expect_new_block(inst, again[k].p, m, "alloc after a shrink and free");
                fill(&again[k]);
            }
        }
        expect_disjoint(again, 8);
        expect_self_check(inst, "after a shrink, a free and reuse");
        free_all(inst, again, 8);
    }
    A->destroy(inst);
}

/* destroy with live blocks gives them back: the executor's destroy means
 * every block of the instance is gone (ASan's and valgrind's leak checks see
 * it when it does not). */
static void test_heap_destroy_live(void)
{
    void *inst = create_default();
    if (!inst)
        return;
    for (size_t i = 0; i < NSIZES; i++) {
        void *p = A->alloc(inst, sizes[i]);
        EXPECT(p != NULL, "alloc(%zu) = NULL", sizes[i]);
    }
    A->destroy(inst);
}

/* Pools: every size through palloc / pnalloc / pcalloc, then reset and
 * reuse: pcalloc must zero memory that earlier blocks dirtied. */
static void test_pool(void)
{
    void *inst = create_default();
    if (!inst)
        return;
    enum { ROUNDS = 3 };
    block_t b[3 * NSIZES];
    for (int round = 0; round < ROUNDS; round++) {
        size_t count = 0;
        for (size_t i = 0; i < NSIZES; i++) {
            size_t n = sizes[i];
            unsigned char *p = A->palloc(inst, n);
            EXPECT(p != NULL, "palloc(%zu) = NULL (round %d)", n, round);
            if (p) {
                expect_new_block(inst, p, n, "palloc");
                b[count] = (block_t){p, n, (uint8_t)(count + round)};
                fill(&b[count++]);
            }
            p = A->pnalloc(inst, n);
            EXPECT(p != NULL, "pnalloc(%zu) = NULL (round %d)", n, round);
            if (p) {
                b[count] = (block_t){p, n, (uint8_t)(count + round)};
                fill(&b[count++]);
            }
            p = A->pcalloc(inst, n);
            EXPECT(p != NULL, "pcalloc(%zu) = NULL (round %d)", n, round);
            if (p) {
                expect_new_block(inst, p, n, "pcalloc");
                size_t nonzero = first_nonzero(p, n);
                EXPECT(nonzero == n, "pcalloc(%zu) byte %zu is 0x%02x, not zero (round %d)", n, nonzero,
                       nonzero < n ? p[nonzero] : 0, round);
                b[count] = (block_t){p, n, (uint8_t)(count + round)};
                fill(&b[count++]);
            }
        }
        expect_disjoint(b, count);
        for (size_t i = 0; i < count; i++)
            expect_intact(&b[i], "after the whole round was allocated");
        expect_self_check(inst, "with a round of pool blocks live");
        EXPECT(A->palloc(inst, PEER_MAX_REQUEST + 1) == NULL, "palloc above the cap is not refused");
        EXPECT(A->pcalloc(inst, SIZE_MAX) == NULL, "pcalloc(SIZE_MAX) is not refused");
        if (A->caps & FUZZ_CAP_RESET) {
            A->reset(inst);
            expect_self_check(inst, "right after reset");
        }
    }
    A->destroy(inst);
}

int main(void)
{
    pattern_init();
    printf("adapter %s: caps 0x%x, align %zu\n", A->name, A->caps, A->align);
    test_contract();
    if (A->caps & FUZZ_CAP_HEAP) {
        test_heap_sizes();
        test_heap_refusals();
        test_heap_churn();
        test_heap_shrink_then_reuse();
        test_heap_destroy_live();
    }
    if (A->caps & FUZZ_CAP_POOL)
        test_pool();
    printf("adapter %s: %u failures\n", A->name, failures);
    return failures ? 1 : 0;
}
