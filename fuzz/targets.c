/*
 * targets.c - the op table, the size symbols and the targets.
 *
 * Appending to a target's op list changes what existing corpora mean (the
 * opcode is byte % length): add new ops to a new target instead, or
 * regenerate the seeds and accept that merged inputs change meaning.
 */
#include <string.h>

#include "program.h"

static const fuzz_op_spec_t op_specs[FUZZ_OP_KIND_COUNT] = {
    [FUZZ_OP_ALLOC] = {"alloc", {FUZZ_ARG_SLOT, FUZZ_ARG_SIZE}},
    [FUZZ_OP_FREE] = {"free", {FUZZ_ARG_SLOT}},
    [FUZZ_OP_REALLOC] = {"realloc", {FUZZ_ARG_SLOT, FUZZ_ARG_SIZE}},
    [FUZZ_OP_SCA_NEW] = {"sca-new", {FUZZ_ARG_GRANULE, FUZZ_ARG_LIMIT, FUZZ_ARG_BATCH}},
    [FUZZ_OP_PALLOC] = {"palloc", {FUZZ_ARG_SLOT, FUZZ_ARG_SIZE}},
    [FUZZ_OP_PNALLOC] = {"pnalloc", {FUZZ_ARG_SLOT, FUZZ_ARG_SIZE}},
    [FUZZ_OP_PCALLOC] = {"pcalloc", {FUZZ_ARG_SLOT, FUZZ_ARG_SIZE}},
    [FUZZ_OP_PMEMALIGN] = {"pmemalign", {FUZZ_ARG_SLOT, FUZZ_ARG_SIZE, FUZZ_ARG_ALIGN}},
    [FUZZ_OP_PFREE] = {"pfree", {FUZZ_ARG_SLOT}},
    [FUZZ_OP_RESET] = {"reset", {FUZZ_ARG_NONE}},
    [FUZZ_OP_CLEANUP] = {"cleanup", {FUZZ_ARG_SIZE}},
    [FUZZ_OP_CLEANUP_NULL] = {"cleanup-null", {FUZZ_ARG_SIZE}},
    [FUZZ_OP_RP_NEW] = {"rp-new", {FUZZ_ARG_SIZE}},
    [FUZZ_OP_RP_NEW_CACHED] = {"rp-new-cached", {FUZZ_ARG_SIZE}},
    [FUZZ_OP_FAIL] = {"fail", {FUZZ_ARG_COUNT}},
    [FUZZ_OP_FAIL_AT] = {"fail-at", {FUZZ_ARG_NTH}},
    [FUZZ_OP_CHECK] = {"check", {FUZZ_ARG_NONE}},
    [FUZZ_OP_EDGES] = {"edges", {FUZZ_ARG_NONE}},
    [FUZZ_OP_TAMPER] = {"tamper", {FUZZ_ARG_MODE}},
};

static const char *const sym_names[FUZZ_SYM_COUNT] = {
    [FUZZ_SYM_G_MINUS_1] = "G-1", [FUZZ_SYM_G] = "G", [FUZZ_SYM_G_PLUS_1] = "G+1",
    [FUZZ_SYM_2G] = "2G", [FUZZ_SYM_L_MINUS_1] = "L-1", [FUZZ_SYM_L] = "L",
    [FUZZ_SYM_L_PLUS_1] = "L+1", [FUZZ_SYM_M_MINUS_1] = "M-1", [FUZZ_SYM_M] = "M",
    [FUZZ_SYM_M_PLUS_1] = "M+1", [FUZZ_SYM_B] = "B", [FUZZ_SYM_PAGE] = "PAGE",
    [FUZZ_SYM_HUGE] = "HUGE", [FUZZ_SYM_MAX] = "MAX", [FUZZ_SYM_MAX_MINUS_G] = "MAX-G",
    [FUZZ_SYM_HALF] = "HALF",
};

static const fuzz_op_kind_t sca_ops[] = {
    FUZZ_OP_ALLOC, FUZZ_OP_FREE, FUZZ_OP_REALLOC, FUZZ_OP_SCA_NEW,
    FUZZ_OP_FAIL, FUZZ_OP_FAIL_AT, FUZZ_OP_CHECK, FUZZ_OP_EDGES, FUZZ_OP_TAMPER,
};

static const fuzz_op_kind_t rp_ops[] = {
    FUZZ_OP_PALLOC, FUZZ_OP_PNALLOC, FUZZ_OP_PCALLOC, FUZZ_OP_PMEMALIGN,
    FUZZ_OP_PFREE, FUZZ_OP_RESET, FUZZ_OP_CLEANUP, FUZZ_OP_CLEANUP_NULL,
    FUZZ_OP_RP_NEW, FUZZ_OP_RP_NEW_CACHED, FUZZ_OP_FAIL, FUZZ_OP_FAIL_AT,
    FUZZ_OP_CHECK, FUZZ_OP_EDGES, FUZZ_OP_TAMPER,
};

