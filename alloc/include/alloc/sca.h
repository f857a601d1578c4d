/*
 * sca.h - the size-class allocator, after SGI STL's second-level allocator
 * (__default_alloc_template), made instance-based.
 *
 * Requests of at most `small_limit` bytes are rounded up to a multiple of
 * `granule` and served from one free list per class.  An empty list is
 * refilled with a batch of `refill_batch` blocks carved from the current
 * chunk; a chunk too short for a batch gives what it can; a chunk too short
 * for one block puts its leftover on the list that fits it and a new chunk of
 * 2 x batch bytes + heap_size/16 is taken from upstream.  When upstream
 * refuses, a free block of a larger class is carved up instead; only then
 * does the request fail.  Larger requests go straight to upstream.
 *
 * That is the default layout (SCA_LAYOUT_SGI).  A second one,
 * SCA_LAYOUT_FAST (sca_options_fast()), keeps the granule classes up to
 * 128 bytes and adds 4 classes per power of two above (160, 192, 224, 256,
 * 320, ...) up to small_limit (at most 32 KiB; 8 KiB in the fast option
 * set; the last class is small_limit itself), so a small block wastes less
 * than 25% of its size past 128 bytes.  Its refills are bounded in bytes (at most refill_batch
 * blocks and about SCA_FAST_BATCH_BYTES, at least one block) and its chunks
 * are SCA_FAST_CHUNK_BYTES (or one batch, if larger), with no growth term,
 * so the memory held beyond what is live stays bounded.  A chunk's leftover
 * is cut into the largest classes that fit it, and before a new chunk is
 * taken a free block of a larger class is carved instead (SGI borrows only
 * when upstream refuses): memory freed in one class serves the next when a
 * program's sizes shift.  Everything else (free lists, bad-free checks,
 * the self-check) is the same.
 *
 * The fast layout's waste cap (sca_options_t.waste_cap = d, 0: none, as in
 * the fast option set; d = SCA_COMPACT_WASTE_CAP = 8 in the compact option
 * set, sca_options_compact()): a request past 128 bytes
 * whose class would exceed it by more than 1/d of it (both taken rounded up
 * to 8 bytes, the lookup step: class - r > r / d, r = n rounded up to 8) is
 * "routed": served as a large block (upstream's block of its own size under
 * the header, on the large list), so a small block wastes at most 1/d of it
 * (12.5%, plus the rounding to 8) and a program whose live peak is of
 * sizes just past a class edge (SQLite's 1032 and 4104/4368-byte pages,
 * 24% and 17% below their classes of 1280 and 5120) holds what upstream
 * holds for them.  A pure function of n: allocate, deallocate and
 * reallocate route the same n the same way, and everything that says
 * "large" below (large sizes, the large tag, sca_class_size = n) holds for
 * a routed size too.  With 4 classes per power of two, every class past 128
 * has such a prefix when d = 8 (129..136 of class 160, 1025..1136 of class
 * 1280).  The inline allocate serves every small size (a routed size's
 * table entry leads to an always-empty list: it goes out of line by
 * itself).  The inline deallocate must not push a routed block on that
 * list: below the first routed size (free_max, 128 with d = 8) it pushes
 * at once, as before; past it, it compares the list with the empty one
 * (h->routed) first, and a routed size goes out of line.  So sizes up to
 * 128 pay nothing for the cap, and the others two instructions per free.
 *
 * The caller passes the size back on deallocate (as SGI's interface asks):
 * the allocator keeps no per-block header.
 *
 * Alignment: every block is aligned to min(granule, alignof(max_align_t))
 * when small and to alignof(max_align_t) when large (what upstream gives).
 *
 * Size 0 is served as size 1 everywhere (a valid, unique block), so
 * allocate(0) and reallocate(p, old, 0) never return NULL for that reason.
 *
 * Inline fast paths.  sca_allocate and sca_deallocate are inline functions
 * below (their out-of-line definitions in the library are the ABI): a small
 * request whose class list is not empty is served in the caller.  They are
 * on in a library built without checks or annotations (ALLOC_DEBUG 0, no
 * ASan, no Valgrind annotations); otherwise the instance sets its
 * fast_max, free_max and exact_max to 0, so that every call goes out of
 * line, where blocks are filled, annotated and checked (the caller's own
 * build settings do not matter).  With lean_stats = 1 (sca_options_fast() sets it) the inline
 * paths touch nothing but the list head: about 10 instructions for an
 * allocate or a deallocate (gcc -O3, x86_64: NULL checks, size bound, one
 * table load, pop or push).  Such lean instances do not keep
 * bytes_requested_live and bytes_requested_peak (both read 0 in every
 * build): an exact peak costs a load, a compare and a branch on every
 * allocation.  Callers that need them count them (as the benchmark's meter
 * does).  Their per-class live counts are derived off the fast path (free
 * blocks counted on the lists when sca_stats or sca_check asks): every
 * other statistic stays exact.  Without lean_stats the inline paths keep
 * the live counts and the byte counts too, as the out-of-line ones do.
 *
 * Bad frees: a block given back twice, a pointer this instance never handed
 * out (or one inside a block), or a size of another class.  What each build
 * catches (README.md has the whole matrix; alloc/tests runs every cell):
 *   - every build: a large size (above small_limit) whose pointer does not
 *     carry this instance's live tag in the word before it - double free,
 *     foreign pointer, small block given a large size.  O(1).
 *   - ALLOC_DEBUG >= 1 (levels 1 and 2 alike): every small free too, against
 *     a class map kept after each chunk's data (2 bytes per granule): double
 *     free, foreign or interior pointer, size of another class, a large
 *     block given a small size.  O(chunks) per allocate and deallocate.
 *   - ASan builds at ALLOC_DEBUG 0 (ALLOC_ANNOTATE_ASAN, the asan preset):
 *     a small block whose first byte is already poisoned (double free), whose
 *     size reaches poisoned bytes (its slack or a free neighbour: wrong size),
 *     or that lies in no chunk (foreign, or a large block given a small size).
 * A caught bad free changes nothing but stats.bad_frees and goes to the
 * instance's report function (sca_options_t.report): by default one line on
 * stderr, then abort() (under ASan, ASan's own report of the address or the
 * stack first); sca_report_count_only makes it count only.
 * Not caught: small bad frees in release builds without ASan (undefined: a
 * block double freed is handed out twice, a foreign one is handed out), and a
 * large block freed twice after upstream unmapped it (glibc: blocks above its
 * mmap threshold, 128 KiB or more): the tag read then faults, as glibc's own
 * free(p) twice does.
 *
 * Not thread-safe: one instance per thread, or lock around it.
 */
