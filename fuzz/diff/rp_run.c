/*
 * rp_run.c - drive an rp-like side through a program (the same code runs rp
 * and the nginx reference).
 *
 * The program starts with a pool of 1024 bytes (as the fuzz harness does: it
 * fills and chains quickly) and ends by destroying the pool.  Slots hold the
 * last pointer put in them.  A pointer a successful pfree gave back is
 * dropped from every slot: its address may come back from malloc on one side
 * and not the other.  pfree of an empty slot is not asked (see [pfree-null]
 * in nginx-departures.cmake).
 */
#include <stdlib.h>
#include <string.h>

#include "sides.h"

#define DIFF_FIRST_POOL 1024u
#define DIFF_DEFAULT_BLOCK 16384u /* what B means with no pool (RP_DEFAULT_POOL_SIZE) */
#define DIFF_NO_POOL_MAX 4095u    /* what M means with no pool (RP_MAX_ALLOC_FROM_POOL) */

typedef struct cleanup_tag {
    diff_recorder_t *r;
    uint64_t id;
} cleanup_tag_t;

typedef struct state {
    const diff_rp_side_t *side;
    diff_recorder_t *r;
    void *pool;
    void *slot[DIFF_SLOTS];
    cleanup_tag_t **tags;   /* one per cleanup added, alive (and not moved) for the whole run */
    size_t ntags, tag_cap;
} state_t;

static void on_cleanup(void *data)
{
    cleanup_tag_t *t = data;
    diff_log_add(t->r, DIFF_EV_CLEANUP, t->id, 0, 0);
}

static void forget_pool_pointers(state_t *s)
{
    memset(s->slot, 0, sizeof s->slot);
}

static void new_pool(state_t *s, size_t size)
{
    if (s->pool != NULL)
        s->side->destroy(s->pool);
    forget_pool_pointers(s);
    s->r->header = 0;
    s->pool = s->side->create(s->r, size);
    diff_log_pointer(s->r, s->pool, 0);
}

/* Only the block a pmemalign answer lies in is comparable: where in it
 * depends on the address malloc gave. */
static void log_large_block(diff_recorder_t *r, const void *p)
{
    uint64_t ord = 0;
    size_t off;
    if (p == NULL)
        diff_log_add(r, DIFF_EV_NULL, 0, 0, 0);
    else
        diff_log_add(r, DIFF_EV_BLOCK, diff_rec_locate(r, p, &ord, &off) ? ord : 0, 0, 0);
}

static void add_cleanup(state_t *s, size_t n, int with_handler)
{
    if (s->ntags == s->tag_cap) {
        s->tag_cap = s->tag_cap != 0 ? 2 * s->tag_cap : 64;
        cleanup_tag_t **t = realloc(s->tags, s->tag_cap * sizeof *t);
        if (t == NULL)
            abort();
        s->tags = t;
    }
    cleanup_tag_t *tag = malloc(sizeof *tag);
    if (tag == NULL)
        abort();
    s->tags[s->ntags] = tag;
    tag->r = s->r;
    tag->id = s->ntags++;
    void *data = NULL;
    void *c = s->side->cleanup_add(s->pool, n, with_handler ? on_cleanup : NULL, tag, &data);
    diff_log_pointer(s->r, c, 0);
    if (c != NULL && n != 0)
        diff_log_pointer(s->r, data, 0);
}

static void run_op(state_t *s, const diff_op_t *op, size_t n)
{
    const diff_rp_side_t *side = s->side;
    void **slot = &s->slot[op->slot % DIFF_SLOTS];
    if (s->pool == NULL && op->kind != DIFF_OP_RP_NEW && op->kind != DIFF_OP_FAIL && op->kind != DIFF_OP_FAIL_AT)
        return; /* no pool: rp answers NULL, nginx cannot be asked */
    switch (op->kind) {
    case DIFF_OP_PALLOC:
    case DIFF_OP_PNALLOC:
    case DIFF_OP_PCALLOC:
        *slot = op->kind == DIFF_OP_PALLOC    ? side->palloc(s->pool, n)
                : op->kind == DIFF_OP_PNALLOC ? side->pnalloc(s->pool, n)
                                              : side->pcalloc(s->pool, n);
        diff_log_pointer(s->r, *slot, 0);
        break;
    case DIFF_OP_PMEMALIGN:
        *slot = side->pmemalign(s->pool, n, (size_t)op->arg);
        log_large_block(s->r, *slot);
        break;
    case DIFF_OP_PFREE: {
        void *p = *slot;
        if (p == NULL)
            break;
        int code = side->pfree(s->pool, p);
        diff_log_add(s->r, DIFF_EV_CODE, (uint64_t)code, 0, 0);
        for (size_t i = 0; code == 0 && i < DIFF_SLOTS; i++)
            if (s->slot[i] == p)
                s->slot[i] = NULL;
        break;
    }
    case DIFF_OP_RESET:
        side->reset(s->pool);
        forget_pool_pointers(s);
        break;
    case DIFF_OP_CLEANUP:
    case DIFF_OP_CLEANUP_NULL:
        add_cleanup(s, n, op->kind == DIFF_OP_CLEANUP);
        break;
    case DIFF_OP_RP_NEW:
        new_pool(s, n);
        break;
    case DIFF_OP_FAIL:
        diff_rec_fail_next(s->r, (size_t)op->arg);
        break;
    case DIFF_OP_FAIL_AT:
        diff_rec_fail_at(s->r, (size_t)op->arg);
        break;
    default:
        break;
    }
}

void diff_rp_run(const diff_rp_side_t *side, diff_recorder_t *r, const diff_program_t *prog)
{
    state_t s;
    memset(&s, 0, sizeof s);
    s.side = side;
    s.r = r;
    r->armed = 1;
    r->op = 0;
    new_pool(&s, DIFF_FIRST_POOL);
    for (size_t i = 0; i < prog->n; i++) {
        const diff_op_t *op = &prog->ops[i];
        diff_env_t env = {8, 128, s.pool != NULL ? side->max(s.pool) : DIFF_NO_POOL_MAX,
                          s.pool != NULL ? side->block_size(s.pool) : DIFF_DEFAULT_BLOCK};
        size_t n = diff_size_value(op->size, &env);
        r->op = (uint32_t)(i + 1);
        if (op->kind != DIFF_OP_OTHER)
            diff_log_add(r, DIFF_EV_NOTE, n, 0, 0);
        run_op(&s, op, n);
    }
    r->op = (uint32_t)prog->n + 1; /* the final destroy */
    if (s.pool != NULL)
        side->destroy(s.pool);
    r->armed = 0;
    for (size_t i = 0; i < s.ntags; i++)
        free(s.tags[i]);
    free(s.tags);
}
