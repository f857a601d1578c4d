/* recorder.c - see recorder.h. */
#include "recorder.h"

static void record(fuzz_recorder_t *r, int is_realloc, size_t size, void *result)
{
    if (r->ncalls == FUZZ_RECORDER_MAX) {
        r->lost++;
        return;
    }
    fuzz_call_t *c = &r->call[r->ncalls++];
    c->realloc = is_realloc;
    c->size = size;
    c->result = result;
}

static void *rec_alloc(void *ctx, size_t n)
{
    fuzz_recorder_t *r = ctx;
    void *p = r->parent.alloc(r->parent.ctx, n);
    record(r, 0, n, p);
    return p;
}

static void rec_free(void *ctx, void *p, size_t n)
{
    fuzz_recorder_t *r = ctx;
    r->parent.free(r->parent.ctx, p, n);
}

static void *rec_realloc(void *ctx, void *p, size_t old_n, size_t n)
{
    fuzz_recorder_t *r = ctx;
    void *q = r->parent.realloc(r->parent.ctx, p, old_n, n);
    record(r, 1, n, q);
    return q;
}

alloc_upstream_t fuzz_recorder_upstream(fuzz_recorder_t *r, const alloc_upstream_t *parent)
{
    r->parent = *parent;
    r->ncalls = r->lost = r->cursor = 0;
    alloc_upstream_t u = {rec_alloc, rec_free, rec_realloc, r};
    return u;
}

const fuzz_call_t *fuzz_recorder_next(fuzz_recorder_t *r)
{
    return r->cursor < r->ncalls ? &r->call[r->cursor++] : NULL;
}

int fuzz_recorder_done(fuzz_recorder_t *r)
{
    int all = r->cursor == r->ncalls && r->lost == 0;
    r->ncalls = r->lost = r->cursor = 0;
    return all;
}
