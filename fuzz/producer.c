/* producer.c - see producer.h. */
#include "producer.h"

void fuzz_producer_init(fuzz_producer_t *p, const uint8_t *data, size_t size)
{
    p->data = data;
    p->size = data != NULL ? size : 0;
    p->pos = 0;
}

size_t fuzz_producer_remaining(const fuzz_producer_t *p)
{
    return p->size - p->pos;
}

uint8_t fuzz_producer_u8(fuzz_producer_t *p)
{
    return p->pos < p->size ? p->data[p->pos++] : 0;
}

uint64_t fuzz_producer_be(fuzz_producer_t *p, unsigned nbytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < nbytes && i < 8; i++)
        v = (v << 8) | fuzz_producer_u8(p);
    return v;
}
