/*
 * lifecycle.h - the web-server request pattern the region pool exists for:
 * allocate `n` objects of mixed sizes (16..512, one in 64 of 4096..16384,
 * above the pool's small maximum), then release them all at once: reset
 * where the allocator has it, otherwise free each one.  One operation = one
 * object allocated and released.
 *
 * lifecycle-create: the same, but each request creates its own instance and
 * destroys it at the end, as servers do with a pool per request.
 */
#ifndef BENCH_WORKLOADS_LIFECYCLE_H
#define BENCH_WORKLOADS_LIFECYCLE_H

#include "common.h"

#define LIFECYCLE_RING 65536u
#define LIFECYCLE_MEASURE_REQUESTS 64

typedef struct lifecycle_data {
    size_t n;            /* objects per request */
    uint16_t *size;
    void **ptr;
    uint16_t *ptr_size;
    size_t pos;
} lifecycle_data;

static inline int lifecycle_prepare(lifecycle_data *d, size_t n)
{
    bench_rng r = {BENCH_SEED};
    d->n = n;
    d->pos = 0;
    d->size = (uint16_t *)malloc(LIFECYCLE_RING * sizeof *d->size);
    d->ptr = (void **)calloc(n ? n : 1, sizeof *d->ptr);
    d->ptr_size = (uint16_t *)calloc(n ? n : 1, sizeof *d->ptr_size);
    if (!d->size || !d->ptr || !d->ptr_size || n == 0 || n > LIFECYCLE_RING)
        return 0;
    for (size_t i = 0; i < LIFECYCLE_RING; i++) {
        if (bench_rng_next(&r) % 64 == 0)
            d->size[i] = (uint16_t)bench_rng_range(&r, 4096, 16384);
        else
            d->size[i] = (uint16_t)bench_rng_range(&r, 16, 512);
    }
    return 1;
}

static inline void lifecycle_release(lifecycle_data *d)
{
    free(d->size);
    free(d->ptr);
    free(d->ptr_size);
}

/* One request.  per_request: create and destroy an instance around it (inst
 * is ignored), else use inst and release by reset or by freeing. */
BENCH_INLINE void lifecycle_request(const bench_adapter *A, void *env, void *inst, lifecycle_data *d,
                                    int per_request, bench_meter *m)
{
    size_t pos = d->pos;
    /* Released all at once (reset, or destroy of the request's instance):
     * nothing to remember, as a server using a pool remembers nothing.
     * Otherwise every pointer and size is kept to be freed.  A compile-time
     * constant once the adapter is inlined. */
    const int release_at_once = per_request ? (A->caps & BENCH_CAP_DESTROY_FREES) != 0
                                            : (A->caps & BENCH_CAP_RESET) != 0;
    if (per_request) {
        inst = A->create(env);
        BENCH_CHECK(inst, A, "lifecycle-create");
    }
    for (size_t i = 0; i < d->n; i++, pos++) {
        size_t n = d->size[pos & (LIFECYCLE_RING - 1)];
        void *p = A->alloc(inst, n);
        BENCH_CHECK(p, A, "lifecycle");
        bench_touch(p, n);
        if (!release_at_once) {
            d->ptr[i] = p;
            d->ptr_size[i] = (uint16_t)n;
        }
        bench_meter_add(m, p, n);
    }
    d->pos = pos;
    if (m)
        bench_meter_sample(m);
    if (release_at_once && per_request) {
        A->destroy(env, inst);
    } else if (release_at_once) {
        A->reset(inst);
    } else {
        for (size_t i = 0; i < d->n; i++)
            A->free(inst, d->ptr[i], d->ptr_size[i]);
        if (per_request)
            A->destroy(env, inst);
    }
    if (m)
        m->live = 0;
}

BENCH_INLINE void lifecycle_run(cbench_state *st, const bench_adapter *A, int per_request)
{
    lifecycle_data d;
    void *env, *inst;
    bench_meter m;
    if (!lifecycle_prepare(&d, (size_t)cbench_arg(st, 0))) {
        cbench_skip_with_error(st, "lifecycle: bad object count or out of memory");
        lifecycle_release(&d);
        return;
    }
    if (!cbench_measuring(st) && bench_open(st, A, per_request, &env, &inst, NULL)) {
        while (cbench_keep_running_batch(st, (int64_t)d.n))
            lifecycle_request(A, env, inst, &d, per_request, NULL);
        bench_close(A, env, inst);
        cbench_set_items_processed(st, cbench_iterations(st));
    }

    if (cbench_measuring(st) && bench_open(st, A, per_request, &env, &inst, &m)) {
        d.pos = 0;
        for (int i = 0; i < LIFECYCLE_MEASURE_REQUESTS; i++)
            lifecycle_request(A, env, inst, &d, per_request, &m);
        A->destroy(env, inst);
        bench_meter_report(st, &m);
        A->close(env);
    }
    lifecycle_release(&d);
}

BENCH_INLINE void workload_lifecycle(cbench_state *st, const bench_adapter *A)
{
    lifecycle_run(st, A, 0);
}

BENCH_INLINE void workload_lifecycle_create(cbench_state *st, const bench_adapter *A)
{
    lifecycle_run(st, A, 1);
}

#endif
