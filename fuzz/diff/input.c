/*
 * input.c - fuzz inputs and seeded random programs as diff_op lists.  The
 * one file that uses the fuzz decoder (program.h); see input.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "inputs.h"
#include "program.h"

#define PAGE 4096u
#define HUGE ((size_t)1 << 20)     /* as the fuzz harness resolves HUGE */

static diff_op_kind_t kind_of(fuzz_op_kind_t k)
{
    switch (k) {
    case FUZZ_OP_ALLOC: return DIFF_OP_ALLOC;
    case FUZZ_OP_FREE: return DIFF_OP_FREE;
    case FUZZ_OP_REALLOC: return DIFF_OP_REALLOC;
    case FUZZ_OP_SCA_NEW: return DIFF_OP_SCA_NEW;
    case FUZZ_OP_PALLOC: return DIFF_OP_PALLOC;
    case FUZZ_OP_PNALLOC: return DIFF_OP_PNALLOC;
    case FUZZ_OP_PCALLOC: return DIFF_OP_PCALLOC;
    case FUZZ_OP_PMEMALIGN: return DIFF_OP_PMEMALIGN;
    case FUZZ_OP_PFREE: return DIFF_OP_PFREE;
    case FUZZ_OP_RESET: return DIFF_OP_RESET;
    case FUZZ_OP_CLEANUP: return DIFF_OP_CLEANUP;
    case FUZZ_OP_CLEANUP_NULL: return DIFF_OP_CLEANUP_NULL;
    case FUZZ_OP_RP_NEW:
    case FUZZ_OP_RP_NEW_CACHED: return DIFF_OP_RP_NEW; /* the caching upstream has no counterpart */
    case FUZZ_OP_FAIL: return DIFF_OP_FAIL;
    case FUZZ_OP_FAIL_AT: return DIFF_OP_FAIL_AT;
    default: return DIFF_OP_OTHER;
    }
}

static int is_sca_op(diff_op_kind_t k)
{
    return k <= DIFF_OP_SCA_NEW;
}

static int is_rp_op(diff_op_kind_t k)
{
    return k >= DIFF_OP_PALLOC && k <= DIFF_OP_RP_NEW;
}

static void push(diff_program_t *p, size_t *cap, const diff_op_t *op)
{
    if (p->n == *cap) {
        *cap = *cap != 0 ? 2 * *cap : 256;
        diff_op_t *ops = realloc(p->ops, *cap * sizeof *ops);
        if (ops == NULL) {
            fprintf(stderr, "differential: out of memory decoding an input\n");
            abort();
        }
        p->ops = ops;
    }
    p->ops[p->n++] = *op;
}

int diff_decode(const uint8_t *data, size_t size, const char *path, int which, diff_program_t *out)
{
    const fuzz_target_t *t = path != NULL ? fuzz_target_from_path(path)
                                          : which == DIFF_SCA ? &fuzz_target_sca : &fuzz_target_rp;
    memset(out, 0, sizeof *out);
    if (t == NULL)
        return -1;
    size_t cap = 0, count = 0;
    fuzz_producer_t p;
    fuzz_op_t f;
    fuzz_producer_init(&p, data, size);
    while (count < FUZZ_MAX_OPS && fuzz_decode_next(&p, t, &f)) {
        count++;
        diff_op_t op;
        memset(&op, 0, sizeof op);
        op.kind = kind_of(f.kind);
        op.name = fuzz_op_spec(f.kind)->name;
        if ((is_sca_op(op.kind) && which != DIFF_SCA) || (is_rp_op(op.kind) && which != DIFF_RP))
            op.kind = DIFF_OP_OTHER; /* the other allocator's op in a mixed input */
        const fuzz_op_spec_t *spec = fuzz_op_spec(f.kind);
        for (int i = 0; i < FUZZ_MAX_OPERANDS && spec->args[i] != FUZZ_ARG_NONE; i++) {
            switch (spec->args[i]) {
            case FUZZ_ARG_SLOT: op.slot = (unsigned)f.arg[i].literal; break;
            case FUZZ_ARG_SIZE: op.size.literal = f.arg[i].literal; op.size.sym = f.arg[i].sym; break;
            case FUZZ_ARG_LIMIT: op.limit = f.arg[i].literal; break;
            case FUZZ_ARG_BATCH: op.batch = f.arg[i].literal; break;
            default: op.arg = f.arg[i].literal; break;
            }
        }
        push(out, &cap, &op);
    }
    return 0;
}

