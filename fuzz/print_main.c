/*
 * print_main.c - fuzz-print: show fuzz inputs as text, one op a line.
 *
 *   fuzz-print [--target sca|rp|mixed] [-n] FILE...
 *
 * -n numbers the ops as the harness reports them ("op #17").  The target
 * comes from --target or from the path, as in fuzz_replay.  The output is
 * valid input for fuzz-encode.  An input with more than FUZZ_MAX_OPS ops is
 * printed up to that limit, then refused with a message and exit 1: the
 * harness ignores the ops past it, and a silent cut would mislead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inputs.h"
#include "optext.h"
#include "producer.h"

/* 1 if data decodes to more ops than the harness runs (FUZZ_MAX_OPS). */
static int beyond_max_ops(const fuzz_target_t *t, const uint8_t *data, size_t size)
{
    fuzz_producer_t p;
    fuzz_op_t op;
    size_t n = 0;
    fuzz_producer_init(&p, data, size);
    while (n <= FUZZ_MAX_OPS && fuzz_decode_next(&p, t, &op))
        n++;
    return n > FUZZ_MAX_OPS;
}

int main(int argc, char **argv)
{
    const fuzz_target_t *forced = NULL;
    int numbered = 0, status = 0, nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("usage: fuzz-print [--target sca|rp|mixed] [-n] FILE...\n"
                   "Print fuzz inputs as text programs (one op a line); -n adds op numbers.\n");
            return 0;
        } else if (strcmp(argv[i], "-n") == 0) {
            numbered = 1;
        } else if (strcmp(argv[i], "--target") == 0 && i + 1 < argc) {
            forced = fuzz_target_by_name(argv[++i]);
            if (forced == NULL) {
                fprintf(stderr, "fuzz-print: unknown target '%s' (sca, rp, mixed)\n", argv[i]);
                return 2;
            }
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "fuzz-print: unknown option '%s' (try --help)\n", argv[i]);
            return 2;
        } else {
            const fuzz_target_t *t = forced != NULL ? forced : fuzz_target_from_path(argv[i]);
            uint8_t *data;
            size_t size;
            nfiles++;
            if (t == NULL) {
                fprintf(stderr, "fuzz-print: %s: cannot tell the target from the path (use --target)\n", argv[i]);
                status = 2;
                continue;
            }
            if (fuzz_read_file(argv[i], &data, &size) != 0) {
                fprintf(stderr, "fuzz-print: %s: %s\n", argv[i], strerror(errno));
                status = 2;
                continue;
            }
            if (argc > 2 + numbered)
                printf("# %s (%zu bytes)\n", argv[i], size);
            fuzz_program_print(stdout, t, data, size, numbered);
            if (beyond_max_ops(t, data, size)) {
                fflush(stdout);
                fprintf(stderr, "fuzz-print: %s: more than %u ops; only the first %u were printed, "
                                "and the harness runs only those (the rest is ignored)\n",
                        argv[i], FUZZ_MAX_OPS, FUZZ_MAX_OPS);
                status = 1;
            }
            free(data);
        }
    }
    if (nfiles == 0) {
        fprintf(stderr, "usage: fuzz-print [--target sca|rp|mixed] [-n] FILE...\n");
        return 2;
    }
    return status;
}
