/*
 * codec.c - the binary form of ops: the total decoder and its inverse.
 * The layout is documented in program.h; test_codec.c pins it.
 */
#include <string.h>

#include "program.h"

/* One-byte operand decoders.  `op` holds the operands decoded so far (the
 * limit depends on the granule before it). */
static uint64_t decode_byte_operand(fuzz_operand_type_t type, uint8_t b, const fuzz_op_t *op)
{
    uint64_t g;
    switch (type) {
    case FUZZ_ARG_SLOT:
        return b % FUZZ_SLOTS;
    case FUZZ_ARG_ALIGN:
        return b < 0xC0 ? (uint64_t)1 << (b % 24) : (uint64_t)(b - 0xC0);
    case FUZZ_ARG_COUNT:
        return b % 16;
    case FUZZ_ARG_MODE:
        return b;
    case FUZZ_ARG_NTH:
        return 1 + b % 64;
    case FUZZ_ARG_GRANULE:
        return b < 0x80 ? (uint64_t)8 << (b % 4) : b == 0xFF ? 128 : (uint64_t)(b & 0x7f);
    case FUZZ_ARG_LIMIT:
        g = op->arg[0].literal;
        switch (b) {
        case 0xF0: return 0;
        case 0xF1: return 256 * g;
        case 0xF2: return 257 * g;
        case 0xF3: return g + 1;
        default: return ((uint64_t)b + 1) * g;
        }
    case FUZZ_ARG_BATCH:
        return b < 0xFD ? b : b == 0xFD ? 4096 : b == 0xFE ? 4097 : 1;
    default:
        return 0;
    }
}

static fuzz_value_t decode_size(fuzz_producer_t *p)
{
    fuzz_value_t v = {0, FUZZ_SYM_LITERAL};
    uint8_t t = fuzz_producer_u8(p);
    if (t < 0x60)
        v.literal = t;
    else if (t < 0x80)
        v.sym = (uint8_t)(1 + (t - 0x60) % (FUZZ_SYM_COUNT - 1));
    else if (t < 0xC0)
        v.literal = ((uint64_t)(t & 0x3f) << 8) | fuzz_producer_u8(p);
    else if (t < 0xE0)
        v.literal = ((uint64_t)(t & 0x1f) << 24) | fuzz_producer_be(p, 3);
    else
        v.literal = fuzz_producer_be(p, 8);
    return v;
}

int fuzz_decode_next(fuzz_producer_t *p, const fuzz_target_t *t, fuzz_op_t *op)
{
    if (fuzz_producer_remaining(p) == 0)
        return 0;
    memset(op, 0, sizeof *op);
    op->kind = t->ops[fuzz_producer_u8(p) % t->nops];
    const fuzz_op_spec_t *spec = fuzz_op_spec(op->kind);
    for (int i = 0; i < FUZZ_MAX_OPERANDS && spec->args[i] != FUZZ_ARG_NONE; i++) {
        if (spec->args[i] == FUZZ_ARG_SIZE)
            op->arg[i] = decode_size(p);
        else
            op->arg[i].literal = decode_byte_operand(spec->args[i], fuzz_producer_u8(p), op);
    }
    return 1;
}

static size_t put_be(uint8_t *out, uint64_t v, unsigned nbytes)
{
    for (unsigned i = 0; i < nbytes; i++)
        out[i] = (uint8_t)(v >> (8 * (nbytes - 1 - i)));
    return nbytes;
}

/* The shortest encoding of a size operand. */
static size_t encode_size(fuzz_value_t v, uint8_t *out)
{
    if (v.sym != FUZZ_SYM_LITERAL) {
        out[0] = (uint8_t)(0x60 + v.sym - 1);
        return 1;
    }
    if (v.literal < 0x60) {
        out[0] = (uint8_t)v.literal;
        return 1;
    }
    if (v.literal < 0x4000) {
        out[0] = (uint8_t)(0x80 | (v.literal >> 8));
        out[1] = (uint8_t)v.literal;
        return 2;
    }
    if (v.literal < ((uint64_t)1 << 29)) {
        out[0] = (uint8_t)(0xC0 | (v.literal >> 24));
        return 1 + put_be(out + 1, v.literal & 0xffffff, 3);
    }
    out[0] = 0xE0;
    return 1 + put_be(out + 1, v.literal, 8);
}

size_t fuzz_encode_op(const fuzz_target_t *t, const fuzz_op_t *op, uint8_t *out, const char **why)
{
    size_t n = 0, i;
    const char *dummy;
    if (why == NULL)
        why = &dummy;
    for (i = 0; i < t->nops && t->ops[i] != op->kind; i++)
        ;
    if (i == t->nops || op->kind >= FUZZ_OP_KIND_COUNT) {
        *why = "op not in this target";
        return 0;
    }
    out[n++] = (uint8_t)i;
    const fuzz_op_spec_t *spec = fuzz_op_spec(op->kind);
    fuzz_op_t so_far;
    memset(&so_far, 0, sizeof so_far);
    so_far.kind = op->kind;
    for (int a = 0; a < FUZZ_MAX_OPERANDS && spec->args[a] != FUZZ_ARG_NONE; a++) {
        if (spec->args[a] == FUZZ_ARG_SIZE) {
            if (op->arg[a].sym >= FUZZ_SYM_COUNT) {
                *why = "unknown size symbol";
                return 0;
            }
            n += encode_size(op->arg[a], out + n);
        } else {
            /* One-byte operands: the first byte that decodes to the value. */
            unsigned b;
            for (b = 0; b < 256; b++)
                if (decode_byte_operand(spec->args[a], (uint8_t)b, &so_far) == op->arg[a].literal)
                    break;
            if (b == 256 || op->arg[a].sym != FUZZ_SYM_LITERAL) {
                *why = "operand value has no encoding (see program.h for the values each operand can take)";
                return 0;
            }
            out[n++] = (uint8_t)b;
        }
        so_far.arg[a] = op->arg[a];
    }
    return n;
}

int fuzz_op_equal(const fuzz_op_t *a, const fuzz_op_t *b)
{
    if (a->kind != b->kind)
        return 0;
    for (int i = 0; i < FUZZ_MAX_OPERANDS; i++)
        if (a->arg[i].literal != b->arg[i].literal || a->arg[i].sym != b->arg[i].sym)
            return 0;
    return 1;
}
