/*
 * producer.h - a data producer that never fails.
 *
 * Reads a byte string front to back.  When the input runs out every read
 * returns zero bytes instead of failing, so any byte string, however short,
 * is a valid input: the op decoder built on it is a total function.
 */
#ifndef FUZZ_PRODUCER_H
#define FUZZ_PRODUCER_H

#include <stddef.h>
#include <stdint.h>

typedef struct fuzz_producer {
    const uint8_t *data;
    size_t size;
    size_t pos;
} fuzz_producer_t;

/* Start reading data[0..size).  data may be NULL when size is 0. */
void fuzz_producer_init(fuzz_producer_t *p, const uint8_t *data, size_t size);

/* Bytes not read yet. */
size_t fuzz_producer_remaining(const fuzz_producer_t *p);

/* The next byte, or 0 once the input is exhausted. */
uint8_t fuzz_producer_u8(fuzz_producer_t *p);

/* The next nbytes (at most 8) as a big-endian number; missing bytes read as 0. */
uint64_t fuzz_producer_be(fuzz_producer_t *p, unsigned nbytes);

#endif
