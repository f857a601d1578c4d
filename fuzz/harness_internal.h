/*
 * harness_internal.h - what the harness's files share: the state of a run
 * (the shadow model, the instances, the upstreams) and the failure report.
 * Private to fuzz/: harness.c runs the ops, edges.c and tamper.c hold two
 * of them.
 */
#ifndef FUZZ_HARNESS_INTERNAL_H
#define FUZZ_HARNESS_INTERNAL_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#endif
#ifdef FUZZ_ASAN
#include <sanitizer/asan_interface.h>
#endif
#ifndef FUZZ_ALLOC_ANNOTATE_ASAN
#define FUZZ_ALLOC_ANNOTATE_ASAN 0 /* 1: liballoc was built to poison free memory */
#endif
#ifndef FUZZ_HAVE_VALGRIND
#define FUZZ_HAVE_VALGRIND 0
#endif
#if FUZZ_HAVE_VALGRIND
#include <valgrind/memcheck.h>
#endif

#include "alloc/rp.h"
#include "alloc/sca.h"
#include "alloc/upstream.h"
#include "harness.h"
#include "model.h"
#include "optext.h"

#ifndef ALLOC_DEBUG
#define ALLOC_DEBUG 0
#endif

#define FUZZ_CLEANUPS 64u
#define FUZZ_SELF_CHECK_EVERY 4u
#define FUZZ_CHECK_BUDGET ((size_t)4 << 20)  /* estimated self-check steps per run */
#define FUZZ_CHECK_MAX_ONE ((size_t)1 << 20) /* one self-check estimated above this is skipped */
#define FUZZ_STATS_CHEAP ((size_t)4096)      /* possible free blocks above which sca_stats is rationed */
#define FUZZ_UPSTREAM_CAP ((size_t)2 << 20)  /* the harness's "system" refuses bigger blocks (speed) */
#define FUZZ_DEFAULT_POOL 1024u              /* small, so blocks fill and chain quickly */
#define FUZZ_PAGE 4096u
#define FUZZ_HUGE ((size_t)1 << 20)
#define FUZZ_CACHE_CAPACITY 4u
#define IMPOSSIBLE(n) ((n) > (size_t)PTRDIFF_MAX)

typedef struct harness harness_t;

typedef struct cleanup_tag {
    harness_t *h;
    size_t index;
} cleanup_tag_t;

typedef struct cleanup_rec {
    rp_cleanup_t *rec;
    unsigned char *data; /* the pool memory rp_cleanup_add gave for data */
    size_t size;
    uint8_t seed;
    uint8_t has_handler;
    uint8_t ran;
} cleanup_rec_t;

struct harness {
    const fuzz_target_t *t;
    const char *label;
    size_t op_index; /* 1-based; 0 during setup */
    const fuzz_op_t *op;
    int at_end;

    alloc_counting_t sca_count, rp_count;
    alloc_caching_t cache;

    sca_t *sca;
    sca_options_t sca_opts;
    rp_pool_t *pool;
    size_t pool_block_size; /* what rp_create must have made of the size asked */

    fuzz_block_t slot[FUZZ_SLOTS];
    unsigned char *last_ptr[FUZZ_SLOTS]; /* the slot's latest pointer, live or dead */
    cleanup_rec_t cleanups[FUZZ_CLEANUPS];
    cleanup_tag_t tags[FUZZ_CLEANUPS];
    size_t ncleanups;
    size_t run_order[FUZZ_CLEANUPS];
    size_t nrun;

    /* the model's view of sca_stats */
    size_t sca_req_live, sca_req_peak, sca_small, sca_large;
    size_t sca_reallocs, sca_failed, sca_bad_frees;
    /* the model's view of rp_stats */
    size_t rp_small_bytes, rp_large_bytes, rp_large_blocks, rp_req_peak;
    size_t rp_failed, rp_resets;

    uint8_t next_seed;
    size_t check_spent; /* estimated self-check steps so far (see harness_may_check) */
};

/* Print what broke (op index and text, input name) and abort. */
void harness_fail(const harness_t *h, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3), noreturn))
#endif
    ;

#define CHECK(h, cond, ...)                    \
    do {                                       \
        if (!(cond))                           \
            harness_fail((h), __VA_ARGS__);    \
    } while (0)

/* The model's requested bytes of the sca: add, then subtract (peak kept). */
void harness_note_sca_requested(harness_t *h, size_t add, size_t sub);

/* rp_cleanup_add of n bytes, with the checking handler or none, recorded in the model. */
void harness_op_cleanup(harness_t *h, size_t n, int with_handler);

/* Whether a self-check may run now, and if so charge its estimated cost.
 * The self-checks and sca_stats walk every free list (cost about free blocks
 * x chunks), so a program that builds huge free lists would spend minutes
 * in them and time the fuzzer out; past a per-run budget the periodic checks
 * are skipped (deterministically: the estimate depends on the program only).
 * forced: the end of the run, which only a single over-large check skips. */
int harness_may_check(harness_t *h, int forced);

/* The `edges` op (edges.c) and the `tamper` op (tamper.c). */
void harness_op_edges(harness_t *h);
void harness_op_tamper(harness_t *h, unsigned mode);

#endif
