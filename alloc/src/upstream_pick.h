/* upstream_pick.h - the one rule for an optional upstream argument. */
#ifndef ALLOC_UPSTREAM_PICK_H
#define ALLOC_UPSTREAM_PICK_H

#include "alloc/upstream.h"

/* *out = *u, or the libc upstream when u is NULL.  Returns 0 (and leaves
 * *out alone) when u is given but not valid. */
static inline int upstream_pick(const alloc_upstream_t *u, alloc_upstream_t *out)
{
    if (u == NULL) {
        *out = alloc_upstream_malloc();
        return 1;
    }
    if (!alloc_upstream_valid(u))
        return 0;
    *out = *u;
    return 1;
}

#endif
