/*
 * sca.c - the size-class allocator (after SGI STL's __default_alloc_template).
 *
 * Memory layout.  Every chunk taken from upstream starts with a chunk_t
 * header (so destroy can give it back), then its data area, which is carved
 * front to back into blocks whose sizes are multiples of the granule.  The
 * not-yet-carved tail of the newest chunk is [start_free, end_free).  A free
 * small block holds the link to the next free block of its class in its
 * first word.  Large blocks carry a large_t header linking them in a list
 * (so destroy can give them back too), and a tag naming their owner.
 *
 * Bad frees.  A large block's tag (owner address xor a magic, cleared when
 * the block goes back) is checked in every build: O(1), on the large path
 * only.  With ALLOC_DEBUG >= 1 every chunk also carries a class map, one
 * entry per granule of its data: the class of the live block starting there,
 * MAP_FREED once it is given back, 0 for anything else; a small free is
 * checked against it (double free, foreign or interior pointer, wrong size).
 * Under ASan (release paths) a small free is refused when its bytes are
 * already poisoned or it lies in no chunk.  A refused free is counted and
 * handed to the instance's report function (default: print and abort).
 *
 * Layouts.  The class of a small request is looked up in a table built at
 * create from the class sizes (class_size_rule, the one rule): SGI's
 * (multiples of the granule) or the fast layout's (granule classes to 128
 * bytes, then 4 per power of two); test_sca_classes checks every size
 * against classes built another way.  The table is
 * indexed by (n - 1) >> SCA_LOOKUP_SHIFT, which the inline paths in sca.h
 * read too.  The fast layout's waste cap (sca.h) is applied there too, once:
 * the entries of the sizes it routes lead to an always-empty list past the
 * classes (classes[nclasses]), and served_large asks the table.
 *
 * The one invariant the self-check leans on: every data byte of every chunk
 * is exactly one of: on a free list, in a live small block (rounded to its
 * class), or in the uncarved tail.  So
 *     chunk_bytes == free-list bytes + live class bytes + (end_free - start_free).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/sca.h"
#include "annotate.h"
#include "checked.h"
#include "sca_layout.h"

/* Fill patterns for ALLOC_DEBUG builds: stale reads show as 0xdd. */
#define FILL_HANDED_OUT 0xa5
#define FILL_FREED 0xdd

/* Class map entries: the live block starting there is of class index + 1
 * (1..SCA_MAX_CLASSES); MAP_FREED: given back; 0: no block handed out starts
 * there. */
#define MAP_FREED 0xffffu
_Static_assert(SCA_MAX_CLASSES < MAP_FREED, "class map entries fit in 16 bits");

#define LARGE_MAGIC ((uintptr_t)0x5ca1ab1e0b10c5edull)

#define LARGE_HEADER 32
_Static_assert(sizeof(large_t) <= LARGE_HEADER, "large header fits");
_Static_assert(LARGE_HEADER % _Alignof(max_align_t) == 0, "large blocks stay aligned");

_Static_assert(offsetof(struct sca, h) == 0, "the inline paths read the instance's head");
_Static_assert(sizeof(struct sca) <= SCA_TABLE_OFFSET, "the lookup table starts past the instance's fields");
_Static_assert(SCA_TABLE_OFFSET % _Alignof(size_class_t) == 0, "the lists after the table stay aligned");

/* The inline paths (sca.h) hand out and take back memory without filling,
 * annotating or checking it, so they are on only when the library does
 * none of that. */
#define FAST_PATH_ON (ALLOC_DEBUG == 0 && !ALLOC_ASAN_ACTIVE && !ALLOC_ANNOTATE_VALGRIND)

/* The ABI: the inline functions of sca.h get their external definitions here. */
extern void *sca_allocate(sca_t *a, size_t n);
extern void sca_deallocate(sca_t *a, void *p, size_t n);
extern sca_list_t *sca_list_(sca_head_t *h, size_t m);

/* The fast layout: granule classes up to FAST_LINEAR_LIMIT, then
 * FAST_STEPS classes per power of two. */
#define FAST_LINEAR_LOG2 7
#define FAST_LINEAR_LIMIT ((size_t)1 << FAST_LINEAR_LOG2)
#ifndef FAST_STEPS_LOG2
#define FAST_STEPS_LOG2 2
#endif
#define FAST_STEPS ((size_t)1 << FAST_STEPS_LOG2)
_Static_assert(SCA_FAST_MAX_GRANULE <= FAST_LINEAR_LIMIT >> FAST_STEPS_LOG2,
               "every fast class past the granule classes is a multiple of the granule");
_Static_assert(SCA_MAX_GRANULE * SCA_MAX_CLASSES <= SCA_FAST_MAX_LIMIT,
               "the lookup table covers every small limit");
/* The lookup table's size in bytes for a small limit (a multiple of the
 * lookup step: whole entries, the lists after them aligned). */
#define TABLE_BYTES(small_limit) (((small_limit) >> SCA_LOOKUP_SHIFT) * sizeof(size_class_t *))

/* The largest batch one refill can ask for, in bytes; chunk arithmetic on
 * it (2 x, + chunk_bytes/16, + header) stays far from SIZE_MAX. */
#define SCA_MAX_BATCH_BYTES ((size_t)SCA_MAX_CLASSES * SCA_MAX_GRANULE * SCA_MAX_REFILL_BATCH)
_Static_assert(SCA_MAX_BATCH_BYTES <= SIZE_MAX / 64, "batch arithmetic cannot overflow");

/* ---- small helpers -------------------------------------------------------- */

/* THE rule: the block size of class idx, before the cap at small_limit.
 * SGI's layout: multiples of the granule.  The fast layout: the same up to
 * FAST_LINEAR_LIMIT, then in (2^k, 2^(k+1)], k >= 7, the classes
 * 2^k + j x 2^(k-2), j = 1..4.  Everything else derives from it at create
 * (the class count, the class sizes, the lookup table). */
