/*
 * suite.c - the built-in targets and the adapters they run: sca (our heap),
 * rp (our pool) and mixed (both at once, sharing one op stream).
 */
#include "harness.h"

static int run(const fuzz_target_t *t, const uint8_t *data, size_t size, const char *label, int paranoid)
{
    const fuzz_adapter_t *heap = t->uses_sca ? &fuzz_adapter_sca : NULL;
    const fuzz_adapter_t *pool = t->uses_rp ? &fuzz_adapter_rp : NULL;
    return fuzz_run_adapters(t, heap, pool, data, size, label, paranoid);
}

int fuzz_run(const fuzz_target_t *t, const uint8_t *data, size_t size, const char *label)
{
    return run(t, data, size, label, 0);
}

int fuzz_run_paranoid(const fuzz_target_t *t, const uint8_t *data, size_t size, const char *label)
{
    return run(t, data, size, label, 1);
}

int fuzz_run_adapter(const fuzz_target_t *t, const fuzz_adapter_t *ad, const uint8_t *data, size_t size,
                     const char *label, int paranoid)
{
    int pool = (ad->caps & FUZZ_CAP_POOL) != 0;
    return fuzz_run_adapters(t, pool ? NULL : ad, pool ? ad : NULL, data, size, label, paranoid);
}

const fuzz_target_t *fuzz_target_for_adapter(const fuzz_adapter_t *ad)
{
    const fuzz_target_t *t = fuzz_target_by_name(ad->name);
    return t != NULL ? t : &fuzz_target_mixed;
}
