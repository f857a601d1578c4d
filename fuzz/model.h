/*
 * model.h - the shadow model's record of live memory.
 *
 * Every block the harness holds is filled with its own pattern when handed
 * out (a per-block seed), so a byte changed by anyone else shows when the
 * block is checked: at free, realloc, reset, destroy and on `check`.
 * Blocks above FUZZ_FULL_FILL bytes are filled and checked at both ends
 * only (FUZZ_EDGE_FILL bytes each), to keep megabyte blocks cheap.
 */
#ifndef FUZZ_MODEL_H
#define FUZZ_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_FULL_FILL 8192u
#define FUZZ_EDGE_FILL 2048u

typedef enum fuzz_owner { FUZZ_OWNER_NONE, FUZZ_OWNER_SCA, FUZZ_OWNER_RP } fuzz_owner_t;

typedef struct fuzz_block {
    unsigned char *ptr;
    size_t size;      /* the caller's size (0 allowed) */
    uint8_t owner;    /* fuzz_owner_t; NONE: slot empty */
    uint8_t large;    /* sca: above the small limit; rp: a large block (pfree frees it) */
    uint8_t seed;     /* fill pattern */
} fuzz_block_t;

/* The byte a block with this seed holds at offset i. */
static inline uint8_t fuzz_pattern(uint8_t seed, size_t i)
{
    return (uint8_t)(seed * 37u + i * 7u + (i >> 8));
}

/* Fill the checked parts of [p, p + size) with seed's pattern. */
void fuzz_fill(unsigned char *p, size_t size, uint8_t seed);

/* Find the first byte of the checked parts of a block of `size` bytes at p,
 * within offsets [lo, hi), that does not hold seed's pattern.  Returns its
 * offset, or SIZE_MAX when all match. */
size_t fuzz_verify(const unsigned char *p, size_t size, uint8_t seed, size_t lo, size_t hi);

/* Offset of the first non-zero byte among the checked parts of [p, p+size),
 * or SIZE_MAX. */
size_t fuzz_verify_zero(const unsigned char *p, size_t size);

/* 1 if [a, a + an) and [b, b + bn) share a byte (empty spans count as 1 byte). */
int fuzz_overlaps(const void *a, size_t an, const void *b, size_t bn);

#endif