static size_t class_size_rule(sca_layout_t layout, unsigned granule_shift, size_t idx)
{
    size_t linear = FAST_LINEAR_LIMIT >> granule_shift;
    if (layout == SCA_LAYOUT_SGI || idx < linear)
        return (idx + 1) << granule_shift;
    size_t j = idx - linear, k = FAST_LINEAR_LOG2 + (j >> FAST_STEPS_LOG2);
    return (FAST_STEPS + (j & (FAST_STEPS - 1)) + 1) << (k - FAST_STEPS_LOG2);
}

/* Classes up to the first one that reaches small_limit (that one is capped
 * to it). */
static size_t class_count(sca_layout_t layout, unsigned granule_shift, size_t small_limit)
{
    if (layout == SCA_LAYOUT_SGI)
        return small_limit >> granule_shift; /* the rule's closed form: small_limit is a multiple of the granule */
    size_t n = 1;
    while (class_size_rule(layout, granule_shift, n - 1) < small_limit)
        n++;
    return n;
}

/* THE size-0 rule: a request of 0 bytes is served as 1 byte (a valid,
 * unique block).  Every path turns the caller's n into a request here (the
 * inline paths fold it into `n - 1`, which wraps 0 out of every class). */
static inline size_t request_of(size_t n)
{
    return n != 0 ? n : 1;
}

/* The lookup table (sca.h): at a fixed offset in the instance. */
static size_class_t **lookup_table(const sca_t *a)
{
    return (size_class_t **)(void *)((unsigned char *)(uintptr_t)a + SCA_TABLE_OFFSET);
}

/* A small request's class (req in 1..small_limit): its list, from the
 * table, as an index. */
static size_t class_index(const sca_t *a, size_t req)
{
    return (size_t)(lookup_table(a)[(req - 1) >> SCA_LOOKUP_SHIFT] - a->classes);
}

static inline size_t class_size_of_index(const sca_t *a, size_t idx)
{
    return a->class_bytes[idx];
}

/* THE large rule: the class of a request (req >= 1), or nclasses when it
 * is served as a large block: above small_limit, or routed by the waste cap
 * (its table entry leads to classes[nclasses], the empty list past the
 * classes: build_classes).  Every path that asks "large?" asks here, so
 * allocate, deallocate and reallocate route every n the same way. */
static inline size_t class_or_large(const sca_t *a, size_t req)
{
    return req > a->small_limit ? a->nclasses : class_index(a, req);
}

static inline int served_large(const sca_t *a, size_t req)
{
    return class_or_large(a, req) == a->nclasses;
}

/* The smallest class of at least size bytes (1..small_limit), whether or
 * not the waste cap routes requests of that size (a chunk's leftover is cut
 * by size): a routed entry is followed by its class's own entries (a
 * class's own size wastes nothing, so it is never routed). */
static size_t class_at_least(const sca_t *a, size_t size)
{
    size_class_t *const *table = lookup_table(a);
    size_t j = (size - 1) >> SCA_LOOKUP_SHIFT;
    while (table[j] == &a->classes[a->nclasses])
        j++;
    return (size_t)(table[j] - a->classes);
}

static uintptr_t owner_tag(const sca_t *a)
{
    return (uintptr_t)a ^ LARGE_MAGIC;
}

static void note_upstream(sca_t *a, size_t add, size_t sub)
{
    a->st.upstream_bytes_held = a->st.upstream_bytes_held - sub + add;
    if (a->st.upstream_bytes_held > a->st.upstream_bytes_peak)
        a->st.upstream_bytes_peak = a->st.upstream_bytes_held;
}

/* On the hot path: keep it to an add, a compare and a rare store.  A pure
 * release cannot raise the peak: note_released skips the compare.  Lean
 * instances run these too (a test of `lean` would cost every instance more
 * than the add), but their inline paths do not, so the sums mean nothing
 * there: sca_stats reports 0. */
static inline void note_requested(sca_t *a, size_t add, size_t sub)
{
    size_t live = a->h.bytes_live - sub + add;
    a->h.bytes_live = live;
    if (live > a->h.bytes_peak)
        a->h.bytes_peak = live;
}

static inline void note_released(sca_t *a, size_t n)
{
    a->h.bytes_live -= n;
}

static void list_push(sca_t *a, size_t idx, void *block)
{
    ann_link_write((void **)block, a->classes[idx].head);
    a->classes[idx].head = block;
}

static void *list_pop(sca_t *a, size_t idx)
{
    void *block = a->classes[idx].head;
    if (block == NULL)
        return NULL;
    a->classes[idx].head = ann_link_read((void *const *)block);
    return block;
}

/* n more blocks of class idx exist (carved from a chunk).  A class's first
 * blocks list it in in_use, once (a class emptied by a borrow is listed
 * already): a bit per class says so in O(1), where a search of in_use cost
 * a create O(classes^2) (lifecycle-create/sca-fast/200: +10%). */
static void carved_add(sca_t *a, size_t idx, size_t n)
{
    uint64_t bit = (uint64_t)1 << (idx & 63);
    if ((a->listed[idx >> 6] & bit) == 0) {
        a->listed[idx >> 6] |= bit;
        a->in_use[a->n_in_use++] = (uint16_t)idx;
    }
    a->carved[idx] += n;
}

static int chunk_holds(const chunk_t *c, uintptr_t x, size_t n)
{
    uintptr_t lo = (uintptr_t)c->data;
    return x >= lo && x - lo <= c->data_size && c->data_size - (x - lo) >= n;
}

static const chunk_t *chunk_containing(const sca_t *a, const void *p, size_t n)
{
    for (const chunk_t *c = a->chunks; c != NULL; c = c->next)
        if (chunk_holds(c, (uintptr_t)p, n))
            return c;
    return NULL;
}

/* Is x a multiple of the granule?  (A power of two, checked at create: a
 * mask, where `%` cost a division per free node in sca_check.) */
