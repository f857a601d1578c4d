/*
 * annotate.h - what the allocators tell AddressSanitizer and Valgrind.
 *
 * Memory inside a chunk or a pool block belongs to the allocator until it is
 * handed out, and again once it is given back.  Without help, ASan and
 * memcheck see one big valid block and miss every use-after-free inside it.
 * These helpers mark the pieces:
 *
 *   ann_pool_create/destroy   a Valgrind mempool per allocator instance
 *   ann_hand_out(pool, p, n)  p..p+n becomes a live block (undefined contents)
 *   ann_take_back(pool, p, n) the live block at p ends; p..p+n is no-access
 *   ann_resize(pool, p, cap, old, n) a live block keeps p, now n bytes of cap
 *   ann_no_access(p, n)       allocator-owned, not handed out
 *   ann_release(p, n)         memory goes back to upstream: lift every mark
 *   ann_link_read/write       the allocator's own access to a link stored
 *                             inside a no-access block (free-list next)
 *   ann_first_poisoned(p, n)  ASan builds only: the first poisoned byte of
 *                             p..p+n, NULL if none
 *   ann_report_bad_free(p, n) ASan builds only: hand a refused free to ASan's
 *                             own report
 *
 * Each family compiles to nothing unless its CMake option is on
 * (ALLOC_ANNOTATE_ASAN, ALLOC_ANNOTATE_VALGRIND) and, for ASan, the build
 * actually runs under -fsanitize=address.  Valgrind requests cost a few
 * instructions when the program is not under valgrind.
 */
#ifndef ALLOC_ANNOTATE_H
#define ALLOC_ANNOTATE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef ALLOC_ANNOTATE_ASAN
#define ALLOC_ANNOTATE_ASAN 0
#endif
#ifndef ALLOC_ANNOTATE_VALGRIND
#define ALLOC_ANNOTATE_VALGRIND 0
#endif

#define ALLOC_ASAN_ACTIVE 0
#if ALLOC_ANNOTATE_ASAN
#if defined(__SANITIZE_ADDRESS__)
#undef ALLOC_ASAN_ACTIVE
#define ALLOC_ASAN_ACTIVE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#undef ALLOC_ASAN_ACTIVE
#define ALLOC_ASAN_ACTIVE 1
#endif
#endif
#endif

#if ALLOC_ASAN_ACTIVE
#include <sanitizer/asan_interface.h>
#define ANN_ASAN_POISON(p, n) __asan_poison_memory_region((p), (n))
#define ANN_ASAN_UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define ANN_ASAN_POISON(p, n) ((void)(p), (void)(n))
#define ANN_ASAN_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* Statistics readers: they copy an instance's own counters out as a
 * struct, and under ASan every struct copy is a call to its memcpy
 * interceptor with a range check (a tenth of a fuzz target's time, which
 * reads them after every op).  The counters sit in the instance's header,
 * where ASan has nothing to find; the copies become plain moves.  Their
 * bookkeeping loops teach a coverage-guided fuzzer nothing either. */
#if defined(__clang__) && __clang_major__ >= 13
#define ALLOC_STATS_READER __attribute__((no_sanitize("address", "coverage")))
#else
#define ALLOC_STATS_READER
#endif

/* Writers of an instance's own tables that are sized with the instance
 * (sca's class lookup table): no ASan check per store, and no coverage
 * counter per iteration (a fill loop teaches a fuzzer nothing). */
#if defined(__clang__) && __clang_major__ >= 13
#define ALLOC_TABLE_WRITER __attribute__((no_sanitize("address", "coverage")))
#else
#define ALLOC_TABLE_WRITER
#endif

#if ALLOC_ANNOTATE_VALGRIND
#include <valgrind/memcheck.h>
#define ANN_VG(stmt) stmt
#else
#define ANN_VG(stmt) ((void)0)
#endif

/* The two ASan-only helpers exist only in ASan builds (callers say #if
 * ALLOC_ASAN_ACTIVE): there is nothing to ask without ASan. */
#if ALLOC_ASAN_ACTIVE
static inline const void *ann_first_poisoned(const void *p, size_t n)
{
    return __asan_region_is_poisoned((void *)(uintptr_t)p, n);
}

/* If p..p+n holds a poisoned byte, ASan's report of it (what the memory is:
 * freed, poisoned by the allocator, a redzone; who freed it; the stack),
 * which ends the program; otherwise the stack alone, and the caller aborts. */
