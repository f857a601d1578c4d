/*
 * adapters/rp.c - the region pool (alloc/include/alloc/rp.h) as a fuzz
 * adapter: every pool capability, cleanups, and exact accounting against a
 * reference of nginx's rules (reference_nginx.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/rp.h"
#include "harness.h"
#include "reference_nginx.h"
#include "sanitizer.h"
#include "spare.h"

#define DEFAULT_POOL 1024u /* small, so blocks fill and chain quickly */

typedef struct rp_inst {
    rp_pool_t *pool;
    size_t block_size;        /* what rp_create must have made of the size asked */
    ngx_ref_t ref;            /* what nginx's rules say the pool does */
    const char *verdict;      /* the adapter's own findings */
} rp_inst_t;

static void *spare; /* spare.h */

static rp_inst_t *inst_new(void)
{
    rp_inst_t *s = fuzz_spare_take(&spare, sizeof *s);
    s->pool = NULL;
    s->verdict = NULL;
    return s;
}

static void inst_drop(rp_inst_t *s)
{
    if (fuzz_spare_keep(&spare, s))
        return;
    ngx_ref_free(&s->ref);
    free(s);
}

static size_t req_of(size_t n)
{
    return n != 0 ? n : 1;
}

/* ---- lifecycle ------------------------------------------------------------ */

static void *create(const fuzz_env_t *env, const fuzz_new_args_t *args, int *invalid)
{
    rp_inst_t *s = inst_new();
    size_t size = args->defaults ? DEFAULT_POOL : args->a;
    size_t want = size < RP_MIN_POOL_SIZE ? RP_MIN_POOL_SIZE : size;
    *invalid = want > SIZE_MAX - (RP_ALIGNMENT - 1);
    s->block_size = (want + RP_ALIGNMENT - 1) & ~(size_t)(RP_ALIGNMENT - 1);
    alloc_upstream_t up = ngx_ref_upstream(&s->ref, args->cached ? &env->cached : &env->upstream);
    s->pool = rp_create(size, &up);
    if (s->pool == NULL) {
        inst_drop(s);
        return NULL;
    }
    ngx_ref_init(&s->ref, rp_stats(s->pool).block_size, rp_max(s->pool));
    return s;
}

static void destroy(void *inst)
{
    rp_inst_t *s = inst;
    rp_destroy(s->pool);
    inst_drop(s);
}

static void *palloc(void *inst, size_t n)
{
    rp_inst_t *s = inst;
    void *p = rp_palloc(s->pool, n);
    ngx_ref_alloc(&s->ref, n, 1, p);
    return p;
}

static void *pnalloc(void *inst, size_t n)
{
    rp_inst_t *s = inst;
    void *p = rp_pnalloc(s->pool, n);
    ngx_ref_alloc(&s->ref, n, 0, p);
    return p;
}

static void *pcalloc(void *inst, size_t n)
{
    rp_inst_t *s = inst;
    void *p = rp_pcalloc(s->pool, n);
    ngx_ref_alloc(&s->ref, n, 1, p);
    return p;
}

static void *pmemalign(void *inst, size_t n, size_t align)
{
    rp_inst_t *s = inst;
    void *p = rp_pmemalign(s->pool, n, align);
    ngx_ref_memalign(&s->ref, n, align, p);
    return p;
}

static int pfree(void *inst, void *p)
{
    rp_inst_t *s = inst;
    int ok = rp_pfree(s->pool, p) == RP_OK;
    ngx_ref_pfree(&s->ref, p, ok);
    return ok;
}

static void reset(void *inst)
{
    rp_inst_t *s = inst;
    rp_reset(s->pool);
    ngx_ref_reset(&s->ref);
    rp_stats_t st = rp_stats(s->pool);
    if (st.large_nodes != 0 || st.cleanups != 0)
        s->verdict = "rp_reset left large nodes or cleanups listed";
}

static int cleanup_add(void *inst, size_t n, fuzz_cleanup_fn fn, void *arg, fuzz_cleanup_out_t *out)
{
    rp_inst_t *s = inst;
    /* rp.h: data larger than rp_max is refused without asking upstream
     * (nginx would serve it as a large block). */
    out->too_big = n > rp_max(s->pool);
    rp_cleanup_t *c = rp_cleanup_add(s->pool, n);
    ngx_ref_cleanup(&s->ref, n, c, c != NULL ? c->data : NULL);
    if (c == NULL)
        return -1;
    out->data = c->data;
    out->record = c;
    out->record_size = sizeof *c;
    if (c->handler != NULL)
        s->verdict = "rp_cleanup_add: a new record's handler is not NULL";
    c->handler = fn;
    c->data = arg; /* the handler finds the executor through it */
    return 0;
}

