/* trace.c - load and check a recorded allocation trace (format in trace.h). */
#include "trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_MAX_ID (1u << 24)

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

static int push(bench_trace *t, size_t *cap, bench_trace_op op)
{
    if (t->nops == *cap) {
        size_t ncap = *cap ? 2 * *cap : 4096;
        bench_trace_op *n = realloc(t->ops, ncap * sizeof *n);
        if (n == NULL)
            return -1;
        t->ops = n;
        *cap = ncap;
    }
    t->ops[t->nops++] = op;
    return 0;
}

int bench_trace_load(const char *path, bench_trace *t, char *err, size_t errlen)
{
    FILE *f;
    char line[256];
    size_t cap = 0, lineno = 0;
    size_t live_cap = 0, live = 0;
    uint32_t *live_size = NULL;  /* per ID: size + 1 while live, 0 when dead */
    const char *base;
    memset(t, 0, sizeof *t);
    f = fopen(path, "r");
    if (f == NULL)
        return fail(t, err, errlen, "%s: cannot open", path);
    base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(t->name, sizeof t->name, "%s", base);
    if (strlen(t->name) > 6 && strcmp(t->name + strlen(t->name) - 6, ".trace") == 0)
        t->name[strlen(t->name) - 6] = '\0';
    while (fgets(line, sizeof line, f)) {
        char kind;
        unsigned long id, size = 0;
        int fields;
        bench_trace_op op;
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        fields = sscanf(line, "%c %lu %lu", &kind, &id, &size);
        if (fields < 2 || (kind != 'm' && kind != 'f' && kind != 'r') ||
            (kind != 'f' && fields != 3) || id >= TRACE_MAX_ID || size > UINT32_MAX - 1) {
            fclose(f);
            free(live_size);
            return fail(t, err, errlen, "%s:%zu: not an operation: %.40s", path, lineno, line);
        }
        if (id >= live_cap) {
            size_t ncap = live_cap ? live_cap : 1024;
            while (ncap <= id)
                ncap *= 2;
            uint32_t *n = realloc(live_size, ncap * sizeof *n);
            if (n == NULL) {
                fclose(f);
                free(live_size);
                return fail(t, err, errlen, "%s: out of memory", path);
            }
            memset(n + live_cap, 0, (ncap - live_cap) * sizeof *n);
            live_size = n;
            live_cap = ncap;
        }
        if ((kind == 'm') != (live_size[id] == 0)) {
            fclose(f);
            free(live_size);
            return fail(t, err, errlen, "%s:%zu: block %lu is %s", path, lineno, id,
                        kind == 'm' ? "already live" : "not live");
        }
        if (kind == 'm') {
            t->allocs++;
            live += size;
            live_size[id] = (uint32_t)size + 1;
        } else if (kind == 'f') {
            t->frees++;
            live -= live_size[id] - 1;
            live_size[id] = 0;
        } else {
            t->reallocs++;
            live = live - (live_size[id] - 1) + size;
            live_size[id] = (uint32_t)size + 1;
        }
        if (live > t->peak_live_bytes)
            t->peak_live_bytes = live;
        if (id + 1 > t->nids)
            t->nids = id + 1;
        op.id = (uint32_t)id;
        op.size = (uint32_t)size;
        op.kind = kind;
        if (push(t, &cap, op) != 0) {
            fclose(f);
            free(live_size);
            return fail(t, err, errlen, "%s: out of memory", path);
        }
    }
    fclose(f);
    free(live_size);
    if (t->nops == 0)
        return fail(t, err, errlen, "%s: no operations", path);
    return 0;
}

void bench_trace_free(bench_trace *t)
{
    if (t == NULL)
        return;
    free(t->ops);
    memset(t, 0, sizeof *t);
}
