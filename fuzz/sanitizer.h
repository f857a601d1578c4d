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

#endif
