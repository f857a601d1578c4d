/*
 * rp_ref_missing.c - built instead of rp_ref.c when the nginx source is not
 * there: the rp check cannot run, and says so (it must not pass silently).
 */
#include <stdio.h>
#include <string.h>

#include "sides.h"

void diff_rp_reference(diff_rp_side_t *side, const diff_rp_layout_t *layout)
{
    (void)layout;
    memset(side, 0, sizeof *side);
    side->name = "nginx (missing)";
}
