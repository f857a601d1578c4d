/* entry_diff_rp.c - fuzz_diff_rp: the rp-vs-nginx check as a fuzz target
 * (libFuzzer, AFL++ via -fsanitize=fuzzer).  A difference aborts. */
#include "diff.h"
#include "entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return diff_fuzz_one(DIFF_RP, data, size);
}
