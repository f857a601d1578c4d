/*
 * recorder.h - what both sides of a differential check ask of upstream, and
 * what each op answered, as a log of events that can be compared line by line.
 *
 * Each side (ours, and the original it follows) gets its memory through one
 * recorder.  The recorder numbers every upstream block it hands out (its
 * ordinal, 1, 2, ... per recorder), so a pointer answered by an op can be
 * written as "block #k, offset d" - the same on both sides when they follow
 * the same rules, whatever addresses malloc chose.  Sizes are logged minus the
 * side's header (`header`, set by the side before each call), so a side whose
 * chunks carry a bookkeeping header compares with one whose chunks do not.
 *
 * Fault injection has one rule for both sides: "fail the next N calls" and
 * "fail call number K", counting every alloc and realloc call.  Requests
 * above DIFF_UPSTREAM_CAP (after the header is taken off) are refused without
 * being counted or logged: the sides refuse impossible sizes at different
 * places (ours before asking upstream, libstdc++ at max_size), which is not a
 * difference in their memory rules.
 */
#ifndef FUZZ_DIFF_RECORDER_H
#define FUZZ_DIFF_RECORDER_H

#include <stddef.h>
#include <stdint.h>

#include "alloc/upstream.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DIFF_UPSTREAM_CAP ((size_t)1 << 24)

typedef enum diff_event_kind {
    DIFF_EV_UP_ALLOC,   /* a: size, b: ordinal given (0: refused) */
    DIFF_EV_UP_FREE,    /* a: ordinal freed */
    DIFF_EV_UP_REALLOC, /* a: ordinal moved, b: new size, c: new ordinal (0: refused) */
    DIFF_EV_NULL,       /* the op answered NULL */
    DIFF_EV_BLOCK,      /* the op answered a pointer: a: ordinal of its upstream block, b: offset */
    DIFF_EV_CODE,       /* the op answered a code: a: 0 OK, 1 DECLINED */
    DIFF_EV_CLEANUP,    /* a cleanup handler ran: a: the cleanup's number */
    DIFF_EV_NOTE        /* a side-specific fact: a: a code the driver defines */
} diff_event_kind_t;

typedef struct diff_event {
    uint32_t op;        /* op number, 1-based (0: setup) */
    uint32_t kind;      /* diff_event_kind_t */
    uint64_t a, b, c;
} diff_event_t;

typedef struct diff_log {
    diff_event_t *ev;
    size_t n, cap;
} diff_log_t;

typedef struct diff_live_block {
    unsigned char *base;
    size_t size;        /* what malloc was asked for */
    uint64_t ordinal;
} diff_live_block_t;

typedef struct diff_recorder {
    diff_log_t log;
    uint32_t op;            /* stamped on every event */
    int armed;              /* 0: pass through to libc, log nothing, count nothing */
    size_t header;          /* subtracted from logged sizes */
    size_t map_num, map_den; /* and then a map of map_num bytes per map_den of data
                              * (sca's class map at ALLOC_DEBUG >= 1; 0/0: none) */
    size_t calls;           /* alloc + realloc calls counted */
    size_t fail_next;       /* fail this many of the next calls */
    size_t fail_at;         /* fail call number fail_at (0: off) */
    uint64_t next_ordinal;
    diff_live_block_t *live;
    size_t nlive, live_cap;
} diff_recorder_t;

void diff_recorder_init(diff_recorder_t *r);
/* Free the log and the table (not the live blocks: their owner frees them). */
void diff_recorder_fini(diff_recorder_t *r);

/* Append an event stamped with the current op.  Aborts when out of memory. */
void diff_log_add(diff_recorder_t *r, diff_event_kind_t kind, uint64_t a, uint64_t b, uint64_t c);

/* The upstream calls.  alloc returns NULL when refused (injected, capped or
 * libc out of memory); free takes any pointer inside a recorded block. */
void *diff_rec_alloc(diff_recorder_t *r, size_t n);
void diff_rec_free(diff_recorder_t *r, void *p);
void *diff_rec_realloc(diff_recorder_t *r, void *p, size_t n);

/* The three above as an upstream (ctx r), for our allocators' sides. */
alloc_upstream_t diff_recorder_upstream(diff_recorder_t *r);

/* The recorded block holding p: 1 and its ordinal and p's offset in it, or 0. */
int diff_rec_locate(const diff_recorder_t *r, const void *p, uint64_t *ordinal, size_t *offset);

/* Log the answer of an op: NULL, or the block and offset of p (offset minus
 * `data_offset`, the side's header in front of its data). */
void diff_log_pointer(diff_recorder_t *r, const void *p, size_t data_offset);

/* Fault injection (the fuzz ops "fail N" and "fail-at K"). */
void diff_rec_fail_next(diff_recorder_t *r, size_t n);
void diff_rec_fail_at(diff_recorder_t *r, size_t k_from_now);

#ifdef __cplusplus
}
#endif

#endif
