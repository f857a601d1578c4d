/*
 * adapters/sca_common.h - what the two sca adapters (sca.c: SGI's layout,
 * sca_fast.c: the fast layout) check and break the same way: which options
 * sca_create accepts; a new block's class, alignment and poisoned slack; the
 * statistics as the executor reads them; and the free-list tampers every
 * layout's sca_check must see.
 * Each adapter computes the class it expects in its own way.
 */
#ifndef FUZZ_ADAPTERS_SCA_COMMON_H
#define FUZZ_ADAPTERS_SCA_COMMON_H

#include <stdint.h>

#include "alloc/sca.h"
#include "harness.h"
#include "sanitizer.h"

/* Whether sca_create accepts o, as sca.h states it for either layout (the
 * upstream aside): the executor expects a refusal exactly then. */
static inline int sca_common_options_valid(const sca_options_t *o)
{
    size_t g = o->granule;
    if (g == 0 || (g & (g - 1)) != 0 || g < sizeof(void *) || g > SCA_MAX_GRANULE || o->small_limit < g ||
        o->small_limit % g != 0 || o->refill_batch < 1 || o->refill_batch > SCA_MAX_REFILL_BATCH)
        return 0;
    if (o->layout == SCA_LAYOUT_FAST)
        return g <= SCA_FAST_MAX_GRANULE && o->small_limit <= SCA_FAST_MAX_LIMIT;
    return o->small_limit / g <= SCA_MAX_CLASSES && o->waste_cap == 0; /* SGI: no waste cap */
}

/* sca.h: a small block (n <= small_limit) is served with class `expected`,
 * aligned to min(granule, max_align_t), its class slack poisoned; a large
 * one is n, aligned to max_align_t.  Returns NULL, or what is wrong
 * (`wrong_class` when the class is not `expected`). */
static inline const char *sca_common_check_block(const sca_t *a, const sca_options_t *o, const void *p, size_t n,
                                                 size_t expected, const char *wrong_class)
{
    size_t req = n != 0 ? n : 1, cls = sca_class_size(a, n);
    size_t align = _Alignof(max_align_t);
    if (req <= o->small_limit) {
        if (cls != expected)
            return wrong_class;
        if (o->granule < align)
            align = o->granule;
        if (req < cls && FUZZ_POISON_VISIBLE && !fuzz_is_poisoned((const char *)p + req))
            return "the byte past the block (class slack) is not poisoned";
    } else if (cls != n) {
        return "sca_class_size of a large size is not the size";
    }
    if ((uintptr_t)p % align != 0)
        return "not aligned as sca.h promises";
    return NULL;
}

/* sca_stats in the executor's terms; blocks_live SIZE_MAX when the small
 * and large counts do not add up to it (the comparison then fails). */
static inline void sca_common_stats(const sca_t *a, fuzz_stats_t *out)
{
    sca_stats_t st = sca_stats(a);
    out->requested_live = st.bytes_requested_live;
    out->requested_peak = st.bytes_requested_peak;
    out->blocks_live = st.blocks_live;
    out->large_live = st.large_blocks_live;
    out->reallocs = st.reallocs;
    out->failed = st.failed_requests;
    out->upstream_held = st.upstream_bytes_held;
    out->upstream_peak = st.upstream_bytes_peak;
    if (st.blocks_live != st.small_blocks_live + st.large_blocks_live)
        out->blocks_live = SIZE_MAX;
}

/* The free-list tampers common to both layouts, in the adapters' mode
 * numbers 0-2. */
#define SCA_COMMON_TAMPERS 3
static const char *const sca_common_tamper_names[SCA_COMMON_TAMPERS] = {
    "a cycle in a free list", "a free-list link out of the chunks", "a free list cut short"};

/* Break the free list headed by hint (a small block just freed): mode 0,
 * its link points to itself (a cycle); 1, outside every chunk; 2, NULL
 * while the list goes on (the count disagrees).  Asks sca_check with the
 * break (*broken) and after the repair (*after).  Returns -1 when the mode
 * has nothing to break. */
static inline int sca_common_tamper_list(sca_t *a, unsigned mode, void *hint, size_t *broken, size_t *after)
{
    int outside = 0;
    void *link, *bad;
    peek(&link, hint, sizeof link);
    if (mode == 2 && link == NULL)
        return -1; /* the list has no rest to cut */
    bad = mode == 0 ? hint : mode == 1 ? (void *)&outside : NULL;
    poke(hint, &bad, sizeof bad);
    *broken = sca_check(a);
    poke(hint, &link, sizeof link);
    *after = sca_check(a);
    return 0;
}

#endif
