/*
 * recorder_test.c - the LD_PRELOAD recorder writes a trace the loader
 * accepts and that holds what the program did.
 *
 * Usage: bench_recorder_test RECORDER.so OUT.trace
 * Re-runs itself with LD_PRELOAD=RECORDER.so as a child that makes a known
 * sequence of calls with marker sizes (sizes nothing else in the process
 * asks for), then loads the trace and finds that sequence in it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace.h"

#define MARK_MALLOC 77001u
#define MARK_REALLOC 77002u
#define MARK_CALLOC_N 3u
#define MARK_CALLOC_M 25667u  /* 3 x 25667 = 77001: the same size, a second block */
#define MARK_ALIGNED 77003u

/* Where the child's blocks escape to: without it an optimising compiler may
 * drop an allocation whose block is never used (clang -O3 does). */
static void *volatile sink;

static int child(void)
{
    void *a = malloc(MARK_MALLOC);
    void *b = calloc(MARK_CALLOC_N, MARK_CALLOC_M);
    void *c = NULL;
    if (!a || !b || posix_memalign(&c, 64, MARK_ALIGNED) != 0)
        return 1;
    sink = a;
    sink = b;
    sink = c;
    a = realloc(a, MARK_REALLOC);
    sink = a;
    free(b);
    free(c);
    /* a is left live: the trace ends with it allocated. */
    printf("child done %p\n", a);
    return 0;
}

static const bench_trace_op *find(const bench_trace *t, size_t from, char kind, size_t size)
{
    for (size_t i = from; i < t->nops; i++)
        if (t->ops[i].kind == kind && (kind == 'f' || t->ops[i].size == size))
            return &t->ops[i];
    return NULL;
}

static const bench_trace_op *find_free(const bench_trace *t, const bench_trace_op *after, uint32_t id)
{
    for (const bench_trace_op *op = after + 1; op < t->ops + t->nops; op++) {
        if (op->id == id)
            return op->kind == 'f' ? op : NULL;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    bench_trace t;
    char err[512];
    int status, failures = 0;
    pid_t pid;
    const bench_trace_op *a, *b, *c, *ra, *fb, *fc;
    if (argc == 2 && strcmp(argv[1], "--child") == 0)
        return child();
    if (argc != 3) {
        fprintf(stderr, "usage: %s RECORDER.so OUT.trace\n", argv[0]);
        return 2;
    }
    pid = fork();
    if (pid == 0) {
        setenv("LD_PRELOAD", argv[1], 1);
        setenv("ALLOC_TRACE_FILE", argv[2], 1);
        execl("/proc/self/exe", argv[0], "--child", (char *)NULL);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "recorder_test: the recorded child failed\n");
        return 1;
    }
    if (bench_trace_load(argv[2], &t, err, sizeof err) != 0) {
        fprintf(stderr, "recorder_test: trace rejected: %s\n", err);
        return 1;
    }
    a = find(&t, 0, 'm', MARK_MALLOC);
    b = a ? find(&t, (size_t)(a - t.ops) + 1, 'm', MARK_MALLOC) : NULL;
    c = find(&t, 0, 'm', MARK_ALIGNED);
    ra = find(&t, 0, 'r', MARK_REALLOC);
#define CHECK(cond, msg)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            fprintf(stderr, "recorder_test: FAILED %s\n", msg); \
            failures++;                                    \
        }                                                  \
    } while (0)
    CHECK(a != NULL, "malloc(77001) not recorded");
    CHECK(b != NULL, "calloc(3, 25667) not recorded as a 77001-byte allocation");
    CHECK(c != NULL, "posix_memalign(64, 77003) not recorded");
    CHECK(ra != NULL && a != NULL && ra->id == a->id && ra > a, "realloc of the malloc'd block not recorded");
    CHECK(b && a && b->id != a->id, "two live blocks share an ID");
    fb = b ? find_free(&t, b, b->id) : NULL;
    fc = c ? find_free(&t, c, c->id) : NULL;
    CHECK(fb != NULL, "free of the calloc'd block not recorded");
    CHECK(fc != NULL, "free of the aligned block not recorded");
    CHECK(ra && find_free(&t, ra, ra->id) == NULL, "the block left live was recorded as freed");
    if (failures == 0)
        printf("recorder_test: %zu operations recorded, all checks passed\n", t.nops);
    bench_trace_free(&t);
    return failures ? 1 : 0;
}
