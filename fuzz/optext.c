/* optext.c - see optext.h. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "optext.h"

char *fuzz_op_format(const fuzz_op_t *op, char *buf)
{
    const fuzz_op_spec_t *spec = fuzz_op_spec(op->kind);
    size_t n = (size_t)snprintf(buf, FUZZ_OP_TEXT_MAX, "%s", spec->name);
    for (int i = 0; i < FUZZ_MAX_OPERANDS && spec->args[i] != FUZZ_ARG_NONE; i++) {
        const fuzz_value_t *v = &op->arg[i];
        if (spec->args[i] == FUZZ_ARG_SLOT)
            n += (size_t)snprintf(buf + n, FUZZ_OP_TEXT_MAX - n, " s%" PRIu64, v->literal);
        else if (v->sym != FUZZ_SYM_LITERAL)
            n += (size_t)snprintf(buf + n, FUZZ_OP_TEXT_MAX - n, " %s", fuzz_sym_name(v->sym));
        else
            n += (size_t)snprintf(buf + n, FUZZ_OP_TEXT_MAX - n, " %" PRIu64, v->literal);
    }
    return buf;
}

static int parse_number(const char *word, uint64_t *out)
{
    char *end;
    if (!isdigit((unsigned char)word[0]))
        return -1;
    errno = 0;
    unsigned long long v = strtoull(word, &end, 0);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = (uint64_t)v;
    return 0;
}

int fuzz_op_parse(const char *line, fuzz_op_t *op, const char **why)
{
    char copy[256], *words[8];
    size_t nwords = 0;
    if (strlen(line) >= sizeof copy) {
        *why = "line too long";
        return -1;
    }
    strcpy(copy, line);
    /* split on blanks, in place */
    for (char *s = copy; *s != '\0';) {
        while (isspace((unsigned char)*s))
            *s++ = '\0';
        if (*s == '\0')
            break;
        if (nwords == 8) {
            *why = "too many words";
            return -1;
        }
        words[nwords++] = s;
        while (*s != '\0' && !isspace((unsigned char)*s))
            s++;
    }
    if (nwords == 0) {
        *why = "empty line";
        return -1;
    }
    int kind = fuzz_op_by_name(words[0]);
    if (kind < 0) {
        *why = "unknown op (ops: alloc free realloc sca-new palloc pnalloc pcalloc pmemalign pfree "
               "reset cleanup cleanup-null rp-new rp-new-cached fail fail-at check edges tamper)";
        return -1;
    }
    memset(op, 0, sizeof *op);
    op->kind = (fuzz_op_kind_t)kind;
    const fuzz_op_spec_t *spec = fuzz_op_spec(op->kind);
    size_t want = 0;
    while (want < FUZZ_MAX_OPERANDS && spec->args[want] != FUZZ_ARG_NONE)
        want++;
    if (nwords - 1 != want) {
        *why = "wrong number of operands for this op";
        return -1;
    }
    for (size_t i = 0; i < want; i++) {
        const char *w = words[i + 1];
        fuzz_value_t *v = &op->arg[i];
        if (spec->args[i] == FUZZ_ARG_SLOT) {
            if (w[0] != 's' || parse_number(w + 1, &v->literal) != 0 || v->literal >= FUZZ_SLOTS) {
                *why = "a slot is s0..s63";
                return -1;
            }
        } else if (spec->args[i] == FUZZ_ARG_SIZE && fuzz_sym_by_name(w) != FUZZ_SYM_LITERAL) {
            v->sym = (uint8_t)fuzz_sym_by_name(w);
        } else if (parse_number(w, &v->literal) != 0) {
            *why = spec->args[i] == FUZZ_ARG_SIZE
                       ? "a size is a number or one of G-1 G G+1 2G L-1 L L+1 M-1 M M+1 B PAGE HUGE MAX MAX-G HALF"
                       : "expected a number";
            return -1;
        }
    }
    return 0;
}

size_t fuzz_program_print(FILE *out, const fuzz_target_t *t, const uint8_t *data, size_t size,
                          int numbered)
{
    fuzz_producer_t p;
    fuzz_op_t op;
    char buf[FUZZ_OP_TEXT_MAX];
    size_t n = 0;
    fuzz_producer_init(&p, data, size);
    fprintf(out, "target %s\n", t->name);
    while (n < FUZZ_MAX_OPS && fuzz_decode_next(&p, t, &op)) {
        n++;
        if (numbered)
            fprintf(out, "%-28s # %zu\n", fuzz_op_format(&op, buf), n);
        else
            fprintf(out, "%s\n", fuzz_op_format(&op, buf));
    }
    return n;
}

/* Strip a '#' comment and surrounding blanks in place; returns the start. */
static char *strip(char *line)
{
    char *hash = strchr(line, '#');
    if (hash != NULL)
        *hash = '\0';
    while (isspace((unsigned char)*line))
        line++;
    size_t len = strlen(line);
    while (len > 0 && isspace((unsigned char)line[len - 1]))
        line[--len] = '\0';
    return line;
}

int fuzz_program_encode(const char *text, const fuzz_target_t *t, uint8_t **bytes, size_t *len,
                        const fuzz_target_t **used, char *err, size_t errlen)
{
    size_t cap = 256, n = 0, lineno = 0;
    uint8_t *buf = malloc(cap);
    const char *why = NULL;
    const char *s = text;
    char line[256];
    if (buf == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    while (*s != '\0') {
        const char *nl = strchr(s, '\n');
        size_t l = nl != NULL ? (size_t)(nl - s) : strlen(s);
        lineno++;
        if (l >= sizeof line) {
            snprintf(err, errlen, "line %zu: too long", lineno);
            goto fail;
        }
        memcpy(line, s, l);
        line[l] = '\0';
        s += l + (nl != NULL);
        char *body = strip(line);
        if (*body == '\0')
            continue;
        if (strncmp(body, "target", 6) == 0 && isspace((unsigned char)body[6])) {
            const char *name = strip(body + 6);
            const fuzz_target_t *named = fuzz_target_by_name(name);
            if (named == NULL) {
                snprintf(err, errlen, "line %zu: unknown target '%s' (sca, rp, mixed)", lineno, name);
                goto fail;
            }
            if (t != NULL && t != named) {
                snprintf(err, errlen, "line %zu: text is for target %s, asked for %s", lineno,
                         named->name, t->name);
                goto fail;
            }
            t = named;
            continue;
        }
        if (t == NULL) {
            snprintf(err, errlen, "line %zu: no target: start with a 'target NAME' line or pass --target",
                     lineno);
            goto fail;
        }
        fuzz_op_t op;
        if (fuzz_op_parse(body, &op, &why) != 0) {
            snprintf(err, errlen, "line %zu: %s: '%s'", lineno, why, body);
            goto fail;
        }
        if (n + FUZZ_MAX_OP_BYTES > cap) {
            uint8_t *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                snprintf(err, errlen, "out of memory");
                goto fail;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t k = fuzz_encode_op(t, &op, buf + n, &why);
        if (k == 0) {
            snprintf(err, errlen, "line %zu: %s (target %s): '%s'", lineno, why, t->name, body);
            goto fail;
        }
        n += k;
    }
    if (t == NULL) {
        snprintf(err, errlen, "no target: start with a 'target NAME' line or pass --target");
        goto fail;
    }
    *bytes = buf;
    *len = n;
    if (used != NULL)
        *used = t;
    return 0;
fail:
    free(buf);
    return -1;
}
