/* sanitizer.c - see sanitizer.h. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

#include "sanitizer.h"

#ifdef POKE_ASAN
#include <sanitizer/asan_interface.h>

/* libc's own memcpy / memcmp / memset, found past the ASan runtime's
 * interceptors of the same name (as the runtime finds them itself); NULL
 * where the lookup fails, and the intercepted ones serve. */
typedef struct real_mem {
    int looked_up;
    void *(*copy)(void *, const void *, size_t);
    int (*compare)(const void *, const void *, size_t);
    void *(*set)(void *, int, size_t);
} real_mem_t;

static real_mem_t real; /* the harness's, never alloc/'s: written once */

static const real_mem_t *real_mem(void)
{
    if (!real.looked_up) {
        *(void **)&real.copy = dlsym(RTLD_NEXT, "memcpy");
        *(void **)&real.compare = dlsym(RTLD_NEXT, "memcmp");
        *(void **)&real.set = dlsym(RTLD_NEXT, "memset");
        real.looked_up = 1;
    }
    return &real;
}

void fuzz_copy_to_block(void *block, const void *own, size_t n)
{
    const real_mem_t *r = real_mem();
    if (r->copy != NULL && __asan_region_is_poisoned(block, n) == NULL)
        r->copy(block, own, n);
    else
        memcpy(block, own, n); /* ASan's report names the poisoned byte */
}

int fuzz_block_differs(const void *block, const void *own, size_t n)
{
    const real_mem_t *r = real_mem();
    if (r->compare != NULL && __asan_region_is_poisoned((void *)(uintptr_t)block, n) == NULL)
        return r->compare(block, own, n) != 0;
    return memcmp(block, own, n) != 0; /* ASan's report names the poisoned byte */
}

void fuzz_set_own(void *own, int c, size_t n)
{
    const real_mem_t *r = real_mem();
    if (r->set != NULL)
        r->set(own, c, n);
    else
        memset(own, c, n);
}

#else

void fuzz_copy_to_block(void *block, const void *own, size_t n)
{
    memcpy(block, own, n);
}

int fuzz_block_differs(const void *block, const void *own, size_t n)
{
    return memcmp(block, own, n) != 0;
}

void fuzz_set_own(void *own, int c, size_t n)
{
    memset(own, c, n);
}

#endif
