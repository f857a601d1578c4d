/*
 * arena.h - the harness's "system" upstream under AddressSanitizer: one
 * block of memory reused by every input, instead of an ASan malloc and free
 * of every chunk, pool block and large block the allocators under test ask
 * for (each of those cost a stack trace, malloc hooks, the quarantine and
 * shadow work: a quarter of an exec's time).
 *
 * ASan still sees what it saw with malloc: every block handed out is
 * addressable to the byte and nothing else is.  A redzone of ASan's own size
 * rule sits before each block, the slack after it stays poisoned, a freed
 * block is poisoned at once and never handed out again within the input (a
 * use after free is seen for the rest of the input, longer than ASan's
 * quarantine kept it), and the first 4 KiB of a block are filled with 0xbe
 * as ASan's malloc does (max_malloc_fill_size), so a reader of memory it
 * never wrote sees the same bytes in every run.  A free or realloc of a
 * pointer the arena did not hand out, or handed out and took back, aborts
 * with a message.
 *
 * fuzz_arena_reset() at the end of each input poisons everything handed out
 * and starts again from the bottom.  When the arena is full, blocks come from
 * malloc as before (the same answers; only slower).  Without ASan (gcc,
 * Valgrind's memcheck gate) every call goes to malloc: Valgrind's redzones
 * are malloc's.
 *
 * Not thread-safe; one arena per process (the fuzz engines and fuzz_replay
 * run one input at a time).
 */
#ifndef FUZZ_ARENA_H
#define FUZZ_ARENA_H

#include <stddef.h>

/* n > 0.  A block of n bytes aligned to max_align_t, or NULL when malloc
 * fails (only once the arena is full). */
void *fuzz_arena_alloc(size_t n);

/* p from fuzz_arena_alloc/realloc and not yet freed (else: report, abort).
 * p NULL: no-op. */
void fuzz_arena_free(void *p);

/* As realloc: a new block keeping min(old, n) bytes, p freed; NULL (p kept)
 * when malloc fails.  p NULL: fuzz_arena_alloc(n). */
void *fuzz_arena_realloc(void *p, size_t n);

/* Take back every arena block at once and poison them (the end of an input:
 * the caller has checked that none is still in use). */
void fuzz_arena_reset(void);


#endif
