/*
 * uaf_in_chunk.c - a planted use-after-free inside allocator memory, which
 * the annotations must make visible: ASan (poisoning) and memcheck (mempool
 * client requests) must both report it.  Without the annotations the read
 * lands in a valid malloc'd chunk and neither tool says a word.  (ASan names a
 * read inside a partly poisoned 8-byte granule "unknown-crash".)
 *
 * usage: uaf_in_chunk sca|rp|overflow
 *   sca       read a size-class block after deallocating it
 *   rp        read a pool block after rp_reset
 *   overflow  read one byte past a 20-byte block (class 24): its slack
 *   shrunk    read past the new end of a block shrunk in place (40 -> 33)
 *   grown     (clean) write the last byte of a block grown in place (52 -> 56)
 */
#include <stdio.h>
#include <string.h>

#include "alloc/rp.h"
#include "alloc/sca.h"

int main(int argc, char **argv)
{
    volatile unsigned char sink = 0;
    if (argc == 2 && strcmp(argv[1], "sca") == 0) {
        sca_t *a = sca_create(NULL);
        unsigned char *p = sca_allocate(a, 24);
        unsigned char *q = sca_allocate(a, 24); /* keeps the chunk busy */
        memset(p, 1, 24);
        sca_deallocate(a, p, 24);
        sink = p[12]; /* use after deallocate, inside the chunk */
        sca_deallocate(a, q, 24);
        sca_destroy(a);
    } else if (argc == 2 && strcmp(argv[1], "rp") == 0) {
        rp_pool_t *pool = rp_create(4096, NULL);
        unsigned char *p = rp_palloc(pool, 64);
        memset(p, 1, 64);
        rp_reset(pool);
        sink = p[10]; /* use after reset, inside the pool block */
        rp_destroy(pool);
    } else if (argc == 2 && strcmp(argv[1], "overflow") == 0) {
        sca_t *a = sca_create(NULL);
        unsigned char *p = sca_allocate(a, 20);
        unsigned char *q = sca_allocate(a, 20);
        memset(p, 1, 20);
        memset(q, 1, 20);
        sink = p[20]; /* one past the end, still inside the 24-byte class */
        sca_deallocate(a, p, 20);
        sca_deallocate(a, q, 20);
        sca_destroy(a);
    } else if (argc == 2 && strcmp(argv[1], "shrunk") == 0) {
        sca_t *a = sca_create(NULL);
        unsigned char *p = sca_allocate(a, 40);
        memset(p, 1, 40);
        p = sca_reallocate(a, p, 40, 33); /* same class: in place */
        sink = p[36];
        sca_deallocate(a, p, 33);
        sca_destroy(a);
    } else if (argc == 2 && strcmp(argv[1], "grown") == 0) {
        sca_t *a = sca_create(NULL);
        unsigned char *p = sca_allocate(a, 52);
        memset(p, 1, 52);
        p = sca_reallocate(a, p, 52, 56); /* same class: in place */
        p[55] = 2;
        sink = p[55];
        sca_deallocate(a, p, 56);
        sca_destroy(a);
    } else {
        fprintf(stderr, "usage: uaf_in_chunk sca|rp|overflow|shrunk|grown\n");
        return 2;
    }
    printf("read %u: not reported\n", (unsigned)sink);
    return 0;
}