#ifndef ALLOC_SCA_H
#define ALLOC_SCA_H

#include <stddef.h>
#include "alloc/upstream.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sca sca_t;

#define SCA_DEFAULT_GRANULE 8
#define SCA_DEFAULT_SMALL_LIMIT 128
#define SCA_DEFAULT_REFILL_BATCH 20
#define SCA_MAX_GRANULE 64
#define SCA_MAX_CLASSES 256     /* small_limit / granule at most this */
#define SCA_MAX_REFILL_BATCH 4096
/* sca_options_fast()'s small limit, and the fast layout's bounds.  8 KiB:
 * measured on the shipped traces (bench/report/targets-why.md), larger
 * limits hold more memory (classes of 8-32 KiB, each with blocks on its
 * own list) and copy on every growth past 8 KiB where upstream's realloc
 * grows in place; smaller ones send the compiler trace's 4-8 KiB blocks to
 * the large path. */
#define SCA_FAST_SMALL_LIMIT 8192
#define SCA_FAST_MAX_LIMIT 32768    /* the largest small_limit of any layout */
#define SCA_FAST_MAX_GRANULE 32     /* fast layout: classes past 128 are multiples of 32 */
#define SCA_FAST_BATCH_BYTES 1024   /* fast layout: bytes a refill aims for (4096 held
                                     * 5-25% more on the perl trace, no faster) */
#define SCA_FAST_CHUNK_BYTES 32768  /* fast layout: the size of a chunk's data */
#define SCA_COMPACT_WASTE_CAP 8     /* sca_options_compact()'s waste_cap: at most 1/8 of n
                                     * wasted past 128 bytes (bench/report/targets-why.md) */

