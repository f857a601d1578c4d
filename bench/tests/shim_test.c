/*
 * shim_test.c - the C shim over Google Benchmark does what cbench.h says:
 * arguments reach the C function, the loop runs in batches, paused time is
 * not measured, counters / label / items / errors reach the JSON, and the two
 * fixed modes (instructions, measure) run the same function as promised.
 *
 * Usage: bench_shim_test OUT.json   (exit 0 when every check holds)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cbench.h"

static int failures;

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        if (!(cond)) {                                                      \
            failures++;                                                     \
            fprintf(stderr, "shim_test:%d: FAILED %s: ", __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                   \
            fputc('\n', stderr);                                            \
        }                                                                   \
    } while (0)

static int64_t seen_arg0 = -1, seen_arg1 = -1, seen_arg_oob = -1;
static int64_t batch_iterations = -1;
static int batch_calls;

static void bm_args(cbench_state *st, void *ctx)
{
    int *calls = ctx;
    unsigned sink = 0;
    (*calls)++;
    seen_arg0 = cbench_arg(st, 0);
    seen_arg1 = cbench_arg(st, 1);
    seen_arg_oob = cbench_arg(st, 2);
    while (cbench_keep_running(st)) {
        sink += 1;
        cbench_escape(&sink);
    }
    cbench_set_counter(st, "plain_counter", 42.0, CBENCH_COUNTER_PLAIN);
    cbench_set_counter(st, "rate_counter", 1000.0, CBENCH_COUNTER_RATE);
    cbench_set_counter(st, "avg_counter", (double)cbench_iterations(st) * 3.0,
                       CBENCH_COUNTER_AVG_ITERATIONS);
    cbench_set_items_processed(st, cbench_iterations(st));
    cbench_set_label(st, "label-from-c");
}

static void bm_batch(cbench_state *st, void *ctx)
{
    int64_t runs = 0;
    (void)ctx;
    batch_calls++;
    while (cbench_keep_running_batch(st, 64))
        runs++;
    batch_iterations = cbench_iterations(st);
    /* Google Benchmark may overshoot by up to a batch; every true return
     * accounts for a full batch of 64. */
    cbench_set_counter(st, "batches", (double)runs, CBENCH_COUNTER_PLAIN);
}

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* 50 us of timed work, 1 ms asleep while paused, per iteration. */
static void bm_paused(cbench_state *st, void *ctx)
{
    struct timespec ms = {0, 1000000};
    (void)ctx;
    while (cbench_keep_running(st)) {
        double until = now_us() + 50.0;
        while (now_us() < until) {
        }
        cbench_pause_timing(st);
        nanosleep(&ms, NULL);
        cbench_resume_timing(st);
    }
}

static void bm_error(cbench_state *st, void *ctx)
{
    (void)ctx;
    cbench_skip_with_error(st, "planned-error-from-c");
    while (cbench_keep_running(st)) {
    }
}

