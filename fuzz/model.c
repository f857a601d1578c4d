/* model.c - see model.h. */
#include <string.h>

#include "model.h"
#include "sanitizer.h"

/* ---- the pattern table ---------------------------------------------------- */

/* A block with seed s holds pattern_table[s * SEED_STRIDE + i] at offset i
 * (i < FUZZ_FULL_FILL).  The table is xorshift output: no short period, so
 * two seeds' windows never agree on a run of more than a few bytes. */
#define SEED_STRIDE 61u
#define TABLE_SIZE (FUZZ_FULL_FILL + 256u * SEED_STRIDE)

static unsigned char pattern_table[TABLE_SIZE];
static int pattern_ready; /* written once, before any input runs */

static const unsigned char *pattern_of(uint8_t seed)
{
    if (!pattern_ready) {
        uint32_t x = 0x9e3779b9u;
        for (size_t i = 0; i < TABLE_SIZE; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            pattern_table[i] = (unsigned char)(x >> 24);
        }
        pattern_ready = 1;
    }
    return pattern_table + (size_t)seed * SEED_STRIDE;
}

/* Offsets i of a block of `size` bytes past FUZZ_FULL_FILL use the table at
 * i - (size - FUZZ_EDGE_FILL) + FUZZ_EDGE_FILL: the tail window follows the
 * head window, so both ends stay inside the table. */
static size_t table_index(size_t size, size_t i)
{
    return size <= FUZZ_FULL_FILL || i < FUZZ_EDGE_FILL ? i : i - (size - 2 * FUZZ_EDGE_FILL);
}

uint8_t fuzz_pattern(uint8_t seed, size_t size, size_t i)
{
    return pattern_of(seed)[table_index(size, i)];
}

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

static void fill(unsigned char *p, size_t size, uint8_t seed)
{
    const unsigned char *pat = pattern_of(seed);
    size_t r[2][2];
    int n = checked_ranges(size, r);
    for (int k = 0; k < n; k++)
        fuzz_copy_to_block(p + r[k][0], pat + table_index(size, r[k][0]), r[k][1] - r[k][0]);
}

/* The first differing offset in [from, to) of a block's span and the
 * pattern's, or SIZE_MAX.  memcmp finds whether (fast, uninstrumented, the
 * block's range checked by ASan: sanitizer.h); the loop runs only on a
 * failure, to name the byte. */
static size_t first_difference(const unsigned char *a, const unsigned char *b, size_t from, size_t to)
{
    if (from >= to || !fuzz_block_differs(a + from, b + from, to - from))
        return SIZE_MAX;
    for (size_t i = from; i < to; i++)
        if (a[i] != b[i])
            return i;
    return SIZE_MAX;
}

size_t fuzz_verify(const unsigned char *p, size_t size, uint8_t seed, size_t lo, size_t hi)
{
    const unsigned char *pat = pattern_of(seed);
    size_t r[2][2];
    int n = checked_ranges(size, r);
    for (int k = 0; k < n; k++) {
        size_t from = r[k][0] > lo ? r[k][0] : lo, to = r[k][1] < hi ? r[k][1] : hi;
        if (from >= to)
            continue;
        /* compare p[from..to) with the pattern's window for those offsets */
        size_t shift = from - table_index(size, from);
        size_t bad = first_difference(p + shift, pat, from - shift, to - shift);
        if (bad != SIZE_MAX)
            return bad + shift;
    }
    return SIZE_MAX;
}

size_t fuzz_verify_zero(const unsigned char *p, size_t size)
{
    static const unsigned char zeros[FUZZ_FULL_FILL];
    size_t r[2][2];
    int n = checked_ranges(size, r);
    for (int k = 0; k < n; k++) {
        size_t bad = first_difference(p + r[k][0], zeros, 0, r[k][1] - r[k][0]);
        if (bad != SIZE_MAX)
            return bad + r[k][0];
    }
    return SIZE_MAX;
}

/* ---- the state ------------------------------------------------------------ */

void fuzz_model_init(fuzz_model_t *m)
{
    memset(m, 0, sizeof *m);
}

static fuzz_expect_t *expect_of(fuzz_model_t *m, fuzz_owner_t owner)
{
    return &m->expect[owner == FUZZ_OWNER_POOL ? 1 : 0];
}

