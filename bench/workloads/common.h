/*
 * common.h - what every workload shares: the fixed-seed generator, the
 * touch of each block, and the meter of the untimed measuring pass.
 *
 * Workloads are header functions forced inline, so that instantiate.h can
 * compile each one against one adapter's constant function table (direct
 * calls in the timed loop, no indirection).
 */
#ifndef BENCH_WORKLOADS_COMMON_H
#define BENCH_WORKLOADS_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "cbench.h"

#define BENCH_INLINE static inline __attribute__((always_inline))

/* The seed every workload starts from: the same sizes and orders in every
 * run, on every allocator. */
#define BENCH_SEED UINT64_C(0x9e3779b97f4a7c15)

/* splitmix64: small, fast, good enough for sizes and victims. */
typedef struct bench_rng {
    uint64_t s;
} bench_rng;

static inline uint64_t bench_rng_next(bench_rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi] (hi - lo small compared to 2^64: bias negligible). */
static inline size_t bench_rng_range(bench_rng *r, size_t lo, size_t hi)
{
    return lo + (size_t)(bench_rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* Write the first and the last byte of a fresh block, so every allocator
 * pays for bringing its memory into the cache, and keep the stores. */
BENCH_INLINE void bench_touch(void *p, size_t n)
{
    unsigned char *b = (unsigned char *)p;
    if (n > 0) {
        b[0] = (unsigned char)n;
        b[n - 1] = (unsigned char)n;
    }
    cbench_escape(p);
}

/* ---------------------------------------------------------------------------
 * The meter: bytes live (as requested by the workload) and bytes held from
 * the system, each at its peak.  Only the measuring pass uses one, in a
 * child process of its own; the timed loops pass NULL, and the tracking
 * code disappears when the workloads are inlined.
 *
 * One definition for every allocator: peak held = the most bytes the
 * allocator held from the system during the pass (adapter.h: held), minus
 * the bytes the rest of the process had in use when the pass began
 * (bench_held.in_use, 0 for allocators that count only their own).  Memory
 * the allocator already held but that nothing used then (free chunks)
 * counts as held: it is the allocator's.  Held is read at every new peak of
 * live bytes (throttled to steps of 1/1024) and every 256 operations, so
 * held >= live holds at the live peak and overhead >= 1 for any allocator.
 * The pass writes every byte of each block, so resident-set readings see it.
 */
typedef struct bench_meter {
    const bench_adapter *A;
    void *env;
    size_t base;          /* in use before the pass: not the workload's */
    size_t peak_held;     /* maximum reading, minus base */
    size_t live;
    size_t peak_live;
    size_t sampled_live;  /* live at the last sample taken at a new peak */
} bench_meter;

static inline void bench_meter_begin(bench_meter *m, const bench_adapter *A, void *env)
{
    bench_held h = {0, 0, 0};
    A->held(env, &h);
    m->A = A;
    m->env = env;
    m->base = h.in_use;
    m->peak_held = 0;
    m->live = 0;
    m->peak_live = 0;
    m->sampled_live = 0;
}

/* Read what the allocator holds now. */
static inline void bench_meter_sample(bench_meter *m)
{
    bench_held h = {0, 0, 0};
    size_t now;
    m->A->held(m->env, &h);
    now = h.exact_peak > h.held ? h.exact_peak : h.held;
    now = now > m->base ? now - m->base : 0;
    if (now > m->peak_held)
        m->peak_held = now;
}

/* n more bytes live, in block p: written whole, and held read at a new peak. */
BENCH_INLINE void bench_meter_add(bench_meter *m, void *p, size_t n)
{
    if (m) {
        memset(p, 0xa5, n);
        m->live += n;
        if (m->live > m->peak_live) {
            m->peak_live = m->live;
            if (m->live - m->sampled_live > m->sampled_live / 1024) {
                m->sampled_live = m->live;
                bench_meter_sample(m);
            }
        }
    }
}

BENCH_INLINE void bench_meter_sub(bench_meter *m, size_t n)
{
    if (m)
        m->live -= n;
}

/* Set the measuring pass's counters: peak_live_bytes, peak_held_bytes and
 * overhead = held / live (>= 1 by the definition above), labelled with how
 * the adapter reads held bytes. */
static inline void bench_meter_report(cbench_state *st, bench_meter *m)
{
    bench_meter_sample(m);
    cbench_set_counter(st, "peak_live_bytes", (double)m->peak_live, CBENCH_COUNTER_PLAIN);
    cbench_set_counter(st, "peak_held_bytes", (double)m->peak_held, CBENCH_COUNTER_PLAIN);
    cbench_set_counter(st, "overhead",
                       m->peak_live ? (double)m->peak_held / (double)m->peak_live : 0.0,
                       CBENCH_COUNTER_PLAIN);
    cbench_set_label(st, m->A->held_source);
}

/* Open an env and one instance; on failure mark the benchmark failed.
 * With a meter (the measuring pass), its baseline is read between opening
 * the env and creating the instance: the instance's own memory (a pool's
 * first block, an allocator's header) is the workload's to pay for. */
static inline int bench_open(cbench_state *st, const bench_adapter *A, int cache, void **env,
                             void **inst, bench_meter *meter)
{
    bench_open_opts o = {meter != NULL, cache};
    *env = A->open(&o);
    if (*env && meter)
        bench_meter_begin(meter, A, *env);
    *inst = *env ? A->create(*env) : NULL;
    if (*inst == NULL) {
        if (*env)
            A->close(*env);
        cbench_skip_with_error(st, "adapter could not open an instance");
        return 0;
    }
    return 1;
}

static inline void bench_close(const bench_adapter *A, void *env, void *inst)
{
    A->destroy(env, inst);
    A->close(env);
}

/* Allocation failed inside a workload: nothing sensible can be measured
 * and the blocks held cannot be walked back cheaply, so stop loudly. */
__attribute__((noreturn, cold)) void bench_fail_oom(const char *adapter, const char *workload);

#define BENCH_CHECK(p, A, workload) \
    do { \
        if (__builtin_expect((p) == NULL, 0)) \
            bench_fail_oom((A)->name, (workload)); \
    } while (0)

#endif
