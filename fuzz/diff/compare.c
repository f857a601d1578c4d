/*
 * compare.c - the first difference between two sides' logs, told so a person
 * can act on it: the op, its number, and what each side did for it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sides.h"

static void event_text(const diff_event_t *e, char *buf, size_t len)
{
    switch (e->kind) {
    case DIFF_EV_UP_ALLOC:
        if (e->b != 0)
            snprintf(buf, len, "upstream alloc %" PRIu64 " -> block #%" PRIu64, e->a, e->b);
        else
            snprintf(buf, len, "upstream alloc %" PRIu64 " -> refused", e->a);
        break;
    case DIFF_EV_UP_FREE:
        snprintf(buf, len, "upstream free block #%" PRIu64, e->a);
        break;
    case DIFF_EV_UP_REALLOC:
        if (e->c != 0)
            snprintf(buf, len, "upstream realloc block #%" PRIu64 " to %" PRIu64 " -> block #%" PRIu64, e->a, e->b,
                     e->c);
        else
            snprintf(buf, len, "upstream realloc block #%" PRIu64 " to %" PRIu64 " -> refused", e->a, e->b);
        break;
    case DIFF_EV_NULL:
        snprintf(buf, len, "answer NULL");
        break;
    case DIFF_EV_BLOCK:
        if (e->a == 0)
            snprintf(buf, len, "answer a pointer outside every upstream block");
        else
            snprintf(buf, len, "answer block #%" PRIu64 " + %" PRIu64, e->a, e->b);
        break;
    case DIFF_EV_CODE:
        snprintf(buf, len, "answer %s", e->a == 0 ? "OK" : "DECLINED");
        break;
    case DIFF_EV_CLEANUP:
        snprintf(buf, len, "cleanup #%" PRIu64 " ran", e->a);
        break;
    default:
        snprintf(buf, len, "size operand %" PRIu64, e->a);
        break;
    }
}

static int same(const diff_event_t *x, const diff_event_t *y)
{
    return x->op == y->op && x->kind == y->kind && x->a == y->a && x->b == y->b && x->c == y->c;
}

/* Events of op `op` from log l, printed under the side's name. */
static void print_op_events(const char *name, const diff_log_t *l, uint32_t op, size_t first_diff)
{
    fprintf(stderr, "  %s:\n", name);
    int any = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (l->ev[i].op != op)
            continue;
        char text[160];
        event_text(&l->ev[i], text, sizeof text);
        fprintf(stderr, "    %s %s\n", i == first_diff ? ">" : " ", text);
        any = 1;
    }
    if (!any)
        fprintf(stderr, "      (nothing)\n");
}

/* The size operand a side logged for op (its first NOTE), or SIZE_MAX. */
static size_t logged_size(const diff_log_t *l, uint32_t op)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->ev[i].op == op && l->ev[i].kind == DIFF_EV_NOTE)
            return (size_t)l->ev[i].a;
    return SIZE_MAX;
}

int diff_compare(const char *label, const diff_program_t *prog, const char *name_a, const diff_log_t *a,
                 const char *name_b, const diff_log_t *b)
{
    size_t i = 0;
    while (i < a->n && i < b->n && same(&a->ev[i], &b->ev[i]))
        i++;
    if (i == a->n && i == b->n)
        return 0;
    uint32_t op = i < a->n && i < b->n ? (a->ev[i].op < b->ev[i].op ? a->ev[i].op : b->ev[i].op)
                  : i < a->n             ? a->ev[i].op
                                         : b->ev[i].op;
    char text[200] = "setup";
    if (op >= 1 && op <= prog->n)
        diff_op_text(&prog->ops[op - 1], logged_size(a, op), text, sizeof text);
    fprintf(stderr, "differential: %s: %s and %s differ first at op %" PRIu32 ": %s\n", label, name_a, name_b, op,
            text);
    print_op_events(name_a, a, op, i < a->n && a->ev[i].op == op ? i : SIZE_MAX);
    print_op_events(name_b, b, op, i < b->n && b->ev[i].op == op ? i : SIZE_MAX);
    fprintf(stderr, "  (block #k + d: the k-th block taken from upstream, d bytes into its data;"
                    " fuzz-print -n shows the ops by number)\n");
    return 1;
}