/* ---- what the executor asks ----------------------------------------------- */

static int is_large(const void *inst, size_t n)
{
    const rp_inst_t *s = inst;
    return req_of(n) > rp_max(s->pool);
}

static size_t charge(const void *inst, size_t n, int large)
{
    (void)inst;
    return large ? req_of(n) : n;
}

static size_t param(const void *inst, fuzz_param_t which)
{
    const rp_inst_t *s = inst;
    switch (which) {
    case FUZZ_PARAM_POOL_MAX: return rp_max(s->pool);
    case FUZZ_PARAM_BLOCK_SIZE: return s->block_size;
    default: return 0;
    }
}

/* A bump allocator hands out the lowest free address of its block, so the
 * byte after a new small block is free: poisoned.  Unless the block ends
 * there: that byte is not the pool's (ASan leaves memory it has not mapped
 * yet unpoisoned: found when a block ended on a 64 KiB boundary). */
static const char *check_block(const void *inst, const void *p, size_t n)
{
    const rp_inst_t *s = inst;
    const char *past = (const char *)p + req_of(n);
    if (!FUZZ_POISON_VISIBLE || is_large(inst, n) ||
        ((uintptr_t)past % RP_ALIGNMENT == 0 && ngx_ref_is_block_end(&s->ref, past))) /* ends are aligned */
        return NULL;
    if (!fuzz_is_poisoned(past))
        return "the byte past a new small pool block is not poisoned";
    return NULL;
}

/* rp_stats in the executor's terms; requested_live SIZE_MAX when the
 * small and large bytes do not add up to it (the comparison then fails). */
static void stats(const void *inst, fuzz_stats_t *out)
{
    const rp_inst_t *s = inst;
    rp_stats_t st = rp_stats(s->pool);
    out->requested_live = st.bytes_requested_live;
    out->requested_peak = st.bytes_requested_peak;
    out->large_live = st.large_blocks_live;
    out->failed = st.failed_requests;
    out->upstream_held = st.upstream_bytes_held;
    out->upstream_peak = st.upstream_bytes_peak;
    out->cleanups = st.cleanups;
    out->resets = st.resets;
    if (st.bytes_requested_live != st.small_bytes_live + st.large_bytes_live)
        out->requested_live = SIZE_MAX; /* inconsistent: the comparison will say so */
}

static size_t self_check(const void *inst)
{
    const rp_inst_t *s = inst;
    return rp_check(s->pool);
}

/* Modes 3 to 7, 15 to 17, 19 and 20 break the blocks through rp.h's view of
 * the pool head (the inline fast path reads it too): 3, the current block's
 * `last` past its end; 4, the chain loops back to the first block; 5,
 * `current` is no block of the chain; 6, a block's end moved (its size is
 * not the pool's); 7, the small bytes claimed exceed what the blocks handed
 * out; 15, the chain ends a block early; 16, fast_max is not rp_max; 17,
 * the current block's `last` before its data; 19, the first block loops to
 * itself (what lies in later blocks is out of reach); 20, the `last` of the
 * block holding the newest cleanup record (hint) rewound to cut the record's
 * last byte off the used memory.
 * -1 when there is nothing to break (15 and 19 with one block). */
