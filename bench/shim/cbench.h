/*
 * cbench.h - write Google Benchmark benchmarks in C.
 *
 * Benchmarks are plain C functions; the one C++ file behind this header
 * (cbench.cc) is only the bridge to Google Benchmark's C++ API.  A benchmark
 * function receives an opaque state and a context pointer given at
 * registration:
 *
 *     static void bm_lifo(cbench_state *st, void *ctx)
 *     {
 *         ...untimed setup...
 *         while (cbench_keep_running_batch(st, 1024)) {
 *             ...1024 operations...
 *         }
 *         cbench_set_items_processed(st, cbench_iterations(st));
 *     }
 *     cbench_register("lifo/glibc", bm_lifo, NULL, NULL, 0);
 *     return cbench_main(argc, argv);
 *
 * Besides Google Benchmark's own flags, cbench_main understands two modes of
 * its own that run every selected benchmark once, outside Google Benchmark:
 *
 *   --cbench_instructions  a fixed number of operations per benchmark (one
 *       warm-up batch, then about --cbench_ops=N operations, default 20000)
 *       with Callgrind's collection switched on only inside the timed region
 *       and a dump named after the benchmark at its end.  Run under
 *       `valgrind --tool=callgrind --collect-atstart=no`.  Prints one line
 *       "cbench-instructions<TAB>name<TAB>ops" per benchmark.  Each
 *       benchmark runs in a child process of its own (Callgrind follows
 *       fork), so its count does not depend on what ran before it.
 *   --cbench_measure       each benchmark in a fresh child process, with no
 *       timed iterations: cbench_measuring() is true, so the benchmark runs
 *       its untimed measuring pass and sets counters.  Prints one JSON object
 *       a line: name, label, counters and the child's peak RSS (wait4).
 *   --cbench_filter=REGEX  which benchmarks (ECMAScript regex search on the
 *       full name, as --benchmark_filter); used by both modes.
 *   --cbench_list          with one of the two modes: print the names it
 *       would run, one a line, and run nothing.
 *
 * Not thread-safe; register from one thread before cbench_main.
 */
#ifndef CBENCH_H
#define CBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cbench_state cbench_state;
typedef void (*cbench_fn)(cbench_state *st, void *ctx);

typedef enum cbench_counter_kind {
    CBENCH_COUNTER_PLAIN = 0,     /* reported as set */
    CBENCH_COUNTER_RATE,          /* divided by the elapsed time: per second */
    CBENCH_COUNTER_AVG_ITERATIONS /* divided by the number of iterations */
} cbench_counter_kind;

/* Register fn under `name`, with nargs integer arguments (args may be NULL
 * when nargs is 0).  The full name is name/arg0/arg1/..., as Google
 * Benchmark forms it.  ctx is passed to fn unchanged and must outlive
 * cbench_main.  Times are reported in nanoseconds.  Returns 0, or -1 if name
 * or fn is NULL or nargs > 8 (nothing is registered then). */
int cbench_register(const char *name, cbench_fn fn, void *ctx,
                    const int64_t *args, size_t nargs);

/* The same, for a benchmark only counted under Callgrind (the
 * --cbench_instructions mode): Google Benchmark never sees it and the
 * measuring pass skips it.  For a cost too small to time apart from the
 * untimed work around it (the end-of-trace frees). */
int cbench_register_instructions_only(const char *name, cbench_fn fn, void *ctx,
                                      const int64_t *args, size_t nargs);

/* Run the registered benchmarks as the command line says (see the modes
 * above; otherwise Google Benchmark's flags), then shut down.  Returns the
 * process exit status: 0 on success, 1 on a bad flag, a filter that
 * matches no benchmark, or a failed child. */
int cbench_main(int argc, char **argv);

/* The loop.  Returns nonzero while more iterations are wanted; each true
 * return accounts for 1 (or n) iterations.  Must be called until it returns
 * 0, and only from the benchmark function given st. */
int cbench_keep_running(cbench_state *st);
int cbench_keep_running_batch(cbench_state *st, int64_t n);

/* Stop and restart the clock (and Callgrind's collection in the
 * instructions mode) around work that must not be measured.  Costly under
 * Google Benchmark (two clock reads): not for every operation. */
void cbench_pause_timing(cbench_state *st);
void cbench_resume_timing(cbench_state *st);

/* Argument i of this benchmark (0 if i is out of range). */
int64_t cbench_arg(const cbench_state *st, size_t i);

/* Iterations completed so far (after the loop: all of them). */
int64_t cbench_iterations(const cbench_state *st);

/* 1 in --cbench_measure mode (run the untimed measuring pass), else 0. */
int cbench_measuring(const cbench_state *st);

/* Set counter `name` (copied) to value, shown as `kind` says. */
void cbench_set_counter(cbench_state *st, const char *name, double value,
                        cbench_counter_kind kind);

/* Items per second in the report (items_per_second in the JSON). */
void cbench_set_items_processed(cbench_state *st, int64_t items);

/* A free-text label (copied), shown next to the result and in the JSON. */
void cbench_set_label(cbench_state *st, const char *label);

/* Mark the benchmark failed with a message; the loop must then be left
 * (cbench_keep_running returns 0 from now on). */
void cbench_skip_with_error(cbench_state *st, const char *message);

/* Make the compiler believe p (and what it points to) is read and may be
 * written, so a store into a block or the block itself is not optimised
 * away.  The same barrier Google Benchmark's DoNotOptimize gives, usable
 * inline from C so it costs no call in the timed loop. */
static inline void cbench_escape(const void *p)
{
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

#ifdef __cplusplus
}
#endif

#endif
