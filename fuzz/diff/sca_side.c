/*
 * sca_side.c - our sca as one side of the SGI differential check.
 *
 * sca puts a header in front of every chunk (to give chunks back at destroy)
 * and every large block (to list them); SGI has neither.  The headers are
 * measured here, on a scratch instance, rather than copied from sca.c, so
 * that a new field in sca's headers does not break the comparison - but the
 * measurement must look like a header (a few words), or we refuse.
 */
#include <stdio.h>
#include <string.h>

#include "alloc/sca.h"
#include "sides.h"

static int ours_create(void **inst, diff_recorder_t *r)
{
    sca_options_t o = sca_options_default();
    o.granule = DIFF_SGI_GRANULE;
    o.small_limit = DIFF_SGI_LIMIT;
    o.refill_batch = DIFF_SGI_BATCH;
    o.upstream = diff_recorder_upstream(r);
    *inst = sca_create(&o);
    return *inst != NULL;
}

static void ours_destroy(void *inst)
{
    sca_destroy(inst);
}

static void *ours_allocate(void *inst, size_t n)
{
    return sca_allocate(inst, n);
}

static void ours_deallocate(void *inst, void *p, size_t n)
{
    sca_deallocate(inst, p, n);
}

static void *ours_reallocate(void *inst, void *p, size_t old_n, size_t new_n)
{
    return sca_reallocate(inst, p, old_n, new_n);
}

/* The size and offset of the one upstream block the last call took. */
static int last_block(const diff_recorder_t *r, const void *p, size_t *size, size_t *offset)
{
    uint64_t ord;
    if (r->log.n == 0 || r->log.ev[r->log.n - 1].kind != DIFF_EV_UP_ALLOC || !diff_rec_locate(r, p, &ord, offset))
        return 0;
    *size = (size_t)r->log.ev[r->log.n - 1].a;
    return 1;
}

int diff_sca_ours(diff_sca_side_t *side)
{
    memset(side, 0, sizeof *side);
    side->name = "sca";
    side->create = ours_create;
    side->destroy = ours_destroy;
    side->allocate = ours_allocate;
    side->deallocate = ours_deallocate;
    side->reallocate = ours_reallocate;

    /* Measure: the first chunk holds 2 x batch blocks (SGI's rule, with
     * nothing allocated before: heap_size/16 is 0); a large block is the
     * request plus its header.  A second chunk, of the largest class (the
     * first chunk's tail is too short for two of them: the third asks),
     * tells a fixed header from a per-byte map (ALLOC_DEBUG >= 1). */
    diff_recorder_t r;
    diff_recorder_init(&r);
    void *a;
    int ok = ours_create(&a, &r);
    size_t chunk = 0, chunk_off = 0, large = 0, large_off = 0, chunk2 = 0, chunk2_off = 0;
    if (ok) {
        r.armed = 1;
        void *p = sca_allocate(a, DIFF_SGI_GRANULE);
        ok = p != NULL && last_block(&r, p, &chunk, &chunk_off);
        void *q = sca_allocate(a, 4 * DIFF_SGI_LIMIT);
        ok = ok && q != NULL && last_block(&r, q, &large, &large_off);
        void *l1 = sca_allocate(a, DIFF_SGI_LIMIT), *l2 = sca_allocate(a, DIFF_SGI_LIMIT);
        ok = ok && l1 != NULL && l2 != NULL && last_block(&r, l2, &chunk2, &chunk2_off);
        r.armed = 0;
        sca_deallocate(a, l2, DIFF_SGI_LIMIT);
        sca_deallocate(a, l1, DIFF_SGI_LIMIT);
        sca_deallocate(a, q, 4 * DIFF_SGI_LIMIT);
        sca_deallocate(a, p, DIFF_SGI_GRANULE);
        sca_destroy(a);
    }
    diff_recorder_fini(&r);
    size_t data = 2 * DIFF_SGI_BATCH * DIFF_SGI_GRANULE;
    /* the second chunk: 2 x 20 x 128 + (320 >> 4) rounded to the granule */
    size_t data2 = 2 * DIFF_SGI_BATCH * DIFF_SGI_LIMIT + ((data >> 4) + DIFF_SGI_GRANULE - 1) / DIFF_SGI_GRANULE * DIFF_SGI_GRANULE;
    if (!ok || chunk < data || large < 4 * DIFF_SGI_LIMIT || chunk2 < data2 || chunk2 - data2 < chunk - data) {
        fprintf(stderr, "differential: could not measure sca's headers (a first chunk or large block is missing)\n");
        return 0;
    }
    side->map_num = (chunk2 - data2) - (chunk - data); /* extra bytes grow with the data */
    side->map_den = side->map_num != 0 ? data2 - data : 0;
    for (size_t x = side->map_num, y = side->map_den; y != 0;) { /* reduce num/den (Euclid) */
        size_t t = x % y;
        x = y;
        y = t;
        if (y == 0) {
            side->map_num /= x;
            side->map_den /= x;
        }
    }
    side->chunk_header = chunk - data - (side->map_den != 0 ? data * side->map_num / side->map_den : 0);
    side->large_header = large - 4 * DIFF_SGI_LIMIT;
    side->data_offset = chunk_off;
    if (chunk_off != large_off || side->chunk_header < chunk_off || side->chunk_header > chunk_off + 64 ||
        side->large_header > 64) {
        fprintf(stderr,
                "differential: sca's headers do not look like headers: first chunk asks %zu bytes for %zu "
                "(data at +%zu), a %u-byte large block asks %zu (data at +%zu)\n",
                chunk, data, chunk_off, 4 * DIFF_SGI_LIMIT, large, large_off);
        return 0;
    }
    return 1;
}
