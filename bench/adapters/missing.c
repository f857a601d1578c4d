/* missing.c - stand-ins for the functions an adapter does not have. */
#include "adapter.h"

#include <stdio.h>
#include <stdlib.h>

static void missing(const char *what)
{
    fprintf(stderr, "bench: a workload called %s on an adapter without it (harness bug)\n", what);
    abort();
}

void bench_adapter_missing_free(void *inst, void *p, size_t n)
{
    (void)inst;
    (void)p;
    (void)n;
    missing("free");
}

void *bench_adapter_missing_realloc(void *inst, void *p, size_t old_n, size_t new_n)
{
    (void)inst;
    (void)p;
    (void)old_n;
    (void)new_n;
    missing("realloc");
    return NULL;
}

void bench_adapter_missing_reset(void *inst)
{
    (void)inst;
    missing("reset");
}

/* Declared in workloads/common.h. */
__attribute__((noreturn, cold)) void bench_fail_oom(const char *adapter, const char *workload);

void bench_fail_oom(const char *adapter, const char *workload)
{
    fprintf(stderr, "bench: %s ran out of memory in %s; no figure is possible\n", adapter, workload);
    abort();
}
