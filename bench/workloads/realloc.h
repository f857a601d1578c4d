/*
 * realloc.h - grow a buffer by reallocate, touching the new tail each time.
 *   realloc-double: 16 bytes doubled up to 64 KiB (12 reallocates a round);
 *   realloc-step:   16 bytes grown by 16 up to 4 KiB (255 a round), the
 *                   string-builder pattern.
 * One operation = one reallocate (the round's first allocate and last free
 * are spread over them).
 */
#ifndef BENCH_WORKLOADS_REALLOC_H
#define BENCH_WORKLOADS_REALLOC_H

#include "common.h"

#define REALLOC_START 16u
#define REALLOC_DOUBLE_END 65536u
#define REALLOC_STEP 16u
#define REALLOC_STEP_END 4096u

/* Reallocates in one round of the given mode (doubling or not). */
static inline size_t realloc_round_ops(int doubling)
{
    size_t ops = 0;
    for (size_t n = REALLOC_START; n < (doubling ? REALLOC_DOUBLE_END : REALLOC_STEP_END);
         n = doubling ? 2 * n : n + REALLOC_STEP)
        ops++;
    return ops;
}

BENCH_INLINE void realloc_round(const bench_adapter *A, void *inst, int doubling, bench_meter *m)
{
    size_t n = REALLOC_START;
    size_t end = doubling ? REALLOC_DOUBLE_END : REALLOC_STEP_END;
    void *p = A->alloc(inst, n);
    BENCH_CHECK(p, A, "realloc");
    bench_touch(p, n);
    bench_meter_add(m, p, n);
    while (n < end) {
        size_t next = doubling ? 2 * n : n + REALLOC_STEP;
        p = A->realloc(inst, p, n, next);
        BENCH_CHECK(p, A, "realloc");
        bench_touch(p, next);
        bench_meter_sub(m, n);
        bench_meter_add(m, p, next);
        if (m)
            bench_meter_sample(m);
        n = next;
    }
    A->free(inst, p, n);
    bench_meter_sub(m, n);
}

BENCH_INLINE void realloc_run(cbench_state *st, const bench_adapter *A, int doubling)
{
    void *env, *inst;
    bench_meter m;
    int64_t ops = (int64_t)realloc_round_ops(doubling);
    if (!cbench_measuring(st) && bench_open(st, A, 0, &env, &inst, NULL)) {
        while (cbench_keep_running_batch(st, ops))
            realloc_round(A, inst, doubling, NULL);
        bench_close(A, env, inst);
        cbench_set_items_processed(st, cbench_iterations(st));
    }

    if (cbench_measuring(st) && bench_open(st, A, 0, &env, &inst, &m)) {
        for (int i = 0; i < 8; i++)
            realloc_round(A, inst, doubling, &m);
        A->destroy(env, inst);
        bench_meter_report(st, &m);
        A->close(env);
    }
}

BENCH_INLINE void workload_realloc_double(cbench_state *st, const bench_adapter *A)
{
    realloc_run(st, A, 1);
}

BENCH_INLINE void workload_realloc_step(cbench_state *st, const bench_adapter *A)
{
    realloc_run(st, A, 0);
}

#endif