/* How small sizes map to classes (sca_options_t.layout). */
typedef enum sca_layout {
    SCA_LAYOUT_SGI = 0,   /* n rounded up to the granule; SGI's chunk growth */
    SCA_LAYOUT_FAST = 1   /* granule classes to 128, then 4 per power of two; bounded chunks */
} sca_layout_t;

/* What an instance does with a bad free it caught (see "Bad frees" above):
 * called with the public function that caught it ("sca_deallocate" or
 * "sca_reallocate"), the caller's pointer and size, and what is wrong.  The
 * free is refused (nothing changes but stats.bad_frees, already counted)
 * whenever the function returns.  Modeled on mimalloc's error handler and
 * jemalloc's opt.abort. */
typedef void (*sca_report_fn)(void *ctx, const char *function, const void *p, size_t n,
                              const char *problem);

/* The default: one line on stderr naming the function, the pointer, the
 * size and the problem, then abort().  In an ASan build the line is followed
 * by ASan's own report of the address (with the stack) when the pointer's
 * memory is poisoned, and by the stack alone otherwise. */
void sca_report_abort(void *ctx, const char *function, const void *p, size_t n, const char *problem);

/* Count only: does nothing, so the bad free is refused and counted in
 * stats.bad_frees, and the caller goes on. */
void sca_report_count_only(void *ctx, const char *function, const void *p, size_t n,
                           const char *problem);

typedef struct sca_options {
    size_t granule;          /* power of two in [sizeof(void *), SCA_MAX_GRANULE] */
    size_t small_limit;      /* multiple of granule, at most SCA_MAX_CLASSES x granule */
    size_t refill_batch;     /* blocks per refill, 1..SCA_MAX_REFILL_BATCH */
    alloc_upstream_t upstream;
    sca_report_fn report;    /* NULL: sca_report_abort */
    void *report_ctx;        /* passed to report */
    sca_layout_t layout;     /* SCA_LAYOUT_SGI (0) or SCA_LAYOUT_FAST; fast: granule at
                              * most SCA_FAST_MAX_GRANULE, small_limit at most
                              * SCA_FAST_MAX_LIMIT (any multiple of the granule) */
    int lean_stats;          /* 0: every statistic exact; 1: no requested-bytes
                              * statistics, inline fast paths on (see the top) */
    size_t waste_cap;        /* fast layout: a request whose class exceeds it by more
                              * than 1/waste_cap is served as a large block (the
                              * top); 0: never.  SGI layout: must be 0. */
} sca_options_t;

typedef struct sca_stats {
    size_t bytes_requested_live;  /* sum of n over live blocks (as passed by the caller) */
    size_t bytes_requested_peak;
    size_t blocks_live;           /* small + large */
    size_t small_blocks_live;
    size_t large_blocks_live;
    size_t upstream_bytes_held;   /* chunks + large blocks + the instance itself */
    size_t upstream_bytes_peak;
    size_t chunks;                /* chunks taken from upstream */
    size_t chunk_bytes;           /* their total size (heap_size in SGI) */
    size_t free_list_blocks;      /* blocks sitting on free lists */
    size_t reallocs;              /* successful reallocate calls */
    size_t failed_requests;       /* allocate/reallocate calls that returned NULL */
    size_t borrows;               /* refills served by carving a larger free block */
    size_t bad_frees;             /* bad frees caught and refused (see the top) */
} sca_stats_t;

/* Default options: granule 8, small limit 128, batch 20, libc malloc
 * upstream, report NULL (sca_report_abort), SGI layout, no lean statistics,
 * no waste cap. */
sca_options_t sca_options_default(void);

/* The fast option set: the defaults with layout SCA_LAYOUT_FAST, small
 * limit SCA_FAST_SMALL_LIMIT (8 KiB), lean_stats 1, no waste cap: the
 * fewest instructions (bench/report/targets-why.md). */
sca_options_t sca_options_fast(void);

/* The compact option set: the fast option set with waste_cap
 * SCA_COMPACT_WASTE_CAP (8): a size whose class would waste more than 1/8
 * of it is a large block of its own size, so peak held / peak live stays at
 * glibc's or below on the shipped traces, for some instructions more where
 * sizes cross the routed ones (reallocate steps, bench/report/targets-why.md). */
