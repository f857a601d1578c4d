/*
 * adapter.h - what the fuzz executor needs to know about an allocator.
 *
 * An adapter is a table of functions with a name and capability flags.  The
 * executor (executor.c) runs any op stream against any adapter: an op whose
 * capability the adapter lacks is skipped, always, so a crash still replays.
 * To fuzz your own allocator, write one C file that defines a
 * `const fuzz_adapter_t` and add one line to fuzz/CMakeLists.txt
 * (fuzz_adapter(NAME FILE LIBS...)); fuzz/README.md walks through it.
 *
 * Every function pointer may be NULL when the matching capability is off.
 * An instance is whatever `create` returns; the executor passes it back.
 */
#ifndef FUZZ_ADAPTER_H
#define FUZZ_ADAPTER_H

#include <stddef.h>
#include <stdint.h>

#include "alloc/upstream.h"

typedef enum fuzz_cap {
    FUZZ_CAP_HEAP = 1u << 0,        /* alloc / free: blocks freed one by one */
    FUZZ_CAP_SIZED_FREE = 1u << 1,  /* free needs the block's size (it is always passed) */
    FUZZ_CAP_REALLOC = 1u << 2,     /* realloc keeps min(old, new) bytes */
    FUZZ_CAP_POOL = 1u << 3,        /* palloc / pnalloc / pcalloc: freed all at once by reset */
    FUZZ_CAP_PMEMALIGN = 1u << 4,   /* pmemalign(n, align): any power of two */
    FUZZ_CAP_PFREE = 1u << 5,       /* pfree answers OK exactly for live large blocks */
    FUZZ_CAP_RESET = 1u << 6,       /* reset frees every block of the instance at once */
    FUZZ_CAP_CLEANUP = 1u << 7,     /* cleanup handlers, run newest first at reset and destroy */
    FUZZ_CAP_STATS = 1u << 8,       /* stats() fills fuzz_stats_t, compared with the model */
    FUZZ_CAP_SELF_CHECK = 1u << 9,  /* self_check() counts broken invariants */
    FUZZ_CAP_UPSTREAM = 1u << 10,   /* takes memory from env->upstream: fault injection, byte
                                     * counts, and destroy must give every byte back */
    FUZZ_CAP_POISONS = 1u << 11,    /* freed small blocks and reset pools are ASan-poisoned */
    FUZZ_CAP_OPTIONS = 1u << 12,    /* `new` takes options (sca-new G L B, rp-new SIZE) */
    FUZZ_CAP_CACHED_UPSTREAM = 1u << 13, /* can be created over env->cached (rp-new-cached) */
} fuzz_cap_t;

/* Where an instance takes its memory from (FUZZ_CAP_UPSTREAM). */
typedef struct fuzz_env {
    alloc_upstream_t upstream;   /* counting upstream: fails on demand, counts every byte */
    alloc_upstream_t cached;     /* a caching upstream over the same counting one */
} fuzz_env_t;

/* The parameters of `new` (sca-new G L B; rp-new SIZE).  Adapters without
 * FUZZ_CAP_OPTIONS ignore them. */
typedef struct fuzz_new_args {
    size_t a, b, c;    /* sca: granule, small limit, batch; pool: block size */
    int defaults;      /* 1: the adapter's defaults (the start of every run) */
    int cached;        /* 1: over env->cached */
} fuzz_new_args_t;

/* The statistics the executor compares with its model.  An adapter with
 * FUZZ_CAP_STATS fills every field with its own figures. */
typedef struct fuzz_stats {
    size_t requested_live;    /* bytes requested by live blocks (fuzz_adapter_t.charge) */
    size_t requested_peak;    /* since create */
    size_t blocks_live;       /* live blocks (heaps only; pools do not count small ones) */
    size_t large_live;        /* live large blocks */
    size_t reallocs;          /* successful reallocs */
    size_t failed;            /* requests answered NULL (as the adapter counts them) */
    size_t upstream_held;     /* bytes it holds from upstream right now */
    size_t upstream_peak;
    size_t cleanups;          /* cleanup records listed */
    size_t resets;
} fuzz_stats_t;