static inline int on_grid(const sca_t *a, uintptr_t x)
{
    return (x & (a->granule - 1)) == 0;
}

/* Is p a plausible small block of class size cls: inside a chunk, on the
 * granule grid, not in the uncarved tail?  *hint (may be NULL) is the chunk
 * to try first, and becomes the one p is in: a list's neighbours mostly
 * share a chunk, so a walk costs O(nodes), not O(nodes x chunks). */
static inline int owns_small(const sca_t *a, const void *p, size_t cls, const chunk_t **hint)
{
    const chunk_t *c = hint != NULL && *hint != NULL && chunk_holds(*hint, (uintptr_t)p, cls)
                       ? *hint : chunk_containing(a, p, cls);
    if (c == NULL || !on_grid(a, (uintptr_t)p - (uintptr_t)c->data))
        return 0;
    if (hint != NULL)
        *hint = c;
    uintptr_t x = (uintptr_t)p;
    return !(x >= (uintptr_t)a->start_free && x < (uintptr_t)a->end_free);
}

/* No list can hold more blocks of a class than the chunks could: a longer
 * walk has met a cycle. */
static size_t list_bound(const sca_t *a, size_t idx)
{
    return a->st.chunk_bytes / class_size_of_index(a, idx);
}

/* Statistics derived off the fast path.  Lean instances of a library
 * whose inline paths are on keep no live count per class: the inline
 * paths would pay an add on every call for it.  Their free blocks are
 * counted on the lists when asked (sca_stats, sca_check), and live =
 * carved - free.  (Their slow paths still step `live`, which then means
 * nothing: a test of `lean` there would cost every instance more.)  Every
 * other instance keeps `live` on every path and reads it. */
static inline int live_derived(const sca_t *a)
{
    return FAST_PATH_ON && a->lean;
}

/* The length of class idx's list, or list_bound once a walk that long has
 * met a cycle. */
static size_t list_length(const sca_t *a, size_t idx)
{
    size_t n = 0, bound = list_bound(a, idx);
    for (const void *q = a->classes[idx].head; q != NULL && n < bound; q = ann_link_read((void *const *)q))
        n++;
    return n;
}

/* Blocks of class idx handed out: counted, or derived from its list's
 * length (listed, when the caller has walked the list already). */
static inline size_t live_given(const sca_t *a, size_t idx, size_t listed)
{
    return live_derived(a) ? a->carved[idx] - listed : a->classes[idx].live;
}

static inline size_t live_blocks(const sca_t *a, size_t idx)
{
    return live_given(a, idx, live_derived(a) ? list_length(a, idx) : 0);
}

/* ALLOC_DEBUG >= 1: chunk c's class map, one entry per granule of its data,
 * right after the data (granule-aligned). */
static uint16_t *class_map(const chunk_t *c)
{
    return (uint16_t *)(void *)(c->data + c->data_size);
}

/* The class map entry of a granule-aligned p inside chunk c. */
static uint16_t *map_entry(const sca_t *a, const chunk_t *c, const void *p)
{
    return &class_map(c)[((uintptr_t)p - (uintptr_t)c->data) >> a->granule_shift];
}

/* ALLOC_DEBUG >= 1: record what now starts at the small block p (one
 * handed out or taken back: always inside a chunk). */
static void map_set(const sca_t *a, const void *p, uint16_t v)
{
    *map_entry(a, chunk_containing(a, p, 1), p) = v;
}

/* ---- chunks --------------------------------------------------------------- */

/* Take a chunk with at least data_size carvable bytes from upstream and make
 * it the uncarved region.  Returns 0 when upstream refuses. */
static int chunk_new(sca_t *a, size_t data_size)
{
    /* data_size is at most chunk_bytes/16 + 2 x SCA_MAX_BATCH_BYTES (see
     * chunk_alloc), and chunk_bytes is memory upstream gave: no overflow. */
    size_t map_size = ALLOC_DEBUG >= 1 ? (data_size >> a->granule_shift) * sizeof(uint16_t) : 0;
    size_t raw_size = data_size + sizeof(chunk_t) + a->granule + map_size;
    unsigned char *raw = a->up.alloc(a->up.ctx, raw_size);
    if (raw == NULL)
        return 0;
    chunk_t *c = (chunk_t *)(void *)raw;
    c->raw_size = raw_size;
    c->data = (unsigned char *)align_up_ptr((uintptr_t)(raw + sizeof(chunk_t)), a->granule);
    c->data_size = data_size;
    if (ALLOC_DEBUG >= 1)
        memset(class_map(c), 0, map_size);
    c->next = a->chunks;
    a->chunks = c;
    ann_no_access(c->data, data_size);
    a->st.chunks++;
    a->st.chunk_bytes += data_size;
    note_upstream(a, raw_size, 0);
    a->start_free = c->data;
    a->end_free = c->data + data_size;
    return 1;
}

/* The uncarved leftover of a chunk (left bytes, a multiple of the granule,
 * shorter than the block wanted) goes to the lists that fit it: in the SGI
 * layout it is a class of its own, one block; in the fast layout it is cut
 * into the largest classes that fit, in turn (every multiple of the granule
 * up to 128 is a class, so nothing is lost). */
static void push_leftover(sca_t *a, size_t left)
{
    while (left > 0) {
        size_t idx = class_at_least(a, left);
        if (class_size_of_index(a, idx) > left)
            idx--; /* the class above left: the one below fits */
        size_t cls = class_size_of_index(a, idx);
        list_push(a, idx, a->start_free);
        carved_add(a, idx, 1);
        a->start_free += cls;
        left -= cls;
    }
}

/* Blocks per refill: SGI's batch; the fast layout's batch is bounded in
 * bytes too (SCA_FAST_BATCH_BYTES), and is at least one block. */
