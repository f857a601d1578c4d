/*
 * resize.h - the resize pattern of a real program, replayed as reallocates.
 *
 * The table holds every resize chain (a block's size when allocated, then
 * each size it was resized to, 0 ending the chain) that a string and array
 * builder made in Debian's perl 5.36, recorded with bench/trace/recorder.c:
 *
 *   ALLOC_TRACE_FILE=perl-builder.trace LD_PRELOAD=.../liballoc_trace_recorder.so \
 *   perl -e 'open F,"/usr/share/common-licenses/GPL-3"; my ($text,@words,%by);
 *            while(<F>){ chomp; $text .= $_ . "\n"; for my $w (split) {
 *            push @words, $w; push @{$by{lc substr($w,0,1)}}, $w; } }
 *            my $out = ""; $out .= "$_ " for sort @words;
 *            print length($text)+length($out)+scalar(@words), "\n"'
 *
 * (blocks never resized left out).  70 chains, 674 resizes: 660 grow (perl
 * grows arrays and strings by about 1.2x: 32, 40, 48, 64, 80, 96, 120, 144,
 * 176, ...), 14 shrink; 237 stay at most 128 bytes, 50 cross 128, 387 are
 * larger on both sides; the largest is 46384 bytes.
 *
 * A round deals the chains to RESIZE_SLOTS live blocks: each step advances
 * one block by one resize (touching its new tail), round robin, so blocks
 * grow between neighbours as they do in the program; a block whose chain
 * ends is freed and the slot takes the next chain.  One operation = one
 * reallocate (the allocates and frees are spread over them).
 */
#ifndef BENCH_WORKLOADS_RESIZE_H
#define BENCH_WORKLOADS_RESIZE_H

#include "common.h"

#define RESIZE_SLOTS 8

static const uint32_t resize_chains[] = {
    1024, 46384, 0, 1024, 1520, 0, 10, 16, 0, 1024, 2048, 0, 1049, 31, 0, 1009, 30, 0, 64, 128,
    256, 512, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176, 216, 264, 320, 0, 10, 248, 0, 10, 288,
    0, 32, 40, 48, 64, 80, 0, 37, 80, 0, 26, 72, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176, 216,
    264, 320, 0, 8, 16, 32, 40, 48, 64, 80, 96, 136, 200, 256, 312, 0, 64, 128, 256, 512, 0, 32,
    40, 48, 64, 80, 96, 120, 144, 176, 216, 264, 0, 64, 128, 0, 32, 40, 48, 64, 0, 32, 40, 0,
    64, 128, 0, 32, 40, 48, 64, 80, 96, 0, 64, 128, 256, 0, 32, 40, 48, 64, 80, 96, 120, 144, 0,
    10, 288, 0, 16, 24, 56, 64, 0, 80, 280, 33, 0, 80, 184, 3, 0, 10, 2, 0, 41, 304, 52, 56, 0,
    34, 25, 0, 80, 96, 1, 0, 80, 4, 0, 10, 1, 0, 10, 2, 0, 80, 3, 0, 10, 2, 0, 81, 8200, 80,
    8264, 0, 49, 96, 168, 232, 296, 368, 416, 504, 632, 728, 904, 1088, 1368, 1704, 2144, 2688,
    3328, 4104, 5088, 6288, 7848, 9744, 12176, 15216, 18952, 23648, 29496, 36880, 0, 32, 40, 48,
    64, 80, 96, 120, 144, 176, 216, 264, 320, 384, 464, 560, 672, 808, 976, 1176, 1416, 1704,
    2048, 2464, 2960, 3552, 4264, 5120, 6144, 7376, 8856, 10632, 12760, 15312, 18376, 22056,
    26472, 31768, 38128, 45760, 0, 64, 128, 256, 512, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176,
    216, 264, 320, 384, 464, 560, 672, 808, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176, 216, 264,
    320, 384, 464, 560, 672, 808, 976, 1176, 1416, 1704, 2048, 2464, 2960, 0, 32, 40, 48, 64,
    80, 96, 120, 144, 176, 216, 264, 320, 384, 464, 560, 672, 808, 976, 1176, 1416, 1704, 0, 32,
    40, 48, 64, 80, 96, 120, 144, 176, 216, 264, 320, 384, 464, 0, 32, 40, 48, 0, 32, 40, 48,
    64, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176, 216, 264, 320, 384, 464, 560, 672, 808, 976,
    1176, 1416, 1704, 2048, 2464, 2960, 3552, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176, 216,
    264, 320, 384, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176, 216, 264, 320, 384, 464, 560, 672,
    808, 976, 1176, 1416, 1704, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176, 216, 264, 320, 384,
    464, 560, 672, 808, 976, 1176, 1416, 1704, 2048, 2464, 0, 32, 40, 48, 64, 80, 96, 120, 144,
    176, 216, 264, 320, 384, 464, 560, 672, 808, 976, 1176, 1416, 1704, 2048, 2464, 2960, 3552,
    0, 32, 40, 48, 64, 80, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176, 216, 264, 320, 384, 464,
    560, 672, 808, 976, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176, 216, 264, 320, 384, 464, 560,
    672, 808, 976, 1176, 1416, 1704, 2048, 2464, 2960, 3552, 4264, 5120, 6144, 7376, 0, 32, 40,
    48, 64, 80, 96, 120, 144, 176, 216, 264, 320, 384, 464, 560, 672, 808, 976, 1176, 1416,
    1704, 2048, 2464, 2960, 3552, 4264, 5120, 6144, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176,
    216, 264, 320, 384, 464, 560, 672, 808, 976, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176, 216,
    264, 320, 384, 464, 560, 672, 808, 976, 1176, 1416, 1704, 2048, 2464, 2960, 3552, 4264, 0,
    32, 40, 48, 64, 80, 96, 120, 144, 176, 216, 264, 320, 384, 464, 560, 672, 808, 976, 0, 32,
    40, 48, 64, 80, 96, 120, 144, 176, 216, 264, 320, 384, 464, 560, 672, 808, 976, 1176, 0, 32,
    40, 48, 64, 80, 96, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176, 216, 264, 320, 384, 464, 560,
    672, 808, 976, 1176, 1416, 1704, 2048, 2464, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176, 216,
    264, 320, 384, 464, 560, 672, 808, 976, 1176, 1416, 1704, 0, 32, 40, 48, 64, 80, 96, 120,
    144, 176, 216, 264, 320, 384, 464, 560, 672, 808, 976, 1176, 1416, 0, 32, 40, 48, 64, 80,
    96, 120, 144, 176, 216, 264, 320, 384, 464, 560, 672, 808, 976, 1176, 1416, 0, 32, 40, 48,
    64, 80, 96, 120, 144, 176, 216, 264, 320, 384, 464, 560, 672, 808, 976, 1176, 0, 32, 40, 48,
    64, 80, 96, 120, 144, 176, 216, 264, 320, 384, 464, 0, 32, 40, 48, 64, 80, 96, 120, 144,
    176, 216, 264, 320, 384, 0, 32, 40, 48, 64, 80, 96, 120, 144, 176, 0, 10, 24, 32, 48, 64,
    80, 104, 136, 176, 224, 280, 352, 448, 568, 712, 904, 1112, 1400, 1752, 2192, 2752, 3440,
    4312, 5400, 6760, 8456, 10576, 13232, 16544, 20680, 25856, 32328, 40424, 0,
};

