/*
 * poke.h - lets a test touch allocator-owned memory on purpose (to plant a
 * broken link for the self-check), lifting the ASan / Valgrind marks around
 * the touch exactly as the allocator's own link helpers do.
 */
#ifndef ALLOC_TESTS_POKE_H
#define ALLOC_TESTS_POKE_H

#include <stddef.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define POKE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POKE_ASAN 1
#endif
#endif

#ifdef POKE_ASAN
#include <sanitizer/asan_interface.h>
#endif
#if defined(ALLOC_ANNOTATE_VALGRIND) && ALLOC_ANNOTATE_VALGRIND
#include <valgrind/memcheck.h>
#define POKE_VG 1
#endif

/* memcpy into memory the allocator may have marked no-access. */
static inline void poke(void *dst, const void *src, size_t n)
{
#ifdef POKE_ASAN
    __asan_unpoison_memory_region(dst, n);
#endif
#ifdef POKE_VG
    VALGRIND_MAKE_MEM_UNDEFINED(dst, n);
#endif
    memcpy(dst, src, n);
#if defined(POKE_ASAN) && defined(ALLOC_ANNOTATE_ASAN) && ALLOC_ANNOTATE_ASAN
    __asan_poison_memory_region(dst, n);
#endif
#ifdef POKE_VG
    VALGRIND_MAKE_MEM_NOACCESS(dst, n);
#endif
}

/* memcpy out of such memory. */
static inline void peek(void *dst, const void *src, size_t n)
{
#ifdef POKE_ASAN
    __asan_unpoison_memory_region((void *)src, n);
#endif
#ifdef POKE_VG
    VALGRIND_MAKE_MEM_DEFINED(src, n);
#endif
    memcpy(dst, src, n);
#if defined(POKE_ASAN) && defined(ALLOC_ANNOTATE_ASAN) && ALLOC_ANNOTATE_ASAN
    __asan_poison_memory_region((void *)src, n);
#endif
#ifdef POKE_VG
    VALGRIND_MAKE_MEM_NOACCESS(src, n);
#endif
}

#endif
