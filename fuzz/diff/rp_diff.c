/*
 * rp_diff.c - one program through rp and through nginx's ngx_palloc.c
 * (patched only where rp.h lists a departure), compared.  Both run in this
 * process: nginx's pool keeps no global state.
 */
#include <stdio.h>

#include "diff.h"
#include "sides.h"

int diff_rp_program(const char *label, const diff_program_t *prog, diff_counts_t *counts)
{
    diff_rp_side_t ours, ref;
    diff_rp_layout_t layout;
    if (!diff_rp_ours(&ours, &layout))
        return -1;
    diff_rp_reference(&ref, &layout);
    if (ref.create == NULL) {
        fprintf(stderr, "differential: the nginx reference was not built: the nginx source is missing "
                        "(run ci/install-deps as root, then reconfigure)\n");
        return -1;
    }
    diff_recorder_t a, b;
    diff_recorder_init(&a);
    diff_recorder_init(&b);
    diff_rp_run(&ours, &a, prog);
    diff_rp_run(&ref, &b, prog);
    int result = diff_compare(label, prog, ours.name, &a.log, ref.name, &b.log);
    counts->ops += prog->n;
    for (size_t i = 0; i < a.log.n; i++)
        counts->upstream_calls += a.log.ev[i].kind == DIFF_EV_UP_ALLOC || a.log.ev[i].kind == DIFF_EV_UP_REALLOC;
    diff_recorder_fini(&a);
    diff_recorder_fini(&b);
    return result;
}
