/*
 * reference_sgi.h - an executable reference of SGI STL's memory rules, as
 * sca follows them (sca.h): per-class LIFO free lists, refill by a batch
 * carved from the uncarved tail, a short tail gives what it can and its
 * leftover goes to the list that fits it, a new chunk of 2 x batch bytes +
 * chunk_bytes/16 (rounded to the granule), borrowing from a larger class
 * when upstream refuses, and large blocks straight from upstream.
 *
 * It sits between the allocator and its upstream, records every call, and
 * after each operation says whether the calls (their sizes, their number)
 * and the block handed out (its address) are exactly what the rules give.
 * So waste fails a check instead of costing silently, and a free followed by
 * an allocate of the same class must give the same block back.
 */
#ifndef FUZZ_REFERENCE_SGI_H
#define FUZZ_REFERENCE_SGI_H

#include <stddef.h>

#include "alloc/upstream.h"
#include "recorder.h"

/* sca.c's headers: a chunk starts with four words (chunk_t), then its data
 * area on the granule, then (ALLOC_DEBUG >= 1) a class map of two bytes per
 * granule; a large block starts with LARGE_HEADER bytes. */
#ifndef ALLOC_DEBUG
#define ALLOC_DEBUG 0
#endif
#define SGI_REF_CHUNK_HEADER (4 * sizeof(void *))
#define SGI_REF_MAP(data, g) (ALLOC_DEBUG >= 1 ? (data) / (g) * 2 : 0)
#define SGI_REF_LARGE_HEADER 32u
typedef struct sgi_ref_list {
    void **v;
    size_t n, cap;
} sgi_ref_list_t;

typedef struct sgi_ref {
    fuzz_recorder_t rec;               /* the calls of the current operation */
    size_t granule, limit, batch, nclasses;
    sgi_ref_list_t *lists;             /* lists_cap entries, nclasses + 1 in use */
    size_t lists_cap;
    unsigned char *start;              /* the uncarved tail */
    size_t left;
    size_t heap;                       /* bytes of all chunks (SGI's heap_size) */
    struct sgi_ref_chunk {
        unsigned char *data;
        size_t size;
    } *chunks;                         /* every chunk's data area, oldest first */
    size_t nchunks, chunks_cap;
    const char *verdict;               /* NULL while everything matched */
    char msg[200];
} sgi_ref_t;

/* Set up r for an allocator with these options (invalid ones are harmless:
 * r is then never asked).  r starts zeroed; a reference set up before is
 * emptied, keeping its arrays (sgi_ref_free gives them back). */
void sgi_ref_init(sgi_ref_t *r, size_t granule, size_t limit, size_t batch);
void sgi_ref_free(sgi_ref_t *r);

/* The upstream to give the allocator: records each call into r, then passes
 * it to parent.  Call before sgi_ref_init; init forgets the calls so far
 * (the instance's own creation). */
alloc_upstream_t sgi_ref_upstream(sgi_ref_t *r, const alloc_upstream_t *parent);

/* What the allocator answered: allocate(n) = p; deallocate(p, n);
 * reallocate(p, old_n, new_n) = q. */
void sgi_ref_allocated(sgi_ref_t *r, size_t n, void *p);
void sgi_ref_freed(sgi_ref_t *r, void *p, size_t n);
void sgi_ref_reallocated(sgi_ref_t *r, void *p, size_t old_n, size_t new_n, void *q);

/* The end of a chunk's data area whose last granule is carved (not in the
 * uncarved tail), or NULL when there is none. */
unsigned char *sgi_ref_carved_chunk_end(const sgi_ref_t *r);

/* NULL while the allocator has followed the rules, else the first
 * difference (kept). */
const char *sgi_ref_verdict(const sgi_ref_t *r);

#endif
