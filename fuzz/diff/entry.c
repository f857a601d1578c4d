/* entry.c - one input of a differential fuzz target. */
#include <stdio.h>
#include <stdlib.h>

#include "diff.h"
#include "entry.h"

int diff_fuzz_one(int which, const uint8_t *data, size_t size)
{
    diff_program_t prog;
    diff_counts_t counts = {0, 0, 0, 0};
    diff_decode(data, size, NULL, which, &prog);
    int rc = which == DIFF_SCA ? diff_sca_program("fuzz input", &prog, &counts)
                               : diff_rp_program("fuzz input", &prog, &counts);
    diff_program_free(&prog);
    if (rc != 0) {
        fprintf(stderr, "differential: %s\n", rc > 0 ? "the sides differ (above)" : "the check could not run");
        abort();
    }
    return 0;
}
