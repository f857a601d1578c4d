/* arena.c - see arena.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "sanitizer.h"

#ifdef POKE_ASAN
#include <sanitizer/common_interface_defs.h>

#define ARENA_BYTES ((size_t)64 << 20)  /* reserved once; pages are touched as used */
#define POISON_STEP ((size_t)1 << 20)   /* the arena is poisoned ahead of use in steps */
#define ALIGNMENT ((uintptr_t)_Alignof(max_align_t))
#define FILL_MAX 4096u                  /* ASan's max_malloc_fill_size */
#define FILL_BYTE 0xbe                  /* ASan's malloc_fill_byte */
#define LIVE ((uintptr_t)0x6172656e614c4956u)
#define FREED ((uintptr_t)0x6172656e61465245u)

/* Just before each block, inside its redzone (poisoned). */
typedef struct header {
    size_t size;
    uintptr_t magic; /* LIVE ^ address while handed out, FREED after */
} header_t;

typedef struct arena {
    unsigned char *base, *top, *end;
    unsigned char *poisoned_to; /* [base, poisoned_to) is poisoned except live blocks */
    int failed;                 /* the reservation failed: malloc only */
} arena_t;

static arena_t arena;

/* ASan's redzone for a block of n bytes (asan_allocator.cpp, ComputeRZLog):
 * 16 bytes for the smallest, up to 2048 past 64 KiB. */
static size_t redzone(size_t n)
{
    return n <= 64 - 16 ? 16 : n <= 128 - 32 ? 32 : n <= 512 - 64 ? 64 : n <= 4096 - 128 ? 128
           : n <= ((size_t)1 << 14) - 256 ? 256 : n <= ((size_t)1 << 15) - 512 ? 512
           : n <= ((size_t)1 << 16) - 1024 ? 1024 : 2048;
}

static int ready(void)
{
    if (arena.base == NULL && !arena.failed) {
        arena.base = malloc(ARENA_BYTES);
        arena.failed = arena.base == NULL;
        arena.top = arena.poisoned_to = arena.base;
        arena.end = arena.base != NULL ? arena.base + ARENA_BYTES : NULL;
    }
    return arena.base != NULL;
}

static int in_arena(const void *p)
{
    return arena.base != NULL && (const unsigned char *)p >= arena.base && (const unsigned char *)p < arena.end;
}

/* The header lives in poisoned memory: only these two touch it. */
__attribute__((no_sanitize("address"))) static header_t header_get(const void *p)
{
    header_t h;
    const header_t *at = (const header_t *)(const void *)((const unsigned char *)p - sizeof(header_t));
    h.size = at->size;
    h.magic = at->magic;
    return h;
}

__attribute__((no_sanitize("address"))) static void header_put(void *p, size_t size, uintptr_t magic)
{
    header_t *at = (header_t *)(void *)((unsigned char *)p - sizeof(header_t));
    at->size = size;
    at->magic = magic;
}

static void die(const char *what, const void *p)
{
    fflush(stdout);
    fprintf(stderr, "\nfuzz arena: %s %p: not a block the harness's upstream handed out, or one it already took back "
                    "(a double or foreign free by the allocator under test)\n", what, p);
    __sanitizer_print_stack_trace();
    abort();
}

/* The size of live arena block p, or die. */
static size_t live_size(const void *p, const char *what)
{
    header_t h = header_get(p);
    if ((uintptr_t)p % ALIGNMENT != 0 || (unsigned char *)p < arena.base + sizeof(header_t) ||
        h.magic != (LIVE ^ (uintptr_t)p))
        die(what, p);
    return h.size;
}

void *fuzz_arena_alloc(size_t n)
{
    if (!ready())
        return malloc(n);
    size_t rz = redzone(n);
    uintptr_t at = ((uintptr_t)arena.top + rz + ALIGNMENT - 1) & ~(ALIGNMENT - 1);
    if (n > (uintptr_t)arena.end - at)
        return malloc(n); /* full: the rest of this input is served as before */
    unsigned char *p = (unsigned char *)at;
    while (arena.poisoned_to < p + n) {
        size_t step = (size_t)(arena.end - arena.poisoned_to) < POISON_STEP ? (size_t)(arena.end - arena.poisoned_to)
                                                                            : POISON_STEP;
        __asan_poison_memory_region(arena.poisoned_to, step);
        arena.poisoned_to += step;
    }
    header_put(p, n, LIVE ^ (uintptr_t)p);
    __asan_unpoison_memory_region(p, n);
    fuzz_set_own(p, FILL_BYTE, n < FILL_MAX ? n : FILL_MAX); /* just unpoisoned: nothing to check */
    arena.top = p + n;
    return p;
}

void fuzz_arena_free(void *p)
{
    if (p == NULL)
        return;
    if (!in_arena(p)) {
        free(p);
        return;
    }
    size_t n = live_size(p, "free of");
    header_put(p, n, FREED);
    __asan_poison_memory_region(p, n);
}

void *fuzz_arena_realloc(void *p, size_t n)
{
    if (p == NULL)
        return fuzz_arena_alloc(n);
    if (!in_arena(p))
        return realloc(p, n);
    size_t old = live_size(p, "realloc of");
    unsigned char *q = fuzz_arena_alloc(n);
    if (q == NULL)
        return NULL;
    memcpy(q, p, old < n ? old : n);
    fuzz_arena_free(p);
    return q;
}

void fuzz_arena_reset(void)
{
    if (arena.base == NULL)
        return;
    __asan_poison_memory_region(arena.base, (size_t)(arena.top - arena.base));
    arena.top = arena.base;
}

#else /* no ASan: malloc, whose redzones Valgrind knows */

void *fuzz_arena_alloc(size_t n)
{
    return malloc(n);
}

void fuzz_arena_free(void *p)
{
    free(p);
}

void *fuzz_arena_realloc(void *p, size_t n)
{
    return realloc(p, n);
}

void fuzz_arena_reset(void)
{
}

#endif
