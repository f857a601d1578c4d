/*
 * Negative control for the memcheck gate: use after sca_deallocate.
 *
 * A session record is given back to the size-class allocator, and a stale
 * pointer to it is read afterwards.  The block stays inside a chunk the
 * allocator still owns, so only the allocator's Valgrind annotations can
 * tell memcheck that it is dead.
 *
 * memcheck-expect: InvalidRead
 * memcheck-caught-by: annotations
 */
#include <stdio.h>

#include "alloc/sca.h"

struct session {
    int id;
    int logged_in;
    char user[16];
};

int main(void)
{
    sca_t *allocator = sca_create(NULL);
    if (allocator == NULL) {
        fprintf(stderr, "control setup failed: sca_create failed\n");
        return 2;
    }
    struct session *session = sca_allocate(allocator, sizeof *session);
    if (session == NULL) {
        fprintf(stderr, "control setup failed: sca_allocate failed\n");
        return 2;
    }
    session->id = 42;
    session->logged_in = 1;
    snprintf(session->user, sizeof session->user, "%s", "alice");

    sca_deallocate(allocator, session, sizeof *session); /* logout */

    /* The volatile read keeps the stale access in optimised builds too. */
    int stale_id = *(volatile int *)&session->logged_in; /* planted bug */
    printf("control: stale session flag %d\n", stale_id);

    sca_destroy(allocator);
    return 0;
}
