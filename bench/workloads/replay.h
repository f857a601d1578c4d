/*
 * replay.h - replay a recorded trace (bench/trace/trace.h): every allocate,
 * free and resize in the order the program made them, then free what the
 * program left live.  One operation = one traced call.
 *
 * Two costs in a replay are not the traced program's calls, and neither is
 * hidden in the figures:
 *   - the frees of blocks still live at the end (the program never made
 *     them): outside the timed region (the clock, and Callgrind's count, are
 *     paused around them); the trace's live_at_end says how many, and
 *     their cost is counted apart, under Callgrind only, as
 *     trace-end/<allocator>/<trace>;
 *   - the loop itself (reading ops, the slot table, touching blocks):
 *     measured on its own as trace/null/<trace>, the same loop over an
 *     allocator that does nothing (adapters/null.c); the report subtracts it.
 */
#ifndef BENCH_WORKLOADS_REPLAY_H
#define BENCH_WORKLOADS_REPLAY_H

#include "common.h"
#include "trace.h"

/* Every traced call, in order. */
BENCH_INLINE void replay_ops(const bench_adapter *A, void *inst, const bench_trace *t, void **slot,
                             uint32_t *slot_size, bench_meter *m)
{
    const bench_trace_op *op = t->ops;
    const bench_trace_op *end = t->ops + t->nops;
    for (; op < end; op++) {
        uint32_t id = op->id;
        size_t n = op->size;
        void *p;
        if (op->kind == BENCH_TRACE_ALLOC) {
            p = A->alloc(inst, n);
            BENCH_CHECK(p, A, "trace");
            bench_touch(p, n);
            bench_meter_add(m, p, n);
        } else if (op->kind == BENCH_TRACE_FREE) {
            A->free(inst, slot[id], slot_size[id]);
            bench_meter_sub(m, slot_size[id]);
            p = NULL;
        } else {
            p = A->realloc(inst, slot[id], slot_size[id], n);
            BENCH_CHECK(p, A, "trace");
            bench_touch(p, n);
            bench_meter_sub(m, slot_size[id]);
            bench_meter_add(m, p, n);
        }
        slot[id] = p;
        slot_size[id] = (uint32_t)n;
        if (m && (op - t->ops) % 256 == 0)
            bench_meter_sample(m);
    }
}

/* Free what the program left live (a scan of the whole slot table). */
BENCH_INLINE void replay_end_frees(const bench_adapter *A, void *inst, const bench_trace *t, void **slot,
                                   uint32_t *slot_size, bench_meter *m)
{
    for (size_t i = 0; i < t->nids; i++) {
        if (slot[i]) {
            A->free(inst, slot[i], slot_size[i]);
            bench_meter_sub(m, slot_size[i]);
            slot[i] = NULL;
        }
    }
}

/* trace/<allocator>/<trace>: the traced calls timed, the end frees not. */
BENCH_INLINE void workload_replay(cbench_state *st, const bench_adapter *A, const bench_trace *t)
{
    void **slot = (void **)calloc(t->nids, sizeof *slot);
    uint32_t *slot_size = (uint32_t *)calloc(t->nids, sizeof *slot_size);
    void *env, *inst;
    bench_meter m;
    if (slot == NULL || slot_size == NULL) {
        cbench_skip_with_error(st, "trace: out of memory");
    } else if (!cbench_measuring(st)) {
        if (bench_open(st, A, 0, &env, &inst, NULL)) {
            while (cbench_keep_running_batch(st, (int64_t)t->nops)) {
                replay_ops(A, inst, t, slot, slot_size, NULL);
                cbench_pause_timing(st);
                replay_end_frees(A, inst, t, slot, slot_size, NULL);
                cbench_resume_timing(st);
            }
            bench_close(A, env, inst);
            cbench_set_items_processed(st, cbench_iterations(st));
            /* Per pass, outside the timed region: for the report to say. */
            cbench_set_counter(st, "end_frees", (double)t->live_at_end, CBENCH_COUNTER_PLAIN);
        }
    } else if (bench_open(st, A, 0, &env, &inst, &m)) {
        replay_ops(A, inst, t, slot, slot_size, &m);
        replay_end_frees(A, inst, t, slot, slot_size, &m);
        A->destroy(env, inst);
        bench_meter_report(st, &m);
        A->close(env);
    }
    free(slot);
    free(slot_size);
}

/* trace-end/<allocator>/<trace>, counted under Callgrind only: the end
 * frees alone (the traced calls before each batch are not counted); one
 * operation = one block freed, the scan of the slot table included. */
BENCH_INLINE void workload_replay_end(cbench_state *st, const bench_adapter *A, const bench_trace *t)
{
    void **slot = (void **)calloc(t->nids, sizeof *slot);
    uint32_t *slot_size = (uint32_t *)calloc(t->nids, sizeof *slot_size);
    void *env, *inst;
    if (slot == NULL || slot_size == NULL) {
        cbench_skip_with_error(st, "trace: out of memory");
    } else if (bench_open(st, A, 0, &env, &inst, NULL)) {
        while (cbench_keep_running_batch(st, (int64_t)t->live_at_end)) {
            cbench_pause_timing(st);
            replay_ops(A, inst, t, slot, slot_size, NULL);
            cbench_resume_timing(st);
            replay_end_frees(A, inst, t, slot, slot_size, NULL);
        }
        bench_close(A, env, inst);
    }
    free(slot);
    free(slot_size);
}

#endif
