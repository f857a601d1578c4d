/*
 * counting.c - an upstream that counts bytes and calls and fails on demand.
 *
 * Each block is preceded by a header holding its size, so the counts stay
 * exact even when a caller passes the wrong size back (that is counted as a
 * size mismatch: a bug in the caller, visible to the tests).
 */
#include <stdint.h>
#include <string.h>

#include "alloc/upstream.h"
#include "upstream_pick.h"
#include "annotate.h"
#include "checked.h"

typedef struct block_header {
    size_t size;
    size_t check; /* ~size: a cheap guard against a foreign pointer */
} block_header_t;

/* The header keeps the payload aligned to max_align_t. */
#define HEADER_SIZE 16
_Static_assert(sizeof(block_header_t) <= HEADER_SIZE, "header fits");
_Static_assert(HEADER_SIZE % _Alignof(max_align_t) == 0, "header keeps alignment");

static block_header_t *header_of(void *p)
{
    return (block_header_t *)(void *)((unsigned char *)p - HEADER_SIZE);
}

static void header_set(void *raw, size_t n)
{
    block_header_t h = {n, ~n};
    memcpy(raw, &h, sizeof h);
}

/* Advance the fault clock; 1 if this call must fail. */
static int tick_and_should_fail(alloc_counting_t *c)
{
    c->stats.calls++;
    if (c->fail_next > 0) {
        c->fail_next--;
        return 1;
    }
    return c->fail_at != 0 && c->stats.calls == c->fail_at;
}

static void note_held(alloc_counting_t *c, size_t add, size_t sub)
{
    c->stats.bytes_held = sat_sub(c->stats.bytes_held, sub) + add;
    if (c->stats.bytes_held > c->stats.peak_bytes_held)
        c->stats.peak_bytes_held = c->stats.bytes_held;
}

/* The size recorded for p; counts a mismatch against the caller's n. */
static size_t recorded_size(alloc_counting_t *c, void *p, size_t n)
{
    block_header_t h;
    memcpy(&h, header_of(p), sizeof h);
    if (h.size != n || h.check != ~h.size)
        c->stats.size_mismatches++;
    return h.check == ~h.size ? h.size : n;
}

static void *counting_alloc(void *ctx, size_t n)
{
    alloc_counting_t *c = ctx;
    size_t total;
    c->stats.alloc_calls++;
    if (tick_and_should_fail(c)) {
        c->stats.failures++;
        c->stats.injected++;
        return NULL;
    }
    void *raw = ck_add(n, HEADER_SIZE, &total) ? c->parent.alloc(c->parent.ctx, total) : NULL;
    if (raw == NULL) {
        c->stats.failures++;
        return NULL;
    }
    header_set(raw, n);
    c->stats.blocks_held++;
    note_held(c, n, 0);
    return (unsigned char *)raw + HEADER_SIZE;
}

static void counting_free(void *ctx, void *p, size_t n)
{
    alloc_counting_t *c = ctx;
    if (p == NULL)
        return;
    size_t size = recorded_size(c, p, n);
    c->stats.free_calls++;
    c->stats.blocks_held = sat_sub(c->stats.blocks_held, 1);
    note_held(c, 0, size);
    c->parent.free(c->parent.ctx, header_of(p), size + HEADER_SIZE);
}

static void *counting_realloc(void *ctx, void *p, size_t old_n, size_t new_n)
{
    alloc_counting_t *c = ctx;
    size_t total;
    if (p == NULL)
        return counting_alloc(ctx, new_n);
    c->stats.realloc_calls++;
    size_t old = recorded_size(c, p, old_n);
    if (tick_and_should_fail(c)) {
        c->stats.failures++;
        c->stats.injected++;
        return NULL;
    }
    void *raw = ck_add(new_n, HEADER_SIZE, &total)
                    ? c->parent.realloc(c->parent.ctx, header_of(p), old + HEADER_SIZE, total)
                    : NULL;
    if (raw == NULL) {
        c->stats.failures++;
        return NULL;
    }
    header_set(raw, new_n);
    note_held(c, new_n, old);
    return (unsigned char *)raw + HEADER_SIZE;
}

int alloc_counting_init(alloc_counting_t *c, const alloc_upstream_t *parent)
{
    alloc_upstream_t up;
    if (c == NULL || !upstream_pick(parent, &up))
        return -1;
    memset(c, 0, sizeof *c);
    c->parent = up;
    return 0;
}

alloc_upstream_t alloc_counting_upstream(alloc_counting_t *c)
{
    if (c == NULL)
        return alloc_upstream_malloc();
    alloc_upstream_t u = {counting_alloc, counting_free, counting_realloc, c};
    return u;
}

void alloc_counting_fail_next(alloc_counting_t *c, size_t n)
{
    if (c != NULL)
        c->fail_next = n;
}

void alloc_counting_fail_at(alloc_counting_t *c, size_t k)
{
    if (c != NULL)
        c->fail_at = k;
}

ALLOC_STATS_READER alloc_counting_stats_t alloc_counting_stats(const alloc_counting_t *c)
{
    alloc_counting_stats_t zero = {0};
    return c != NULL ? c->stats : zero;
}

void alloc_counting_reset_peak(alloc_counting_t *c)
{
    if (c != NULL)
        c->stats.peak_bytes_held = c->stats.bytes_held;
}
