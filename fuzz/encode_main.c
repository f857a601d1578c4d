/*
 * encode_main.c - fuzz-encode: turn a text program into fuzz input bytes.
 *
 *   fuzz-encode [--target T] IN.txt [-o OUT]   encode (to OUT, or stdout)
 *   fuzz-encode [--target T] --check OUT IN.txt   exit 1 if OUT is not IN's encoding
 *   fuzz-encode --dict T                       print a libFuzzer/AFL++ dictionary
 *
 * The target is --target or the text's "target NAME" line.  The text form
 * is described in optext.h; fuzz-print gives it back.  A program of more
 * than FUZZ_MAX_OPS ops is refused (exit 1, nothing written): the harness
 * would ignore the ops past that limit, silently.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inputs.h"
#include "optext.h"
#include "producer.h"

/* Ops the encoded bytes decode to, counted up to FUZZ_MAX_OPS + 1. */
static size_t ops_in(const fuzz_target_t *t, const uint8_t *bytes, size_t len)
{
    fuzz_producer_t p;
    fuzz_op_t op;
    size_t n = 0;
    fuzz_producer_init(&p, bytes, len);
    while (n <= FUZZ_MAX_OPS && fuzz_decode_next(&p, t, &op))
        n++;
    return n;
}

/* Tokens worth splicing in: interesting multi-byte sizes and whole ops that
 * set up the states where bugs live.  One op a line, as in the text form. */
static const char *const dict_lines[] = {
    "alloc s0 127", "alloc s0 129", "alloc s0 255", "alloc s0 256", "alloc s0 257",
    "alloc s0 1024", "alloc s0 4095", "alloc s0 4096", "alloc s0 4097", "alloc s0 16384",
    "alloc s0 65536", "alloc s0 1048576", "alloc s0 18446744073709551615",
    "realloc s0 4096", "realloc s0 1048576",
    "sca-new 8 8 1", "sca-new 8 128 1", "sca-new 8 2048 20", "sca-new 16 256 2",
    "sca-new 64 16384 4096", "sca-new 32 64 3", "sca-new 8 128 4097", "sca-new 4 128 20",
    "palloc s0 4095", "palloc s0 4096", "palloc s0 4097", "pnalloc s0 3", "pcalloc s0 4097",
    "pmemalign s0 100 4096", "pmemalign s0 M 64", "pmemalign s0 8 3",
    "rp-new 256", "rp-new 272", "rp-new 4112", "rp-new 16384", "rp-new-cached 256",
    "rp-new-cached 1024", "rp-new 18446744073709551615",
    "cleanup 16", "cleanup 0", "cleanup-null 8",
    "fail 1", "fail 2", "fail 3", "fail-at 1", "fail-at 2", "fail-at 5",
};

static int print_dict(const fuzz_target_t *t)
{
    printf("# libFuzzer / AFL++ dictionary for target %s, made by fuzz-encode --dict %s\n", t->name,
           t->name);
    for (size_t i = 0; i < sizeof dict_lines / sizeof dict_lines[0]; i++) {
        fuzz_op_t op;
        const char *why;
        uint8_t bytes[FUZZ_MAX_OP_BYTES];
        if (fuzz_op_parse(dict_lines[i], &op, &why) != 0) {
            fprintf(stderr, "fuzz-encode: bad dictionary line '%s': %s\n", dict_lines[i], why);
            return 1;
        }
        size_t n = fuzz_encode_op(t, &op, bytes, &why);
        if (n == 0)
            continue; /* not an op of this target */
        printf("# %s\nop_%zu=\"", dict_lines[i], i);
        for (size_t k = 0; k < n; k++)
            printf("\\x%02x", bytes[k]);
        printf("\"\n");
    }
    return 0;
}

static char *read_text(const char *path)
{
    uint8_t *data;
    size_t size;
    if (fuzz_read_file(path, &data, &size) != 0)
        return NULL;
    char *text = realloc(data, size + 1);
    if (text == NULL) {
        free(data);
        return NULL;
    }
    text[size] = '\0';
    return text;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: fuzz-encode [--target T] IN.txt [-o OUT]\n"
                 "       fuzz-encode [--target T] --check OUT IN.txt\n"
                 "       fuzz-encode --dict T\n"
                 "Encode a text program (one op a line, see fuzz/optext.h) into fuzz input bytes.\n");
}

int main(int argc, char **argv)
{
    const fuzz_target_t *t = NULL;
    const char *in = NULL, *out = NULL, *check = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if ((strcmp(argv[i], "--target") == 0 || strcmp(argv[i], "--dict") == 0) && i + 1 < argc) {
            int dict = strcmp(argv[i], "--dict") == 0;
            t = fuzz_target_by_name(argv[++i]);
            if (t == NULL) {
                fprintf(stderr, "fuzz-encode: unknown target '%s' (sca, rp, mixed)\n", argv[i]);
                return 2;
            }
            if (dict)
                return print_dict(t);
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--check") == 0 && i + 1 < argc) {
            check = argv[++i];
        } else if (argv[i][0] == '-' || in != NULL) {
            usage(stderr);
            return 2;
        } else {
            in = argv[i];
        }
    }
    if (in == NULL) {
        usage(stderr);
        return 2;
    }
    char *text = read_text(in);
    if (text == NULL) {
        fprintf(stderr, "fuzz-encode: %s: %s\n", in, strerror(errno));
        return 2;
    }
    uint8_t *bytes;
    size_t len;
    char err[512];
    const fuzz_target_t *used = t;
    if (fuzz_program_encode(text, t, &bytes, &len, &used, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz-encode: %s: %s\n", in, err);
        free(text);
        return 1;
    }
    free(text);
    if (used != NULL && ops_in(used, bytes, len) > FUZZ_MAX_OPS) {
        fprintf(stderr, "fuzz-encode: %s: more than %u ops; the harness ignores ops past %u, "
                        "so nothing was written (split the program)\n", in, FUZZ_MAX_OPS, FUZZ_MAX_OPS);
        free(bytes);
        return 1;
    }
    int status = 0;
    if (check != NULL) {
        uint8_t *have;
        size_t have_len;
        if (fuzz_read_file(check, &have, &have_len) != 0) {
            fprintf(stderr, "fuzz-encode: %s: %s (regenerate the seeds: make fuzz-seeds)\n", check, strerror(errno));
            status = 1;
        } else {
            if (have_len != len || memcmp(have, bytes, len) != 0) {
                fprintf(stderr, "fuzz-encode: %s is not the encoding of %s (regenerate: make fuzz-seeds)\n",
                        check, in);
                status = 1;
            }
            free(have);
        }
    } else {
        FILE *f = out != NULL ? fopen(out, "wb") : stdout;
        if (f == NULL || fwrite(bytes, 1, len, f) != len || (out != NULL && fclose(f) != 0)) {
            fprintf(stderr, "fuzz-encode: %s: %s\n", out != NULL ? out : "stdout", strerror(errno));
            status = 2;
        }
    }
    free(bytes);
    return status;
}
