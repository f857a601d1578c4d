/*
 * program.h - the operation stream every fuzz target runs.
 *
 * A program is a sequence of ops; each op is an opcode and up to three
 * operands.  The binary form (what the fuzzers mutate) is decoded by
 * fuzz_decode_next, a total function: every byte string is a program, a
 * short one for a short input.  The opcode byte picks an op from the
 * target's op list (byte % length), so the same bytes mean different ops
 * in different targets; the text form (optext.h) names ops and is the same
 * everywhere.
 *
 * Sizes are operands of their own kind: either a literal number or a symbol
 * ("L+1", "M", "MAX") resolved when the op runs, against the instance it
 * runs on, so a seed keeps hitting the boundary when the options change.
 *
 * Binary form of the operands (this is what saved corpora depend on; the
 * decoder test pins it):
 *   slot     1 byte, value % FUZZ_SLOTS
 *   size     t = 1 byte: t < 0x60 literal t; t < 0x80 symbol 1 + (t-0x60)%16;
 *            t < 0xC0 literal ((t&0x3f)<<8 | 1 byte); t < 0xE0 literal
 *            ((t&0x1f)<<24 | 3 bytes big-endian); else 8 bytes big-endian
 *   align    b < 0xC0: 1 << (b % 24); else b - 0xC0 (0..63, mostly not powers of 2)
 *   count    b % 16                  (fail N)
 *   mode     b (0..255)              (tamper N: the role is N % 2, the adapter's mode N / 2)
 *   nth      1 + b % 64              (fail-at K)
 *   granule  b < 0x80: 8 << (b % 4); 0xFF -> 128; else b & 0x7f (mostly invalid)
 *   limit    with g the granule just decoded: 0xF0 -> 0, 0xF1 -> 256g,
 *            0xF2 -> 257g, 0xF3 -> g+1, else (b+1)g
 *   batch    b < 0xFD: b; 0xFD -> 4096; 0xFE -> 4097; 0xFF -> 1
 */
#ifndef FUZZ_PROGRAM_H
#define FUZZ_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "producer.h"

#define FUZZ_SLOTS 64u
#define FUZZ_MAX_OPS 4096u   /* ops past this are ignored */
#define FUZZ_MAX_OPERANDS 3

typedef enum fuzz_op_kind {
    FUZZ_OP_ALLOC,         /* alloc sN SIZE        sca_allocate into slot N */
    FUZZ_OP_FREE,          /* free sN              release slot N */
    FUZZ_OP_REALLOC,       /* realloc sN SIZE      sca_reallocate slot N */
    FUZZ_OP_SCA_NEW,       /* sca-new G L B        destroy and recreate the sca */
    FUZZ_OP_PALLOC,        /* palloc sN SIZE */
    FUZZ_OP_PNALLOC,       /* pnalloc sN SIZE */
    FUZZ_OP_PCALLOC,       /* pcalloc sN SIZE */
    FUZZ_OP_PMEMALIGN,     /* pmemalign sN SIZE ALIGN */
    FUZZ_OP_PFREE,         /* pfree sN             rp_pfree of slot N (or its last pointer) */
    FUZZ_OP_RESET,         /* reset */
    FUZZ_OP_CLEANUP,       /* cleanup SIZE         rp_cleanup_add with a handler */
    FUZZ_OP_CLEANUP_NULL,  /* cleanup-null SIZE    rp_cleanup_add, handler left NULL */
    FUZZ_OP_RP_NEW,        /* rp-new SIZE          destroy and recreate the pool */
    FUZZ_OP_RP_NEW_CACHED, /* rp-new-cached SIZE   same, over the caching upstream */
    FUZZ_OP_FAIL,          /* fail N               fail the next N upstream calls */
    FUZZ_OP_FAIL_AT,       /* fail-at K            fail the K-th upstream call from now */
    FUZZ_OP_CHECK,         /* check                self-checks, every block's contents */
    FUZZ_OP_EDGES,         /* edges                the API's NULL / invalid-input answers */
    FUZZ_OP_TAMPER,        /* tamper N             break a list on purpose: the self-check must see it */
    FUZZ_OP_KIND_COUNT
} fuzz_op_kind_t;

