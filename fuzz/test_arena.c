/*
 * test_arena.c - the upstream arena (arena.h) under ASan: every byte handed
 * out is addressable, the bytes around a block are not, a freed block and a
 * reset arena are poisoned, realloc keeps the prefix, blocks are aligned.
 * So an allocator overrunning an upstream block is still seen.  Without
 * ASan the arena is malloc: only the contents and alignment are checked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "sanitizer.h"

static int failures;

#define EXPECT(cond, what)                                              \
    do {                                                                \
        if (!(cond)) {                                                  \
            fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, what); \
            failures++;                                                 \
        }                                                               \
    } while (0)

/* What ASan sees at p; without ASan there is nothing to see, and every
 * expectation about it holds. */
#ifdef POKE_ASAN
static int poisoned(const void *p)
{
    return __asan_address_is_poisoned(p);
}
static int addressable(const void *p)
{
    return !__asan_address_is_poisoned(p);
}
#else
static int poisoned(const void *p)
{
    (void)p;
    return 1;
}
static int addressable(const void *p)
{
    (void)p;
    return 1;
}
#endif

static void test_blocks(void)
{
    static const size_t sizes[] = {1, 7, 8, 13, 48, 100, 1000, 4096, 5000, 70000};
    unsigned char *p[sizeof sizes / sizeof sizes[0]];
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        p[k] = fuzz_arena_alloc(n);
        EXPECT(p[k] != NULL, "alloc");
        EXPECT((uintptr_t)p[k] % _Alignof(max_align_t) == 0, "aligned to max_align_t");
        memset(p[k], (int)k, n); /* every byte handed out is writable (ASan would report) */
        EXPECT(poisoned(p[k] + n), "the byte past a block is poisoned");
        EXPECT(poisoned(p[k] - 1), "the byte before a block is poisoned");
    }
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        EXPECT(p[k][0] == (unsigned char)k && p[k][sizes[k] - 1] == (unsigned char)k, "contents kept");
        unsigned char *q = fuzz_arena_realloc(p[k], sizes[k] + 10);
        EXPECT(q != NULL && q[0] == (unsigned char)k && q[sizes[k] - 1] == (unsigned char)k, "realloc keeps the prefix");
        EXPECT(poisoned(q + sizes[k] + 10), "the byte past a grown block is poisoned");
        if (q != p[k])
            EXPECT(poisoned(p[k]), "the block realloc left is poisoned");
        p[k] = q;
    }
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        fuzz_arena_free(p[k]);
        EXPECT(poisoned(p[k]), "a freed block is poisoned");
    }
    unsigned char *a = fuzz_arena_alloc(64);
    EXPECT(a != NULL, "alloc after frees");
    fuzz_arena_free(a);
    fuzz_arena_reset();
    unsigned char *b = fuzz_arena_alloc(64);
    EXPECT(b != NULL && addressable(b) && addressable(b + 63) && poisoned(b + 64), "a block after reset");
    fuzz_arena_free(b);
    fuzz_arena_free(NULL);
    fuzz_arena_reset();
}

/* More than the arena holds: the rest comes from malloc, answers the same. */
static void test_full(void)
{
    enum { N = 1000 };
    static unsigned char *p[N];
    for (size_t i = 0; i < N; i++) {
        p[i] = fuzz_arena_alloc(96 << 10);
        EXPECT(p[i] != NULL, "alloc past the arena's size");
        if (p[i] != NULL)
            p[i][(96 << 10) - 1] = 1;
    }
    for (size_t i = 0; i < N; i++)
        fuzz_arena_free(p[i]);
    fuzz_arena_reset();
}

int main(void)
{
    test_blocks();
    test_full();
    printf("test_arena: %s (%d failures)\n", failures == 0 ? "passed" : "FAILED", failures);
    return failures == 0 ? 0 : 1;
}
