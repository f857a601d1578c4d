/*
 * peer.h - the rules every peer adapter (glibc, jemalloc, mimalloc,
 * tcmalloc, obstack) shares, written once.
 *
 * A peer is an allocator we did not write, installed from its Debian
 * package.  Its adapter checks what the library promises and no more: no
 * upstream (the libraries take memory from the system themselves, so the
 * executor cannot inject faults or count bytes), no statistics in the
 * model's terms (no library knows the bytes *requested*), no tamper modes.
 */
#ifndef FUZZ_PEER_H
#define FUZZ_PEER_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "adapter.h"

/* Requests above this are answered NULL by the adapter without calling the
 * library.  Why: a fuzzer that fills 64 slots must stay under libFuzzer's
 * 2 GiB RSS limit and keep its speed, and some APIs make huge sizes
 * undefined (jemalloc's mallocx) or fatal (obstack calls a process-global
 * handler that exits).  16 MiB still reaches the large paths of every
 * library: glibc's mmap (from 128 KiB), jemalloc's large and oversize
 * extents (from 16 KiB and 8 MiB), tcmalloc's page heap (above 256 KiB),
 * mimalloc's large pages (above 128 KiB; its huge segments, above half a
 * segment, may lie beyond).  So a NULL for n > PEER_MAX_REQUEST is the
 * adapter's refusal, not the library's answer. */
#define PEER_MAX_REQUEST ((size_t)16 << 20)

static inline int peer_refuses(size_t n)
{
    return n > PEER_MAX_REQUEST;
}

/* For the APIs where a size of 0 is undefined (mallocx, rallocx), frees the
 * block (realloc(p, 0) in glibc and tcmalloc), or where the sized free needs
 * the size the block was allocated with: 0 is asked as 1, in both calls. */
static inline size_t peer_nonzero(size_t n)
{
    return n != 0 ? n : 1;
}

/* The alignment malloc owes a block of n bytes: C11 7.22.3 as clarified by
 * DR 445 (C17) asks for the alignment of any object with a fundamental
 * alignment that fits in n bytes.  An object of size s has an alignment that
 * divides s, so that is the largest power of two <= n, capped at
 * alignof(max_align_t) (16 on x86_64).  jemalloc, mimalloc and tcmalloc keep
 * exactly this (8-byte blocks are 8-aligned); glibc gives 16 always. */
static inline size_t peer_alignment_owed(size_t n)
{
    size_t a = 1;
    while (a < _Alignof(max_align_t) && a * 2 <= n)
        a *= 2;
    return a;
}

/* check_block's common part: NULL, or a message when p is not aligned as
 * peer_alignment_owed(n). */
static inline const char *peer_check_alignment(const void *p, size_t n)
{
    return ((uintptr_t)p & (peer_alignment_owed(n) - 1)) != 0
               ? "block not aligned for the objects that fit in it (C11 7.22.3, DR 445)"
               : NULL;
}

/* Every peer counts a block's requested bytes as they are. */
static inline size_t peer_charge(const void *inst, size_t n, int large)
{
    (void)inst;
    (void)large;
    return n;
}

/* ---- the live blocks of an instance over a process-wide heap -------------
 * glibc and tcmalloc have no heap per instance, but the executor's destroy
 * means "every block of the instance is gone" (as for jemalloc's arena and
 * mimalloc's heap).  So those adapters list their live blocks and free them
 * at destroy.  The list is an array (swap-remove, searched newest first):
 * O(live blocks) per free, which is nothing at the executor's 64 slots.  Its
 * memory comes from the process's malloc. */
typedef struct peer_block {
    void *p;
    size_t n;      /* the size it was last asked with */
    size_t free_n; /* the size a sized free of it must name (see tcmalloc.c) */
} peer_block_t;

typedef struct peer_blocks {
    peer_block_t *at;
    size_t count, cap;
} peer_blocks_t;

/* Room for one more entry: 0, or -1 when the list cannot grow (the caller
 * then answers NULL without calling the library). */
static inline int peer_blocks_reserve(peer_blocks_t *b)
{
    if (b->count < b->cap)
        return 0;
    size_t cap = b->cap ? 2 * b->cap : 64;
    peer_block_t *at = realloc(b->at, cap * sizeof *at);
    if (!at)
        return -1;
    b->at = at;
    b->cap = cap;
    return 0;
}

/* After a successful peer_blocks_reserve. */
static inline void peer_blocks_add(peer_blocks_t *b, void *p, size_t n, size_t free_n)
{
    b->at[b->count++] = (peer_block_t){p, n, free_n};
}

/* The index of p's entry, or SIZE_MAX when p is not listed. */
static inline size_t peer_blocks_index(const peer_blocks_t *b, const void *p)
{
    for (size_t i = b->count; i-- > 0;)
        if (b->at[i].p == p)
            return i;
    return SIZE_MAX;
}

/* The entry of p, or NULL when p is not listed. */
static inline peer_block_t *peer_blocks_find(peer_blocks_t *b, const void *p)
{
    size_t i = peer_blocks_index(b, p);
    return i != SIZE_MAX ? &b->at[i] : NULL;
}

static inline void peer_blocks_remove(peer_blocks_t *b, const void *p)
{
    peer_block_t *e = peer_blocks_find(b, p);
    if (e)
        *e = b->at[--b->count];
}

#endif
