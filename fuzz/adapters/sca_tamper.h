/*
 * adapters/sca_tamper.h - the tampers of sca's structure, shared by both sca
 * adapters (sca.c, sca_fast.c): each breaks one invariant of the chunk list,
 * the uncarved tail or the large list that sca_check promises to see, asks
 * sca_check, puts every byte back and asks again.  White-box: they write the
 * private fields of alloc/src/sca_layout.h.  (The free-list tampers, which
 * go through a freed block instead, are in sca_common.h.)
 *
 * Every branch of sca_check's check_chunks and check_uncarved, and of its
 * large-list walk, is reached by one of these (make coverage, from the
 * seeds corpus/seeds/sca{,_fast}/tamper-structure.txt).
 */
#ifndef FUZZ_ADAPTERS_SCA_TAMPER_H
#define FUZZ_ADAPTERS_SCA_TAMPER_H

#include <stdint.h>
#include <string.h>

#include "alloc/sca.h"
#include "sca_layout.h"

enum {
    SCA_TAMPER_CHUNK_CYCLE,
    SCA_TAMPER_CHUNKS_CUT,
    SCA_TAMPER_CHUNK_SIZE_OFF_GRID,
    SCA_TAMPER_CHUNK_START_OFF_GRID,
    SCA_TAMPER_CHUNK_BYTES,
    SCA_TAMPER_TAIL_NO_START,
    SCA_TAMPER_TAIL_NO_END,
    SCA_TAMPER_TAIL_REVERSED,
    SCA_TAMPER_TAIL_PAST_CHUNK,
    SCA_TAMPER_TAIL_LENGTH_OFF_GRID,
    SCA_TAMPER_TAIL_START_OFF_GRID,
    SCA_TAMPER_LARGE_UNCOUNTED,
    SCA_TAMPER_LARGE_BACK_LINK,
    SCA_TAMPER_LARGE_CUT,
    SCA_STRUCTURE_TAMPERS
};

static const char *const sca_structure_tamper_names[SCA_STRUCTURE_TAMPERS] = {
    "a cycle in the chunk list",
    "a chunk list cut short",
    "a chunk size off the granule grid",
    "a chunk start off the granule grid",
    "a chunk's size changed by a granule (the chunk bytes no longer add up)",
    "an uncarved tail with no start",
    "an uncarved tail with no end",
    "an uncarved tail that ends before it starts",
    "an uncarved tail past its chunk's end",
    "an uncarved tail whose length is off the grid",
    "an uncarved tail whose start is off the grid",
    "a large block more than counted",
    "a broken back link in the large list",
    "a large list cut short",
};

/* Break what `which` names (an index above) in a, or return 0 when a has
 * nothing of the kind to break (no chunk, an empty tail, no large block).
 * Only the newest chunk's header and a's own fields change. */
static inline int sca_tamper_break(sca_t *a, unsigned which)
{
    chunk_t *c = a->chunks;
    unsigned char *start = a->start_free, *end = a->end_free;
    size_t g = a->granule, left = (size_t)(end - start);
    int chunked = c != NULL, tail = start != NULL && left >= g, large = a->large.next != &a->large;
    switch (which) {
    case SCA_TAMPER_CHUNK_CYCLE: if (!chunked) return 0; c->next = c; return 1;
    case SCA_TAMPER_CHUNKS_CUT: if (!chunked || c->next == NULL) return 0; c->next = NULL; return 1;
    case SCA_TAMPER_CHUNK_SIZE_OFF_GRID: if (!chunked) return 0; c->data_size += 1; return 1;
    case SCA_TAMPER_CHUNK_START_OFF_GRID: if (!chunked) return 0; c->data += 1; return 1;
    case SCA_TAMPER_CHUNK_BYTES: if (!chunked) return 0; c->data_size += g; return 1;
    case SCA_TAMPER_TAIL_NO_START: if (!tail) return 0; a->start_free = NULL; return 1;
    case SCA_TAMPER_TAIL_NO_END: if (!tail) return 0; a->end_free = NULL; return 1;
    case SCA_TAMPER_TAIL_REVERSED: if (!tail) return 0; a->start_free = end; a->end_free = start; return 1;
    case SCA_TAMPER_TAIL_PAST_CHUNK:
        if (!tail) return 0;
        a->end_free = (unsigned char *)((uintptr_t)end + g); /* past the chunk: no pointer arithmetic */
        return 1;
    case SCA_TAMPER_TAIL_LENGTH_OFF_GRID: if (!tail) return 0; a->end_free = end - 1; return 1;
    case SCA_TAMPER_TAIL_START_OFF_GRID:
        if (!tail) return 0;
        a->start_free = start + 1; /* the length stays on the grid */
        a->end_free = end + 1 - g;
        return 1;
    case SCA_TAMPER_LARGE_UNCOUNTED: if (!large) return 0; a->st.large_blocks_live--; return 1;
    case SCA_TAMPER_LARGE_BACK_LINK: if (!large) return 0; a->large.prev = &a->large; return 1;
    case SCA_TAMPER_LARGE_CUT: if (!large) return 0; a->large.next = &a->large; return 1;
    default: return 0;
    }
}

/* The adapters' tamper for structure tamper `which` (taken modulo their
 * count): *broken is sca_check with the break, *after once everything is
 * back.  Returns -1 when there is nothing of the kind to break. */
static inline int sca_tamper_structure(sca_t *a, unsigned which, size_t *broken, size_t *after, const char **what)
{
    which %= SCA_STRUCTURE_TAMPERS;
    *what = sca_structure_tamper_names[which];
    struct sca saved_instance;
    chunk_t saved_chunk;
    memcpy(&saved_instance, a, sizeof saved_instance);
    if (a->chunks != NULL)
        memcpy(&saved_chunk, a->chunks, sizeof saved_chunk);
    if (!sca_tamper_break(a, which))
        return -1;
    *broken = sca_check(a);
    memcpy(a, &saved_instance, sizeof saved_instance);
    if (a->chunks != NULL)
        memcpy(a->chunks, &saved_chunk, sizeof saved_chunk);
    *after = sca_check(a);
    return 0;
}

#endif
