/*
 * recorder.c - the upstream both sides of a differential check share, and
 * the event log.  See recorder.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recorder.h"

static void out_of_memory(void)
{
    fprintf(stderr, "differential: out of memory in the recorder\n");
    abort();
}

void diff_recorder_init(diff_recorder_t *r)
{
    memset(r, 0, sizeof *r);
    r->next_ordinal = 1;
}

void diff_recorder_fini(diff_recorder_t *r)
{
    free(r->log.ev);
    free(r->live);
    memset(r, 0, sizeof *r);
}

void diff_log_add(diff_recorder_t *r, diff_event_kind_t kind, uint64_t a, uint64_t b, uint64_t c)
{
    diff_log_t *l = &r->log;
    if (l->n == l->cap) {
        size_t cap = l->cap != 0 ? 2 * l->cap : 1024;
        diff_event_t *ev = realloc(l->ev, cap * sizeof *ev);
        if (ev == NULL)
            out_of_memory();
        l->ev = ev;
        l->cap = cap;
    }
    diff_event_t e = {r->op, (uint32_t)kind, a, b, c};
    l->ev[l->n++] = e;
}

static size_t find_live(const diff_recorder_t *r, const void *p)
{
    const unsigned char *x = p;
    for (size_t i = 0; i < r->nlive; i++)
        if (x >= r->live[i].base && (size_t)(x - r->live[i].base) < r->live[i].size)
            return i;
    return SIZE_MAX;
}

static uint64_t add_live(diff_recorder_t *r, void *p, size_t n)
{
    if (r->nlive == r->live_cap) {
        size_t cap = r->live_cap != 0 ? 2 * r->live_cap : 64;
        diff_live_block_t *t = realloc(r->live, cap * sizeof *t);
        if (t == NULL)
            out_of_memory();
        r->live = t;
        r->live_cap = cap;
    }
    diff_live_block_t b = {p, n != 0 ? n : 1, r->next_ordinal++};
    r->live[r->nlive++] = b;
    return b.ordinal;
}

static void drop_live(diff_recorder_t *r, size_t i)
{
    r->live[i] = r->live[--r->nlive];
}

/* The one fault rule: count the call, then fail it if asked to. */
static int call_fails(diff_recorder_t *r)
{
    r->calls++;
    if (r->fail_next > 0) {
        r->fail_next--;
        return 1;
    }
    return r->fail_at != 0 && r->calls == r->fail_at;
}

static size_t logged_size(const diff_recorder_t *r, size_t n)
{
    size_t data = n >= r->header ? n - r->header : 0;
    if (r->map_num != 0 && r->map_den != 0)
        data = data * r->map_den / (r->map_den + r->map_num); /* data + data x num/den = what was asked;
                                                                * num/den is reduced, data capped: no overflow */
    return data;
}

void *diff_rec_alloc(diff_recorder_t *r, size_t n)
{
    if (!r->armed)
        return malloc(n != 0 ? n : 1);
    size_t size = logged_size(r, n);
    if (size > DIFF_UPSTREAM_CAP)
        return NULL;
    void *p = call_fails(r) ? NULL : malloc(n != 0 ? n : 1);
    diff_log_add(r, DIFF_EV_UP_ALLOC, size, p != NULL ? add_live(r, p, n) : 0, 0);
    return p;
}

void diff_rec_free(diff_recorder_t *r, void *p)
{
    if (p == NULL)
        return;
    size_t i = find_live(r, p);
    if (i == SIZE_MAX) {
        free(p); /* taken while disarmed */
        return;
    }
    void *base = r->live[i].base;
    if (r->armed)
        diff_log_add(r, DIFF_EV_UP_FREE, r->live[i].ordinal, 0, 0);
    drop_live(r, i);
    free(base);
}

void *diff_rec_realloc(diff_recorder_t *r, void *p, size_t n)
{
    size_t i = find_live(r, p);
    if (!r->armed || i == SIZE_MAX)
        return realloc(p, n != 0 ? n : 1);
    size_t size = logged_size(r, n);
    if (size > DIFF_UPSTREAM_CAP)
        return NULL;
    uint64_t old = r->live[i].ordinal;
    void *q = call_fails(r) ? NULL : realloc(p, n != 0 ? n : 1);
    uint64_t ord = 0;
    if (q != NULL) {
        drop_live(r, i);
        ord = add_live(r, q, n);
    }
    diff_log_add(r, DIFF_EV_UP_REALLOC, old, size, ord);
    return q;
}

int diff_rec_locate(const diff_recorder_t *r, const void *p, uint64_t *ordinal, size_t *offset)
{
    size_t i = find_live(r, p);
    if (i == SIZE_MAX)
        return 0;
    *ordinal = r->live[i].ordinal;
    *offset = (size_t)((const unsigned char *)p - r->live[i].base);
    return 1;
}

void diff_log_pointer(diff_recorder_t *r, const void *p, size_t data_offset)
{
    uint64_t ord = 0;
    size_t off = 0;
    if (p == NULL)
        diff_log_add(r, DIFF_EV_NULL, 0, 0, 0);
    else if (diff_rec_locate(r, p, &ord, &off))
        diff_log_add(r, DIFF_EV_BLOCK, ord, off - data_offset, 0);
    else
        diff_log_add(r, DIFF_EV_BLOCK, 0, 0, 0); /* outside every recorded block */
}

void diff_rec_fail_next(diff_recorder_t *r, size_t n)
{
    r->fail_next = n;
}

void diff_rec_fail_at(diff_recorder_t *r, size_t k_from_now)
{
    r->fail_at = r->calls + k_from_now;
}

static void *upstream_alloc(void *ctx, size_t n)
{
    return diff_rec_alloc(ctx, n);
}

static void upstream_free(void *ctx, void *p, size_t n)
{
    (void)n;
    diff_rec_free(ctx, p);
}

static void *upstream_realloc(void *ctx, void *p, size_t old_n, size_t n)
{
    (void)old_n;
    return diff_rec_realloc(ctx, p, n);
}

alloc_upstream_t diff_recorder_upstream(diff_recorder_t *r)
{
    alloc_upstream_t u = {upstream_alloc, upstream_free, upstream_realloc, r};
    return u;
}
