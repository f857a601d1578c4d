/* model.c - see model.h. */
#include "model.h"

/* The checked parts of a block: all of it, or its two ends. */
static int checked_ranges(size_t size, size_t r[2][2])
{
    if (size <= FUZZ_FULL_FILL) {
        r[0][0] = 0;
        r[0][1] = size;
        return 1;
    }
    r[0][0] = 0;
    r[0][1] = FUZZ_EDGE_FILL;
    r[1][0] = size - FUZZ_EDGE_FILL;
    r[1][1] = size;
    return 2;
}

void fuzz_fill(unsigned char *p, size_t size, uint8_t seed)
{
    size_t r[2][2];
    int n = checked_ranges(size, r);
    for (int k = 0; k < n; k++)
        for (size_t i = r[k][0]; i < r[k][1]; i++)
            p[i] = fuzz_pattern(seed, i);
}

size_t fuzz_verify(const unsigned char *p, size_t size, uint8_t seed, size_t lo, size_t hi)
{
    size_t r[2][2];
    int n = checked_ranges(size, r);
    for (int k = 0; k < n; k++) {
        size_t from = r[k][0] > lo ? r[k][0] : lo, to = r[k][1] < hi ? r[k][1] : hi;
        for (size_t i = from; i < to; i++)
            if (p[i] != fuzz_pattern(seed, i))
                return i;
    }
    return SIZE_MAX;
}

size_t fuzz_verify_zero(const unsigned char *p, size_t size)
{
    size_t r[2][2];
    int n = checked_ranges(size, r);
    for (int k = 0; k < n; k++)
        for (size_t i = r[k][0]; i < r[k][1]; i++)
            if (p[i] != 0)
                return i;
    return SIZE_MAX;
}

int fuzz_overlaps(const void *a, size_t an, const void *b, size_t bn)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    if (an == 0)
        an = 1;
    if (bn == 0)
        bn = 1;
    /* by subtraction: no pointer + size that could wrap */
    return x <= y ? y - x < an : x - y < bn;
}
