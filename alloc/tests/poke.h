/*
 * poke.h - lets a test or the fuzz harness touch allocator-owned memory on
 * purpose (to plant a broken link for the self-check), lifting the ASan /
 * Valgrind marks around the touch and putting them back exactly as they
 * were: a word poked inside a live block stays addressable, one inside a
 * free block stays poisoned.  (The one such helper: the allocators' own
 * link access is annotate.h's, the harness's is this.)
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

#define POKE_MAX 64 /* the most bytes one poke or peek touches */

typedef struct poke_marks {
    size_t first_poisoned;           /* ASan: marks are a prefix per granule */
    unsigned char vbits[POKE_MAX];   /* Valgrind: each byte's definedness... */
    unsigned char addressable[POKE_MAX]; /* ...when it is addressable at all */
} poke_marks_t;

/* Lift the marks on [p, p+n), remembering them. */
static inline void poke_lift(void *p, size_t n, poke_marks_t *m)
{
    m->first_poisoned = n;
#ifdef POKE_ASAN
    for (size_t i = 0; i < n; i++)
        if (__asan_address_is_poisoned((char *)p + i)) {
            m->first_poisoned = i;
            break;
        }
    __asan_unpoison_memory_region(p, n);
#endif
#ifdef POKE_VG
    /* byte by byte: a word may straddle a live block's end and its slack */
    for (size_t i = 0; i < n && i < POKE_MAX; i++)
        m->addressable[i] = VALGRIND_GET_VBITS((char *)p + i, &m->vbits[i], 1) == 1;
    VALGRIND_MAKE_MEM_DEFINED(p, n);
#endif
    (void)p;
}

/* Put the marks remembered by poke_lift back. */
static inline void poke_restore(void *p, size_t n, const poke_marks_t *m)
{
#ifdef POKE_ASAN
    if (m->first_poisoned < n)
        __asan_poison_memory_region((char *)p + m->first_poisoned, n - m->first_poisoned);
#endif
#ifdef POKE_VG
    for (size_t i = 0; i < n && i < POKE_MAX; i++) {
        if (m->addressable[i])
            VALGRIND_SET_VBITS((char *)p + i, &m->vbits[i], 1);
        else
            VALGRIND_MAKE_MEM_NOACCESS((char *)p + i, 1);
    }
#endif
    (void)p;
    (void)n;
    (void)m;
}

/* memcpy into memory the allocator may have marked no-access. */
static inline void poke(void *dst, const void *src, size_t n)
{
    poke_marks_t m;
    poke_lift(dst, n, &m);
    memcpy(dst, src, n);
    poke_restore(dst, n, &m);
}

/* memcpy out of such memory. */
static inline void peek(void *dst, const void *src, size_t n)
{
    poke_marks_t m;
    poke_lift((void *)src, n, &m);
    memcpy(dst, src, n);
    poke_restore((void *)src, n, &m);
}

#endif