static void bm_measured(cbench_state *st, void *ctx)
{
    (void)ctx;
    while (cbench_keep_running(st)) {
    }
    if (cbench_measuring(st))
        cbench_set_counter(st, "m_counter", 5.0, CBENCH_COUNTER_PLAIN);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long len;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = calloc(1, (size_t)len + 1);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* The object in the JSON whose "name" is name, as a string (static). */
static const char *find_run(const char *json, const char *name)
{
    static char obj[8192];
    char key[256];
    const char *at, *end;
    snprintf(key, sizeof key, "\"name\": \"%s\"", name);
    at = strstr(json, key);
    if (!at)
        return NULL;
    end = strchr(at, '}');
    if (!end || (size_t)(end - at) >= sizeof obj)
        return NULL;
    memcpy(obj, at, (size_t)(end - at));
    obj[end - at] = '\0';
    return obj;
}

static double field(const char *obj, const char *key)
{
    char k[128];
    const char *at;
    snprintf(k, sizeof k, "\"%s\": ", key);
    at = obj ? strstr(obj, k) : NULL;
    return at ? strtod(at + strlen(k), NULL) : -1.0;
}

/* Run cbench_main with argv, its standard output captured (the fixed modes
 * run each benchmark in a child, so the output is what there is to check).
 * Returns the output (malloc'd) and the status in *status. */
static char *run_captured(int argc, char **argv, int *status)
{
    char path[] = "/tmp/shim_test_out_XXXXXX";
    int fd = mkstemp(path), saved;
    char *out;
    fflush(stdout);
    saved = dup(1);
    if (fd < 0 || saved < 0 || dup2(fd, 1) != 1) {
        *status = -1;
        return NULL;
    }
    *status = cbench_main(argc, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(fd);
    out = slurp(path);
    unlink(path);
    return out;
}

static void check_fixed_modes(void)
{
    char *argv_instr[] = {"shim_test", "--cbench_instructions", "--cbench_ops=1000",
                          "--cbench_filter=^shim/batch$", NULL};
    char *argv_measure[] = {"shim_test", "--cbench_measure", "--cbench_filter=^shim/measured$", NULL};
    char *argv_error[] = {"shim_test", "--cbench_instructions", "--cbench_filter=^shim/error$", NULL};
    char *argv_bad[] = {"shim_test", "--cbench_instructions", "--cbench_ops=zero", NULL};
    char *argv_nothing[] = {"shim_test", "--cbench_measure", "--cbench_filter=^no-such$", NULL};
    char *argv_list_instr[] = {"shim_test", "--cbench_instructions", "--cbench_list", NULL};
    char *argv_list_measure[] = {"shim_test", "--cbench_measure", "--cbench_list", NULL};
    int status;
    char *out;

    /* 1000 operations in batches of 64: 16 counted batches after the warm-up. */
    out = run_captured(4, argv_instr, &status);
    CHECK(status == 0, "instructions mode failed");
    CHECK(out && strstr(out, "cbench-instructions\tshim/batch\t1024\n"), "instructions mode output: %s",
          out ? out : "(none)");
    CHECK(out && strstr(out, "shim/args") == NULL, "the filter let another benchmark run: %s", out ? out : "");
    free(out);

    out = run_captured(3, argv_error, &status);
    CHECK(status != 0, "a benchmark that failed in instructions mode was not reported");
    free(out);

    CHECK(cbench_main(3, argv_bad) != 0, "a bad --cbench_ops was accepted");
    CHECK(cbench_main(3, argv_nothing) != 0, "a filter that matches nothing was accepted");

    /* An instructions-only benchmark: listed and run by the instructions
     * mode only. */
    out = run_captured(3, argv_list_instr, &status);
    CHECK(status == 0 && out && strstr(out, "shim/counted-only\n") && strstr(out, "shim/batch\n"),
          "instructions --cbench_list: %s", out ? out : "(none)");
    free(out);
    out = run_captured(3, argv_list_measure, &status);
    CHECK(status == 0 && out && strstr(out, "shim/counted-only") == NULL && strstr(out, "shim/batch\n"),
          "measure --cbench_list lists an instructions-only benchmark: %s", out ? out : "(none)");
    free(out);

    out = run_captured(3, argv_measure, &status);
    CHECK(status == 0, "measure mode failed");
    CHECK(out && strstr(out, "\"name\": \"shim/measured\""), "measure mode output: %s", out ? out : "(none)");
    CHECK(out && strstr(out, "\"m_counter\": 5"), "measure counter missing: %s", out ? out : "(none)");
    CHECK(out && strstr(out, "\"peak_rss_kb\": "), "peak RSS missing: %s", out ? out : "(none)");
    free(out);
}

int main(int argc, char **argv)
{
    static const int64_t args[] = {3, 7};
    static int calls;
    char out_flag[4200];
    char *json;
    const char *run;
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT.json\n", argv[0]);
        return 2;
    }
    CHECK(cbench_register(NULL, bm_args, NULL, NULL, 0) == -1, "NULL name accepted");
    CHECK(cbench_register("x", NULL, NULL, NULL, 0) == -1, "NULL function accepted");
    CHECK(cbench_register("shim/args", bm_args, &calls, args, 2) == 0, "register failed");
    CHECK(cbench_register("shim/batch", bm_batch, NULL, NULL, 0) == 0, "register failed");
    CHECK(cbench_register("shim/paused", bm_paused, NULL, NULL, 0) == 0, "register failed");
    CHECK(cbench_register("shim/error", bm_error, NULL, NULL, 0) == 0, "register failed");
    CHECK(cbench_register("shim/measured", bm_measured, NULL, NULL, 0) == 0, "register failed");
    CHECK(cbench_register_instructions_only("shim/counted-only", bm_batch, NULL, NULL, 0) == 0,
          "register failed");

    check_fixed_modes();

    snprintf(out_flag, sizeof out_flag, "--benchmark_out=%s", argv[1]);
    {
        char *gb_argv[] = {argv[0], out_flag, "--benchmark_out_format=json", "--benchmark_min_time=0.01",
                           "--benchmark_filter=^shim/(args|batch|paused|error|counted-only)", NULL};
        CHECK(cbench_main(5, gb_argv) == 0, "Google Benchmark run failed");
    }
    CHECK(calls >= 1, "bm_args never ran");

    CHECK(seen_arg0 == 3 && seen_arg1 == 7 && seen_arg_oob == 0, "args seen %lld %lld %lld",
          (long long)seen_arg0, (long long)seen_arg1, (long long)seen_arg_oob);
    CHECK(batch_iterations > 0 && batch_iterations % 64 == 0, "batch iterations %lld",
          (long long)batch_iterations);

    json = slurp(argv[1]);
    CHECK(json != NULL, "no JSON at %s", argv[1]);
    if (json) {
        run = find_run(json, "shim/args/3/7");
        CHECK(run != NULL, "shim/args/3/7 missing from the JSON");
        CHECK(field(run, "plain_counter") == 42.0, "plain counter %g", field(run, "plain_counter"));
        CHECK(field(run, "rate_counter") > 1000.0, "rate counter %g not per second",
              field(run, "rate_counter"));
        CHECK(field(run, "avg_counter") == 3.0, "avg counter %g not per iteration",
              field(run, "avg_counter"));
        CHECK(field(run, "items_per_second") > 0.0, "items_per_second missing");
        CHECK(run && strstr(run, "\"label\": \"label-from-c\""), "label missing");
        CHECK(run && strstr(run, "\"time_unit\": \"ns\""), "time unit not ns");

        run = find_run(json, "shim/batch");
        CHECK(field(run, "iterations") == (double)batch_iterations, "batch iterations %g vs %lld",
              field(run, "iterations"), (long long)batch_iterations);
        CHECK(field(run, "batches") * 64 == field(run, "iterations"), "batches %g iterations %g",
              field(run, "batches"), field(run, "iterations"));

        /* 50 us of work and 1 ms asleep, paused, per iteration: the
         * measured time must hold the work and not the sleep. */
        run = find_run(json, "shim/paused");
        CHECK(run != NULL && field(run, "real_time") >= 50e3 && field(run, "real_time") < 800e3,
              "paused time: %g ns per iteration, want 50 us of work without the 1 ms sleep",
              field(run, "real_time"));

        /* Google Benchmark never sees the instructions-only benchmark. */
        CHECK(find_run(json, "shim/counted-only") == NULL, "an instructions-only benchmark was timed");

        run = find_run(json, "shim/error");
        CHECK(run && strstr(run, "\"error_occurred\": true"), "error not reported");
        CHECK(run && strstr(run, "planned-error-from-c"), "error message lost");
        free(json);
    }
    if (failures) {
        fprintf(stderr, "shim_test: %d check(s) failed\n", failures);
        return 1;
    }
    printf("shim_test: all checks passed\n");
    return 0;
}
