/*
 * input.h - programs for the differential checks: fuzz inputs decoded into a
 * plain list of ops, and fixed-seed random programs.
 *
 * The only file of fuzz/diff that knows the fuzz decoder (fuzz/program.h):
 * if that API changes, this file is the one to adapt.
 */
#ifndef FUZZ_DIFF_INPUT_H
#define FUZZ_DIFF_INPUT_H

#include <stddef.h>
#include <stdint.h>

typedef enum diff_op_kind {
    DIFF_OP_ALLOC, DIFF_OP_FREE, DIFF_OP_REALLOC, DIFF_OP_SCA_NEW,
    DIFF_OP_PALLOC, DIFF_OP_PNALLOC, DIFF_OP_PCALLOC, DIFF_OP_PMEMALIGN, DIFF_OP_PFREE,
    DIFF_OP_RESET, DIFF_OP_CLEANUP, DIFF_OP_CLEANUP_NULL, DIFF_OP_RP_NEW,
    DIFF_OP_FAIL, DIFF_OP_FAIL_AT,
    DIFF_OP_OTHER   /* check, edges, tamper: nothing to compare */
} diff_op_kind_t;

/* A size operand: a literal, or a symbol resolved against the instance. */
typedef struct diff_size {
    uint64_t literal;
    unsigned sym;       /* 0: literal */
} diff_size_t;

/* What a symbol resolves against. */
typedef struct diff_env {
    size_t granule, limit;  /* sca */
    size_t max, block;      /* rp: rp_max, the pool's block size */
} diff_env_t;

typedef struct diff_op {
    diff_op_kind_t kind;
    const char *name;       /* the op's name in the text form */
    unsigned slot;
    diff_size_t size;
    uint64_t arg;           /* align (pmemalign), N (fail), K (fail-at), granule (sca-new) */
    uint64_t limit, batch;  /* sca-new */
} diff_op_t;

typedef struct diff_program {
    diff_op_t *ops;
    size_t n;
} diff_program_t;

enum { DIFF_SCA, DIFF_RP };

#define DIFF_SLOTS 64u

/* Decode a fuzz input.  `path` picks the target the bytes were written for
 * (sca, rp or mixed, from the path as the replay driver does; NULL: `which`'s
 * own target); ops of the other allocator are dropped.  Returns 0, or -1 if
 * path names no target (the input is then not for us). */
int diff_decode(const uint8_t *data, size_t size, const char *path, int which, diff_program_t *out);

/* A random program of `nops` ops for `which`, from `seed` (the same seed
 * gives the same program), written through the fuzz encoder so it is also a
 * valid fuzz input.  Returns the encoded bytes (free them) and its size. */
uint8_t *diff_random_input(int which, uint64_t seed, size_t nops, size_t *size);

/* The value of a size operand in the environment. */
size_t diff_size_value(diff_size_t s, const diff_env_t *env);

/* "palloc s3 24"-like text of op, its size operand being n. */
void diff_op_text(const diff_op_t *op, size_t n, char *buf, size_t len);

void diff_program_free(diff_program_t *p);

/* The fuzz tools' rules for corpus folders (fuzz/inputs.h): call fn for path,
 * or for every input file under it, in sorted order.  Returns the number of
 * files, or -1 if path cannot be read. */
long diff_for_each_input(const char *path, void (*fn)(const char *path, void *ctx), void *ctx);

/* Read a whole file (malloc'd).  Returns 0, or -1 with errno set. */
int diff_read_file(const char *path, uint8_t **data, size_t *size);

#endif