#define RESIZE_TABLE_LEN (sizeof resize_chains / sizeof resize_chains[0])

/* Reallocates in one round: the table's entries that follow a size. */
static inline size_t resize_round_ops(void)
{
    size_t ops = 0;
    for (size_t i = 0; i + 1 < RESIZE_TABLE_LEN; i++)
        if (resize_chains[i] != 0 && resize_chains[i + 1] != 0)
            ops++;
    return ops;
}

typedef struct resize_slot {
    void *p;
    size_t at; /* index of the block's current size in resize_chains */
} resize_slot;

BENCH_INLINE void resize_round(const bench_adapter *A, void *inst, bench_meter *m)
{
    resize_slot slot[RESIZE_SLOTS];
    size_t next = 0, busy = 0;
    for (size_t s = 0; s < RESIZE_SLOTS; s++)
        slot[s].p = NULL;
    do {
        busy = 0;
        for (size_t s = 0; s < RESIZE_SLOTS; s++) {
            resize_slot *b = &slot[s];
            if (b->p == NULL) {
                if (next >= RESIZE_TABLE_LEN)
                    continue;
                b->at = next;
                size_t n = resize_chains[next];
                while (resize_chains[next] != 0)
                    next++;
                next++; /* past the chain's 0 */
                b->p = A->alloc(inst, n);
                BENCH_CHECK(b->p, A, "resize");
                bench_touch(b->p, n);
                bench_meter_add(m, b->p, n);
            } else if (resize_chains[b->at + 1] != 0) {
                size_t old = resize_chains[b->at], n = resize_chains[b->at + 1];
                b->p = A->realloc(inst, b->p, old, n);
                BENCH_CHECK(b->p, A, "resize");
                if (n > old)
                    bench_touch((unsigned char *)b->p + old, n - old);
                bench_meter_sub(m, old);
                bench_meter_add(m, b->p, n);
                if (m)
                    bench_meter_sample(m);
                b->at++;
            } else {
                size_t n = resize_chains[b->at];
                A->free(inst, b->p, n);
                bench_meter_sub(m, n);
                b->p = NULL;
                continue;
            }
            busy++;
        }
    } while (busy > 0 || next < RESIZE_TABLE_LEN);
}

BENCH_INLINE void workload_resize(cbench_state *st, const bench_adapter *A)
{
    void *env, *inst;
    bench_meter m;
    int64_t ops = (int64_t)resize_round_ops();
    if (!cbench_measuring(st) && bench_open(st, A, 0, &env, &inst, NULL)) {
        while (cbench_keep_running_batch(st, ops))
            resize_round(A, inst, NULL);
        bench_close(A, env, inst);
        cbench_set_items_processed(st, cbench_iterations(st));
    }

    if (cbench_measuring(st) && bench_open(st, A, 0, &env, &inst, &m)) {
        for (int i = 0; i < 8; i++)
            resize_round(A, inst, &m);
        A->destroy(env, inst);
        bench_meter_report(st, &m);
        A->close(env);
    }
}

#endif