static const fuzz_op_kind_t mixed_ops[] = {
    FUZZ_OP_ALLOC, FUZZ_OP_FREE, FUZZ_OP_REALLOC, FUZZ_OP_SCA_NEW,
    FUZZ_OP_PALLOC, FUZZ_OP_PNALLOC, FUZZ_OP_PCALLOC, FUZZ_OP_PMEMALIGN,
    FUZZ_OP_PFREE, FUZZ_OP_RESET, FUZZ_OP_CLEANUP, FUZZ_OP_CLEANUP_NULL,
    FUZZ_OP_RP_NEW, FUZZ_OP_RP_NEW_CACHED, FUZZ_OP_FAIL, FUZZ_OP_FAIL_AT,
    FUZZ_OP_CHECK, FUZZ_OP_EDGES, FUZZ_OP_TAMPER,
};

/* Other heaps (fuzz/adapters/): our heap's ops plus reset, which a heap
 * with arenas or heaps of its own can do (jemalloc, mimalloc). */
static const fuzz_op_kind_t heap_ops[] = {
    FUZZ_OP_ALLOC, FUZZ_OP_FREE, FUZZ_OP_REALLOC, FUZZ_OP_SCA_NEW, FUZZ_OP_RESET,
    FUZZ_OP_FAIL, FUZZ_OP_FAIL_AT, FUZZ_OP_CHECK, FUZZ_OP_EDGES, FUZZ_OP_TAMPER,
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

const fuzz_target_t fuzz_target_sca = {"sca", sca_ops, COUNT_OF(sca_ops), 1, 0};
const fuzz_target_t fuzz_target_rp = {"rp", rp_ops, COUNT_OF(rp_ops), 0, 1};
const fuzz_target_t fuzz_target_mixed = {"mixed", mixed_ops, COUNT_OF(mixed_ops), 1, 1};
/* sca in its fast layout (fuzz/adapters/sca_fast.c): sca's ops, so sca's
 * seeds mean the same programs there. */
const fuzz_target_t fuzz_target_sca_fast = {"sca_fast", sca_ops, COUNT_OF(sca_ops), 1, 0};

/* The peers' targets: heaps take the heap ops, obstack the pool ops.  An
 * adapter of yours whose name is not here runs the mixed target's ops. */
const fuzz_target_t fuzz_target_glibc = {"glibc", heap_ops, COUNT_OF(heap_ops), 1, 0};
const fuzz_target_t fuzz_target_jemalloc = {"jemalloc", heap_ops, COUNT_OF(heap_ops), 1, 0};
const fuzz_target_t fuzz_target_mimalloc = {"mimalloc", heap_ops, COUNT_OF(heap_ops), 1, 0};
const fuzz_target_t fuzz_target_tcmalloc = {"tcmalloc", heap_ops, COUNT_OF(heap_ops), 1, 0};
const fuzz_target_t fuzz_target_obstack = {"obstack", rp_ops, COUNT_OF(rp_ops), 0, 1};

const fuzz_target_t *const fuzz_targets[] = {&fuzz_target_sca,      &fuzz_target_rp,       &fuzz_target_mixed,
                                             &fuzz_target_glibc,    &fuzz_target_jemalloc, &fuzz_target_mimalloc,
                                             &fuzz_target_tcmalloc, &fuzz_target_obstack,  &fuzz_target_sca_fast,
                                             NULL};

const fuzz_op_spec_t *fuzz_op_spec(fuzz_op_kind_t kind)
{
    return &op_specs[kind];
}

int fuzz_op_by_name(const char *name)
{
    for (int k = 0; k < FUZZ_OP_KIND_COUNT; k++)
        if (strcmp(op_specs[k].name, name) == 0)
            return k;
    return -1;
}

const char *fuzz_sym_name(unsigned sym)
{
    return sym > 0 && sym < FUZZ_SYM_COUNT ? sym_names[sym] : "?";
}

unsigned fuzz_sym_by_name(const char *name)
{
    for (unsigned s = 1; s < FUZZ_SYM_COUNT; s++)
        if (strcmp(sym_names[s], name) == 0)
            return s;
    return FUZZ_SYM_LITERAL;
}

const fuzz_target_t *fuzz_target_by_name(const char *name)
{
    for (size_t i = 0; fuzz_targets[i] != NULL; i++)
        if (strcmp(fuzz_targets[i]->name, name) == 0)
            return fuzz_targets[i];
    return NULL;
}

const fuzz_target_t *fuzz_target_from_path(const char *path)
{
    const fuzz_target_t *found = NULL;
    const char *start = path;
    for (const char *s = path;; s++) {
        if (*s == '/' || *s == '\0') {
            size_t len = (size_t)(s - start);
            for (size_t i = 0; fuzz_targets[i] != NULL; i++) {
                const char *name = fuzz_targets[i]->name;
                /* a component equal to the name, or a file named "<name>-..." */
                if ((strlen(name) == len && strncmp(start, name, len) == 0) ||
                    (*s == '\0' && strncmp(start, name, strlen(name)) == 0 &&
                     start[strlen(name)] == '-'))
                    found = fuzz_targets[i];
            }
            if (*s == '\0')
                break;
            start = s + 1;
        }
    }
    return found;
}
