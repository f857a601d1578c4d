/*
 * glibc_heap.h - how much glibc's malloc holds, for every adapter whose
 * memory is malloc's (glibc itself, obstack): one reading, one rule.
 *   held    mallinfo2 arena + hblkhd: the sbrk heap and the mmapped blocks
 *   in_use  mallinfo2 uordblks + hblkhd: what callers hold of it now
 * Process-wide: the meter subtracts the in_use of before the pass.
 */
#ifndef BENCH_GLIBC_HEAP_H
#define BENCH_GLIBC_HEAP_H

#include <malloc.h>

#include "adapter.h"

#define GLIBC_HEAP_HELD_SOURCE "glibc mallinfo2: arena + hblkhd"

static inline void glibc_heap_held(void *env, bench_held *out)
{
    struct mallinfo2 mi = mallinfo2();
    (void)env;
    out->held = mi.arena + mi.hblkhd;
    out->in_use = mi.uordblks + mi.hblkhd;
    out->exact_peak = 0;
}

/* Before a measuring pass: give back the free memory at the top of the
 * heap, so the pass starts from the heap the process uses, not from what
 * startup freed (what stays free in the middle counts as held: glibc's). */
static inline void glibc_heap_settle(const bench_open_opts *o)
{
    if (o->measure)
        malloc_trim(0);
}

#endif
