/*
 * main.c - the benchmark executable: loads the recorded traces, registers
 * every adapter this executable carries, and hands over to cbench_main.
 *
 * alloc_bench carries glibc, sca, rp, rp-nocache, obstack and bump (all
 * share glibc's malloc).  alloc_bench_<peer> carries one peer that replaces
 * malloc for its whole process (BENCH_PEER defined).
 *
 * Traces: every *.trace in $ALLOC_BENCH_TRACES, or else in BENCH_TRACE_DIR
 * (bench/traces/ of the source tree, set by CMake).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbench.h"
#include "registry.h"
#include "trace.h"

#ifndef BENCH_TRACE_DIR
#define BENCH_TRACE_DIR "bench/traces"
#endif

#define MAX_TRACES 16

static int by_name(const void *a, const void *b)
{
    return strcmp(((const bench_trace *)a)->name, ((const bench_trace *)b)->name);
}

/* Load up to MAX_TRACES traces from dir; a bad trace stops the program
 * (a benchmark that silently lost its input would mislead). */
static size_t load_traces(const char *dir, bench_trace *traces)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;
    if (d == NULL) {
        fprintf(stderr, "alloc_bench: no trace folder %s: trace/* benchmarks skipped\n", dir);
        return 0;
    }
    while ((e = readdir(d)) != NULL && n < MAX_TRACES) {
        size_t len = strlen(e->d_name);
        char path[4096], err[512];
        if (len < 7 || strcmp(e->d_name + len - 6, ".trace") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (bench_trace_load(path, &traces[n], err, sizeof err) != 0) {
            fprintf(stderr, "alloc_bench: %s\n", err);
            exit(1);
        }
        n++;
    }
    closedir(d);
    qsort(traces, n, sizeof *traces, by_name);
    return n;
}

int main(int argc, char **argv)
{
    static bench_trace traces[MAX_TRACES];
    const char *dir = getenv("ALLOC_BENCH_TRACES");
    size_t ntraces = load_traces(dir && *dir ? dir : BENCH_TRACE_DIR, traces);
#ifdef BENCH_PEER
    bench_register_peer(traces, ntraces);
#else
    bench_register_glibc(traces, ntraces);
    bench_register_sca(traces, ntraces);
    bench_register_rp(traces, ntraces);
    bench_register_rp_nocache(traces, ntraces);
    bench_register_rp_64k(traces, ntraces);
    bench_register_rp_64k_16k(traces, ntraces);
    bench_register_obstack(traces, ntraces);
    bench_register_bump(traces, ntraces);
#endif
    int status = cbench_main(argc, argv);
    for (size_t i = 0; i < ntraces; i++)
        bench_trace_free(&traces[i]);
    return status;
}
