/* entry_rp.c - the rp fuzz target (libFuzzer, AFL++ via -fsanitize=fuzzer, OSS-Fuzz). */
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run(&fuzz_target_rp, data, size, NULL);
    return 0;
}
