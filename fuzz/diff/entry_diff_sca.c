/* entry_diff_sca.c - fuzz_diff_sca: the sca-vs-__pool_alloc check as a fuzz
 * target (libFuzzer, AFL++ via -fsanitize=fuzzer).  A difference aborts. */
#include "diff.h"
#include "entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return diff_fuzz_one(DIFF_SCA, data, size);
}
