/* trace.c - load and check a recorded allocation trace (format in trace.h).
 *
 * Everything the loader keeps or uses for a while lives in mmap'd memory,
 * never in malloc's heap: the benchmark measures what allocators hold, and
 * a trace's buffers freed into the heap before a measuring pass would be
 * reused by the replay and hide what the allocator under test took. */
#define _GNU_SOURCE
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TRACE_MAX_ID (1u << 24)

/* An anonymous mapping that grows by mremap (it may move). */
typedef struct region {
    char *p;
    size_t len, cap;
} region;

static int region_reserve(region *r, size_t want)
{
    size_t ncap;
    void *n;
    if (want <= r->cap)
        return 0;
    ncap = r->cap ? r->cap : 1u << 16;
    while (ncap < want)
        ncap *= 2;
    n = r->p ? mremap(r->p, r->cap, ncap, MREMAP_MAYMOVE)
             : mmap(NULL, ncap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (n == MAP_FAILED)
        return -1;
    r->p = (char *)n;
    r->cap = ncap;
    return 0;
}

static void region_free(region *r)
{
    if (r->p)
        munmap(r->p, r->cap);
    memset(r, 0, sizeof *r);
}

static int fail(bench_trace *t, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    bench_trace_free(t);
    return -1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Read all of fd into r. */
static int read_all(int fd, region *r)
{
    for (;;) {
        ssize_t got;
        if (region_reserve(r, r->len + 65536) != 0)
            return -1;
        got = read(fd, r->p + r->len, r->cap - r->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            return 0;
        r->len += (size_t)got;
    }
}

/* The text of the trace: the file itself, or `xz -dc` of it for .trace.xz. */
static int read_text(const char *path, region *text, char *why, size_t whylen)
{
    int fd;
    if (!ends_with(path, ".xz")) {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read_all(fd, text) != 0) {
            snprintf(why, whylen, "cannot read (%s)", strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
        close(fd);
        return 0;
    }
    int fds[2], status = 0, rc;
    pid_t pid;
    if (pipe(fds) != 0) {
        snprintf(why, whylen, "pipe: %s", strerror(errno));
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        snprintf(why, whylen, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execlp("xz", "xz", "-dc", "--", path, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    rc = read_all(fds[0], text);
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(why, whylen, "xz -dc failed (%s)",
                 WIFEXITED(status) && WEXITSTATUS(status) == 127 ? "is xz-utils installed?" : "not a valid .xz file");
        return -1;
    }
    return 0;
}

/* A decimal number of at most 10 digits at *s; moves *s past it. */
static int number(const char **s, const char *end, unsigned long long *v)
{
    const char *p = *s;
    *v = 0;
    while (p < end && *p >= '0' && *p <= '9' && p - *s < 11)
        *v = *v * 10 + (unsigned long long)(*p++ - '0');
    if (p == *s || p - *s > 10)
        return -1;
    *s = p;
    return 0;
}

/* One operation line, exactly "K ID" or "K ID SIZE" (K in m, f, r; f has no
 * size), trailing spaces or a CR allowed, nothing else. */
static int parse_op(const char *s, const char *end, bench_trace_op *op)
{
    unsigned long long id, size = 0;
    char kind = *s++;
    if (kind != 'm' && kind != 'f' && kind != 'r')
        return -1;
    if (s >= end || *s++ != ' ' || number(&s, end, &id) != 0 || id >= TRACE_MAX_ID)
        return -1;
    if (kind != 'f') {
        if (s >= end || *s++ != ' ' || number(&s, end, &size) != 0 || size > UINT32_MAX - 1)
            return -1;
    }
    while (s < end && (*s == ' ' || *s == '\r'))
        s++;
    if (s != end)
        return -1;
    op->kind = kind;
    op->id = (uint32_t)id;
    op->size = (uint32_t)size;
    return 0;
}

int bench_trace_load(const char *path, bench_trace *t, char *err, size_t errlen)
{
    region text = {0}, live = {0}; /* live: per ID, size + 1 while live, 0 when dead */
    char why[160];
    size_t lines = 0, lineno = 0, live_bytes = 0;
    const char *base, *s, *end;
    memset(t, 0, sizeof *t);
    if (read_text(path, &text, why, sizeof why) != 0) {
        region_free(&text);
        return fail(t, err, errlen, "%s: %s", path, why);
    }
    base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(t->name, sizeof t->name, "%s", base);
    if (ends_with(t->name, ".xz"))
        t->name[strlen(t->name) - 3] = '\0';
    if (ends_with(t->name, ".trace"))
        t->name[strlen(t->name) - 6] = '\0';
    for (size_t i = 0; i < text.len; i++)
        lines += text.p[i] == '\n';
    lines++;
    t->ops_bytes = lines * sizeof *t->ops;
    t->ops = (bench_trace_op *)mmap(NULL, t->ops_bytes, PROT_READ | PROT_WRITE,
                                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (t->ops == MAP_FAILED) {
        t->ops = NULL;
        region_free(&text);
        return fail(t, err, errlen, "%s: out of memory", path);
    }
    for (s = text.p, end = text.p + text.len; s < end;) {
        const char *line = s, *eol = memchr(s, '\n', (size_t)(end - s));
        bench_trace_op op;
        uint32_t *sizes;
        if (eol == NULL)
            eol = end;
        s = eol < end ? eol + 1 : end;
        lineno++;
        if (line == eol || *line == '#')
            continue;
        if (parse_op(line, eol, &op) != 0) {
            int shown = (int)(eol - line > 40 ? 40 : eol - line);
            /* The message quotes the line: written before the text is unmapped. */
            fail(t, err, errlen, "%s:%zu: not an operation (want 'm ID SIZE', 'f ID' or 'r ID SIZE'): %.*s",
                 path, lineno, shown, line);
            region_free(&text);
            region_free(&live);
            return -1;
        }
        if (region_reserve(&live, ((size_t)op.id + 1) * sizeof(uint32_t)) != 0) {
            region_free(&text);
            region_free(&live);
            return fail(t, err, errlen, "%s: out of memory", path);
        }
        sizes = (uint32_t *)live.p; /* fresh anonymous pages read as 0: dead */
        if ((op.kind == 'm') != (sizes[op.id] == 0)) {
            region_free(&text);
            region_free(&live);
            return fail(t, err, errlen, "%s:%zu: block %u is %s", path, lineno, op.id,
                        op.kind == 'm' ? "already live" : "not live");
        }
        if (op.kind == 'm') {
            t->allocs++;
            live_bytes += op.size;
            sizes[op.id] = op.size + 1;
        } else if (op.kind == 'f') {
            t->frees++;
            live_bytes -= sizes[op.id] - 1;
            sizes[op.id] = 0;
        } else {
            t->reallocs++;
            live_bytes = live_bytes - (sizes[op.id] - 1) + op.size;
            sizes[op.id] = op.size + 1;
        }
        if (live_bytes > t->peak_live_bytes)
            t->peak_live_bytes = live_bytes;
        if (op.size > t->max_size)
            t->max_size = op.size;
        if ((size_t)op.id + 1 > t->nids)
            t->nids = (size_t)op.id + 1;
        t->ops[t->nops++] = op;
    }
    for (size_t i = 0; i < t->nids; i++)
        t->live_at_end += ((uint32_t *)live.p)[i] != 0;
    region_free(&text);
    region_free(&live);
    if (t->nops == 0)
        return fail(t, err, errlen, "%s: no operations", path);
    return 0;
}

void bench_trace_free(bench_trace *t)
{
    if (t == NULL)
        return;
    if (t->ops)
        munmap(t->ops, t->ops_bytes);
    memset(t, 0, sizeof *t);
}
