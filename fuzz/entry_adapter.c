/* entry_adapter.c - the fuzz target of one adapter (libFuzzer, AFL++):
 * built once per adapter by fuzz_adapter() in fuzz/CMakeLists.txt, with
 * FUZZ_ADAPTER naming the adapter's fuzz_adapter_t. */
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

extern const fuzz_adapter_t FUZZ_ADAPTER;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run_adapter(fuzz_target_for_adapter(&FUZZ_ADAPTER), &FUZZ_ADAPTER, data, size, NULL, 0);
    return 0;
}
