/* reference_sgi.c - see reference_sgi.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference_sgi.h"

alloc_upstream_t sgi_ref_upstream(sgi_ref_t *r, const alloc_upstream_t *parent)
{
    return fuzz_recorder_upstream(&r->rec, parent);
}

/* ---- state ---------------------------------------------------------------- */

void sgi_ref_init(sgi_ref_t *r, size_t granule, size_t limit, size_t batch)
{
    (void)fuzz_recorder_done(&r->rec); /* the create's call */
    size_t nclasses = granule != 0 ? limit / granule : 0;
    /* The arrays of r's previous allocator are kept and emptied: a run
     * re-creates its heap several times, and under ASan every calloc and
     * realloc here costs more than most ops. */
    if (r->lists_cap < nclasses + 1) {
        sgi_ref_free(r);
        r->lists = calloc(nclasses + 1, sizeof *r->lists);
        if (r->lists == NULL)
            abort();
        r->lists_cap = nclasses + 1;
    }
    for (size_t i = 0; i < r->lists_cap && i <= r->nclasses; i++)
        r->lists[i].n = 0; /* the lists past the last heap's were never used */
    r->granule = granule;
    r->limit = limit;
    r->batch = batch;
    r->nclasses = nclasses;
    r->start = NULL;
    r->left = 0;
    r->heap = 0;
    r->nchunks = 0;
    r->verdict = NULL;
    r->msg[0] = '\0';
}

void sgi_ref_free(sgi_ref_t *r)
{
    for (size_t i = 0; r->lists != NULL && i < r->lists_cap; i++)
        free(r->lists[i].v);
    free(r->lists);
    free(r->chunks);
    r->lists = NULL;
    r->lists_cap = 0;
    r->chunks = NULL;
    r->nchunks = r->chunks_cap = 0;
}

static void note_chunk(sgi_ref_t *r, unsigned char *data, size_t size)
{
    if (r->nchunks == r->chunks_cap) {
        r->chunks_cap = r->chunks_cap != 0 ? 2 * r->chunks_cap : 8;
        r->chunks = realloc(r->chunks, r->chunks_cap * sizeof *r->chunks);
        if (r->chunks == NULL)
            abort();
    }
    r->chunks[r->nchunks].data = data;
    r->chunks[r->nchunks++].size = size;
}

unsigned char *sgi_ref_carved_chunk_end(const sgi_ref_t *r)
{
    for (size_t i = 0; i < r->nchunks; i++) {
        unsigned char *end = r->chunks[i].data + r->chunks[i].size, *last = end - r->granule;
        if (!(r->left != 0 && last >= r->start && last < r->start + r->left))
            return end;
    }
    return NULL;
}

static void push(sgi_ref_t *r, size_t idx, void *p)
{
    sgi_ref_list_t *l = &r->lists[idx];
    if (l->n == l->cap) {
        l->cap = l->cap != 0 ? 2 * l->cap : 32;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (l->v == NULL)
            abort();
    }
    l->v[l->n++] = p;
}

static void *pop(sgi_ref_t *r, size_t idx)
{
    sgi_ref_list_t *l = &r->lists[idx];
    return l->n != 0 ? l->v[--l->n] : NULL;
}

static size_t class_of(const sgi_ref_t *r, size_t req)
{
    return (req - 1) / r->granule;
}

static void differ(sgi_ref_t *r, const char *fmt, size_t a, size_t b)
{
    if (r->verdict != NULL)
        return;
    snprintf(r->msg, sizeof r->msg, fmt, a, b);
    r->verdict = r->msg;
}

/* The next recorded call, which must be of this kind and size. */
static const fuzz_call_t *expect_call(sgi_ref_t *r, int is_realloc, size_t size)
{
    const fuzz_call_t *c = fuzz_recorder_next(&r->rec);
    if (c == NULL) {
        differ(r, "SGI's rules ask upstream for %zu bytes (call %zu), the allocator did not", size, r->rec.cursor + 1);
        return NULL;
    }
    if (c->realloc != is_realloc || c->size != size)
        differ(r, "upstream call asked for %zu bytes where SGI's rules ask for %zu", c->size, size);
    return c;
}

/* ---- the rules ------------------------------------------------------------ */

/* SGI's _S_chunk_alloc: up to *nobjs blocks of cls bytes from the tail,
 * refilling it from upstream or by borrowing.  NULL when nothing is left. */
