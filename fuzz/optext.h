/*
 * optext.h - the text form of programs: one op a line, for people.
 *
 *   target sca          which target the lines are for (first line)
 *   alloc s3 24         op name, then operands: slots as sN, sizes as a
 *   realloc s3 L+1      number or a symbol (G-1 G G+1 2G L-1 L L+1 M-1 M
 *   fail 2              M+1 B PAGE HUGE MAX MAX-G HALF), other operands
 *   # a comment         as numbers.  Blank lines and '#' comments ignored.
 *
 * fuzz-print turns bytes into this form, fuzz-encode turns it back; for
 * every program P, parse(print(P)) == P (test_codec checks it).
 */
#ifndef FUZZ_OPTEXT_H
#define FUZZ_OPTEXT_H

#include <stdio.h>

#include "program.h"

#define FUZZ_OP_TEXT_MAX 96

/* Write op as one line (no newline) into buf[FUZZ_OP_TEXT_MAX]; returns buf. */
char *fuzz_op_format(const fuzz_op_t *op, char *buf);

/* Parse one op from a line (no comment, not blank).  Returns 0 and fills
 * *op, or -1 with *why set to a static message. */
int fuzz_op_parse(const char *line, fuzz_op_t *op, const char **why);

/* Print the whole program in data as text to out, the "target" line first.
 * numbered: prefix each op with "# N" comments (1-based op index, as the
 * harness reports it).  Returns the number of ops printed. */
size_t fuzz_program_print(FILE *out, const fuzz_target_t *t, const uint8_t *data, size_t size,
                          int numbered);

/* Encode the text in `text` into *bytes (malloc'd, caller frees).  t is the
 * target, or NULL to take it from the text's "target" line.  Returns 0, or
 * -1 with a message "line N: ..." written to err[errlen]. */
int fuzz_program_encode(const char *text, const fuzz_target_t *t, uint8_t **bytes, size_t *len,
                        const fuzz_target_t **used, char *err, size_t errlen);

#endif
