/*
 * instantiate.h - compile every workload against one adapter and register
 * the benchmarks it takes part in.
 *
 * Include at the end of an adapter file, after defining:
 *   BENCH_ADAPTER     the adapter's `static const bench_adapter` object
 *   BENCH_ADAPTER_ID  an identifier; defines bench_register_<ID>()
 *   BENCH_ADAPTER_VIA_POINTER (optional) also register lifo/<name>-via-pointer,
 *                     the same loop calling through a pointer the compiler
 *                     cannot see through: the cost of the adapter's
 *                     indirection, which the other benchmarks do not pay.
 * May be included more than once in a file, with different definitions.
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

#define BI_CAT2(a, b) a##b
#define BI_CAT(a, b) BI_CAT2(a, b)
#define BI_FN(w) BI_CAT(BI_CAT(BENCH_ADAPTER_ID, _), w)

static void BI_FN(churn)(cbench_state *st, void *ctx)
{
    (void)ctx;
    workload_churn(st, &BENCH_ADAPTER);
}

static void BI_FN(lifo)(cbench_state *st, void *ctx)
{
    (void)ctx;
    workload_lifo(st, &BENCH_ADAPTER);
}

static void BI_FN(lifecycle)(cbench_state *st, void *ctx)
{
    (void)ctx;
    workload_lifecycle(st, &BENCH_ADAPTER);
}

static void BI_FN(lifecycle_create)(cbench_state *st, void *ctx)
{
    (void)ctx;
    workload_lifecycle_create(st, &BENCH_ADAPTER);
}

static void BI_FN(realloc_double)(cbench_state *st, void *ctx)
{
    (void)ctx;
    workload_realloc_double(st, &BENCH_ADAPTER);
}

static void BI_FN(realloc_step)(cbench_state *st, void *ctx)
{
    (void)ctx;
    workload_realloc_step(st, &BENCH_ADAPTER);
}

static void BI_FN(resize)(cbench_state *st, void *ctx)
{
    (void)ctx;
    workload_resize(st, &BENCH_ADAPTER);
}

static void BI_FN(replay)(cbench_state *st, void *ctx)
{
    workload_replay(st, &BENCH_ADAPTER, (const bench_trace *)ctx);
}

#ifdef BENCH_ADAPTER_VIA_POINTER
static void BI_FN(lifo_via_pointer)(cbench_state *st, void *ctx)
{
    const bench_adapter *volatile hidden = &BENCH_ADAPTER;
    (void)ctx;
    workload_lifo(st, hidden);
}
#endif

void BI_CAT(bench_register_, BENCH_ADAPTER_ID)(const bench_trace *traces, size_t ntraces)
{
    static const int64_t churn_sizes[] = {1000, 10000, 100000};
    static const int64_t objects_per_request[] = {LIFECYCLE_OBJECTS, LIFECYCLE_OBJECTS_BIG};
    const bench_adapter *A = &BENCH_ADAPTER;
    char name[160];
    if (A->workloads & BENCH_W_CHURN) {
        snprintf(name, sizeof name, "churn/%s", A->name);
        for (size_t i = 0; i < sizeof churn_sizes / sizeof churn_sizes[0]; i++)
            cbench_register(name, BI_FN(churn), NULL, &churn_sizes[i], 1);
    }
    if (A->workloads & BENCH_W_LIFO) {
        snprintf(name, sizeof name, "lifo/%s", A->name);
        cbench_register(name, BI_FN(lifo), NULL, NULL, 0);
#ifdef BENCH_ADAPTER_VIA_POINTER
        snprintf(name, sizeof name, "lifo/%s-via-pointer", A->name);
        cbench_register(name, BI_FN(lifo_via_pointer), NULL, NULL, 0);
#endif
    }
    if (A->workloads & BENCH_W_LIFECYCLE) {
        snprintf(name, sizeof name, "lifecycle/%s", A->name);
        for (size_t i = 0; i < 2; i++)
            cbench_register(name, BI_FN(lifecycle), NULL, &objects_per_request[i], 1);
    }
    if (A->workloads & BENCH_W_LIFECYCLE_CREATE) {
        snprintf(name, sizeof name, "lifecycle-create/%s", A->name);
        for (size_t i = 0; i < 2; i++)
            cbench_register(name, BI_FN(lifecycle_create), NULL, &objects_per_request[i], 1);
    }
    if (A->workloads & BENCH_W_REALLOC) {
        snprintf(name, sizeof name, "realloc-double/%s", A->name);
        cbench_register(name, BI_FN(realloc_double), NULL, NULL, 0);
        snprintf(name, sizeof name, "realloc-step/%s", A->name);
        cbench_register(name, BI_FN(realloc_step), NULL, NULL, 0);
        snprintf(name, sizeof name, "resize/%s", A->name);
        cbench_register(name, BI_FN(resize), NULL, NULL, 0);
    }
    if (A->workloads & BENCH_W_TRACE) {
        for (size_t i = 0; i < ntraces; i++) {
            snprintf(name, sizeof name, "trace/%s/%s", A->name, traces[i].name);
            cbench_register(name, BI_FN(replay), (void *)&traces[i], NULL, 0);
        }
    }
}

#undef BI_FN
#undef BI_CAT
#undef BI_CAT2