static unsigned char *chunk_alloc(sgi_ref_t *r, size_t cls, size_t *nobjs)
{
    for (;;) {
        size_t total = cls * *nobjs;
        if (r->left >= cls) {
            if (r->left < total) {
                *nobjs = r->left / cls;
                total = cls * *nobjs;
            }
            unsigned char *run = r->start;
            r->start += total;
            r->left -= total;
            return run;
        }
        if (r->left > 0)
            push(r, class_of(r, r->left), r->start);
        r->start = NULL;
        r->left = 0;
        size_t g = r->granule;
        size_t data = 2 * total + (((r->heap >> 4) + g - 1) & ~(g - 1));
        const fuzz_call_t *c = expect_call(r, 0, data + SGI_REF_CHUNK_HEADER + g + SGI_REF_MAP(data, g));
        if (c == NULL)
            return NULL;
        if (c->result != NULL) {
            uintptr_t at = (uintptr_t)c->result + SGI_REF_CHUNK_HEADER;
            r->start = (unsigned char *)((at + g - 1) & ~(uintptr_t)(g - 1));
            r->left = data;
            r->heap += data;
            note_chunk(r, r->start, data);
            continue;
        }
        size_t idx = class_of(r, cls);
        while (idx < r->nclasses && r->lists[idx].n == 0)
            idx++; /* most lists are empty: no call for them */
        if (idx == r->nclasses)
            return NULL;
        r->start = pop(r, idx);
        r->left = (idx + 1) * g;
    }
}

/* The block allocate(n) must give, consuming the calls it must make. */
static void *expected_block(sgi_ref_t *r, size_t n, int *large_ok)
{
    size_t req = n != 0 ? n : 1;
    *large_ok = 0;
    if (req > r->limit) {
        if (req > SIZE_MAX - SGI_REF_LARGE_HEADER)
            return NULL; /* refused before asking upstream */
        const fuzz_call_t *c = expect_call(r, 0, req + SGI_REF_LARGE_HEADER);
        *large_ok = c != NULL && c->result != NULL;
        return NULL;
    }
    size_t idx = class_of(r, req), cls = (idx + 1) * r->granule;
    void *p = pop(r, idx);
    if (p != NULL)
        return p;
    size_t nobjs = r->batch;
    unsigned char *run = chunk_alloc(r, cls, &nobjs);
    if (run == NULL)
        return NULL;
    for (size_t i = nobjs; i-- > 1;)
        push(r, idx, run + i * cls);
    return run;
}

static void check_allocated(sgi_ref_t *r, size_t n, void *p)
{
    int large_ok;
    void *want = expected_block(r, n, &large_ok);
    if ((n != 0 ? n : 1) > r->limit) {
        if ((p != NULL) != large_ok)
            differ(r, "allocate(%zu) of a large block: the allocator's answer (NULL: %zu) is not upstream's", n,
                   (size_t)(p == NULL));
        return;
    }
    if (p != want && (uintptr_t)want > (uintptr_t)p)
        differ(r, "allocate(%zu): SGI's rules give the block %zu bytes after the allocator's", n,
               (size_t)((uintptr_t)want - (uintptr_t)p));
    else if (p != want)
        differ(r, "allocate(%zu): SGI's rules give the block %zu bytes before the allocator's", n,
               (size_t)((uintptr_t)p - (uintptr_t)want));
}

static void check_no_more_calls(sgi_ref_t *r)
{
    size_t made = r->rec.ncalls + r->rec.lost, expected = r->rec.cursor;
    if (!fuzz_recorder_done(&r->rec))
        differ(r, "the allocator made %zu upstream calls where SGI's rules make %zu", made, expected);
}

void sgi_ref_allocated(sgi_ref_t *r, size_t n, void *p)
{
    check_allocated(r, n, p);
    check_no_more_calls(r);
}

void sgi_ref_freed(sgi_ref_t *r, void *p, size_t n)
{
    size_t req = n != 0 ? n : 1;
    if (req <= r->limit)
        push(r, class_of(r, req), p);
    check_no_more_calls(r);
}

void sgi_ref_reallocated(sgi_ref_t *r, void *p, size_t old_n, size_t new_n, void *q)
{
    size_t old_req = old_n != 0 ? old_n : 1, new_req = new_n != 0 ? new_n : 1;
    if (p == NULL) {
        check_allocated(r, new_n, q);
    } else if (old_req > r->limit && new_req > r->limit) {
        if (new_req <= SIZE_MAX - SGI_REF_LARGE_HEADER) {
            const fuzz_call_t *c = expect_call(r, 1, new_req + SGI_REF_LARGE_HEADER);
            if (c != NULL && (c->result != NULL) != (q != NULL))
                differ(r, "reallocate(%zu -> %zu) did not answer as upstream's realloc did", old_n, new_n);
        }
    } else if (old_req <= r->limit && new_req <= r->limit && class_of(r, old_req) == class_of(r, new_req)) {
        if (q != p)
            differ(r, "reallocate(%zu -> %zu) within one class moved the block", old_n, new_n);
    } else {
        check_allocated(r, new_n, q);
        if (q != NULL && old_req <= r->limit)
            push(r, class_of(r, old_req), p);
    }
    check_no_more_calls(r);
}

const char *sgi_ref_verdict(const sgi_ref_t *r)
{
    return r->verdict;
}
