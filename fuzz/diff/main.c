/*
 * main.c - fuzz_diff: the differential checks from the command line (ctest
 * runs it).  See --help.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

static const char usage[] =
    "usage: fuzz_diff sca|rp [--seeds N] [--ops M] [--first-seed S] [PATH...]\n"
    "  Runs programs through our allocator and through the original it follows\n"
    "  (sca: libstdc++'s __gnu_cxx::__pool_alloc; rp: nginx's ngx_palloc.c) and\n"
    "  compares upstream requests, upstream calls and where every block lies.\n"
    "  PATH: fuzz inputs, or folders of them (corpus/: sca, rp and mixed inputs;\n"
    "        a mixed input contributes its ops for the chosen allocator).\n"
    "  --seeds N       also N fixed-seed random programs (seeds S..S+N-1, default S=1)\n"
    "  --ops M         ops per random program (default 1500)\n"
    "  On a difference: prints the first differing op and both sides' answers, exit 1.\n"
    "  Exit 2 on bad usage or when a check cannot run.\n";

typedef struct run {
    int which;
    diff_counts_t counts;
    size_t differ, errors;
} run_t;

static void check(run_t *r, const char *label, const diff_program_t *prog)
{
    int rc = r->which == DIFF_SCA ? diff_sca_program(label, prog, &r->counts)
                                  : diff_rp_program(label, prog, &r->counts);
    r->counts.programs++;
    if (rc > 0)
        r->differ++;
    else if (rc < 0)
        r->errors++;
}

static void check_file(const char *path, void *ctx)
{
    run_t *r = ctx;
    uint8_t *data;
    size_t size;
    if (diff_read_file(path, &data, &size) != 0) {
        fprintf(stderr, "fuzz_diff: cannot read %s: %s\n", path, strerror(errno));
        r->errors++;
        return;
    }
    diff_program_t prog;
    if (diff_decode(data, size, path, r->which, &prog) == 0)
        check(r, path, &prog);
    diff_program_free(&prog);
    free(data);
}

static int number(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return errno == 0 && end != s && *end == '\0';
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    run_t r;
    memset(&r, 0, sizeof r);
    if (strcmp(argv[1], "sca") == 0)
        r.which = DIFF_SCA;
    else if (strcmp(argv[1], "rp") == 0)
        r.which = DIFF_RP;
    else {
        fprintf(stderr, "fuzz_diff: unknown allocator '%s' (sca or rp)\n%s", argv[1], usage);
        return 2;
    }
    unsigned long long seeds = 0, ops = 1500, first = 1;
    int paths = 0;
    for (int i = 2; i < argc; i++) {
        unsigned long long *opt = strcmp(argv[i], "--seeds") == 0        ? &seeds
                                  : strcmp(argv[i], "--ops") == 0        ? &ops
                                  : strcmp(argv[i], "--first-seed") == 0 ? &first
                                                                         : NULL;
        if (opt != NULL) {
            if (i + 1 >= argc || !number(argv[i + 1], opt)) {
                fprintf(stderr, "fuzz_diff: %s needs a number\n", argv[i]);
                return 2;
            }
            i++;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "fuzz_diff: unknown option '%s'\n%s", argv[i], usage);
            return 2;
        } else {
            paths++;
        }
    }
    if (paths == 0 && seeds == 0) {
        fprintf(stderr, "fuzz_diff: nothing to check (give PATHs or --seeds)\n");
        return 2;
    }
    for (unsigned long long s = first; s < first + seeds; s++) {
        size_t size;
        uint8_t *data = diff_random_input(r.which, s, (size_t)ops, &size);
        if (data == NULL) {
            fprintf(stderr, "fuzz_diff: out of memory\n");
            return 2;
        }
        diff_program_t prog;
        diff_decode(data, size, NULL, r.which, &prog);
        char label[64];
        snprintf(label, sizeof label, "seed %llu (%zu ops)", s, prog.n);
        size_t differ = r.differ, errors = r.errors;
        check(&r, label, &prog);
        fprintf(stderr, "fuzz_diff %s: %s: %s\n", argv[1], label,
                r.errors > errors ? "could not run" : r.differ > differ ? "DIFFER" : "agree");
        diff_program_free(&prog);
        free(data);
    }
    for (int i = 2; i < argc; i++) {
        if (argv[i][0] == '-') {
            i++;
            continue;
        }
        if (diff_for_each_input(argv[i], check_file, &r) < 0) {
            fprintf(stderr, "fuzz_diff: cannot read %s: %s\n", argv[i], strerror(errno));
            r.errors++;
        }
    }
    printf("fuzz_diff %s: %zu programs, %zu ops compared (%zu skipped: no reference), %zu upstream calls; "
           "%zu differ, %zu could not run\n",
           argv[1], r.counts.programs, r.counts.ops, r.counts.skipped, r.counts.upstream_calls, r.differ, r.errors);
    return r.errors > 0 ? 2 : r.differ > 0 ? 1 : 0;
}
