/*
 * churn.h - small-object churn: a working set of `ws` live objects of random
 * size 8..128; each step frees one at random and allocates a new one in its
 * place.  One operation = one free + one allocate.
 */
#ifndef BENCH_WORKLOADS_CHURN_H
#define BENCH_WORKLOADS_CHURN_H

#include "common.h"

#define CHURN_RING 65536u  /* precomputed steps, replayed in a ring */
#define CHURN_BATCH 1024
#define CHURN_MIN 8
#define CHURN_MAX 128

typedef struct churn_data {
    size_t ws;
    uint32_t *victim;    /* per step: which slot dies */
    uint16_t *size;      /* per step: size of the newcomer; first ws: initial fill */
    void **slot;
    uint16_t *slot_size;
    size_t pos;
} churn_data;

static inline int churn_prepare(churn_data *d, size_t ws)
{
    bench_rng r = {BENCH_SEED};
    size_t nsizes = CHURN_RING > ws ? CHURN_RING : ws;
    d->ws = ws;
    d->pos = 0;
    d->victim = (uint32_t *)malloc(CHURN_RING * sizeof *d->victim);
    d->size = (uint16_t *)malloc(nsizes * sizeof *d->size);
    d->slot = (void **)calloc(ws, sizeof *d->slot);
    d->slot_size = (uint16_t *)calloc(ws, sizeof *d->slot_size);
    if (!d->victim || !d->size || !d->slot || !d->slot_size || ws == 0)
        return 0;
    for (size_t i = 0; i < nsizes; i++)
        d->size[i] = (uint16_t)bench_rng_range(&r, CHURN_MIN, CHURN_MAX);
    for (size_t i = 0; i < CHURN_RING; i++)
        d->victim[i] = (uint32_t)bench_rng_range(&r, 0, ws - 1);
    return 1;
}

static inline void churn_release(churn_data *d)
{
    free(d->victim);
    free(d->size);
    free(d->slot);
    free(d->slot_size);
}

BENCH_INLINE void churn_fill(const bench_adapter *A, void *inst, churn_data *d, bench_meter *m)
{
    for (size_t i = 0; i < d->ws; i++) {
        size_t n = d->size[i];
        void *p = A->alloc(inst, n);
        BENCH_CHECK(p, A, "churn");
        bench_touch(p, n);
        d->slot[i] = p;
        d->slot_size[i] = (uint16_t)n;
        bench_meter_add(m, p, n);
    }
}

BENCH_INLINE void churn_steps(const bench_adapter *A, void *inst, churn_data *d, size_t steps,
                              bench_meter *m)
{
    size_t pos = d->pos;
    void **slot = d->slot;
    uint16_t *slot_size = d->slot_size;
    for (size_t i = 0; i < steps; i++, pos++) {
        size_t k = pos & (CHURN_RING - 1);
        size_t v = d->victim[k];
        size_t n = d->size[k];
        A->free(inst, slot[v], slot_size[v]);
        bench_meter_sub(m, slot_size[v]);
        void *p = A->alloc(inst, n);
        BENCH_CHECK(p, A, "churn");
        bench_touch(p, n);
        slot[v] = p;
        slot_size[v] = (uint16_t)n;
        bench_meter_add(m, p, n);
    }
    d->pos = pos;
}

BENCH_INLINE void churn_drain(const bench_adapter *A, void *inst, churn_data *d, bench_meter *m)
{
    for (size_t i = 0; i < d->ws; i++) {
        A->free(inst, d->slot[i], d->slot_size[i]);
        bench_meter_sub(m, d->slot_size[i]);
        d->slot[i] = NULL;
    }
}

BENCH_INLINE void workload_churn(cbench_state *st, const bench_adapter *A)
{
    churn_data d;
    void *env, *inst;
    bench_meter m;
    if (!churn_prepare(&d, (size_t)cbench_arg(st, 0))) {
        cbench_skip_with_error(st, "churn: bad working set size or out of memory");
        churn_release(&d);
        return;
    }
    if (!cbench_measuring(st) && bench_open(st, A, 0, &env, &inst, NULL)) {
        churn_fill(A, inst, &d, NULL);
        while (cbench_keep_running_batch(st, CHURN_BATCH))
            churn_steps(A, inst, &d, CHURN_BATCH, NULL);
        churn_drain(A, inst, &d, NULL);
        bench_close(A, env, inst);
        cbench_set_items_processed(st, cbench_iterations(st));
    }
    /* The measuring pass runs instead of the timed loop, never after it, so
     * that it finds the heap as a fresh process has it. */
    if (cbench_measuring(st) && bench_open(st, A, 0, &env, &inst, &m)) {
        size_t rounds = 4 * d.ws / CHURN_BATCH + 16;
        d.pos = 0;
        churn_fill(A, inst, &d, &m);
        bench_meter_sample(&m);
        for (size_t i = 0; i < rounds; i++) {
            churn_steps(A, inst, &d, CHURN_BATCH, &m);
            bench_meter_sample(&m);
        }
        churn_drain(A, inst, &d, &m);
        A->destroy(env, inst);
        bench_meter_report(st, &m);
        A->close(env);
    }
    churn_release(&d);
}

#endif
