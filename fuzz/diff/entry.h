/* entry.h - what the differential fuzz targets share. */
#ifndef FUZZ_DIFF_ENTRY_H
#define FUZZ_DIFF_ENTRY_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode the input for `which`, run both sides, abort on a difference or
 * when the check cannot run (the message says which). */
int diff_fuzz_one(int which, const uint8_t *data, size_t size);

#endif