static size_t refill_count(const sca_t *a, size_t cls)
{
    if (a->layout == SCA_LAYOUT_SGI)
        return a->batch;
    size_t n = SCA_FAST_BATCH_BYTES / cls;
    return n == 0 ? 1 : n < a->batch ? n : a->batch;
}

/* Make a free block of class cls or a larger one the uncarved region (the
 * smallest class with one).  Returns 0 when every such list is empty. */
static int borrow(sca_t *a, size_t cls)
{
    size_t idx = class_index(a, cls);
    while (idx < a->nclasses && a->classes[idx].head == NULL)
        idx++;
    if (idx == a->nclasses)
        return 0;
    a->start_free = list_pop(a, idx);
    a->end_free = a->start_free + class_size_of_index(a, idx);
    a->carved[idx]--;
    a->st.borrows++;
    return 1;
}

/* SGI's _S_chunk_alloc: up to *nobjs blocks of cls bytes, contiguous, from
 * the uncarved region, refilling it as needed.  On return *nobjs says how
 * many were carved (>= 1); NULL when nothing could be found. */
static unsigned char *chunk_alloc(sca_t *a, size_t cls, size_t *nobjs)
{
    for (;;) {
        size_t total = cls * *nobjs; /* cls <= limit, nobjs <= batch: no overflow */
        size_t left = (size_t)(a->end_free - a->start_free);
        if (left >= cls) {
            if (left < total) {
                *nobjs = left / cls;
                total = cls * *nobjs;
            }
            unsigned char *result = a->start_free;
            a->start_free += total;
            return result;
        }
        /* Too short for even one block: the leftover goes to the lists. */
        push_leftover(a, left);
        a->start_free = a->end_free = NULL;

        /* The fast layout carves a free block of a larger class before it
         * takes a new chunk: memory freed in one class serves the next,
         * when a program's sizes shift, instead of staying on its list
         * while new chunks are taken (SQLite's trace held 1.28x its live
         * peak without it).  SGI borrows only when upstream refuses. */
        if (a->layout == SCA_LAYOUT_FAST && borrow(a, cls))
            continue;

        /* SGI's growth: twice the batch plus a sixteenth of all chunks so
         * far, rounded to the granule.  Bounded (total <= SCA_MAX_BATCH_BYTES,
         * chunk_bytes <= PTRDIFF_MAX): nothing here can overflow.  The fast
         * layout: a fixed chunk, or one batch if that is larger. */
        size_t growth = ((a->st.chunk_bytes >> 4) + a->granule - 1) & ~(a->granule - 1);
        size_t want = a->layout == SCA_LAYOUT_SGI ? 2 * total + growth
                      : total > SCA_FAST_CHUNK_BYTES ? total : SCA_FAST_CHUNK_BYTES;
        if (chunk_new(a, want))
            continue;

        /* Upstream refused: carve a free block of this class or a larger one. */
        if (!borrow(a, cls))
            return NULL;
    }
}

/* SGI's _S_refill: one block of cls bytes for the caller, the rest of a
 * batch onto the class's free list. */
static void *refill(sca_t *a, size_t cls)
{
    size_t nobjs = refill_count(a, cls);
    unsigned char *run = chunk_alloc(a, cls, &nobjs);
    if (run == NULL)
        return NULL;
    size_t idx = class_index(a, cls);
    carved_add(a, idx, nobjs);
    /* Push back to front so the list hands blocks out in address order. */
    for (size_t i = nobjs; i-- > 1;)
        list_push(a, idx, run + i * cls);
    return run;
}

/* ---- large blocks --------------------------------------------------------- */

static void large_link(sca_t *a, large_t *h)
{
    h->prev = &a->large;
    h->next = a->large.next;
    a->large.next->prev = h;
    a->large.next = h;
}

static void large_unlink(large_t *h)
{
    h->prev->next = h->next;
    h->next->prev = h->prev;
}

static void *large_alloc(sca_t *a, size_t req)
{
    size_t raw_size;
    if (!ck_add(req, LARGE_HEADER, &raw_size))
        return NULL;
    large_t *h = a->up.alloc(a->up.ctx, raw_size);
    if (h == NULL)
        return NULL;
    h->raw_size = raw_size;
    h->tag = owner_tag(a);
    large_link(a, h);
    note_upstream(a, raw_size, 0);
    a->st.large_blocks_live++;
    return (unsigned char *)h + LARGE_HEADER;
}

static large_t *large_header(void *p)
{
    return (large_t *)(void *)((unsigned char *)p - LARGE_HEADER);
}

static void large_free(sca_t *a, void *p)
{
    large_t *h = large_header(p);
    size_t raw_size = h->raw_size;
    large_unlink(h);
    h->tag = 0; /* a second free finds no owner */
    a->up.free(a->up.ctx, h, raw_size);
    note_upstream(a, 0, raw_size);
    a->st.large_blocks_live--;
}

static void *large_realloc(sca_t *a, void *p, size_t new_req)
{
    size_t raw_size;
    if (!ck_add(new_req, LARGE_HEADER, &raw_size))
        return NULL;
    large_t *h = large_header(p);
    size_t old_raw = h->raw_size;
    large_t *moved = a->up.realloc(a->up.ctx, h, old_raw, raw_size);
    if (moved == NULL)
        return NULL;
    moved->raw_size = raw_size;
    /* Grown or shrunk in place: nothing else changes.  Moved: upstream
     * copied the header (links and tag too, and the caller's bytes, once);
     * only the neighbours still point at the old address. */
    if (moved != h) {
        moved->prev->next = moved;
        moved->next->prev = moved;
    }
    note_upstream(a, raw_size, old_raw);
    return (unsigned char *)moved + LARGE_HEADER;
}

/* ---- bad frees ------------------------------------------------------------ */

void sca_report_abort(void *ctx, const char *function, const void *p, size_t n, const char *problem)
{
    (void)ctx;
    fprintf(stderr, "%s: bad free of %p (%zu bytes): %s\n", function, p, n, problem);
#if ALLOC_ASAN_ACTIVE
    ann_report_bad_free(p, n);
#endif
    abort();
}