sca_options_t sca_options_compact(void);

/* Create an allocator.  opts NULL: defaults.  Returns NULL when the options
 * are invalid (see sca_options_t) or upstream cannot hold the instance. */
sca_t *sca_create(const sca_options_t *opts);

/* Give every chunk and every live large block back to upstream, then the
 * instance itself.  Pointers from it are dead afterwards.  a NULL: no-op. */
void sca_destroy(sca_t *a);

/* A block of at least n bytes (n == 0 is served as 1).  Returns NULL if a is
 * NULL, n is too large for upstream (no overflow anywhere: n near SIZE_MAX
 * fails cleanly), or upstream fails and no free block can be borrowed.  On
 * failure the instance is unchanged and still usable. */
inline void *sca_allocate(sca_t *a, size_t n);

/* Return a block.  n must be the size it was allocated (or last reallocated)
 * with; any n of the same class works for small blocks (a routed n, see the
 * waste cap at the top, is a large size, not one of the class's).  p NULL or a NULL:
 * no-op.  A bad free that the build catches (see "Bad frees" at the top) is
 * refused, counted in stats.bad_frees and reported; one it does not catch is
 * undefined. */
inline void sca_deallocate(sca_t *a, void *p, size_t n);

/* Resize p from old_n to new_n bytes, keeping min(old_n, new_n) bytes.
 * Same class (or both large through upstream realloc): may return p.
 * p NULL: same as sca_allocate(a, new_n).  Returns NULL if a is NULL or
 * memory runs out; p is then left valid and unchanged.  A (p, old_n) that
 * sca_deallocate would refuse is refused here the same way, before p is
 * read (reported as "sca_reallocate"), and NULL is returned. */
void *sca_reallocate(sca_t *a, void *p, size_t old_n, size_t new_n);

/* The class size a request of n bytes is served with (0 counts as 1): for
 * small n, n rounded up to the granule in the SGI layout, the smallest class
 * of the fast layout that holds n (less than 25% more than n past 128
 * bytes, within the waste cap if one is set, and never more than
 * small_limit); n itself for large n and for n routed by the waste cap (see
 * the top).  a NULL: 0. */
size_t sca_class_size(const sca_t *a, size_t n);

/* The options a was created with (a NULL: zeroed options). */
sca_options_t sca_options(const sca_t *a);

/* A copy of the statistics (a NULL: all zero).  O(classes): the per-class
 * counts are summed, no list is walked; except for a lean instance with the
 * inline paths on (see the top), whose free lists are walked: O(classes +
 * free blocks). */
sca_stats_t sca_stats(const sca_t *a);

/* Walk every structure and count broken invariants: free-list nodes inside
 * an owned chunk, on the granule grid, no cycles, no node inside the
 * uncarved region, list counts agree, and chunk bytes = free + live + uncarved.
 * Returns 0 when sound; a NULL: 1.  Works with NDEBUG; cost O(free blocks x
 * chunks). */
size_t sca_check(const sca_t *a);

/* ---- Inline fast paths ---------------------------------------------------
 * NOT API: the structures below are the start of sca.c's own, shown so that
 * the inline code can read them; they change with the library.  Use the
 * functions. */

/* One free list per class.  `live` is the count of the class's blocks
 * handed out, kept where the inline paths keep it (see sca.c's
 * live_derived: lean instances with the inline paths on derive it instead). */
typedef struct sca_list {
    void *head;
    size_t live;               /* blocks of this class handed out */
} sca_list_t;

/* The lookup table of a small request n (1 <= n <= small_limit): entry
 * (n - 1) >> SCA_LOOKUP_SHIFT of the table of pointers that starts
 * SCA_TABLE_OFFSET bytes into the instance points to the class's
 * sca_list_t.  A table at a fixed offset, of the lists' addresses: the
 * inline paths find a list with one load from the instance's own address
 * (no pointer to the table to load first, no index to scale or add; a
 * byte per entry cost those 3 instructions a call).  (SCA_LOOKUP_SHIFT:
 * the smallest granule, so every class starts on it; SCA_TABLE_OFFSET:
 * sca.c asserts its fixed part fits below it.) */