/* Symbols a size operand may name, resolved per instance (fuzz_adapter_t.param). */
typedef enum fuzz_param {
    FUZZ_PARAM_GRANULE,      /* G: the size-class step (8 for most heaps) */
    FUZZ_PARAM_SMALL_LIMIT,  /* L: largest small size */
    FUZZ_PARAM_POOL_MAX,     /* M: largest request served from pool blocks */
    FUZZ_PARAM_BLOCK_SIZE,   /* B: pool block size */
} fuzz_param_t;

typedef void (*fuzz_cleanup_fn)(void *arg);

typedef struct fuzz_cleanup_out {
    void *data;              /* n bytes for the caller (NULL when n == 0) */
    const void *record;      /* where the adapter keeps the record, if in its memory */
    size_t record_size;
    int too_big;
} fuzz_cleanup_out_t;

/* The executor's report channel for adapter hooks (edges, tamper). */
typedef struct fuzz_reporter {
    void (*fail)(void *ctx, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;
    void *ctx;
} fuzz_reporter_t;

typedef struct fuzz_adapter {
    const char *name;
    unsigned caps;          /* fuzz_cap_t flags */
    size_t align;           /* every alloc/palloc/pcalloc/large block is aligned so */

    /* NULL when the options are invalid (*invalid set) or upstream failed. */
    void *(*create)(const fuzz_env_t *env, const fuzz_new_args_t *args, int *invalid);
    void (*destroy)(void *inst);

    void *(*alloc)(void *inst, size_t n);
    void (*free)(void *inst, void *p, size_t n);
    void *(*realloc)(void *inst, void *p, size_t old_n, size_t new_n);

    void *(*palloc)(void *inst, size_t n);
    void *(*pnalloc)(void *inst, size_t n);     /* no alignment promised */
    void *(*pcalloc)(void *inst, size_t n);     /* zeroed */
    void *(*pmemalign)(void *inst, size_t n, size_t align);
    int (*pfree)(void *inst, void *p);          /* 1: OK (freed), 0: declined */
    void (*reset)(void *inst);
    /* A cleanup with data of n bytes; fn(arg) runs at reset and destroy
     * (fn NULL: a record with no handler).  Returns 0 with *out filled, or
     * -1 when refused (out->too_big set when n is above what the adapter
     * accepts, without asking upstream; otherwise out of memory). */
    int (*cleanup_add)(void *inst, size_t n, fuzz_cleanup_fn fn, void *arg, fuzz_cleanup_out_t *out);

    /* 1 if a request of n bytes is served as a large block (pfree-able in a
     * pool; counted in large_live). */
    int (*is_large)(const void *inst, size_t n);
    /* The bytes a block of n counts in requested_live (most: n). */
    size_t (*charge)(const void *inst, size_t n, int large);
    /* The value of a size symbol for this instance. */
    size_t (*param)(const void *inst, fuzz_param_t which);
    /* Extra checks on a new block of n bytes at p (class size, alignment by
     * class).  Returns NULL, or a message (static storage) on failure. */
    const char *(*check_block)(const void *inst, const void *p, size_t n);

    void (*stats)(const void *inst, fuzz_stats_t *out);
    size_t (*self_check)(const void *inst);

    /* Break one invariant on purpose (mode picks which), ask self_check,
     * repair, ask again.  Returns 0 when it ran (*broken, *after filled and
     * *what names the break), -1 when there was nothing to break.  It must
     * not allocate or free.  hint: for a heap, a block of hint_size bytes
     * the executor has just freed (a free-list head, when hint_size is
     * small for the heap); for a pool, the newest cleanup record.
     * Everything is as before when it returns. */
    int (*tamper)(void *inst, unsigned mode, void *hint, size_t hint_size, size_t *broken, size_t *after,
                  const char **what);
    /* The API's answers to bad input (NULL instances, invalid options), on
     * instances of its own; failures through r.  They take no input, so
     * the executor runs them once a process, at the first `edges` op (a
     * replay's first such input runs them; a fuzzing run is spared their
     * mallocs and fresh instances at every later one).  inst may be NULL. */
    void (*edges)(void *inst, const fuzz_reporter_t *r);
    /* Exact accounting: after each op, does what the instance took from
     * upstream match the adapter's reference model of its rules?  Returns
     * NULL, or a message (static storage) naming the first difference.
     * After an op that may have changed the instance the executor calls
     * stats, then account, with nothing in between (account may reuse what
     * stats read); after ops that change nothing (fail, fail-at, check,
     * edges) neither. */
    const char *(*account)(void *inst);
} fuzz_adapter_t;

#endif
