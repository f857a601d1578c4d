/*
 * tamper.c - the `tamper` op: break a list on purpose, so the self-checks
 * are seen to bite.
 *
 * The self-checks (sca_check, rp_check) are the allocators' own invariant
 * walkers; a walker that never reports anything proves nothing.  This op
 * breaks one link (a free-list link of the sca, a cleanup record's `next`
 * of the pool), asks the self-check, repairs the link and asks again: the
 * first answer must be > 0 and the second 0.
 */
#include <string.h>

#include "harness_internal.h"

/* Read or write the word at p, a free block the allocator may have poisoned
 * (ASan) or marked no-access (Valgrind): lift the mark around the access and
 * put it back as it was, as the allocator's own link helpers do. */
static void *word_swap(void *p, void *value, int write)
{
    void *old;
#ifdef FUZZ_ASAN
    int poisoned = __asan_address_is_poisoned(p);
    __asan_unpoison_memory_region(p, sizeof old);
#endif
#if FUZZ_HAVE_VALGRIND
    VALGRIND_MAKE_MEM_DEFINED(p, sizeof old);
#endif
    memcpy(&old, p, sizeof old);
    if (write)
        memcpy(p, &value, sizeof value);
#if FUZZ_HAVE_VALGRIND
    VALGRIND_MAKE_MEM_NOACCESS(p, sizeof old);
#endif
#ifdef FUZZ_ASAN
    if (poisoned)
        __asan_poison_memory_region(p, sizeof old);
#endif
    return old;
}

/* Break a free list of the sca: a block just freed heads its class's list
 * with its link in its first word (SGI's layout, see sca.c).  mode 0: the
 * link points to the block itself (a cycle); 1: outside every chunk; 2: NULL
 * while the list goes on (the count disagrees).  sca_check must count it;
 * once the link is restored it must count nothing again. */
static void tamper_sca(harness_t *h, unsigned mode)
{
    static const char *const what[] = {"a cycle", "a link out of the chunks", "a list cut short"};
    int outside = 0;
    if (h->sca == NULL || !harness_may_check(h, 0) || !harness_may_check(h, 0))
        return; /* two self-checks, within the run's budget */
    unsigned char *r = sca_allocate(h->sca, 8), *q = r != NULL ? sca_allocate(h->sca, 8) : NULL;
    if (q == NULL) {
        h->sca_failed++;
        if (r != NULL) {
            sca_deallocate(h->sca, r, 8);
            harness_note_sca_requested(h, 8, 0);
            harness_note_sca_requested(h, 0, 8);
        }
        return;
    }
    harness_note_sca_requested(h, 16, 0);
    harness_note_sca_requested(h, 0, 8);
    sca_deallocate(h->sca, q, 8);
    void *link = word_swap(q, NULL, 0);
    if (mode == 2 && link == NULL) {
        sca_deallocate(h->sca, r, 8);
        harness_note_sca_requested(h, 0, 8);
        return; /* the list has no rest to cut */
    }
    void *bad = mode == 0 ? (void *)q : mode == 1 ? (void *)&outside : NULL;
    word_swap(q, bad, 1);
    size_t broken = sca_check(h->sca);
    if (mode == 0) {
        /* Freeing another block onto the cyclic list must still terminate
         * (the double-free search is bounded by the count) and push it. */
        sca_deallocate(h->sca, r, 8);
        harness_note_sca_requested(h, 0, 8);
    }
    word_swap(q, link, 1);
    if (mode != 0) {
        sca_deallocate(h->sca, r, 8);
        harness_note_sca_requested(h, 0, 8);
    }
    CHECK(h, broken > 0, "sca_check did not see %s in a free list", what[mode]);
    size_t after = sca_check(h->sca);
    CHECK(h, after == 0, "sca_check still counts %zu after the list was repaired", after);
}

/* Break the pool's cleanup list through the public record: mode 0: the
 * newest record points to itself; 1: to a record outside pool memory; 2: the
 * list ends early.  rp_check must count it, and nothing once repaired. */
static void tamper_rp(harness_t *h, unsigned mode)
{
    static const char *const what[] = {"a cycle", "a record outside the pool", "a list cut short"};
    rp_cleanup_t outside = {NULL, NULL, NULL};
    if (h->pool == NULL || !harness_may_check(h, 0) || !harness_may_check(h, 0))
        return; /* two self-checks, within the run's budget */
    while (h->ncleanups < (mode == 2 ? 2u : 1u)) {
        size_t before = h->ncleanups;
        harness_op_cleanup(h, 0, 0);
        if (h->ncleanups == before)
            return; /* upstream failed (armed): nothing to tamper with */
    }
    rp_cleanup_t *rec = h->cleanups[h->ncleanups - 1].rec, *next = rec->next;
    rec->next = mode == 0 ? rec : mode == 1 ? &outside : NULL;
    size_t broken = rp_check(h->pool);
    rec->next = next;
    CHECK(h, broken > 0, "rp_check did not see %s in the cleanup list", what[mode]);
    size_t after = rp_check(h->pool);
    CHECK(h, after == 0, "rp_check still counts %zu after the list was repaired", after);
}

void harness_op_tamper(harness_t *h, unsigned mode)
{
    mode %= 6;
    if (mode < 3)
        tamper_sca(h, mode);
    else
        tamper_rp(h, mode - 3);
}
