/*
 * model.h - the shadow model: everything the executor expects of the
 * allocators, and nothing else.  It owns the state of a run (slots, owners,
 * content seeds, cleanup records, expected statistics); the executor only
 * asks and tells it, through the functions below.
 *
 * Contents.  Every block is filled with its own pattern when handed out (a
 * per-block seed picks a window into one pseudo-random table), so a byte
 * changed by anyone else shows when the block is verified: at the end of its
 * life (free, realloc, reset, destroy) and at the end of the input; `check`
 * sweeps all of them.  Blocks above FUZZ_FULL_FILL bytes are filled and
 * verified at both ends only (FUZZ_EDGE_FILL bytes each).  Fill and verify
 * are memcpy/memcmp against the table: no per-byte compares that coverage
 * instrumentation would reward.
 */
#ifndef FUZZ_MODEL_H
#define FUZZ_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"

#define FUZZ_FULL_FILL 8192u
#define FUZZ_EDGE_FILL 2048u
#define FUZZ_CLEANUPS 64u

/* Which instance owns a block: the heap (alloc/free/realloc) or the pool. */
typedef enum fuzz_owner { FUZZ_OWNER_NONE, FUZZ_OWNER_HEAP, FUZZ_OWNER_POOL } fuzz_owner_t;
#define FUZZ_ROLES 2   /* roles 0 (heap) and 1 (pool): owner - 1 */

typedef struct fuzz_block {
    unsigned char *ptr;
    size_t size;      /* the caller's size (0 allowed) */
    size_t charge;    /* what it counts in requested_live */
    uint8_t owner;    /* fuzz_owner_t; NONE: slot empty */
    uint8_t large;    /* served as a large block (pfree frees it in a pool) */
    uint8_t seed;     /* fill pattern */
} fuzz_block_t;

typedef struct fuzz_cleanup_rec {
    unsigned char *data;  /* the pool memory given for data */
    size_t size;
    uint8_t seed;
    uint8_t has_handler;
    uint8_t ran;
} fuzz_cleanup_rec_t;

/* What the model expects an instance's statistics to say. */
typedef struct fuzz_expect {
    size_t requested_live, requested_peak;
    size_t blocks_live, large_live;
    size_t reallocs, failed, resets;
} fuzz_expect_t;

typedef struct fuzz_model {
    fuzz_block_t slot[FUZZ_SLOTS];
    uint64_t live;                        /* bit i: slot i holds a block (loops visit only these) */
    unsigned char *last_ptr[FUZZ_SLOTS];  /* the slot's latest pointer, live or dead */
    fuzz_cleanup_rec_t cleanup[FUZZ_CLEANUPS];
    size_t ncleanups;
    size_t run_order[FUZZ_CLEANUPS];      /* cleanup indices in the order handlers ran */
    size_t nrun;
    fuzz_expect_t expect[FUZZ_ROLES];
    uint8_t next_seed;
} fuzz_model_t;

void fuzz_model_init(fuzz_model_t *m);

_Static_assert(FUZZ_SLOTS <= 64, "fuzz_model_t.live has a bit per slot");

/* The lowest slot in *live, taken out of it (*live != 0): the loop
 *     for (uint64_t live = m->live; live != 0;) { size_t i = fuzz_next_live(&live); ... }
 * visits the slots that hold a block, in order. */
static inline size_t fuzz_next_live(uint64_t *live)
{
    size_t i = (size_t)__builtin_ctzll(*live);
    *live &= *live - 1;
    return i;
}

/* ---- blocks ---- */

/* Record a new block in slot (empty), fill it with a fresh pattern, and
 * count it for its owner: charge bytes requested, one block. */
void fuzz_model_put(fuzz_model_t *m, size_t slot, unsigned char *p, size_t size, fuzz_owner_t owner,
                    int large, size_t charge);

/* Forget the block in slot; uncount = 1 also takes it off its owner's
 * counts (freed), 0 keeps them (small pool memory stays requested until reset). */
void fuzz_model_drop(fuzz_model_t *m, size_t slot, int uncount);

/* A realloc of slot to q, new size and charge: the block keeps its seed's
 * first min(old, new) bytes; the rest of the new block gets the pattern.
 * transient: the old and new blocks were live together for a moment (the
 * peak saw both). */
void fuzz_model_resize(fuzz_model_t *m, size_t slot, unsigned char *q, size_t size, int large,
                       size_t charge, int transient);

/* Forget every block of owner (reset, destroy); their counts go to zero. */
void fuzz_model_drop_owner(fuzz_model_t *m, fuzz_owner_t owner);

/* A request of owner answered NULL. */
void fuzz_model_failed(fuzz_model_t *m, fuzz_owner_t owner);

/* A fresh instance for owner: its expectations start at zero. */
void fuzz_model_new_instance(fuzz_model_t *m, fuzz_owner_t owner);

/* Bytes requested that no slot holds (cleanup data): charged to owner. */
void fuzz_model_charge(fuzz_model_t *m, fuzz_owner_t owner, size_t bytes);

/* The owner's instance was reset: its counts go to zero, resets + 1. */
void fuzz_model_reset(fuzz_model_t *m, fuzz_owner_t owner);

/* ---- cleanups ---- */

/* Record a cleanup (data filled with a fresh pattern when size > 0).
 * Returns its index, or SIZE_MAX when the model is full. */
size_t fuzz_model_add_cleanup(fuzz_model_t *m, unsigned char *data, size_t size, int has_handler);

/* ---- contents ---- */

/* Offset of the first byte of [p, p+size) (checked parts, within [lo, hi))
 * that does not hold seed's pattern, or SIZE_MAX. */
size_t fuzz_verify(const unsigned char *p, size_t size, uint8_t seed, size_t lo, size_t hi);

/* The byte a block of `size` bytes with this seed holds at offset i (a
 * checked offset). */
uint8_t fuzz_pattern(uint8_t seed, size_t size, size_t i);

/* Offset of the first non-zero byte among the checked parts, or SIZE_MAX. */
size_t fuzz_verify_zero(const unsigned char *p, size_t size);

/* 1 if [a, a + an) and [b, b + bn) share a byte (empty spans count as 1 byte). */
static inline int fuzz_overlaps(const void *a, size_t an, const void *b, size_t bn)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    if (an == 0)
        an = 1;
    if (bn == 0)
        bn = 1;
    /* by subtraction: no pointer + size that could wrap */
    return x <= y ? y - x < an : x - y < bn;
}

#endif
