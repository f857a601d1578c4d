/*
 * instantiate.h - compile every workload against one adapter and register
 * the benchmarks it takes part in.
 *
 * Include once, at the end of an adapter file (one adapter a file), after
 * defining:
 *   BENCH_ADAPTER     the adapter's `static const bench_adapter` object
 *   BENCH_ADAPTER_VIA_POINTER (optional) also register lifo/<name>-via-pointer,
 *                     the same loop calling through a pointer the compiler
 *                     cannot see through: the cost of the adapter's
 *                     indirection, which the other benchmarks do not pay.
 * It defines static functions (plain names: each adapter file is its own
 * translation unit) and instantiated_register(), which the adapter file's
 * bench_register_<name>() (registry.h) calls.
 */
#include <stdio.h>

#include "adapter.h"
#include "registry.h"
#include "workloads/churn.h"
#include "workloads/lifecycle.h"
#include "workloads/lifo.h"
#include "workloads/realloc.h"
#include "workloads/replay.h"
#include "workloads/resize.h"

static void bm_churn(cbench_state *st, void *ctx)
{
    (void)ctx;
    workload_churn(st, &BENCH_ADAPTER);
}

static void bm_lifo(cbench_state *st, void *ctx)
{
    (void)ctx;
    workload_lifo(st, &BENCH_ADAPTER);
}

static void bm_lifecycle(cbench_state *st, void *ctx)
{
    (void)ctx;
    workload_lifecycle(st, &BENCH_ADAPTER);
}

static void bm_lifecycle_create(cbench_state *st, void *ctx)
{
    (void)ctx;
    workload_lifecycle_create(st, &BENCH_ADAPTER);
}

static void bm_realloc_double(cbench_state *st, void *ctx)
{
    (void)ctx;
    workload_realloc_double(st, &BENCH_ADAPTER);
}

static void bm_realloc_step(cbench_state *st, void *ctx)
{
    (void)ctx;
    workload_realloc_step(st, &BENCH_ADAPTER);
}

static void bm_resize(cbench_state *st, void *ctx)
{
    (void)ctx;
    workload_resize(st, &BENCH_ADAPTER);
}

static void bm_replay(cbench_state *st, void *ctx)
{
    workload_replay(st, &BENCH_ADAPTER, (const bench_trace *)ctx);
}

static void bm_replay_end(cbench_state *st, void *ctx)
{
    workload_replay_end(st, &BENCH_ADAPTER, (const bench_trace *)ctx);
}

#ifdef BENCH_ADAPTER_VIA_POINTER
static void bm_lifo_via_pointer(cbench_state *st, void *ctx)
{
    const bench_adapter *volatile hidden = &BENCH_ADAPTER;
    (void)ctx;
    workload_lifo(st, hidden);
}
#endif

static void instantiated_register(const bench_trace *traces, size_t ntraces)
{
    static const int64_t churn_sizes[] = {1000, 10000, 100000};
    static const int64_t objects_per_request[] = {LIFECYCLE_OBJECTS, LIFECYCLE_OBJECTS_BIG};
    const bench_adapter *A = &BENCH_ADAPTER;
    char name[160];
    if (A->workloads & BENCH_W_CHURN) {
        snprintf(name, sizeof name, "churn/%s", A->name);
        for (size_t i = 0; i < sizeof churn_sizes / sizeof churn_sizes[0]; i++)
            cbench_register(name, bm_churn, NULL, &churn_sizes[i], 1);
    }
    if (A->workloads & BENCH_W_LIFO) {
        snprintf(name, sizeof name, "lifo/%s", A->name);
        cbench_register(name, bm_lifo, NULL, NULL, 0);
#ifdef BENCH_ADAPTER_VIA_POINTER
        snprintf(name, sizeof name, "lifo/%s-via-pointer", A->name);
        cbench_register(name, bm_lifo_via_pointer, NULL, NULL, 0);
#endif
    }
    if (A->workloads & BENCH_W_LIFECYCLE) {
        snprintf(name, sizeof name, "lifecycle/%s", A->name);
        for (size_t i = 0; i < 2; i++)
            cbench_register(name, bm_lifecycle, NULL, &objects_per_request[i], 1);
    }
    if (A->workloads & BENCH_W_LIFECYCLE_CREATE) {
        snprintf(name, sizeof name, "lifecycle-create/%s", A->name);
        for (size_t i = 0; i < 2; i++)
            cbench_register(name, bm_lifecycle_create, NULL, &objects_per_request[i], 1);
    }
    if (A->workloads & BENCH_W_REALLOC) {
        snprintf(name, sizeof name, "realloc-double/%s", A->name);
        cbench_register(name, bm_realloc_double, NULL, NULL, 0);
        snprintf(name, sizeof name, "realloc-step/%s", A->name);
        cbench_register(name, bm_realloc_step, NULL, NULL, 0);
        snprintf(name, sizeof name, "resize/%s", A->name);
        cbench_register(name, bm_resize, NULL, NULL, 0);
    }
    if (A->workloads & BENCH_W_TRACE) {
        for (size_t i = 0; i < ntraces; i++) {
            snprintf(name, sizeof name, "trace/%s/%s", A->name, traces[i].name);
            cbench_register(name, bm_replay, (void *)&traces[i], NULL, 0);
            if (traces[i].live_at_end > 0) {
                snprintf(name, sizeof name, "trace-end/%s/%s", A->name, traces[i].name);
                cbench_register_instructions_only(name, bm_replay_end, (void *)&traces[i], NULL, 0);
            }
        }
    }
}

