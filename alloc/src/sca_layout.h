/*
 * sca_layout.h - the size-class allocator's private memory layout: the
 * instance, the chunk header and the large-block header (sca.c's top
 * comment says how they fit together).  Only sca.c and white-box tests
 * include it: the fuzz adapters' tampers (fuzz/adapters/sca_tamper.h)
 * break these fields on purpose to show that sca_check sees each break.
 * Users see only the opaque sca_t of alloc/sca.h.
 */
#ifndef ALLOC_SRC_SCA_LAYOUT_H
#define ALLOC_SRC_SCA_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "alloc/sca.h"

/* At the start of every chunk taken from upstream. */
typedef struct chunk {
    struct chunk *next;
    size_t raw_size;       /* bytes taken from upstream for this chunk */
    unsigned char *data;   /* start of the carvable area, granule-aligned */
    size_t data_size;      /* a multiple of the granule */
} chunk_t;                 /* ALLOC_DEBUG >= 1: the class map follows the data */

/* In front of every large block (LARGE_HEADER bytes in sca.c). */
typedef struct large {
    struct large *prev, *next;
    size_t raw_size;           /* bytes taken from upstream, header included */
    uintptr_t tag;             /* owner_tag(owner) while live, 0 once given back */
} large_t;

/* One free list per class (sca.h's sca_list_t).  The list's length is
 * carved - live, where live is kept (see live_derived). */
typedef sca_list_t size_class_t;

struct sca {
    sca_head_t h;              /* what the inline paths read (sca.h) */
    sca_layout_t layout;
    int lean;                  /* lean_stats: no requested-bytes statistics */
    alloc_upstream_t up;
    size_t granule;
    unsigned granule_shift;
    size_t small_limit;
    size_t nclasses;
    size_t batch;
    size_t instance_size;
    unsigned char *start_free, *end_free;
    chunk_t *chunks;
    large_t large;             /* sentinel of the circular large list */
    sca_report_fn report;
    void *report_ctx;
    sca_stats_t st;            /* the counts kept on the slow paths; the
                                * per-class ones are summed by sca_stats */
    size_class_t *classes;     /* nclasses lists, after the lookup table */
    size_t *carved;            /* per class: blocks that exist, free or live
                                * (kept on the slow paths; free = carved - live) */
    size_t *class_bytes;       /* per class: its block size */
    uint16_t *in_use;          /* the classes ever carved, n_in_use of them:
                                * sca_stats sums these, not every class */
    size_t n_in_use;
    uint64_t listed[SCA_MAX_CLASSES / 64]; /* a bit per class listed in in_use */
    size_t waste_cap;          /* sca_options_t.waste_cap (the lookup table applies it) */
};   /* then, from SCA_TABLE_OFFSET: the lookup table (sca.h), the lists and
      * one more (classes[nclasses], always empty: the sizes the waste cap
      * routes to the large path lead there), the carved counts, the class
      * sizes and in_use */

#endif
