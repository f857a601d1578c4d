/*
 * replay.c - the standalone replay driver: runs saved inputs through the
 * harness, with any compiler, no fuzzing engine.  Used by ctest (corpus
 * replay in every build), by the memcheck gate, and to reproduce a crash.
 *
 *   fuzz_replay [--target sca|rp|mixed] [--paranoid] [-v] PATH...
 *
 * A PATH is a file or a folder (walked recursively; notes, .txt seeds'
 * sources, dictionaries and READMEs are skipped).  Each file's target is
 * --target, or else taken from its path (a component named sca, rp or
 * mixed, or a file name starting "<target>-").  --paranoid sweeps every
 * block and runs the self-checks after every op, to name the first op that
 * broke something (slow).  A failed check aborts with
 * the file name, the op index and the op.  Exit 0 when every input passed,
 * 2 on usage errors or unreadable files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "inputs.h"

#ifdef FUZZ_ADAPTER
/* fuzz_replay_NAME: one adapter's replay (fuzz_adapter() in CMake). */
extern const fuzz_adapter_t FUZZ_ADAPTER;
#endif

typedef struct replay {
    const fuzz_target_t *forced;
    int verbose;
    int paranoid;
    size_t per_target[16];
    size_t errors;
} replay_t;

static void replay_one(const char *path, void *ctx)
{
    replay_t *r = ctx;
    const fuzz_target_t *t = r->forced != NULL ? r->forced : fuzz_target_from_path(path);
    uint8_t *data;
    size_t size;
    if (t == NULL) {
        fprintf(stderr, "fuzz_replay: %s: cannot tell the target from the path (use --target)\n", path);
        r->errors++;
        return;
    }
    if (fuzz_read_file(path, &data, &size) != 0) {
        fprintf(stderr, "fuzz_replay: %s: %s\n", path, strerror(errno));
        r->errors++;
        return;
    }
    if (r->verbose)
        fprintf(stderr, "fuzz_replay: %s (%s, %zu bytes)\n", path, t->name, size);
#ifdef FUZZ_ADAPTER
    fuzz_run_adapter(t, &FUZZ_ADAPTER, data, size, path, r->paranoid);
#else
    if (t != &fuzz_target_sca && t != &fuzz_target_rp && t != &fuzz_target_mixed) {
        /* another adapter's input: its own fuzz_replay_NAME replays it */
        if (r->verbose)
            fprintf(stderr, "fuzz_replay: %s: skipped (target %s: use fuzz_replay_%s)\n", path, t->name, t->name);
        free(data);
        return;
    }
    if (r->paranoid)
        fuzz_run_paranoid(t, data, size, path);
    else
        fuzz_run(t, data, size, path);
#endif
    free(data);
    for (size_t i = 0; fuzz_targets[i] != NULL; i++)
        if (fuzz_targets[i] == t)
            r->per_target[i]++;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: fuzz_replay [--target sca|rp|mixed] [--paranoid] [-v] PATH...\n"
                 "Replay fuzz inputs (files, or folders walked recursively) through the shadow-model\n"
                 "harness.  The target comes from --target or from the path (corpus/<target>/...).\n"
                 "A failed check aborts with the input, op index and op; exit 0 if all passed.\n"
                 "--paranoid: sweep every block and self-check after every op (finds the first bad op).\n");
}

int main(int argc, char **argv)
{
    replay_t r;
    int npaths = 0;
    memset(&r, 0, sizeof r);
#ifdef FUZZ_ADAPTER
    r.forced = fuzz_target_for_adapter(&FUZZ_ADAPTER);
#endif
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--paranoid") == 0) {
            r.paranoid = 1;
        } else if (strcmp(argv[i], "-v") == 0) {
            r.verbose = 1;
        } else if (strcmp(argv[i], "--target") == 0 && i + 1 < argc) {
            r.forced = fuzz_target_by_name(argv[++i]);
            if (r.forced == NULL) {
                fprintf(stderr, "fuzz_replay: unknown target '%s' (sca, rp, mixed)\n", argv[i]);
                return 2;
            }
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "fuzz_replay: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else {
            npaths++;
            if (fuzz_for_each_input(argv[i], replay_one, &r) < 0) {
                fprintf(stderr, "fuzz_replay: %s: %s\n", argv[i], strerror(errno));
                r.errors++;
            }
        }
    }
    if (npaths == 0) {
        usage(stderr);
        return 2;
    }
    size_t total = 0;
    printf("fuzz_replay: ");
    for (size_t i = 0; fuzz_targets[i] != NULL; i++) {
        total += r.per_target[i];
        if (r.per_target[i] != 0)
            printf("%s %zu, ", fuzz_targets[i]->name, r.per_target[i]);
    }
    printf("%zu inputs passed, %zu unreadable\n", total, r.errors);
    return r.errors == 0 && total > 0 ? 0 : 2;
}