static int tamper_blocks(rp_inst_t *s, unsigned mode, const void *hint, size_t *broken)
{
    rp_pool_head_t *h = (rp_pool_head_t *)(void *)s->pool;
    struct rp_block *b = h->current, *tail = &h->first, *before_tail = NULL, stray = *h->current;
    while (tail->next != NULL) {
        before_tail = tail;
        tail = tail->next;
    }
    if (mode == 20) { /* the block that holds the record */
        for (b = &h->first; b != NULL; b = b->next)
            if ((const unsigned char *)hint > (unsigned char *)b && (const unsigned char *)hint < b->end)
                break;
        if (b == NULL)
            return -1;
    }
    if ((mode == 15 || mode == 19) && before_tail == NULL)
        return -1;
    struct rp_block *second = h->first.next;
    unsigned char *last = b->last, *end = b->end;
    struct rp_block *current = h->current;
    size_t small = h->small_bytes, fast_max = h->fast_max;
    switch (mode) {
    case 3: b->last = b->end + RP_ALIGNMENT; break;
    case 4: tail->next = &h->first; break;
    case 5: h->current = &stray; break;
    case 6: b->end += RP_ALIGNMENT; break;
    case 15: before_tail->next = NULL; break;
    case 16: h->fast_max = fast_max + 1; break;
    case 17: b->last = (unsigned char *)b; break; /* its header: before its data */
    case 19: h->first.next = &h->first; break;
    case 20: b->last = (unsigned char *)(uintptr_t)hint + sizeof(rp_cleanup_t) - 1; break;
    default: h->small_bytes = SIZE_MAX / 2; break;
    }
    *broken = rp_check(s->pool);
    b->last = last;
    b->end = end;
    tail->next = NULL;
    if (before_tail != NULL)
        before_tail->next = tail;
    h->first.next = second;
    h->current = current;
    h->small_bytes = small;
    h->fast_max = fast_max;
    return 0;
}

/* Modes 8 to 14 break the large list (rp.h's struct rp_large), at the nodes
 * where nginx's rules put them (the reference's, checked after every op):
 * 8, the head loops to itself; 9, the second node is outside pool memory;
 * 10, a live block's address is past its upstream block; 11, the list ends
 * after its head; 12, a live node is emptied; 13, a live block's size is
 * off by one; 14, its upstream size is; 18, a live block's address before
 * its upstream block.  -1 when the pool has no such node
 * (no large block, or one node where two are needed). */
static int tamper_large(rp_inst_t *s, unsigned mode, size_t *broken)
{
    struct rp_large *head = ngx_ref_large_node(&s->ref, 0), *live = ngx_ref_large_node(&s->ref, 1);
    struct rp_large outside = {NULL, NULL, NULL, 0, 0};
    if (head == NULL || (mode >= 10 && mode != 11 && live == NULL) || ((mode == 9 || mode == 11) && head->next == NULL))
        return -1;
    struct rp_large *next = head->next;
    struct rp_large saved = live != NULL ? *live : outside;
    switch (mode) {
    case 8: head->next = head; break;
    case 9: head->next = &outside; break;
    case 10: live->alloc = (unsigned char *)live->raw + live->raw_size; break;
    case 11: head->next = NULL; break;
    case 12: live->alloc = NULL; break;
    case 13: live->size--; break;
    case 18: live->alloc = (unsigned char *)live->raw - 1; break;
    default: live->raw_size += RP_ALIGNMENT; break;
    }
    *broken = rp_check(s->pool);
    head->next = next;
    if (live != NULL) {
        live->alloc = saved.alloc;
        live->size = saved.size;
        live->raw_size = saved.raw_size;
    }
    return 0;
}

/* Break the cleanup list at its newest record (hint): mode 0, it points to
 * itself; 1, to a record outside pool memory; 2, the list ends early;
 * 3 to 20: see tamper_blocks and tamper_large. */
static int tamper(void *inst, unsigned mode, void *hint, size_t hint_size, size_t *broken, size_t *after,
                  const char **what)
{
    (void)hint_size;
    static const char *const names[] = {
        "a cycle in the cleanup list", "a cleanup record outside the pool", "a cleanup list cut short",
        "a block whose last is past its end", "a cycle in the block chain", "a current block outside the chain",
        "a block whose size is not the pool's", "more small bytes than handed out", "a cycle in the large list",
        "a large node outside the pool", "a large block outside its upstream block", "a large list cut short",
        "a live large node emptied", "a large block's size changed", "a large block's upstream size changed",
        "a block chain cut short", "fast_max that is not rp_max", "a block whose last is before its data",
        "a large block before its upstream block", "a first block that loops to itself",
        "a block's last that cuts a cleanup record short"};
    enum { MODES = sizeof names / sizeof names[0] };
    rp_inst_t *s = inst;
    rp_cleanup_t outside = {NULL, NULL, NULL};
    rp_cleanup_t *rec = hint, *next = rec->next;
    mode %= MODES;
    *what = names[mode];
    if (mode >= 3) {
        int large = (mode >= 8 && mode <= 14) || mode == 18;
        int rc = large ? tamper_large(s, mode, broken) : tamper_blocks(s, mode, hint, broken);
        if (rc == 0)
            *after = rp_check(s->pool);
        return rc;
    }
    if (mode == 2 && next == NULL)
        return -1;
    rec->next = mode == 0 ? rec : mode == 1 ? &outside : NULL;
    *broken = rp_check(s->pool);
    rec->next = next;
    *after = rp_check(s->pool);
    return 0;
}