size_t diff_size_value(diff_size_t s, const diff_env_t *e)
{
    switch (s.sym) {
    case FUZZ_SYM_LITERAL: return (size_t)s.literal;
    case FUZZ_SYM_G_MINUS_1: return e->granule - 1;
    case FUZZ_SYM_G: return e->granule;
    case FUZZ_SYM_G_PLUS_1: return e->granule + 1;
    case FUZZ_SYM_2G: return 2 * e->granule;
    case FUZZ_SYM_L_MINUS_1: return e->limit - 1;
    case FUZZ_SYM_L: return e->limit;
    case FUZZ_SYM_L_PLUS_1: return e->limit + 1;
    case FUZZ_SYM_M_MINUS_1: return e->max - 1;
    case FUZZ_SYM_M: return e->max;
    case FUZZ_SYM_M_PLUS_1: return e->max + 1;
    case FUZZ_SYM_B: return e->block;
    case FUZZ_SYM_PAGE: return PAGE;
    case FUZZ_SYM_HUGE: return HUGE;
    case FUZZ_SYM_MAX: return SIZE_MAX;
    case FUZZ_SYM_MAX_MINUS_G: return SIZE_MAX - e->granule;
    case FUZZ_SYM_HALF: return SIZE_MAX / 2 + 1;
    default: return 0;
    }
}

void diff_op_text(const diff_op_t *op, size_t n, char *buf, size_t len)
{
    switch (op->kind) {
    case DIFF_OP_ALLOC: case DIFF_OP_REALLOC: case DIFF_OP_PALLOC: case DIFF_OP_PNALLOC: case DIFF_OP_PCALLOC:
        snprintf(buf, len, "%s s%u %zu", op->name, op->slot, n);
        break;
    case DIFF_OP_PMEMALIGN:
        snprintf(buf, len, "%s s%u %zu %llu", op->name, op->slot, n, (unsigned long long)op->arg);
        break;
    case DIFF_OP_FREE: case DIFF_OP_PFREE:
        snprintf(buf, len, "%s s%u", op->name, op->slot);
        break;
    case DIFF_OP_CLEANUP: case DIFF_OP_CLEANUP_NULL: case DIFF_OP_RP_NEW:
        snprintf(buf, len, "%s %zu", op->name, n);
        break;
    case DIFF_OP_SCA_NEW:
        snprintf(buf, len, "%s %llu %llu %llu", op->name, (unsigned long long)op->arg,
                 (unsigned long long)op->limit, (unsigned long long)op->batch);
        break;
    case DIFF_OP_FAIL: case DIFF_OP_FAIL_AT:
        snprintf(buf, len, "%s %llu", op->name, (unsigned long long)op->arg);
        break;
    default:
        snprintf(buf, len, "%s", op->name);
        break;
    }
}

void diff_program_free(diff_program_t *p)
{
    free(p->ops);
    memset(p, 0, sizeof *p);
}

/* ---- seeded random programs ----------------------------------------------- */

static uint64_t next_random(uint64_t *s)
{
    /* splitmix64: a fixed, portable sequence per seed */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t *s, uint64_t n)
{
    return next_random(s) % n;
}

/* Sizes near the boundaries that matter, and ordinary ones. */
static fuzz_value_t random_size(uint64_t *s, int which)
{
    fuzz_value_t v = {0, FUZZ_SYM_LITERAL};
    uint64_t r = below(s, 100);
    if (r < 8) {
        v.sym = (uint8_t)(1 + below(s, FUZZ_SYM_COUNT - 1));
        if (v.sym == FUZZ_SYM_HUGE && below(s, 2) == 0)
            v.sym = FUZZ_SYM_M;
    } else if (which == DIFF_SCA) {
        v.literal = r < 75 ? below(s, 129) : r < 95 ? 129 + below(s, 2000) : below(s, 70000);
    } else {
        v.literal = r < 70 ? below(s, 300) : r < 90 ? below(s, 1100) : r < 97 ? below(s, 6000) : below(s, 70000);
    }
    return v;
}

typedef struct weighted {
    fuzz_op_kind_t kind;
    unsigned weight;
} weighted_t;

