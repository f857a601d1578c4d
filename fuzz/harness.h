/*
 * harness.h - run a program against allocators under the shadow model.
 */
#ifndef FUZZ_HARNESS_H
#define FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "adapter.h"
#include "program.h"

/* Decode data[0..size) as a program for target t and run it on fresh
 * instances of heap (alloc/free/realloc ops) and pool (palloc... ops);
 * either may be NULL.  The instances are created here and destroyed here:
 * no state survives the call.  Every op is checked against the shadow model
 * and the adapters' promises; paranoid: also sweep every block and run the
 * self-checks after every op (to find the first bad op).  Returns 0 when
 * every check passed.  On a failed check prints what broke, with the 1-based
 * op index and the op's text, to stderr, then aborts (so libFuzzer, AFL++
 * and ctest all see a crash).  label, if not NULL, names the input. */
int fuzz_run_adapters(const fuzz_target_t *t, const fuzz_adapter_t *heap, const fuzz_adapter_t *pool,
                      const uint8_t *data, size_t size, const char *label, int paranoid);

/* One adapter: the pool role when it has FUZZ_CAP_POOL, else the heap role. */
int fuzz_run_adapter(const fuzz_target_t *t, const fuzz_adapter_t *ad, const uint8_t *data, size_t size,
                     const char *label, int paranoid);

/* The target an adapter's inputs decode with: the one named like it, or the
 * mixed target's ops. */
const fuzz_target_t *fuzz_target_for_adapter(const fuzz_adapter_t *ad);

/* The built-in targets: sca (heap sca), rp (pool rp), mixed (both). */
int fuzz_run(const fuzz_target_t *t, const uint8_t *data, size_t size, const char *label);

/* The same with the paranoid sweep. */
int fuzz_run_paranoid(const fuzz_target_t *t, const uint8_t *data, size_t size, const char *label);

/* Our own adapters. */
extern const fuzz_adapter_t fuzz_adapter_sca;
extern const fuzz_adapter_t fuzz_adapter_rp;

#endif