void sca_report_count_only(void *ctx, const char *function, const void *p, size_t n,
                           const char *problem)
{
    (void)ctx;
    (void)function;
    (void)p;
    (void)n;
    (void)problem;
}

/* Does the word before p's header hold this instance's live tag?  The test
 * every build runs before it trusts a large block: one load and one
 * compare, inline in release builds.  (Checked builds diagnose first: under
 * ASan the read itself would be the report.) */
static inline int large_tag_ok(const sca_t *a, const void *p)
{
    uintptr_t tag;
    memcpy(&tag, (const unsigned char *)p - LARGE_HEADER + offsetof(large_t, tag), sizeof tag);
    return tag == owner_tag(a);
}

/* Why freeing p as a large block must be refused, or NULL.  O(1): one read
 * of the header's tag (and, with ALLOC_DEBUG >= 1, the chunk walk). */
static const char *large_problem(const sca_t *a, const void *p)
{
    if (ALLOC_DEBUG >= 1 && chunk_containing(a, p, 1) != NULL)
        return "wrong size (a small block given a large size)";
    if (((uintptr_t)p & (_Alignof(max_align_t) - 1)) != 0 || (uintptr_t)p < LARGE_HEADER)
        return "not a large block (misaligned)";
#if ALLOC_ASAN_ACTIVE
    if (ann_first_poisoned((const unsigned char *)p - LARGE_HEADER, LARGE_HEADER) != NULL)
        return "not a live large block (its header is poisoned: double free or foreign pointer)";
#endif
    if (!large_tag_ok(a, p))
        return "not a live large block of this allocator (double free or foreign pointer)";
    return NULL;
}

/* ALLOC_DEBUG >= 1: why freeing p as a small block of class idx must be
 * refused, or NULL.  The class map knows every live block's class. */
static const char *small_problem_mapped(const sca_t *a, const void *p, size_t idx)
{
    const chunk_t *c = chunk_containing(a, p, 1);
    if (c == NULL || !on_grid(a, (uintptr_t)p - (uintptr_t)c->data))
        return "not a block of this allocator";
    uint16_t v = *map_entry(a, c, p);
    if (v == MAP_FREED)
        return "double free";
    if (v == 0)
        return "not a live block of this allocator (never handed out, or inside a block)";
    if (v != idx + 1)
        return "wrong size (the block is of another class)";
    return NULL;
}

#if ALLOC_ASAN_ACTIVE
/* ASan builds at ALLOC_DEBUG 0: a live block's n bytes are all unpoisoned,
 * so a poisoned first byte means it was freed already and a poisoned later
 * byte that n is longer than the block; one in no chunk is foreign.  (Only
 * ASan builds compile it: nothing else can answer the question.) */
static const char *small_problem_asan(const sca_t *a, const void *p, size_t req)
{
    const void *bad = ann_first_poisoned(p, req);
    if (bad == p)
        return "double free (the block is poisoned)";
    if (bad != NULL)
        return "wrong size (bytes within the size given are poisoned)";
    if (!owns_small(a, p, class_size_of_index(a, class_index(a, req)), NULL))
        return "not a block of this allocator";
    return NULL;
}
#define small_problem_unmapped(a, p, req) small_problem_asan((a), (p), (req))
#else
/* Without the class map or ASan, a small free cannot be checked. */
#define small_problem_unmapped(a, p, req) ((void)(a), (void)(p), (void)(req), (const char *)NULL)
#endif

static const char *free_problem(const sca_t *a, const void *p, size_t req)
{
    if (served_large(a, req))
        return large_problem(a, p);
    return ALLOC_DEBUG >= 1 ? small_problem_mapped(a, p, class_index(a, req))
                            : small_problem_unmapped(a, p, req);
}

/* Builds that check every free: the class map, or ASan's shadow. */
#define CHECKED_FREES (ALLOC_DEBUG >= 1 || ALLOC_ASAN_ACTIVE)

/* Check a block the caller gives back; a bad one is counted and reported.
 * Returns 1 when it must be refused. */
__attribute__((noinline)) static int refuse_bad_free(sca_t *a, const char *function, const void *p, size_t n)
{
    const char *problem = free_problem(a, p, request_of(n));
    if (problem == NULL)
        return 0;
    a->st.bad_frees++;
    a->report(a->report_ctx, function, p, n, problem);
    return 1;
}

/* Every entry that takes a caller's block back runs this first, before it
 * reads the block: checked builds diagnose every free, release builds test
 * a large block's tag inline.  Returns 1 when p must be refused. */
static inline int refused(sca_t *a, const char *function, const void *p, size_t n, size_t req)
{
#if CHECKED_FREES
    (void)req;
    return refuse_bad_free(a, function, p, n);
#else
    return served_large(a, req) && !large_tag_ok(a, p) && refuse_bad_free(a, function, p, n);
#endif
}

/* ---- public API ----------------------------------------------------------- */

sca_options_t sca_options_default(void)
{
    sca_options_t o = {SCA_DEFAULT_GRANULE, SCA_DEFAULT_SMALL_LIMIT, SCA_DEFAULT_REFILL_BATCH,
                       alloc_upstream_malloc(), NULL, NULL, SCA_LAYOUT_SGI, 0, 0};
    return o;
}

sca_options_t sca_options_fast(void)
{
    sca_options_t o = sca_options_default();
    o.layout = SCA_LAYOUT_FAST;
    o.small_limit = SCA_FAST_SMALL_LIMIT;
    o.lean_stats = 1;
    return o;
}

sca_options_t sca_options_compact(void)
{
    sca_options_t o = sca_options_fast();
    o.waste_cap = SCA_COMPACT_WASTE_CAP;
    return o;
}

