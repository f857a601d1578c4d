/*
 * main.c - the benchmark executable: loads the recorded traces, registers
 * every adapter this executable carries, and hands over to cbench_main.
 *
 * alloc_bench carries glibc, sca, rp, rp-nocache, obstack and bump (all
 * share glibc's malloc), and null (the replay loop's own cost).  alloc_bench_<peer> carries one peer that replaces
 * malloc for its whole process (BENCH_PEER defined).
 *
 * Traces: every *.trace and *.trace.xz in $ALLOC_BENCH_TRACES, or else in
 * BENCH_TRACE_DIR (bench/traces/ of the source tree, set by CMake).
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS under -std=c11 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cbench.h"
#include "registry.h"
#include "trace.h"

#ifndef BENCH_TRACE_DIR
#define BENCH_TRACE_DIR "bench/traces"
#endif

static int by_name(const void *a, const void *b)
{
    return strcmp(((const bench_trace *)a)->name, ((const bench_trace *)b)->name);
}

static int is_trace_file(const char *name)
{
    size_t len = strlen(name);
    return (len > 6 && strcmp(name + len - 6, ".trace") == 0) ||
           (len > 9 && strcmp(name + len - 9, ".trace.xz") == 0);
}

/* Load every trace in dir (no limit on their number).  The array is
 * mmap'd, as the traces are, so nothing of theirs sits in malloc's heap.
 * A bad trace, or two of one name, stops the program: a benchmark that
 * silently lost its input would mislead. */
static bench_trace *load_traces(const char *dir, size_t *count, size_t *mapped)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0, cap = 0;
    bench_trace *traces;
    *count = 0;
    *mapped = 0;
    if (d == NULL) {
        fprintf(stderr, "alloc_bench: no trace folder %s: trace/* benchmarks skipped\n", dir);
        return NULL;
    }
    while ((e = readdir(d)) != NULL)
        cap += is_trace_file(e->d_name);
    if (cap == 0) {
        closedir(d);
        return NULL;
    }
    *mapped = cap * sizeof *traces;
    traces = mmap(NULL, *mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (traces == MAP_FAILED) {
        fprintf(stderr, "alloc_bench: out of memory for %zu traces\n", cap);
        exit(1);
    }
    rewinddir(d);
    while ((e = readdir(d)) != NULL && n < cap) {
        char path[4096], err[512];
        if (!is_trace_file(e->d_name))
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
    for (size_t i = 1; i < n; i++) {
        if (strcmp(traces[i - 1].name, traces[i].name) == 0) {
            fprintf(stderr, "alloc_bench: two traces named %s in %s (a .trace and a .trace.xz?)\n",
                    traces[i].name, dir);
            exit(1);
        }
    }
    *count = n;
    return traces;
}

int main(int argc, char **argv)
{
    const char *dir = getenv("ALLOC_BENCH_TRACES");
    size_t ntraces, mapped;
    bench_trace *traces = load_traces(dir && *dir ? dir : BENCH_TRACE_DIR, &ntraces, &mapped);
#ifdef BENCH_PEER
    bench_register_peer(traces, ntraces);
#else
    bench_register_glibc(traces, ntraces);
    bench_register_sca(traces, ntraces);
    bench_register_sca_fast(traces, ntraces);
    bench_register_sca_compact(traces, ntraces);
    bench_register_rp(traces, ntraces);
    bench_register_rp_nocache(traces, ntraces);
    bench_register_rp_64k(traces, ntraces);
    bench_register_rp_64k_16k(traces, ntraces);
    bench_register_obstack(traces, ntraces);
    bench_register_bump(traces, ntraces);
    bench_register_null(traces, ntraces);
#endif
    int status = cbench_main(argc, argv);
    for (size_t i = 0; i < ntraces; i++)
        bench_trace_free(&traces[i]);
    if (traces)
        munmap(traces, mapped);
    return status;
}
