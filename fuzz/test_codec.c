/*
 * test_codec.c - pins the binary form of ops (so saved corpora keep their
 * meaning) and checks the text form round-trips.  Any change that makes a
 * pinned case fail changes what every saved input means: regenerate the
 * seeds (make fuzz-seeds) and say so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optext.h"

static int failures;

#define EXPECT(cond, ...)                                              \
    do {                                                               \
        if (!(cond)) {                                                 \
            fprintf(stderr, "%s:%d: FAILED: ", __FILE__, __LINE__);    \
            fprintf(stderr, __VA_ARGS__);                              \
            fprintf(stderr, "\n");                                     \
            failures++;                                                \
        }                                                              \
    } while (0)

/* Decode bytes as target t and join the ops' text with "; ". */
static void decode_to_text(const fuzz_target_t *t, const uint8_t *data, size_t size, char *out, size_t cap)
{
    fuzz_producer_t p;
    fuzz_op_t op;
    char line[FUZZ_OP_TEXT_MAX];
    size_t n = 0;
    out[0] = '\0';
    fuzz_producer_init(&p, data, size);
    while (fuzz_decode_next(&p, t, &op))
        n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "; " : "", fuzz_op_format(&op, line));
}

typedef struct pinned {
    const fuzz_target_t *t;
    uint8_t bytes[16];
    size_t len;
    const char *text;
} pinned_t;