static int options_valid(const sca_options_t *o)
{
    if (!is_pow2(o->granule) || o->granule < sizeof(void *) || o->granule > SCA_MAX_GRANULE)
        return 0;
    int layout_ok = o->layout == SCA_LAYOUT_SGI ? o->small_limit / o->granule <= SCA_MAX_CLASSES &&
                                                     o->waste_cap == 0
                    : o->layout == SCA_LAYOUT_FAST ? o->granule <= SCA_FAST_MAX_GRANULE &&
                                                         o->small_limit <= SCA_FAST_MAX_LIMIT
                                                   : 0;
    return o->small_limit >= o->granule && o->small_limit % o->granule == 0 && layout_ok &&
           o->refill_batch >= 1 && o->refill_batch <= SCA_MAX_REFILL_BATCH &&
           (o->lean_stats == 0 || o->lean_stats == 1) && alloc_upstream_valid(&o->upstream);
}

/* Table entries [from, to) lead to list c.  Under ASan the stores go
 * unchecked: a create writes up to 2,048 entries, and checking each made
 * creating an instance a sixth of a fuzz target's time; the table's extent
 * was fixed with the instance's size, from the same small_limit. */
ALLOC_TABLE_WRITER static void table_run(size_class_t **table, size_t from, size_t to, size_class_t *c)
{
    while (from < to)
        table[from++] = c;
}

/* THE waste cap (sca.h): requests of r bytes (r a multiple of the lookup
 * step, the largest of a table entry's) are routed to the large path when
 * class cls would waste more than r / waste_cap; never in the granule
 * classes up to FAST_LINEAR_LIMIT, never in the SGI layout, never when
 * waste_cap is 0. */
static int wastes_too_much(const sca_t *a, size_t cls, size_t r)
{
    return a->waste_cap != 0 && cls > FAST_LINEAR_LIMIT && cls - r > r / a->waste_cap;
}

/* Fill the per-class sizes from the rule (the last class ends at
 * small_limit) and the lookup table from the sizes, in one pass.
 * table[j] leads to the list of a request of (j + 1) << SCA_LOOKUP_SHIFT
 * bytes: class i serves the requests above class i - 1's size up to its
 * own, one run of the table each (every class size is a multiple of
 * 1 << SCA_LOOKUP_SHIFT).  A run per class, not a rule per entry; the
 * entries at the start of a run that the waste cap routes (the waste falls
 * as r grows) lead to classes[nclasses], always empty.  Returns the first
 * routed request, or small_limit + 1. */
static size_t build_classes(sca_t *a)
{
    size_class_t **table = lookup_table(a);
    size_t from = 0, first_routed = a->small_limit + 1;
    for (size_t i = 0; i < a->nclasses; i++) {
        size_t cls = class_size_rule(a->layout, a->granule_shift, i);
        a->class_bytes[i] = cls < a->small_limit ? cls : a->small_limit;
        size_t to = a->class_bytes[i] >> SCA_LOOKUP_SHIFT;
        size_t fits = from;
        while (fits < to && wastes_too_much(a, a->class_bytes[i], (fits + 1) << SCA_LOOKUP_SHIFT))
            fits++;
        if (fits > from && first_routed > a->small_limit)
            first_routed = (from << SCA_LOOKUP_SHIFT) + 1;
        table_run(table, from, fits, &a->classes[a->nclasses]);
        from = fits;
        table_run(table, from, to, &a->classes[i]);
        from = to;
    }
    return first_routed;
}

sca_t *sca_create(const sca_options_t *opts)
{
    sca_options_t o = opts != NULL ? *opts : sca_options_default();
    if (!options_valid(&o))
        return NULL;
    unsigned granule_shift = (unsigned)__builtin_ctzll((unsigned long long)o.granule);
    size_t nclasses = class_count(o.layout, granule_shift, o.small_limit);
    size_t size = SCA_TABLE_OFFSET + TABLE_BYTES(o.small_limit) + sizeof(size_class_t) +
                  nclasses * (sizeof(size_class_t) + 2 * sizeof(size_t) + sizeof(uint16_t));
    sca_t *a = o.upstream.alloc(o.upstream.ctx, size);
    if (a == NULL)
        return NULL;
    /* Zeroed: the fields and the lists and counts; build_classes writes
     * every table entry and class size. */
    memset(a, 0, SCA_TABLE_OFFSET);
    a->classes = (size_class_t *)(void *)((unsigned char *)a + SCA_TABLE_OFFSET + TABLE_BYTES(o.small_limit));
    memset(a->classes, 0, (nclasses + 1) * sizeof(size_class_t) + nclasses * sizeof(size_t));
    a->layout = o.layout;
    a->lean = o.lean_stats;
    a->up = o.upstream;
    a->granule = o.granule;
    a->granule_shift = granule_shift;
    a->small_limit = o.small_limit;
    a->nclasses = nclasses;
    a->batch = o.refill_batch;
    a->instance_size = size;
    a->waste_cap = o.waste_cap;
    a->carved = (size_t *)(void *)&a->classes[nclasses + 1];
    a->class_bytes = &a->carved[nclasses];
    a->in_use = (uint16_t *)(void *)&a->class_bytes[nclasses];
    /* The inline deallocate serves n - 1 < free_max: below the first size
     * the waste cap routes (it would push a routed block on the empty list).
     * A lean instance's inline allocate serves every small size: a routed
     * one finds its list empty and goes out of line by itself. */
    size_t free_max = build_classes(a) - 1;
    a->h.fast_max = FAST_PATH_ON && a->lean ? a->small_limit : 0;
    a->h.free_max = FAST_PATH_ON && a->lean ? free_max : 0;
    a->h.exact_max = FAST_PATH_ON && !a->lean ? free_max : 0;
    a->h.routed = &a->classes[nclasses];
    a->large.prev = a->large.next = &a->large;
    a->report = o.report != NULL ? o.report : sca_report_abort;
    a->report_ctx = o.report_ctx;
    note_upstream(a, size, 0);
    ann_pool_create(a);
    return a;
}