typedef enum fuzz_operand_type {
    FUZZ_ARG_NONE,
    FUZZ_ARG_SLOT,
    FUZZ_ARG_SIZE,
    FUZZ_ARG_ALIGN,
    FUZZ_ARG_COUNT,
    FUZZ_ARG_MODE,
    FUZZ_ARG_NTH,
    FUZZ_ARG_GRANULE,
    FUZZ_ARG_LIMIT,
    FUZZ_ARG_BATCH
} fuzz_operand_type_t;

/* Size symbols; 0 means "a literal".  Resolved by the harness. */
typedef enum fuzz_sym {
    FUZZ_SYM_LITERAL = 0,
    FUZZ_SYM_G_MINUS_1, FUZZ_SYM_G, FUZZ_SYM_G_PLUS_1, FUZZ_SYM_2G,
    FUZZ_SYM_L_MINUS_1, FUZZ_SYM_L, FUZZ_SYM_L_PLUS_1,
    FUZZ_SYM_M_MINUS_1, FUZZ_SYM_M, FUZZ_SYM_M_PLUS_1,
    FUZZ_SYM_B, FUZZ_SYM_PAGE, FUZZ_SYM_HUGE,
    FUZZ_SYM_MAX, FUZZ_SYM_MAX_MINUS_G, FUZZ_SYM_HALF,
    FUZZ_SYM_COUNT
} fuzz_sym_t;

typedef struct fuzz_value {
    uint64_t literal;   /* the number when sym is FUZZ_SYM_LITERAL, else 0 */
    uint8_t sym;        /* a fuzz_sym_t (size operands only) */
} fuzz_value_t;

typedef struct fuzz_op {
    fuzz_op_kind_t kind;
    fuzz_value_t arg[FUZZ_MAX_OPERANDS];
} fuzz_op_t;

typedef struct fuzz_op_spec {
    const char *name;
    fuzz_operand_type_t args[FUZZ_MAX_OPERANDS];
} fuzz_op_spec_t;

/* A target: a name and the ops its opcode byte chooses from. */
typedef struct fuzz_target {
    const char *name;
    const fuzz_op_kind_t *ops;
    size_t nops;
    int uses_sca, uses_rp;
} fuzz_target_t;

extern const fuzz_target_t fuzz_target_sca;
extern const fuzz_target_t fuzz_target_rp;
extern const fuzz_target_t fuzz_target_mixed;
extern const fuzz_target_t fuzz_target_glibc, fuzz_target_jemalloc, fuzz_target_mimalloc, fuzz_target_tcmalloc,
    fuzz_target_obstack, fuzz_target_sca_fast;

/* Every target, NULL-terminated. */
extern const fuzz_target_t *const fuzz_targets[];

/* The spec of an op kind (name, operand types).  kind must be valid. */
const fuzz_op_spec_t *fuzz_op_spec(fuzz_op_kind_t kind);

/* The op kind named `name`, or -1. */
int fuzz_op_by_name(const char *name);

/* Name of a size symbol ("L+1"); sym must be in 1..FUZZ_SYM_COUNT-1. */
const char *fuzz_sym_name(unsigned sym);

/* The symbol named `name`, or 0 (FUZZ_SYM_LITERAL) if none. */
unsigned fuzz_sym_by_name(const char *name);

/* The target called `name` ("sca", "rp", "mixed", "glibc", ...), or NULL. */
const fuzz_target_t *fuzz_target_by_name(const char *name);

/* The target a corpus path belongs to: the last path component that names a
 * target ("corpus/regress/rp/crash-1" -> rp).  NULL if none does. */
const fuzz_target_t *fuzz_target_from_path(const char *path);

/* Decode the next op.  Returns 1 and fills *op, or 0 when the input is
 * exhausted before the opcode (a truncated op is completed with zero bytes). */
int fuzz_decode_next(fuzz_producer_t *p, const fuzz_target_t *t, fuzz_op_t *op);

/* Encode op for target t into out (at least FUZZ_MAX_OP_BYTES bytes).
 * Returns the byte count, or 0 if op is not in t or an operand has no
 * encoding (then *why says which).  decode(encode(op)) == op. */
#define FUZZ_MAX_OP_BYTES (1 + 3 * 9)
size_t fuzz_encode_op(const fuzz_target_t *t, const fuzz_op_t *op, uint8_t *out, const char **why);

/* 1 if a and b are the same op (kind and operand values). */
int fuzz_op_equal(const fuzz_op_t *a, const fuzz_op_t *b);

#endif