static void edges(void *inst, const fuzz_reporter_t *r)
{
    (void)inst;
    alloc_upstream_t bad = {NULL, NULL, NULL, NULL};
    int dummy = 0;
    if (rp_create(1024, &bad) != NULL)
        r->fail(r->ctx, "rp_create accepted an invalid upstream");
    if (rp_palloc(NULL, 8) != NULL || rp_pnalloc(NULL, 8) != NULL || rp_pcalloc(NULL, 8) != NULL ||
        rp_pmemalign(NULL, 8, 16) != NULL || rp_cleanup_add(NULL, 0) != NULL)
        r->fail(r->ctx, "rp_* allocation on NULL did not return NULL");
    if (rp_pfree(NULL, &dummy) != RP_DECLINED || rp_max(NULL) != 0 || rp_check(NULL) != 1 ||
        rp_stats(NULL).blocks != 0)
        r->fail(r->ctx, "rp_* on NULL gave wrong answers");
    rp_reset(NULL);
    rp_destroy(NULL);
    rp_pool_t *pool = rp_create(1, NULL);
    if (pool == NULL || rp_stats(pool).block_size != RP_MIN_POOL_SIZE) {
        r->fail(r->ctx, "rp_create(1, NULL) did not make a pool of the minimum size");
        return;
    }
    unsigned char *big = rp_palloc(pool, 2 * RP_MIN_POOL_SIZE);
    if (big == NULL || rp_pfree(pool, NULL) != RP_DECLINED || rp_pfree(pool, big + 1) != RP_DECLINED ||
        rp_stats(pool).large_blocks_live != 1)
        r->fail(r->ctx, "rp_pfree of NULL or of a pointer inside a large block did not decline");
    if (big != NULL && rp_pfree(pool, big) != RP_OK)
        r->fail(r->ctx, "rp_pfree of a large block did not answer OK");
    rp_destroy(pool);
}

/* After every op: nginx's rules agree, and the pool's shape is sound. */
static const char *account(void *inst)
{
    rp_inst_t *s = inst;
    rp_stats_t st = rp_stats(s->pool); /* cheap: no struct copy through ASan (ALLOC_STATS_READER) */
    if (ngx_ref_verdict(&s->ref) != NULL)
        return ngx_ref_verdict(&s->ref);
    size_t max = rp_max(s->pool);
    if (s->verdict == NULL && st.block_size != s->block_size)
        s->verdict = "rp_stats.block_size is not the size asked, raised to the minimum and rounded";
    if (s->verdict == NULL && !(max <= RP_MAX_ALLOC_FROM_POOL && max < s->block_size && max > 0))
        s->verdict = "rp_max is out of its bounds";
    if (s->verdict == NULL && st.large_nodes < st.large_blocks_live)
        s->verdict = "fewer large nodes than live large blocks";
    if (s->verdict == NULL && (st.blocks < 1 || st.upstream_bytes_held < st.blocks * st.block_size))
        s->verdict = "fewer upstream bytes held than its blocks take";
    return s->verdict;
}

const fuzz_adapter_t fuzz_adapter_rp = {
    .name = "rp",
    .caps = FUZZ_CAP_POOL | FUZZ_CAP_PMEMALIGN | FUZZ_CAP_PFREE | FUZZ_CAP_RESET | FUZZ_CAP_CLEANUP |
            FUZZ_CAP_STATS | FUZZ_CAP_SELF_CHECK | FUZZ_CAP_UPSTREAM | FUZZ_CAP_POISONS | FUZZ_CAP_OPTIONS |
            FUZZ_CAP_CACHED_UPSTREAM,
    .align = RP_ALIGNMENT,
    .create = create,
    .destroy = destroy,
    .palloc = palloc,
    .pnalloc = pnalloc,
    .pcalloc = pcalloc,
    .pmemalign = pmemalign,
    .pfree = pfree,
    .reset = reset,
    .cleanup_add = cleanup_add,
    .is_large = is_large,
    .charge = charge,
    .param = param,
    .check_block = check_block,
    .stats = stats,
    .self_check = self_check,
    .tamper = tamper,
    .edges = edges,
    .account = account,
};