void sca_destroy(sca_t *a)
{
    if (a == NULL)
        return;
    while (a->large.next != &a->large) {
        large_t *h = a->large.next;
        large_unlink(h);
        a->up.free(a->up.ctx, h, h->raw_size);
    }
    chunk_t *c = a->chunks;
    while (c != NULL) {
        chunk_t *next = c->next;
        ann_release(c->data, c->data_size);
        a->up.free(a->up.ctx, c, c->raw_size);
        c = next;
    }
    ann_pool_destroy(a);
    alloc_upstream_t up = a->up;
    up.free(up.ctx, a, a->instance_size);
}

size_t sca_class_size(const sca_t *a, size_t n)
{
    if (a == NULL)
        return 0;
    size_t req = request_of(n);
    return served_large(a, req) ? req : class_size_of_index(a, class_index(a, req));
}

/* The hand-out common to every small block: annotations, debug fill, counts. */
static inline void *hand_out(sca_t *a, size_class_t *c, void *p, size_t n)
{
    size_t req = request_of(n);
    ann_hand_out(a, p, req);
    if (ALLOC_DEBUG >= 1) {
        memset(p, FILL_HANDED_OUT, req);
        ann_undefined(p, req);
        map_set(a, p, (uint16_t)(c - a->classes + 1));
    }
    c->live++;
    note_requested(a, n, 0);
    return p;
}

/* A large block (served_large): upstream's block under a header, listed.
 * Out of line, as allocate_miss is, so that the list pop in
 * sca_allocate_slow needs no stack frame. */
__attribute__((noinline)) static void *allocate_large(sca_t *a, size_t n)
{
    void *p = large_alloc(a, n);
    if (p == NULL) {
        a->st.failed_requests++;
        return NULL;
    }
    note_requested(a, n, 0);
    return p;
}

/* A small request whose list is empty (or size 0): refill.  Or one the
 * waste cap routes (its list is the empty one): large. */
__attribute__((noinline)) static void *allocate_miss(sca_t *a, size_t n)
{
    size_t idx = class_or_large(a, request_of(n));
    if (idx == a->nclasses)
        return allocate_large(a, n);
    void *p = list_pop(a, idx);
    if (p == NULL)
        p = refill(a, class_size_of_index(a, idx));
    if (p == NULL) {
        a->st.failed_requests++;
        return NULL;
    }
    return hand_out(a, &a->classes[idx], p, n);
}

/* Everything sca_allocate (sca.h) does not serve inline: every call unless
 * the inline path is on. */
void *sca_allocate_slow(sca_t *a, size_t n)
{
    if (a == NULL)
        return NULL;
    /* A small class with a free block.  n == 0 wraps to SIZE_MAX and takes
     * allocate_miss, which serves it as 1. */
    size_t m = n - 1;
    if (m < a->small_limit) {
        size_class_t *c = &a->classes[class_index(a, n)];
        void *p = c->head;
        if (p != NULL) {
            c->head = ann_link_read((void *const *)p);
            return hand_out(a, c, p, n);
        }
    }
    if (n > a->small_limit)
        return allocate_large(a, n);
    return allocate_miss(a, n);
}

/* A large block given back, once its tag has been checked. */
static inline void deallocate_large(sca_t *a, void *p, size_t n)
{
    large_free(a, p);
    note_released(a, n);
}

/* Every deallocation the fast path does not finish, with the checks (a
 * refused p is counted in bad_frees and reported). */
__attribute__((noinline)) static void deallocate_slow(sca_t *a, void *p, size_t n)
{
    size_t req = request_of(n);
    if (refused(a, "sca_deallocate", p, n, req))
        return;
    if (served_large(a, req)) {
        deallocate_large(a, p, n);
        return;
    }
    size_t idx = class_index(a, req);
    size_t cls = class_size_of_index(a, idx);
    if (ALLOC_DEBUG >= 1) {
        memset(p, FILL_FREED, req);
        map_set(a, p, MAP_FREED);
    }
    ann_take_back(a, p, cls);
    list_push(a, idx, p);
    a->classes[idx].live--;
    note_released(a, n);
}

/* Everything sca_deallocate (sca.h) does not serve inline. */
void sca_deallocate_slow(sca_t *a, void *p, size_t n)
{
    if (a == NULL || p == NULL)
        return;
    /* Release builds: a small block goes on its list (n == 0 goes on to
     * deallocate_slow, which applies request_of). */
    size_t idx = n != 0 ? class_or_large(a, n) : a->nclasses;
    if (ALLOC_DEBUG == 0 && idx != a->nclasses) {
#if ALLOC_ASAN_ACTIVE
        if (refuse_bad_free(a, "sca_deallocate", p, n))
            return;
#endif
        size_class_t *c = &a->classes[idx];
        ann_take_back(a, p, class_size_of_index(a, idx));
        ann_link_write((void **)p, c->head);
        c->head = p;
        c->live--;
        note_released(a, n);
        return;
    }
    /* Release builds: a large block with this instance's tag goes back to
     * upstream (anything else: deallocate_slow reports it). */
    if (!CHECKED_FREES && served_large(a, request_of(n)) && large_tag_ok(a, p)) {
        deallocate_large(a, p, n);
        return;
    }
    deallocate_slow(a, p, n);
}