#define SCA_LOOKUP_SHIFT 3
#define SCA_TABLE_OFFSET 400

/* The start of every instance (sca.c's struct sca begins with it). */
typedef struct sca_head {
    size_t fast_max;             /* lean: n - 1 < fast_max allocated inline (and freed,
                                  * past free_max, unless routed); else 0 */
    size_t exact_max;            /* not lean: n - 1 < exact_max allocated and freed
                                  * inline, keeping the byte counts (below the
                                  * first size the waste cap routes); else 0 */
    size_t bytes_live;           /* bytes_requested_live (not lean) */
    size_t bytes_peak;           /* bytes_requested_peak (not lean) */
    size_t free_max;             /* lean: n - 1 < free_max freed inline (below the
                                  * first size the waste cap routes); else 0 */
    const sca_list_t *routed;    /* the list the table gives sizes the waste cap
                                  * routes (always empty) */
} sca_head_t;

/* Out of line: everything the inline paths do not serve, with the same
 * results as sca_allocate and sca_deallocate. */
void *sca_allocate_slow(sca_t *a, size_t n);
void sca_deallocate_slow(sca_t *a, void *p, size_t n);

/* The list of the class of a small size (m = n - 1). */
inline sca_list_t *sca_list_(sca_head_t *h, size_t m)
{
    sca_list_t *const *table = (sca_list_t *const *)(void *)((char *)h + SCA_TABLE_OFFSET);
    return table[m >> SCA_LOOKUP_SHIFT];
}

/* n == 0 wraps to SIZE_MAX in `n - 1` and goes out of line, as does anything
 * above fast_max and exact_max (both 0 unless the inline paths are on: see
 * the top).  Lean instances take the first test and touch nothing but the
 * list head; the others, the second, which keeps the class's live count,
 * the requested bytes and their peak as sca.c does. */
inline void *sca_allocate(sca_t *a, size_t n)
{
    sca_head_t *h = (sca_head_t *)(void *)a;
    size_t m = n - 1;
    if (a != NULL) {
        if (__builtin_expect(m < h->fast_max, 1)) {
            sca_list_t *l = sca_list_(h, m);
            void *p = l->head;
            if (__builtin_expect(p != NULL, 1)) {
                l->head = *(void **)p;
                return p;
            }
        } else if (m < h->exact_max) {
            sca_list_t *l = sca_list_(h, m);
            void *p = l->head;
            if (p != NULL) {
                l->head = *(void **)p;
                l->live++;
                size_t live = h->bytes_live + n;
                h->bytes_live = live;
                if (live > h->bytes_peak)
                    h->bytes_peak = live;
                return p;
            }
        }
    }
    return sca_allocate_slow(a, n);
}

/* Inline paths are on only where small frees are not checked anyway (no
 * ALLOC_DEBUG, no ASan): nothing is skipped.  Lean instances take the first
 * test (free_max: below the first size the waste cap routes) or the second
 * (fast_max, every small size: a routed one, whose list is h->routed, goes
 * out of line); the others the third (exact_max: below the first routed
 * size). */
inline void sca_deallocate(sca_t *a, void *p, size_t n)
{
    sca_head_t *h = (sca_head_t *)(void *)a;
    size_t m = n - 1;
    if (a != NULL && p != NULL) {
        if (__builtin_expect(m < h->free_max, 1)) {
            sca_list_t *l = sca_list_(h, m);
            *(void **)p = l->head;
            l->head = p;
            return;
        }
        if (m < h->fast_max) {
            sca_list_t *l = sca_list_(h, m);
            if (__builtin_expect(l != h->routed, 1)) {
                *(void **)p = l->head;
                l->head = p;
                return;
            }
        } else if (m < h->exact_max) {
            sca_list_t *l = sca_list_(h, m);
            *(void **)p = l->head;
            l->head = p;
            l->live--;
            h->bytes_live -= n;
            return;
        }
    }
    sca_deallocate_slow(a, p, n);
}

#ifdef __cplusplus
}
#endif

#endif
