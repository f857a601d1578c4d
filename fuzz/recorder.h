/*
 * recorder.h - an upstream that records the calls of one operation, for the
 * exact-accounting references (reference_sgi.c, reference_nginx.c): it sits
 * between an allocator and its real upstream and passes every call on.
 */
#ifndef FUZZ_RECORDER_H
#define FUZZ_RECORDER_H

#include <stddef.h>

#include "alloc/upstream.h"

#define FUZZ_RECORDER_MAX 64u

typedef struct fuzz_call {
    int realloc;    /* 0: alloc, 1: realloc */
    size_t size;
    void *result;
} fuzz_call_t;

typedef struct fuzz_recorder {
    alloc_upstream_t parent;
    fuzz_call_t call[FUZZ_RECORDER_MAX];  /* this operation's alloc/realloc calls */
    size_t ncalls, lost;                  /* lost: calls past the end of call[] */
    size_t cursor;                        /* the next call a reference will consume */
} fuzz_recorder_t;

/* The upstream that records into r and passes on to parent (copied). */
alloc_upstream_t fuzz_recorder_upstream(fuzz_recorder_t *r, const alloc_upstream_t *parent);

/* The next call, or NULL when none is left. */
const fuzz_call_t *fuzz_recorder_next(fuzz_recorder_t *r);

/* 1 when every recorded call was consumed; then forget them all. */
int fuzz_recorder_done(fuzz_recorder_t *r);

#endif
