/*
 * adapter.h - one allocator, as the benchmark workloads see it.
 *
 * Every allocator compared (glibc malloc, our size-class allocator and
 * region pool, obstack, a bare bump pointer, jemalloc, tcmalloc, mimalloc)
 * is one `bench_adapter`: a name, capability flags, the workloads it takes
 * part in, and a table of functions.  Workloads never name an allocator.
 *
 * Two lifetimes:
 *   env       long-lived, one per benchmark run (upstreams, caches, counts);
 *   instance  what the allocator calls a heap / pool / obstack; a workload
 *             may create and destroy many per env (one per request).
 * For malloc-like allocators the instance is the env itself.
 *
 * The adapter's indirection stays out of the timed loops: each adapter file
 * defines its table as a `static const` object and includes instantiate.h,
 * which inlines the workloads with that constant table, so the compiler
 * turns every call through it into a direct call.  lifo/<x>-via-pointer
 * measures what the indirection would have cost.
 */
#ifndef BENCH_ADAPTER_H
#define BENCH_ADAPTER_H

#include <stddef.h>

/* Capability flags: how the lifecycle workload releases a request's blocks
 * (which functions exist at all is said by `workloads`). */
#define BENCH_CAP_RESET 0x08u          /* free everything at once, keep the memory */
#define BENCH_CAP_DESTROY_FREES 0x10u  /* destroying an instance frees its blocks */

/* Workloads an adapter takes part in. */
#define BENCH_W_CHURN 0x01u
#define BENCH_W_LIFO 0x02u
#define BENCH_W_LIFECYCLE 0x04u
#define BENCH_W_LIFECYCLE_CREATE 0x08u
#define BENCH_W_REALLOC 0x10u
#define BENCH_W_TRACE 0x20u

typedef struct bench_open_opts {
    int measure;  /* count bytes taken from the system exactly, where the allocator can */
    int cache;    /* keep freed blocks across instances (per-request pools) */
} bench_open_opts;

/* One reading of the memory an allocator holds (see workloads/common.h for
 * how the measuring pass turns readings into its one held-bytes figure). */
typedef struct bench_held {
    size_t held;        /* bytes now held from the system on behalf of the allocator */
    size_t in_use;      /* process-wide readers: bytes in use by anyone now; else 0 */
    size_t exact_peak;  /* the exact peak of held since open, if tracked; else 0 */
} bench_held;

typedef struct bench_adapter {
    const char *name;
    unsigned caps;
    unsigned workloads;
    /* How held is read, for the report ("counting upstream",
     * "glibc mallinfo2 arena+hblkhd", ...). */
    const char *held_source;

    void *(*open)(const bench_open_opts *opts);   /* NULL on failure */
    void (*close)(void *env);
    void *(*create)(void *env);                   /* NULL on failure */
    void (*destroy)(void *env, void *inst);
    void *(*alloc)(void *inst, size_t n);         /* n >= 0; NULL on failure */
    void (*free)(void *inst, void *p, size_t n);
    void *(*realloc)(void *inst, void *p, size_t old_n, size_t new_n);
    void (*reset)(void *inst);
    /* Fill *out with a reading for env (process-wide for allocators that
     * replace malloc: they cannot tell one caller from another). */
    void (*held)(void *env, bench_held *out);
} bench_adapter;

/* A stand-in for the functions an adapter lacks (its caps say so and the
 * workloads never call it): aborts, because calling it is a harness bug. */
void bench_adapter_missing_free(void *inst, void *p, size_t n);
void *bench_adapter_missing_realloc(void *inst, void *p, size_t old_n, size_t new_n);
void bench_adapter_missing_reset(void *inst);

#endif
