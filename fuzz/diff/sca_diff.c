/*
 * sca_diff.c - one program through sca and through __pool_alloc, compared.
 *
 * The program is cut into instances at every sca-new.  An instance with SGI's
 * fixed options (granule 8, limit 128, batch 20) is replayed on both sides:
 * ours in this process, the reference in a fresh child process (its state is
 * process-global), which sends its log back through a pipe.  Instances with
 * other options have no reference and are skipped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diff.h"
#include "sides.h"

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Read the child's events until EOF into r's log. */
static int read_events(int fd, diff_recorder_t *r)
{
    diff_event_t e;
    size_t got = 0;
    for (;;) {
        ssize_t n = read(fd, (char *)&e + got, sizeof e - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return got == 0 ? 0 : -1;
        got += (size_t)n;
        if (got == sizeof e) {
            r->op = e.op;
            diff_log_add(r, (diff_event_kind_t)e.kind, e.a, e.b, e.c);
            got = 0;
        }
    }
}

/* Replay [from, to) on the reference in a child; its events go to ref's log. */
static int run_reference(const diff_program_t *prog, size_t from, size_t to, const diff_recorder_t *state,
                         diff_recorder_t *ref)
{
    int fd[2];
    if (pipe(fd) != 0) {
        perror("differential: pipe");
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("differential: fork");
        return -1;
    }
    if (pid == 0) {
        close(fd[0]);
        diff_recorder_t r = *state; /* the same fault clock and block numbers as ours */
        r.log.ev = NULL;
        r.log.n = r.log.cap = 0;
        diff_sca_side_t side;
        diff_sca_reference(&side);
        diff_sca_run(&side, &r, prog, from, to);
        int bad = write_all(fd[1], r.log.ev, r.log.n * sizeof *r.log.ev);
        _exit(bad ? 3 : 0);
    }
    close(fd[1]);
    int rc = read_events(fd[0], ref);
    close(fd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "differential: the __pool_alloc reference process failed (%s %d)\n",
                WIFSIGNALED(status) ? "signal" : "exit", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        return -1;
    }
    return 0;
}

static int sgi_options(const diff_op_t *op)
{
    return op->arg == DIFF_SGI_GRANULE && op->limit == DIFF_SGI_LIMIT && op->batch == DIFF_SGI_BATCH;
}

int diff_sca_program(const char *label, const diff_program_t *prog, diff_counts_t *counts)
{
    if (getenv("GLIBCXX_FORCE_NEW") != NULL) {
        fprintf(stderr, "differential: GLIBCXX_FORCE_NEW is set: __pool_alloc would not pool; unset it\n");
        return -1;
    }
    diff_sca_side_t ours;
    if (!diff_sca_ours(&ours))
        return -1;
    diff_recorder_t a, b;
    diff_recorder_init(&a);
    diff_recorder_init(&b);
    int result = 0;
    size_t from = 0;
    int follow = 1; /* the program starts with a default instance */
    while (from <= prog->n && result == 0) {
        size_t to = from;
        while (to < prog->n && prog->ops[to].kind != DIFF_OP_SCA_NEW)
            to++;
        if (follow) {
            if (run_reference(prog, from, to, &a, &b) != 0) {
                result = -1;
                break;
            }
            diff_sca_run(&ours, &a, prog, from, to);
            counts->ops += to - from;
        } else {
            counts->skipped += to - from;
        }
        if (to == prog->n)
            break;
        follow = sgi_options(&prog->ops[to]);
        from = to + 1;
    }
    if (result == 0 && diff_compare(label, prog, ours.name, &a.log, "__pool_alloc", &b.log) != 0)
        result = 1;
    for (size_t i = 0; i < a.log.n; i++)
        counts->upstream_calls += a.log.ev[i].kind == DIFF_EV_UP_ALLOC || a.log.ev[i].kind == DIFF_EV_UP_REALLOC;
    diff_recorder_fini(&a);
    diff_recorder_fini(&b);
    return result;
}
