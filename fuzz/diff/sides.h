/*
 * sides.h - the two sides of each differential check, behind one small
 * interface each, and the runners that drive them op by op.
 *
 * A side owns its normalisation: what it must be told so that its answers
 * mean the same as the other side's (headers to subtract, sizes to adjust).
 * Every normalisation of the rp reference cites a departure listed in
 * rp.h; see nginx-departures.cmake for the list and where each is mirrored.
 */
#ifndef FUZZ_DIFF_SIDES_H
#define FUZZ_DIFF_SIDES_H

#include <stddef.h>

#include "input.h"
#include "recorder.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- sca and its SGI reference ------------------------------------------- */

/* SGI's fixed parameters, which __pool_alloc keeps: the reference can only
 * follow an sca created with these. */
#define DIFF_SGI_GRANULE 8u
#define DIFF_SGI_LIMIT 128u
#define DIFF_SGI_BATCH 20u

typedef struct diff_sca_side {
    const char *name;
    /* Bookkeeping in upstream requests (subtracted from the logged sizes)
     * and in front of the data (subtracted from offsets). */
    size_t chunk_header, large_header, data_offset;
    size_t map_num, map_den;  /* a chunk's extra bytes per data byte past its header */
    /* Create (recorder disarmed) and destroy an instance; 0 on failure. */
    int (*create)(void **inst, diff_recorder_t *r);
    void (*destroy)(void *inst);
    void *(*allocate)(void *inst, size_t n);
    void (*deallocate)(void *inst, void *p, size_t n);
    void *(*reallocate)(void *inst, void *p, size_t old_n, size_t new_n);
} diff_sca_side_t;

/* Ours: sca over the recorder.  Measures its headers on a scratch instance
 * first; returns 0 (and says why on stderr) if they are not what sca.h's
 * layout implies. */
int diff_sca_ours(diff_sca_side_t *side);
/* The reference: libstdc++'s __gnu_cxx::__pool_alloc<char> (sca_ref.cc).
 * Process-global: use it in a fresh child process for each instance. */
void diff_sca_reference(diff_sca_side_t *side);

/* Run ops [from, to) of prog on side; every answer goes to r's log. */
void diff_sca_run(const diff_sca_side_t *side, diff_recorder_t *r, const diff_program_t *prog, size_t from,
                  size_t to);

/* ---- rp and its nginx reference ------------------------------------------ */

typedef struct diff_rp_side {
    const char *name;
    void *(*create)(diff_recorder_t *r, size_t size);
    void (*destroy)(void *pool);
    void (*reset)(void *pool);
    void *(*palloc)(void *pool, size_t n);
    void *(*pnalloc)(void *pool, size_t n);
    void *(*pcalloc)(void *pool, size_t n);
    void *(*pmemalign)(void *pool, size_t n, size_t alignment);
    int (*pfree)(void *pool, void *p);       /* 0 OK, 1 DECLINED */
    /* Add a cleanup with handler and data set as given; returns the record
     * (NULL on failure) and the data the pool gave in *pool_data. */
    void *(*cleanup_add)(void *pool, size_t n, void (*handler)(void *), void *tag, void **pool_data);
    size_t (*max)(void *pool);
    size_t (*block_size)(void *pool);
} diff_rp_side_t;

/* What the nginx reference must mirror of rp's layout, measured on rp. */
typedef struct diff_rp_layout {
    size_t pool_header;  /* bytes before the first block's data */
    size_t large_node;   /* one large-list node */
} diff_rp_layout_t;

/* Ours: rp over the recorder; measures the layout (0 and a message if the
 * measurement is inconsistent). */
int diff_rp_ours(diff_rp_side_t *side, diff_rp_layout_t *layout);
/* The reference: nginx's ngx_palloc.c, patched as nginx-departures.cmake
 * lists, over the shim in rp_ref.c. */
void diff_rp_reference(diff_rp_side_t *side, const diff_rp_layout_t *layout);

/* Run the whole program on side (a default pool first, destroyed at the end). */
void diff_rp_run(const diff_rp_side_t *side, diff_recorder_t *r, const diff_program_t *prog);

/* ---- comparing ------------------------------------------------------------ */

/* Compare two logs of one program.  On the first difference print the op
 * (numbered as in fuzz-print -n), both sides' events for it, and return 1.
 * The runners log each op's resolved size first (a NOTE event), so the op is
 * printed with the size the sides were given. */
int diff_compare(const char *label, const diff_program_t *prog, const char *name_a,
                 const diff_log_t *a, const char *name_b, const diff_log_t *b);

#ifdef __cplusplus
}
#endif

#endif
