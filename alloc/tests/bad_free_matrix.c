/*
 * bad_free_matrix.c - one planted bug of the README's detection matrix, run
 * in a child process so that the parent can say how it ended.
 *
 * usage: bad_free_matrix CASE [count]
 *   count   the sca instance reports with sca_report_count_only instead of
 *           the default (print and abort): a caught bad free is refused,
 *           counted, and the program goes on
 *
 * The child prints what it saw when nothing stopped it ("not detected: ..."
 * or "refused and counted: ..."); the tools and the default report print
 * their own lines.  The parent then prints one line: "ended: exit N",
 * "ended: abort" or "ended: CRASH (signal N)", and exits 1 only on a crash,
 * 2 on bad usage.  ctest matches the expected text of each cell
 * (alloc/tests/CMakeLists.txt holds the table, README.md the matrix).
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc/rp.h"
#include "alloc/sca.h"

/* Bigger than the small limit, well below glibc's mmap threshold. */
#define LARGE 1000

static int count_only;

static sca_t *new_sca(void)
{
    sca_options_t o = sca_options_default();
    if (count_only)
        o.report = sca_report_count_only;
    sca_t *a = sca_create(&o);
    if (a == NULL) {
        fprintf(stderr, "setup failed: sca_create\n");
        exit(2);
    }
    return a;
}

static void *must(void *p)
{
    if (p == NULL) {
        fprintf(stderr, "setup failed: an allocation returned NULL\n");
        exit(2);
    }
    return p;
}

/* The end of a case the build let through: refused (counted) or not. */
static int verdict(sca_t *a, const char *unseen)
{
    sca_stats_t s = sca_stats(a);
    if (s.bad_frees > 0)
        printf("refused and counted: bad_frees=%zu, sca_check=%zu\n", s.bad_frees, sca_check(a));
    else
        printf("not detected: %s\n", unseen);
    return 0;
}

static int small_double_free(void)
{
    sca_t *a = new_sca();
    void *p = must(sca_allocate(a, 24));
    sca_deallocate(a, p, 24);
    sca_deallocate(a, p, 24);
    void *q1 = must(sca_allocate(a, 24)), *q2 = must(sca_allocate(a, 24));
    return verdict(a, q1 == q2 ? "the block was handed out twice" : "no sign");
}

static int large_double_free(void)
{
    sca_t *a = new_sca();
    void *p = must(sca_allocate(a, LARGE));
    sca_deallocate(a, p, LARGE);
    sca_deallocate(a, p, LARGE);
    return verdict(a, "no sign");
}

static int small_foreign(void)
{
    sca_t *a = new_sca();
    void *x = must(malloc(64));
    sca_deallocate(a, x, 24);
    void *q = must(sca_allocate(a, 24));
    int r = verdict(a, q == x ? "the foreign block was handed out" : "no sign");
    free(x);
    return r;
}

static int large_foreign(void)
{
    sca_t *a = new_sca();
    void *x = must(malloc(LARGE));
    sca_deallocate(a, x, LARGE);
    int r = verdict(a, "no sign");
    free(x);
    return r;
}

static int wrong_size(void)
{
    sca_t *a = new_sca();
    void *p = must(sca_allocate(a, 16));
    sca_deallocate(a, p, 64);
    void *q = must(sca_allocate(a, 64));
    return verdict(a, q == p ? "allocate(64) returned the 16-byte block, over its neighbours" : "no sign");
}

static int small_freed_as_large(void)
{
    sca_t *a = new_sca();
    void *p = must(sca_allocate(a, 16));
    sca_deallocate(a, p, LARGE);
    return verdict(a, "no sign");
}

static int large_freed_as_small(void)
{
    sca_t *a = new_sca();
    void *p = must(sca_allocate(a, LARGE));
    sca_deallocate(a, p, 16);
    void *q = must(sca_allocate(a, 16));
    return verdict(a, q == p ? "allocate(16) returned the large block" : "no sign");
}

