/*
 * registry.h - one registration function per adapter, defined at the end of
 * its adapter file (over instantiate.h).  Each registers the benchmarks its adapter takes part in, named
 * workload/adapter[/arg]; traces are the recorded traces to replay.
 */
#ifndef BENCH_REGISTRY_H
#define BENCH_REGISTRY_H

#include <stddef.h>

#include "trace.h"

/* Objects allocated per request in lifecycle and lifecycle-create: a small
 * request (about 80 KiB, under glibc's 128 KiB trim threshold) and a big one
 * (about 800 KiB: a pool given back whole makes glibc trim its heap). */
#define LIFECYCLE_OBJECTS 200
#define LIFECYCLE_OBJECTS_BIG 2000

void bench_register_glibc(const bench_trace *traces, size_t ntraces);
void bench_register_sca(const bench_trace *traces, size_t ntraces);
void bench_register_sca_fast(const bench_trace *traces, size_t ntraces);
void bench_register_sca_compact(const bench_trace *traces, size_t ntraces);
void bench_register_rp(const bench_trace *traces, size_t ntraces);
void bench_register_rp_nocache(const bench_trace *traces, size_t ntraces);
void bench_register_rp_64k(const bench_trace *traces, size_t ntraces);
void bench_register_rp_64k_16k(const bench_trace *traces, size_t ntraces);
void bench_register_obstack(const bench_trace *traces, size_t ntraces);
void bench_register_bump(const bench_trace *traces, size_t ntraces);
/* The replay loop alone, over an allocator that does nothing. */
void bench_register_null(const bench_trace *traces, size_t ntraces);
/* jemalloc, tcmalloc or mimalloc: the one this executable is linked with. */
void bench_register_peer(const bench_trace *traces, size_t ntraces);

#endif