static inline void ann_report_bad_free(const void *p, size_t n)
{
    void *bad = __asan_region_is_poisoned((void *)(uintptr_t)p, n != 0 ? n : 1);
    if (bad != NULL)
        __asan_report_error(__builtin_return_address(0), __builtin_frame_address(0),
                            __builtin_frame_address(0), bad, 1, 1);
    __sanitizer_print_stack_trace();
}
#endif

static inline void ann_pool_create(const void *pool)
{
    (void)pool;
    ANN_VG(VALGRIND_CREATE_MEMPOOL(pool, 0, 0));
}

static inline void ann_pool_destroy(const void *pool)
{
    (void)pool;
    ANN_VG(VALGRIND_DESTROY_MEMPOOL(pool));
}

static inline void ann_no_access(void *p, size_t n)
{
    ANN_ASAN_POISON(p, n);
    ANN_VG(VALGRIND_MAKE_MEM_NOACCESS(p, n));
}

static inline void ann_release(void *p, size_t n)
{
    ANN_ASAN_UNPOISON(p, n);
    ANN_VG(VALGRIND_MAKE_MEM_UNDEFINED(p, n));
}

static inline void ann_hand_out(const void *pool, void *p, size_t n)
{
    (void)pool;
    ANN_ASAN_UNPOISON(p, n);
    ANN_VG(VALGRIND_MEMPOOL_ALLOC(pool, p, n));
}

static inline void ann_take_back(const void *pool, void *p, size_t n)
{
    (void)pool;
    ANN_VG(VALGRIND_MEMPOOL_FREE(pool, p));
    ANN_ASAN_POISON(p, n);
}

/* A live block at p (capacity cap) changes from old_n to n bytes in place:
 * growth makes the new bytes addressable (undefined), shrinking makes the
 * cut tail no-access.  MEMPOOL_CHANGE alone only updates the record. */
static inline void ann_resize(const void *pool, void *p, size_t cap, size_t old_n, size_t n)
{
    (void)pool;
    (void)old_n;
    ANN_ASAN_POISON(p, cap);
    ANN_ASAN_UNPOISON(p, n);
    ANN_VG(VALGRIND_MEMPOOL_CHANGE(pool, p, p, n));
    if (n > old_n)
        ANN_VG(VALGRIND_MAKE_MEM_UNDEFINED((unsigned char *)p + old_n, n - old_n));
    else if (n < old_n)
        ANN_VG(VALGRIND_MAKE_MEM_NOACCESS((unsigned char *)p + n, old_n - n));
}

/* Mark a freshly handed-out block undefined again after a debug fill, so
 * memcheck still reports reads of memory the caller never wrote. */
static inline void ann_undefined(void *p, size_t n)
{
    (void)p;
    (void)n;
    ANN_VG(VALGRIND_MAKE_MEM_UNDEFINED(p, n));
}

#if ALLOC_ASAN_ACTIVE
/* The link word itself, past ASan's check: a free block stays poisoned
 * while the allocator reads and writes its link, so that a list walk costs
 * no shadow updates (two runtime calls a node were a tenth of a fuzz
 * target's time). */
__attribute__((no_sanitize("address"))) static inline void *ann_asan_link_load(void *const *slot)
{
    return *slot;
}

__attribute__((no_sanitize("address"))) static inline void ann_asan_link_store(void **slot, void *v)
{
    *slot = v;
}
#endif

/* Reads the link of a free block; its marks stay as they were. */
static inline void *ann_link_read(void *const *slot)
{
#if ALLOC_ASAN_ACTIVE
    return ann_asan_link_load(slot);
#else
    void *v;
    ANN_VG(VALGRIND_MAKE_MEM_DEFINED(slot, sizeof *slot));
    memcpy(&v, slot, sizeof v);
    ANN_VG(VALGRIND_MAKE_MEM_NOACCESS(slot, sizeof *slot));
    return v;
#endif
}

/* Writes the link of a free block, which is no-access before and after:
 * every caller lists memory it has just taken back (ann_take_back) or
 * never handed out (a chunk's uncarved part, ann_no_access), so under ASan
 * the store needs no poisoning (one runtime call a node, a tenth of a
 * refill). */
static inline void ann_link_write(void **slot, void *v)
{
#if ALLOC_ASAN_ACTIVE
    ann_asan_link_store(slot, v);
#else
    ANN_VG(VALGRIND_MAKE_MEM_UNDEFINED(slot, sizeof *slot));
    memcpy(slot, &v, sizeof v);
    ANN_VG(VALGRIND_MAKE_MEM_NOACCESS(slot, sizeof *slot));
#endif
}

#endif
