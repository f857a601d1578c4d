/*
 * test_sanitizer.c - the block fill and compare of sanitizer.h, which skip
 * ASan's check of the harness's own memory but not of the block's.
 *   fuzz_test_sanitizer            copies and compares as memcpy / memcmp do
 *                                  (any build); exit 0 when they do
 *   fuzz_test_sanitizer poisoned   copies into a block whose last byte is
 *                                  poisoned: under ASan the run must end in
 *                                  ASan's use-after-poison report (ctest
 *                                  fuzz_sanitizer_poisoned_copy), which is how
 *                                  the fuzzing binaries, whose harness is not
 *                                  instrumented, still see a block handed out
 *                                  poisoned
 *   fuzz_test_sanitizer poisoned-compare   the same for the compare
 */
#include <stdio.h>
#include <string.h>

#include "sanitizer.h"

int main(int argc, char **argv)
{
    static unsigned char own[64], block[64];
    for (size_t i = 0; i < sizeof own; i++)
        own[i] = (unsigned char)(i * 7 + 1);
    const char *mode = argc > 1 ? argv[1] : "";
#ifdef POKE_ASAN
    if (strcmp(mode, "poisoned") == 0 || strcmp(mode, "poisoned-compare") == 0) {
        __asan_poison_memory_region(block + 56, 8);
        if (strcmp(mode, "poisoned") == 0)
            fuzz_copy_to_block(block, own, sizeof block);
        else
            printf("differs: %d\n", fuzz_block_differs(block, own, sizeof block));
        printf("no report: the poisoned byte went unseen\n");
        return 0; /* the ctest wants ASan's report, not this */
    }
#else
    if (mode[0] != '\0') {
        printf("use-after-poison: not an ASan build, nothing to poison (the ctest exists only in ASan builds)\n");
        return 0;
    }
#endif
    int failures = 0;
    fuzz_copy_to_block(block, own, sizeof block);
    failures += memcmp(block, own, sizeof block) != 0;
    failures += fuzz_block_differs(block, own, sizeof block) != 0;
    block[63] ^= 1;
    failures += fuzz_block_differs(block, own, sizeof block) == 0;
    fuzz_set_own(block, 0x5a, sizeof block);
    for (size_t i = 0; i < sizeof block; i++)
        failures += block[i] != 0x5a;
    printf("%s\n", failures == 0 ? "fuzz_test_sanitizer: ok" : "fuzz_test_sanitizer: FAILED");
    return failures != 0;
}
