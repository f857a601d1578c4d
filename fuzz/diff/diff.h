/*
 * diff.h - the differential checks as the drivers and fuzz targets see them.
 */
#ifndef FUZZ_DIFF_DIFF_H
#define FUZZ_DIFF_DIFF_H

#include <stddef.h>

#include "input.h"

typedef struct diff_counts {
    size_t programs;
    size_t ops;             /* ops compared */
    size_t skipped;         /* ops with no reference to compare with (sca with non-SGI options) */
    size_t upstream_calls;  /* upstream calls compared */
} diff_counts_t;

/* Run prog on both sides and compare.  Returns 0 when they agree, 1 on a
 * difference (printed on stderr, named by `label`), -1 when the check could
 * not run (also printed). */
int diff_sca_program(const char *label, const diff_program_t *prog, diff_counts_t *counts);
int diff_rp_program(const char *label, const diff_program_t *prog, diff_counts_t *counts);

#endif
