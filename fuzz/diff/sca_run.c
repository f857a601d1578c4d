/*
 * sca_run.c - drive an sca-like side through a program (either side: the
 * same code runs ours and the reference, so they are asked the same things).
 *
 * Slots: alloc into a full slot frees its block first; free of an empty
 * slot does nothing; realloc of an empty slot allocates.  Sizes resolve with
 * SGI's fixed options (the only ones the reference has).
 */
#include "sides.h"

typedef struct slot {
    void *p;
    size_t n;
} slot_t;

/* Upstream requests during a call with new size n are chunks (small) or
 * large blocks: set the header the recorder takes off. */
static void expect(const diff_sca_side_t *side, diff_recorder_t *r, size_t n)
{
    int large = (n != 0 ? n : 1) > DIFF_SGI_LIMIT;
    r->header = large ? side->large_header : side->chunk_header;
    r->map_num = large ? 0 : side->map_num;
    r->map_den = large ? 0 : side->map_den;
}

void diff_sca_run(const diff_sca_side_t *side, diff_recorder_t *r, const diff_program_t *prog, size_t from,
                  size_t to)
{
    slot_t slot[DIFF_SLOTS] = {{0, 0}};
    diff_env_t env = {DIFF_SGI_GRANULE, DIFF_SGI_LIMIT, 4095, 16384};
    void *a = NULL;
    r->op = (uint32_t)from; /* setup belongs to the op before the segment (sca-new, or 0) */
    if (!side->create(&a, r)) {
        diff_log_add(r, DIFF_EV_NOTE, 0xdead, 0, 0);
        return;
    }
    r->armed = 1;
    for (size_t i = from; i < to; i++) {
        const diff_op_t *op = &prog->ops[i];
        slot_t *s = &slot[op->slot % DIFF_SLOTS];
        size_t n = diff_size_value(op->size, &env);
        r->op = (uint32_t)(i + 1);
        switch (op->kind) {
        case DIFF_OP_ALLOC:
            diff_log_add(r, DIFF_EV_NOTE, n, 0, 0);
            if (s->p != NULL)
                side->deallocate(a, s->p, s->n);
            s->p = NULL;
            expect(side, r, n);
            s->p = side->allocate(a, n);
            s->n = n;
            diff_log_pointer(r, s->p, side->data_offset);
            break;
        case DIFF_OP_FREE:
            if (s->p != NULL)
                side->deallocate(a, s->p, s->n);
            s->p = NULL;
            break;
        case DIFF_OP_REALLOC: {
            diff_log_add(r, DIFF_EV_NOTE, n, 0, 0);
            expect(side, r, n);
            void *q = side->reallocate(a, s->p, s->p != NULL ? s->n : 0, n);
            diff_log_pointer(r, q, side->data_offset);
            if (q != NULL) {
                s->p = q;
                s->n = n;
            }
            break;
        }
        case DIFF_OP_FAIL:
            diff_rec_fail_next(r, (size_t)op->arg);
            break;
        case DIFF_OP_FAIL_AT:
            diff_rec_fail_at(r, (size_t)op->arg);
            break;
        default:
            break; /* check, edges, tamper, the pool's ops: nothing to compare */
        }
    }
    r->armed = 0;
    side->destroy(a);
}