void *sca_reallocate(sca_t *a, void *p, size_t old_n, size_t new_n)
{
    if (a == NULL)
        return NULL;
    if (p == NULL)
        return sca_allocate(a, new_n);
    size_t old_req = request_of(old_n), new_req = request_of(new_n);
    /* A bad p is refused before anything reads it. */
    if (refused(a, "sca_reallocate", p, old_n, old_req))
        return NULL;
    /* Large or small, and the class, asked of the table once per size. */
    size_t old_idx = class_or_large(a, old_req), new_idx = class_or_large(a, new_req);
    int old_large = old_idx == a->nclasses, new_large = new_idx == a->nclasses;
    void *q;
    if (old_large && new_large) {
        /* Upstream's realloc: in place whenever upstream can. */
        q = large_realloc(a, p, new_req);
        if (q == NULL) {
            a->st.failed_requests++;
            return NULL;
        }
        note_requested(a, new_n, old_n);
    } else if (!old_large && old_idx == new_idx) {
        ann_resize(a, p, class_size_of_index(a, new_idx), old_req, new_req);
        note_requested(a, new_n, old_n);
        q = p;
    } else {
        /* A large new size (above small_limit or routed) goes straight to
         * the large path, and a large old block back to upstream (its tag
         * was checked above). */
        q = new_large ? allocate_large(a, new_n) : sca_allocate(a, new_n); /* counts its own failure */
        if (q == NULL)
            return NULL;
        memcpy(q, p, old_n < new_n ? old_n : new_n);
        if (old_large)
            deallocate_large(a, p, old_n);
        else
            sca_deallocate(a, p, old_n);
    }
    a->st.reallocs++;
    return q;
}

sca_options_t sca_options(const sca_t *a)
{
    sca_options_t o;
    memset(&o, 0, sizeof o);
    if (a != NULL) {
        o.granule = a->granule;
        o.small_limit = a->small_limit;
        o.refill_batch = a->batch;
        o.upstream = a->up;
        o.report = a->report;
        o.report_ctx = a->report_ctx;
        o.layout = a->layout;
        o.lean_stats = a->lean;
        o.waste_cap = a->waste_cap;
    }
    return o;
}

ALLOC_STATS_READER sca_stats_t sca_stats(const sca_t *a)
{
    sca_stats_t zero;
    memset(&zero, 0, sizeof zero);
    if (a == NULL)
        return zero;
    sca_stats_t st = a->st;
    st.bytes_requested_live = a->lean ? 0 : a->h.bytes_live;
    st.bytes_requested_peak = a->lean ? 0 : a->h.bytes_peak;
    /* A class never carved has no block, free or live. */
    for (size_t k = 0; k < a->n_in_use; k++) {
        size_t i = a->in_use[k];
        size_t live = live_blocks(a, i);
        st.small_blocks_live += live;
        st.free_list_blocks += a->carved[i] - live;
    }
    st.blocks_live = st.small_blocks_live + st.large_blocks_live;
    return st;
}

/* ---- self-check ----------------------------------------------------------- */

static size_t check_chunks(const sca_t *a)
{
    size_t bad = 0, n = 0, bytes = 0;
    for (const chunk_t *c = a->chunks; c != NULL; c = c->next) {
        if (++n > a->st.chunks)
            return bad + 1; /* more chunks than counted: a cycle or a stray link */
        bytes += c->data_size;
        if (!on_grid(a, c->data_size) || !on_grid(a, (uintptr_t)c->data))
            bad++;
    }
    if (n != a->st.chunks)
        bad++;
    if (bytes != a->st.chunk_bytes)
        bad++;
    return bad;
}

static size_t check_uncarved(const sca_t *a)
{
    if (a->start_free == NULL && a->end_free == NULL)
        return 0;
    if (a->start_free == NULL || a->end_free == NULL || a->start_free > a->end_free)
        return 1;
    size_t left = (size_t)(a->end_free - a->start_free);
    const chunk_t *c = chunk_containing(a, a->start_free, left);
    if (c == NULL || !on_grid(a, left) || !on_grid(a, (uintptr_t)a->start_free - (uintptr_t)c->data))
        return 1;
    return 0;
}

/* One list: every node in a chunk, on the grid, outside the uncarved tail,
 * and no cycle; where live is counted, as long as carved - live.  Its
 * bytes feed the accounting check in sca_check.  (Where live is derived
 * from the length, a list cut short cannot be told from blocks handed
 * out.)  *listed: the nodes walked. */
static size_t check_list(const sca_t *a, size_t idx, size_t *free_bytes, size_t *listed)
{
    const void *q = a->classes[idx].head;
    *listed = 0;
    if (q == NULL)
        return !live_derived(a) && a->carved[idx] != a->classes[idx].live;
    size_t n = 0, cls = class_size_of_index(a, idx), bound = list_bound(a, idx);
    const chunk_t *hint = NULL;
    while (q != NULL) {
        if (++n > bound)
            return 1; /* longer than the chunks could hold: a cycle */
        if (!owns_small(a, q, cls, &hint))
            return 1; /* cannot follow a link out of our memory */
        q = ann_link_read((void *const *)q);
    }
    *free_bytes += n * cls;
    *listed = n;
    return !live_derived(a) && n != a->carved[idx] - a->classes[idx].live; /* the counts agree */
}

size_t sca_check(const sca_t *a)
{
    if (a == NULL)
        return 1;
    size_t bad = check_chunks(a);
    if (bad != 0)
        return bad; /* every check below walks the chunk list: a cycle would hang it */
    bad += check_uncarved(a);
    /* Only the classes ever carved can hold a block, free or live; a block
     * of a class missing from in_use would be missing from these sums too,
     * which the accounting below sees. */
    size_t free_bytes = 0, live_bytes = 0;
    for (size_t k = 0; k < a->n_in_use; k++) {
        size_t i = a->in_use[k], listed;
        bad += check_list(a, i, &free_bytes, &listed);
        live_bytes += live_given(a, i, listed) * class_size_of_index(a, i);
    }
    size_t uncarved = (size_t)((uintptr_t)a->end_free - (uintptr_t)a->start_free); /* either may be broken */
    if (a->st.chunk_bytes != free_bytes + live_bytes + uncarved)
        bad++;
    size_t large = 0;
    for (const large_t *h = a->large.next; h != &a->large; h = h->next) {
        if (++large > a->st.large_blocks_live || h->next->prev != h) {
            bad++;
            break;
        }
    }
    if (large != a->st.large_blocks_live)
        bad++;
    return bad;
}
