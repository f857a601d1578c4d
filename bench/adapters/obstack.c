/*
 * obstack.c - glibc's obstack, the classic region allocator, for the region
 * workloads.  Chunks come from malloc (obstack's default 4064-byte chunks;
 * bigger objects get a chunk of their own).  Reset: obstack_free back to a
 * mark made at creation (obstack gives its later chunks back to malloc).
 * Held bytes: glibc_heap.h, as glibc, since the chunks are malloc's.
 */
#include <obstack.h>
#include <stdlib.h>

#include "adapter.h"
#include "glibc_heap.h"

#define obstack_chunk_alloc malloc
#define obstack_chunk_free free

/* glibc's obstack.h aligns with (char *)0 + offset arithmetic inside its
 * macros, which UBSan's pointer-overflow check reports in sanitizer builds:
 * the header's idiom, not a bug of ours, so that one check is off in the
 * functions that expand those macros. */
#define OBSTACK_MACROS __attribute__((no_sanitize("pointer-overflow")))

typedef struct obstack_inst {
    struct obstack ob;
    char *mark;  /* first object: obstack_free to it empties the obstack */
} obstack_inst;

static int obstack_env;

static void *obstack_adapter_open(const bench_open_opts *o)
{
    glibc_heap_settle(o);
    return &obstack_env;
}

static void obstack_adapter_close(void *env)
{
    (void)env;
}

OBSTACK_MACROS static void *obstack_adapter_create(void *env)
{
    obstack_inst *o = malloc(sizeof *o);
    (void)env;
    if (o == NULL)
        return NULL;
    obstack_init(&o->ob);
    o->mark = obstack_alloc(&o->ob, 1);
    return o;
}

OBSTACK_MACROS static void obstack_adapter_destroy(void *env, void *inst)
{
    obstack_inst *o = inst;
    (void)env;
    obstack_free(&o->ob, NULL);
    free(o);
}

OBSTACK_MACROS static void *obstack_adapter_alloc(void *inst, size_t n)
{
    obstack_inst *o = inst;
    return obstack_alloc(&o->ob, n);
}

OBSTACK_MACROS static void obstack_adapter_reset(void *inst)
{
    obstack_inst *o = inst;
    obstack_free(&o->ob, o->mark);
    o->mark = obstack_alloc(&o->ob, 1);
}

static const bench_adapter obstack_adapter = {
    .name = "obstack",
    .caps = BENCH_CAP_RESET | BENCH_CAP_DESTROY_FREES,
    .workloads = BENCH_W_LIFECYCLE | BENCH_W_LIFECYCLE_CREATE,
    .held_source = GLIBC_HEAP_HELD_SOURCE,
    .open = obstack_adapter_open,
    .close = obstack_adapter_close,
    .create = obstack_adapter_create,
    .destroy = obstack_adapter_destroy,
    .alloc = obstack_adapter_alloc,
    .free = bench_adapter_missing_free,
    .realloc = bench_adapter_missing_realloc,
    .reset = obstack_adapter_reset,
    .held = glibc_heap_held,
};

#define BENCH_ADAPTER obstack_adapter
#include "instantiate.h"

void bench_register_obstack(const bench_trace *traces, size_t ntraces)
{
    instantiated_register(traces, ntraces);
}