static const weighted_t sca_mix[] = {
    {FUZZ_OP_ALLOC, 40}, {FUZZ_OP_FREE, 30}, {FUZZ_OP_REALLOC, 14}, {FUZZ_OP_SCA_NEW, 1},
    {FUZZ_OP_FAIL, 3}, {FUZZ_OP_FAIL_AT, 3},
};

static const weighted_t rp_mix[] = {
    {FUZZ_OP_PALLOC, 26}, {FUZZ_OP_PNALLOC, 16}, {FUZZ_OP_PCALLOC, 5}, {FUZZ_OP_PMEMALIGN, 6},
    {FUZZ_OP_PFREE, 12}, {FUZZ_OP_RESET, 2}, {FUZZ_OP_CLEANUP, 4}, {FUZZ_OP_CLEANUP_NULL, 2},
    {FUZZ_OP_RP_NEW, 1}, {FUZZ_OP_FAIL, 4}, {FUZZ_OP_FAIL_AT, 3},
};

static fuzz_op_kind_t random_kind(uint64_t *s, const weighted_t *mix, size_t n)
{
    unsigned total = 0;
    for (size_t i = 0; i < n; i++)
        total += mix[i].weight;
    uint64_t r = below(s, total);
    for (size_t i = 0; i < n; i++) {
        if (r < mix[i].weight)
            return mix[i].kind;
        r -= mix[i].weight;
    }
    return mix[0].kind;
}

static void random_op(uint64_t *s, int which, fuzz_op_t *op)
{
    memset(op, 0, sizeof *op);
    op->kind = which == DIFF_SCA ? random_kind(s, sca_mix, sizeof sca_mix / sizeof sca_mix[0])
                                 : random_kind(s, rp_mix, sizeof rp_mix / sizeof rp_mix[0]);
    const fuzz_op_spec_t *spec = fuzz_op_spec(op->kind);
    for (int i = 0; i < FUZZ_MAX_OPERANDS && spec->args[i] != FUZZ_ARG_NONE; i++) {
        fuzz_value_t *v = &op->arg[i];
        switch (spec->args[i]) {
        case FUZZ_ARG_SLOT: v->literal = below(s, FUZZ_SLOTS); break;
        case FUZZ_ARG_SIZE:
            *v = random_size(s, which);
            if (op->kind == FUZZ_OP_RP_NEW) { /* pools of every kind: tiny (raised), odd, default */
                v->sym = FUZZ_SYM_LITERAL;
                v->literal = below(s, 3) == 0 ? 16384 : below(s, 5000);
            }
            break;
        case FUZZ_ARG_ALIGN: v->literal = below(s, 10) == 0 ? 3 : (uint64_t)1 << below(s, 13); break;
        case FUZZ_ARG_COUNT: v->literal = below(s, 3) == 0 ? 1 + below(s, 15) : below(s, 3); break;
        case FUZZ_ARG_NTH: v->literal = 1 + below(s, 12); break;
        case FUZZ_ARG_GRANULE: v->literal = 8; break;  /* SGI's fixed options, so the */
        case FUZZ_ARG_LIMIT: v->literal = 128; break;  /* reference can follow */
        case FUZZ_ARG_BATCH: v->literal = 20; break;
        default: break;
        }
    }
}

uint8_t *diff_random_input(int which, uint64_t seed, size_t nops, size_t *size)
{
    const fuzz_target_t *t = which == DIFF_SCA ? &fuzz_target_sca : &fuzz_target_rp;
    uint8_t *buf = malloc(nops * FUZZ_MAX_OP_BYTES);
    if (buf == NULL)
        return NULL;
    uint64_t s = seed;
    size_t n = 0;
    for (size_t i = 0; i < nops; i++) {
        fuzz_op_t op;
        const char *why = NULL;
        size_t len;
        do {
            random_op(&s, which, &op);
            len = fuzz_encode_op(t, &op, buf + n, &why);
        } while (len == 0); /* an operand with no encoding: draw again */
        n += len;
    }
    *size = n;
    return buf;
}

long diff_for_each_input(const char *path, void (*fn)(const char *path, void *ctx), void *ctx)
{
    return fuzz_for_each_input(path, fn, ctx);
}

int diff_read_file(const char *path, uint8_t **data, size_t *size)
{
    return fuzz_read_file(path, data, size);
}