static int use_after_free(void)
{
    sca_t *a = new_sca();
    unsigned char *p = must(sca_allocate(a, 24));
    memset(p, 1, 24);
    sca_deallocate(a, p, 24);
    volatile unsigned char v = p[12];
    printf("not detected: read 0x%02x after deallocate\n", v);
    return 0;
}

static int overflow_slack(void)
{
    sca_t *a = new_sca();
    unsigned char *p = must(sca_allocate(a, 20)); /* class 24: 4 bytes of slack */
    ((volatile unsigned char *)p)[20] = 1;
    printf("not detected: wrote the slack byte\n");
    sca_deallocate(a, p, 20);
    return 0;
}

static int overflow_neighbour(void)
{
    sca_t *a = new_sca();
    unsigned char *p = must(sca_allocate(a, 24)); /* its neighbour is on a free list */
    /* Past the neighbour's link word, so the list survives the write. */
    ((volatile unsigned char *)p)[24 + sizeof(void *)] = 1;
    printf("not detected: wrote into the neighbouring block\n");
    sca_deallocate(a, p, 24);
    return 0;
}

static rp_pool_t *new_pool(void)
{
    rp_pool_t *pool = rp_create(4096, NULL);
    if (pool == NULL) {
        fprintf(stderr, "setup failed: rp_create\n");
        exit(2);
    }
    return pool;
}

static int use_after_reset(void)
{
    rp_pool_t *pool = new_pool();
    unsigned char *p = must(rp_palloc(pool, 64));
    memset(p, 1, 64);
    rp_reset(pool);
    volatile unsigned char v = p[10];
    printf("not detected: read 0x%02x after reset\n", v);
    rp_destroy(pool);
    return 0;
}

static int pfree_not_large(void)
{
    rp_pool_t *pool = new_pool();
    void *small = must(rp_palloc(pool, 64));
    void *large = must(rp_palloc(pool, 8000));
    rp_result_t r1 = rp_pfree(pool, small);
    rp_result_t r2 = rp_pfree(pool, large);
    rp_result_t r3 = rp_pfree(pool, large); /* twice */
    printf("%s: small %s, large %s then %s, rp_check=%zu\n",
           r1 == RP_DECLINED && r2 == RP_OK && r3 == RP_DECLINED ? "refused" : "WRONG ANSWERS",
           r1 == RP_OK ? "OK" : "DECLINED", r2 == RP_OK ? "OK" : "DECLINED", r3 == RP_OK ? "OK" : "DECLINED",
           rp_check(pool));
    rp_destroy(pool);
    return 0;
}

static const struct {
    const char *name;
    int (*run)(void);
} cases[] = {
    {"small-double-free", small_double_free},
    {"large-double-free", large_double_free},
    {"small-foreign", small_foreign},
    {"large-foreign", large_foreign},
    {"wrong-size", wrong_size},
    {"small-freed-as-large", small_freed_as_large},
    {"large-freed-as-small", large_freed_as_small},
    {"use-after-free", use_after_free},
    {"overflow-slack", overflow_slack},
    {"overflow-neighbour", overflow_neighbour},
    {"use-after-reset", use_after_reset},
    {"pfree-not-large", pfree_not_large},
};

static int usage(void)
{
    fprintf(stderr, "usage: bad_free_matrix CASE [count]\ncases:");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        fprintf(stderr, " %s", cases[i].name);
    fprintf(stderr, "\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "count") != 0))
        return usage();
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage();
        return 0;
    }
    count_only = argc == 3;
    int (*run)(void) = NULL;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (strcmp(argv[1], cases[i].name) == 0)
            run = cases[i].run;
    if (run == NULL)
        return usage();

    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("bad_free_matrix: fork");
        return 2;
    }
    if (pid == 0) {
        int r = run();
        fflush(stdout);
        _exit(r);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0) {
        perror("bad_free_matrix: waitpid");
        return 2;
    }
    if (WIFEXITED(status)) {
        printf("ended: exit %d\n", WEXITSTATUS(status));
        return 0;
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT) {
        printf("ended: abort\n");
        return 0;
    }
    printf("ended: CRASH (signal %d)\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return 1;
}
