/*
 * lifo.h - allocate and immediately free, random size 8..128.  One
 * operation = one allocate + one free.  No fragmentation figure: at most one
 * block is live.
 */
#ifndef BENCH_WORKLOADS_LIFO_H
#define BENCH_WORKLOADS_LIFO_H

#include "common.h"

#define LIFO_RING 65536u
#define LIFO_BATCH 1024

BENCH_INLINE void lifo_steps(const bench_adapter *A, void *inst, const uint16_t *size, size_t *pos,
                             size_t steps)
{
    size_t at = *pos;
    for (size_t i = 0; i < steps; i++, at++) {
        size_t n = size[at & (LIFO_RING - 1)];
        void *p = A->alloc(inst, n);
        BENCH_CHECK(p, A, "lifo");
        bench_touch(p, n);
        A->free(inst, p, n);
    }
    *pos = at;
}

BENCH_INLINE void workload_lifo(cbench_state *st, const bench_adapter *A)
{
    bench_rng r = {BENCH_SEED};
    uint16_t *size = (uint16_t *)malloc(LIFO_RING * sizeof *size);
    void *env, *inst;
    size_t pos = 0;
    if (size == NULL) {
        cbench_skip_with_error(st, "lifo: out of memory");
        return;
    }
    for (size_t i = 0; i < LIFO_RING; i++)
        size[i] = (uint16_t)bench_rng_range(&r, 8, 128);
    if (!cbench_measuring(st) && bench_open(st, A, 0, &env, &inst, NULL)) {
        while (cbench_keep_running_batch(st, LIFO_BATCH))
            lifo_steps(A, inst, size, &pos, LIFO_BATCH);
        bench_close(A, env, inst);
        cbench_set_items_processed(st, cbench_iterations(st));
    }
    free(size);
}

#endif