static void charge(fuzz_expect_t *e, size_t bytes)
{
    e->requested_live += bytes;
    if (e->requested_live > e->requested_peak)
        e->requested_peak = e->requested_live;
}

void fuzz_model_put(fuzz_model_t *m, size_t slot, unsigned char *p, size_t size, fuzz_owner_t owner,
                    int large, size_t bytes)
{
    fuzz_block_t *b = &m->slot[slot];
    b->ptr = p;
    b->size = size;
    b->charge = bytes;
    b->owner = (uint8_t)owner;
    b->large = (uint8_t)large;
    b->seed = m->next_seed++;
    fill(p, size, b->seed);
    m->last_ptr[slot] = p;
    m->live |= (uint64_t)1 << slot;
    fuzz_expect_t *e = expect_of(m, owner);
    charge(e, bytes);
    e->blocks_live++;
    e->large_live += large != 0;
}

void fuzz_model_drop(fuzz_model_t *m, size_t slot, int uncount)
{
    fuzz_block_t *b = &m->slot[slot];
    if (uncount && b->owner != FUZZ_OWNER_NONE) {
        fuzz_expect_t *e = expect_of(m, (fuzz_owner_t)b->owner);
        e->requested_live -= b->charge;
        e->blocks_live--;
        e->large_live -= b->large != 0;
    }
    m->last_ptr[slot] = b->ptr;
    m->live &= ~((uint64_t)1 << slot);
    memset(b, 0, sizeof *b);
}

void fuzz_model_resize(fuzz_model_t *m, size_t slot, unsigned char *q, size_t size, int large,
                       size_t bytes, int transient)
{
    fuzz_block_t *b = &m->slot[slot];
    fuzz_expect_t *e = expect_of(m, (fuzz_owner_t)b->owner);
    if (transient)
        charge(e, bytes); /* both blocks live for a moment */
    e->requested_live -= b->charge;
    if (transient)
        e->requested_live -= bytes;
    charge(e, bytes);
    e->large_live = e->large_live - (b->large != 0) + (large != 0);
    e->reallocs++;
    /* The kept prefix already holds the old pattern; the fill must agree
     * with it where the new block's checked parts overlap the old ones, so
     * the block gets a new seed and its kept prefix is rewritten (after the
     * executor verified it). */
    b->ptr = q;
    b->size = size;
    b->charge = bytes;
    b->large = (uint8_t)large;
    b->seed = m->next_seed++;
    fill(q, size, b->seed);
    m->last_ptr[slot] = q;
}

void fuzz_model_drop_owner(fuzz_model_t *m, fuzz_owner_t owner)
{
    for (uint64_t live = m->live; live != 0;) {
        size_t i = fuzz_next_live(&live);
        if (m->slot[i].owner == owner)
            fuzz_model_drop(m, i, 1);
    }
    fuzz_expect_t *e = expect_of(m, owner);
    e->requested_live = e->blocks_live = e->large_live = 0;
    if (owner == FUZZ_OWNER_POOL)
        m->ncleanups = 0;
}

void fuzz_model_failed(fuzz_model_t *m, fuzz_owner_t owner)
{
    expect_of(m, owner)->failed++;
}

void fuzz_model_new_instance(fuzz_model_t *m, fuzz_owner_t owner)
{
    memset(expect_of(m, owner), 0, sizeof(fuzz_expect_t));
}

void fuzz_model_charge(fuzz_model_t *m, fuzz_owner_t owner, size_t bytes)
{
    charge(expect_of(m, owner), bytes);
}

void fuzz_model_reset(fuzz_model_t *m, fuzz_owner_t owner)
{
    fuzz_model_drop_owner(m, owner);
    expect_of(m, owner)->resets++;
}

size_t fuzz_model_add_cleanup(fuzz_model_t *m, unsigned char *data, size_t size, int has_handler)
{
    if (m->ncleanups == FUZZ_CLEANUPS)
        return SIZE_MAX;
    size_t i = m->ncleanups++;
    fuzz_cleanup_rec_t *c = &m->cleanup[i];
    c->data = data;
    c->size = size;
    c->seed = m->next_seed++;
    c->has_handler = (uint8_t)has_handler;
    c->ran = 0;
    if (size > 0)
        fill(data, size, c->seed);
    return i;
}
