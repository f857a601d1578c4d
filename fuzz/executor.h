/*
 * executor.h - the state of one run of the executor, shared by the files
 * that make up the executor (executor.c, edges.c).  Private to fuzz/.
 */
#ifndef FUZZ_EXECUTOR_H
#define FUZZ_EXECUTOR_H

#include <stddef.h>
#include <stdint.h>

#include "adapter.h"
#include "harness.h"
#include "model.h"

/* Rations per input: each of these costs far more than an op, and a
 * fuzzer rewarded for their coverage would fill inputs with them. */
#define FUZZ_CHECK_BUDGET ((size_t)1 << 15)  /* estimated self-check steps per run */
#define FUZZ_CHECK_MAX_ONE ((size_t)1 << 16) /* one self-check estimated above this is skipped */
#define FUZZ_SWEEPS 4u                       /* `check` sweeps of every block per run */
#define FUZZ_TAMPERS 4u                      /* `tamper` ops that run, per run */
#define FUZZ_UPSTREAM_CAP ((size_t)96 << 10) /* the harness's "system" refuses bigger blocks
                                              * (ASan's malloc served them by mmap, slowly; the
                                              * arena keeps the cap, so inputs mean the same) */
#define FUZZ_SYSTEM_CAP ((size_t)4 << 20)    /* the most a peer (no upstream of ours) is asked for */
#define FUZZ_PAGE 4096u
#define FUZZ_HUGE ((size_t)1 << 20)
#define FUZZ_CACHE_CAPACITY 4u

typedef struct exec exec_t;

/* One allocator instance of the run and the upstreams under it. */
typedef struct role {
    const fuzz_adapter_t *ad;   /* NULL: the target has no such role */
    void *inst;                 /* NULL: not created (or its create failed) */
    alloc_counting_t count;     /* counts and fails on demand */
    alloc_caching_t cache;      /* over count, for create over env.cached */
    fuzz_env_t env;
} role_t;

typedef struct cleanup_tag {
    exec_t *x;
    size_t index;
} cleanup_tag_t;

struct exec {
    const fuzz_target_t *t;
    const char *label;
    size_t op_index; /* 1-based; 0 during setup */
    const fuzz_op_t *op;
    int at_end;
    int paranoid;    /* sweep and self-check after every op */
    role_t role[FUZZ_ROLES];   /* 0: heap, 1: pool */
    fuzz_model_t model;
    cleanup_tag_t tags[FUZZ_CLEANUPS];
    struct { const void *at; size_t size; } records[FUZZ_CLEANUPS]; /* cleanup records, for overlaps */
    size_t check_spent;  /* estimated self-check steps so far */
    size_t sweeps_left;
    size_t tampers_left;
};

/* Print what broke (op index and text, input name) and abort. */
void exec_fail(const exec_t *x, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3), noreturn))
#endif
    ;

/* A check of the executor: on failure, report and abort. */
#define EXEC_CHECK(x, cond, ...)             \
    do {                                     \
        if (!(cond))                         \
            exec_fail((x), __VA_ARGS__);     \
    } while (0)

/* The `edges` op's part that is no allocator's: the upstreams' own answers. */
void exec_edges_upstreams(exec_t *x);

#endif
