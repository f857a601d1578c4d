/*
 * sanitizer.h - what the executor and our adapters ask AddressSanitizer.
 * ASan is detected once, in alloc/tests/poke.h (which also gives the one
 * way to touch memory the allocator marked no-access: poke / peek).
 */
#ifndef FUZZ_SANITIZER_H
#define FUZZ_SANITIZER_H

#include "poke.h"

#ifndef FUZZ_ALLOC_ANNOTATE_ASAN
#define FUZZ_ALLOC_ANNOTATE_ASAN 0 /* 1: liballoc was built to poison free memory */
#endif

#if defined(POKE_ASAN) && FUZZ_ALLOC_ANNOTATE_ASAN
#define FUZZ_POISON_VISIBLE 1
static inline int fuzz_is_poisoned(const void *p)
{
    return __asan_address_is_poisoned(p);
}
#else
#define FUZZ_POISON_VISIBLE 0
static inline int fuzz_is_poisoned(const void *p)
{
    (void)p;
    return 0;
}
#endif

/* Fill and compare allocator blocks against the harness's own memory (the
 * pattern table) without paying ASan twice.  ASan's memcpy / memcmp
 * interceptors check both ranges; these check the block's range as the
 * interceptor would (any poisoned byte: the call goes through the
 * interceptor, whose report names it), not the harness's own table, which
 * nothing poisons.  Without ASan they are memcpy / memcmp.  (sanitizer.c) */
void fuzz_copy_to_block(void *block, const void *own, size_t n);
int fuzz_block_differs(const void *block, const void *own, size_t n); /* nonzero: they differ */
/* memset of the harness's own memory, or of memory it has just unpoisoned
 * (the arena's fresh blocks): nothing there for ASan to check. */
void fuzz_set_own(void *own, int c, size_t n);

#endif
