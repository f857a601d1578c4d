/*
 * harness.h - run a program against the allocators under the shadow model.
 */
#ifndef FUZZ_HARNESS_H
#define FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"

/* Decode data[0..size) as a program for target t and run it on fresh
 * allocator instances (created here, destroyed here: no state survives the
 * call), checking the shadow model after every op and at the end.  Returns 0
 * when every check passed.  On a failed check prints what broke, with the
 * 1-based op index and the op's text, to stderr, then aborts (so libFuzzer,
 * AFL++ and ctest all see a crash).  label, if not NULL, names the input in
 * that message (the replay driver passes the file name). */
int fuzz_run(const fuzz_target_t *t, const uint8_t *data, size_t size, const char *label);

#endif
