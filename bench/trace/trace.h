/*
 * trace.h - recorded allocation traces: the file format and its loader.
 *
 * Format (text, one operation a line, optionally xz-compressed; see
 * bench/traces/README.md):
 *   # comment lines (the recorder writes the program and its pid)
 *   m ID SIZE     allocate SIZE bytes, call the block ID
 *   f ID          free block ID
 *   r ID SIZE     resize block ID to SIZE bytes
 * IDs are small integers, reused after a free, so a replay needs a table of
 * only as many slots as blocks were ever live at once.  The loader checks
 * that the trace is consistent (no allocation to a live ID, no free or
 * resize of a dead one), so a replay needs no checks of its own.
 */
#ifndef BENCH_TRACE_H
#define BENCH_TRACE_H

#include <stddef.h>
#include <stdint.h>

enum { BENCH_TRACE_ALLOC = 'm', BENCH_TRACE_FREE = 'f', BENCH_TRACE_REALLOC = 'r' };

typedef struct bench_trace_op {
    uint32_t id;
    uint32_t size;
    char kind;  /* BENCH_TRACE_* */
} bench_trace_op;

typedef struct bench_trace {
    char name[64];        /* file name without directory, .xz and .trace */
    bench_trace_op *ops;  /* mmap'd: never in malloc's heap */
    size_t ops_bytes;     /* length of that mapping */
    size_t nops;
    size_t nids;          /* 1 + largest ID */
    size_t allocs, frees, reallocs;
    size_t live_at_end;   /* blocks the program left live: the replay frees them */
    size_t peak_live_bytes;
    size_t max_size;      /* largest size asked for */
} bench_trace;

/* Load and check the trace at path (a .trace, or a .trace.xz read through
 * `xz -dc`).  Returns 0 and fills t, or -1 with a message (file:line: what)
 * in err and t empty.  A line that is not exactly an operation (extra
 * fields included) is refused, as are sizes above 2^32-2 and IDs of 2^24
 * or more.  The loader's memory is mmap'd, never malloc'd (see trace.c). */
int bench_trace_load(const char *path, bench_trace *t, char *err, size_t errlen);

/* Release what bench_trace_load filled in.  t NULL: no-op. */
void bench_trace_free(bench_trace *t);

#endif
