/*
 * upstream.h - where the allocators get their memory from.
 *
 * An upstream is three function pointers and a context.  Both allocators in
 * this library (sca_*, rp_*) take every byte they hand out from an upstream
 * and give every byte back to it at destroy.  Upstreams stack: a counting
 * upstream over the libc one, a caching one over a counting one, and so on.
 *
 * Contract every upstream must keep:
 *   alloc(ctx, n)            n > 0.  Returns a block of at least n bytes,
 *                            aligned to alignof(max_align_t), or NULL.
 *   free(ctx, p, n)          p came from this upstream with size n (the size
 *                            of its latest alloc/realloc).  p == NULL: no-op.
 *   realloc(ctx, p, old, n)  p came from this upstream with size old, n > 0.
 *                            Returns the moved or resized block, or NULL and
 *                            leaves p untouched.
 * The allocators never call an upstream with n == 0.
 */
#ifndef ALLOC_UPSTREAM_H
#define ALLOC_UPSTREAM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct alloc_upstream {
    void *(*alloc)(void *ctx, size_t n);
    void (*free)(void *ctx, void *p, size_t n);
    void *(*realloc)(void *ctx, void *p, size_t old_n, size_t new_n);
    void *ctx;
} alloc_upstream_t;

/* The default upstream: libc malloc / free / realloc, no context.  Sizes
 * above PTRDIFF_MAX are refused (NULL) without calling libc.  The returned
 * struct is a copy. */
alloc_upstream_t alloc_upstream_malloc(void);

/* 1 if u has all three function pointers set, 0 otherwise (u NULL: 0). */
int alloc_upstream_valid(const alloc_upstream_t *u);

/* ---------------------------------------------------------------------------
 * Counting upstream: wraps a parent upstream, counts every byte and call, and
 * fails calls on demand.  The struct is public so it can live on the stack;
 * read it through alloc_counting_stats(), set it through the functions below.
 *
 * Each block carries a small header holding its size, so a free or realloc
 * whose size disagrees with the block's real size is detected: it is counted
 * in size_mismatches and the real size is used (no corruption of the counts).
 */
typedef struct alloc_counting_stats {
    size_t bytes_held;       /* bytes currently taken from the parent (payload) */
    size_t peak_bytes_held;  /* maximum of bytes_held since init/reset_peak */
    size_t blocks_held;      /* blocks currently taken */
    size_t calls;            /* alloc + realloc calls (the fault-injection clock) */
    size_t alloc_calls;
    size_t realloc_calls;
    size_t free_calls;       /* free calls with p != NULL */
    size_t failures;         /* calls that returned NULL (injected or parent's) */
    size_t injected;         /* of those, failures injected on purpose */
    size_t size_mismatches;  /* free/realloc whose size disagreed with the block */
} alloc_counting_stats_t;

typedef struct alloc_counting {
    alloc_upstream_t parent;
    alloc_counting_stats_t stats;
    size_t fail_next;        /* fail this many of the next calls */
    size_t fail_at;          /* fail the call whose number (stats.calls, 1-based) equals this; 0: off */
} alloc_counting_t;

/* Initialise c over parent (NULL parent: libc malloc).  All counts zero, no
 * failure armed.  Returns 0, or -1 if c is NULL or parent is not valid. */
int alloc_counting_init(alloc_counting_t *c, const alloc_upstream_t *parent);

/* The upstream that allocates through c.  c must outlive every user of it.
 * c NULL: returns the malloc upstream. */
alloc_upstream_t alloc_counting_upstream(alloc_counting_t *c);

/* Make the next n alloc/realloc calls fail (n == 0 disarms).  c NULL: no-op. */
void alloc_counting_fail_next(alloc_counting_t *c, size_t n);

/* Make call number k fail, counting calls since init from 1 (the value
 * stats.calls will have once that call is made).  k == 0 disarms.  k at or
 * below the calls already made never fires.  c NULL: no-op. */
void alloc_counting_fail_at(alloc_counting_t *c, size_t k);

/* A copy of the counters (c NULL: all zero). */
alloc_counting_stats_t alloc_counting_stats(const alloc_counting_t *c);

/* Set peak_bytes_held to bytes_held (to measure the peak of a phase).
 * c NULL: no-op. */
void alloc_counting_reset_peak(alloc_counting_t *c);

/* ---------------------------------------------------------------------------
 * Caching upstream: keeps up to `capacity` freed blocks of one size (the
 * size of the first block freed to it) and hands them back on the next
 * alloc of that size, so a region pool created and destroyed per request
 * does not pay the system's trim-and-fault cost each time.  Other sizes pass
 * straight through.  capacity is clamped to ALLOC_CACHING_MAX.
 */
#define ALLOC_CACHING_MAX 16

typedef struct alloc_caching {
    alloc_upstream_t parent;
    size_t block_size;               /* 0 until the first free */
    size_t capacity;
    size_t count;
    void *blocks[ALLOC_CACHING_MAX];
    size_t hits;                     /* allocs served from the cache */
} alloc_caching_t;

/* Initialise over parent (NULL: libc malloc).  Returns 0, or -1 if c is NULL
 * or parent is invalid. */
int alloc_caching_init(alloc_caching_t *c, const alloc_upstream_t *parent, size_t capacity);

/* The upstream that allocates through c. c NULL: the malloc upstream. */
alloc_upstream_t alloc_caching_upstream(alloc_caching_t *c);

/* Give every cached block back to the parent.  c NULL: no-op. */
void alloc_caching_drain(alloc_caching_t *c);

#ifdef __cplusplus
}
#endif

#endif