static void test_pinned(void)
{
    const pinned_t cases[] = {
        {&fuzz_target_sca, {0}, 0, ""},
        {&fuzz_target_sca, {0x00, 0x03, 0x18}, 3, "alloc s3 24"},
        {&fuzz_target_sca, {0x09, 0x41, 0x65}, 3, "alloc s1 L"},
        {&fuzz_target_sca, {0x08, 0x15}, 2, "tamper 21"},
        {&fuzz_target_rp, {0x0E, 0xFF}, 2, "tamper 255"},
        {&fuzz_target_sca, {0x02, 0x05, 0x81, 0x00}, 4, "realloc s5 256"},
        {&fuzz_target_sca, {0x03, 0x01, 0x0F, 0xFF}, 4, "sca-new 16 256 1"},
        {&fuzz_target_sca, {0x03, 0x83, 0xF3, 0x00}, 4, "sca-new 3 4 0"},
        {&fuzz_target_sca, {0x00, 0x09}, 2, "alloc s9 0"},
        {&fuzz_target_sca, {0x00, 0x00, 0xC1, 0x00, 0x00, 0x00}, 6, "alloc s0 16777216"},
        {&fuzz_target_sca, {0x00, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, 11,
         "alloc s0 18446744073709551615"},
        {&fuzz_target_sca, {0x01, 0x07, 0x06, 0x0A, 0x0C, 0x07}, 6, "free s7; check; free s12; edges"},
        {&fuzz_target_sca, {0x04, 0x21, 0x05, 0x3F, 0x00, 0x00, 0x6D}, 7, "fail 1; fail-at 64; alloc s0 MAX"},
        {&fuzz_target_rp, {0x03, 0x07, 0x20, 0xC6}, 4, "pmemalign s7 32 6"},
        {&fuzz_target_rp, {0x03, 0x07, 0x20, 0x0C}, 4, "pmemalign s7 32 4096"},
        {&fuzz_target_rp, {0x05, 0x06, 0x67, 0x08, 0x69}, 5, "reset; cleanup M-1; rp-new M+1"},
        {&fuzz_target_rp, {0x0F, 0x02, 0x02, 0x11, 0x70, 0x00, 0x09, 0x6B}, 8, "palloc s2 2; pcalloc s48 0; rp-new-cached PAGE"},
        {&fuzz_target_mixed, {0x11, 0x13, 0x44, 0x6F}, 4, "edges; alloc s4 HALF"},
        {&fuzz_target_mixed, {0x08, 0x3F, 0x09, 0x0B}, 4, "pfree s63; reset; cleanup-null 0"},
    };
    char text[1024];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        decode_to_text(cases[i].t, cases[i].bytes, cases[i].len, text, sizeof text);
        EXPECT(strcmp(text, cases[i].text) == 0, "pinned case %zu (%s): got '%s', want '%s'", i,
               cases[i].t->name, text, cases[i].text);
    }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* For random inputs: text(ops) encodes back to bytes that decode to the same
 * ops, op by op and as a whole program. */
static void test_round_trip(void)
{
    uint8_t data[96];
    char *text = malloc(1 << 16);
    size_t programs = 0, ops = 0;
    for (size_t t = 0; fuzz_targets[t] != NULL; t++) {
        const fuzz_target_t *target = fuzz_targets[t];
        for (int round = 0; round < 3000; round++) {
            size_t len = (size_t)(next_random() % sizeof data);
            for (size_t i = 0; i < len; i++)
                data[i] = (uint8_t)next_random();
            fuzz_producer_t p;
            fuzz_op_t op[96];
            size_t nops = 0, n;
            char line[FUZZ_OP_TEXT_MAX];
            fuzz_producer_init(&p, data, len);
            while (nops < 96 && fuzz_decode_next(&p, target, &op[nops]))
                nops++;
            n = (size_t)snprintf(text, 1 << 16, "target %s\n", target->name);
            for (size_t i = 0; i < nops; i++) {
                fuzz_op_t back;
                const char *why = NULL;
                fuzz_op_format(&op[i], line);
                EXPECT(fuzz_op_parse(line, &back, &why) == 0 && fuzz_op_equal(&back, &op[i]),
                       "'%s' does not parse back (%s)", line, why ? why : "different op");
                n += (size_t)snprintf(text + n, (1 << 16) - n, "%s\n", line);
            }
            uint8_t *bytes;
            size_t blen;
            char err[256];
            const fuzz_target_t *used;
            if (fuzz_program_encode(text, NULL, &bytes, &blen, &used, err, sizeof err) != 0) {
                EXPECT(0, "encode failed: %s\n%s", err, text);
                continue;
            }
            EXPECT(used == target, "encode picked target %s", used->name);
            fuzz_producer_init(&p, bytes, blen);
            fuzz_op_t again;
            size_t k = 0;
            while (fuzz_decode_next(&p, target, &again)) {
                EXPECT(k < nops && fuzz_op_equal(&again, &op[k]), "program round trip differs at op %zu:\n%s", k + 1,
                       text);
                k++;
            }
            EXPECT(k == nops, "round trip gave %zu ops, not %zu", k, nops);
            free(bytes);
            programs++;
            ops += nops;
        }
    }
    free(text);
    printf("round trip: %zu programs, %zu ops\n", programs, ops);
}

static void test_text_errors(void)
{
    uint8_t *bytes;
    size_t len;
    char err[256];
    EXPECT(fuzz_program_encode("alloc s1 8\n", NULL, &bytes, &len, NULL, err, sizeof err) != 0,
           "text without a target was accepted");
    EXPECT(fuzz_program_encode("target sca\npalloc s1 8\n", NULL, &bytes, &len, NULL, err, sizeof err) != 0 &&
               strstr(err, "line 2") != NULL,
           "an op outside the target was accepted (%s)", err);
    EXPECT(fuzz_program_encode("target sca\nalloc s64 8\n", NULL, &bytes, &len, NULL, err, sizeof err) != 0,
           "slot s64 was accepted");
    EXPECT(fuzz_program_encode("target sca\nsca-new 24 128 20\n", NULL, &bytes, &len, NULL, err, sizeof err) != 0,
           "granule 24 (no encoding) was accepted");
    EXPECT(fuzz_program_encode("target rp\nreset extra\n", NULL, &bytes, &len, NULL, err, sizeof err) != 0,
           "an extra operand was accepted");
    int ok = fuzz_program_encode("# seed\ntarget rp   # the pool\n\n  palloc s1 M+1  # large\nfail 2\n", NULL,
                                 &bytes, &len, NULL, err, sizeof err) == 0;
    EXPECT(ok && len == 5 && bytes[0] == 0 && bytes[1] == 1 && bytes[2] == 0x69 && bytes[3] == 10 && bytes[4] == 2,
           "comments and blanks: wrong bytes (%s)", ok ? "" : err);
    if (ok)
        free(bytes);
}

static void test_paths(void)
{
    EXPECT(fuzz_target_from_path("corpus/sca/seed-basic") == &fuzz_target_sca, "corpus/sca");
    EXPECT(fuzz_target_from_path("/x/corpus/regress/rp/crash-1") == &fuzz_target_rp, "regress/rp");
    EXPECT(fuzz_target_from_path("out/mixed-crash-abc") == &fuzz_target_mixed, "mixed- prefix");
    EXPECT(fuzz_target_from_path("corpus/other/x") == NULL, "no target");
}

int main(void)
{
    test_pinned();
    test_round_trip();
    test_text_errors();
    test_paths();
    printf("test_codec: %s (%d failures)\n", failures ? "FAILED" : "passed", failures);
    return failures ? 1 : 0;
}
