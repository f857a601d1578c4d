// sca_ref.cc - the SGI reference: libstdc++'s __gnu_cxx::__pool_alloc, which
// keeps SGI STL's __default_alloc_template design (8-byte classes up to 128
// bytes, refills of 20, chunks of 2 x request + heap_size / 16, borrowing
// from larger classes when operator new fails).
//
// Its chunks and large blocks come from ::operator new, replaced below so that
// every request goes through the recorder while a reference run is armed (and
// straight to malloc otherwise: the rest of the program uses new too).  Its
// state is process-global (static free lists), so each sca instance of a
// program is replayed in a fresh child process (sca_diff.c).
#include <cstdlib>
#include <cstring>
#include <ext/pool_allocator.h>
#include <new>

#include "sides.h"

namespace {

diff_recorder_t *g_rec = nullptr; // set in the child that runs the reference

void *recorded_new(std::size_t n)
{
    void *p = g_rec != nullptr ? diff_rec_alloc(g_rec, n) : std::malloc(n != 0 ? n : 1);
    if (p == nullptr)
        throw std::bad_alloc();
    return p;
}

void recorded_delete(void *p) noexcept
{
    if (g_rec != nullptr)
        diff_rec_free(g_rec, p);
    else
        std::free(p);
}

using pool = __gnu_cxx::__pool_alloc<char>;

// The allocator object is stateless: every instance shares the static lists.
pool the_pool;

int ref_create(void **inst, diff_recorder_t *r)
{
    g_rec = r;
    *inst = &the_pool;
    return 1;
}

// No destroy in SGI: chunks are never given back.  The child exits instead.
void ref_destroy(void *inst)
{
    (void)inst;
}

// sca serves size 0 as size 1 (sca.h); __pool_alloc answers NULL for 0.
std::size_t as_sca(std::size_t n)
{
    return n != 0 ? n : 1;
}

void *ref_allocate(void *inst, std::size_t n)
{
    try {
        return static_cast<pool *>(inst)->allocate(as_sca(n));
    } catch (const std::bad_alloc &) {
        return nullptr;
    }
}

void ref_deallocate(void *inst, void *p, std::size_t n)
{
    static_cast<pool *>(inst)->deallocate(static_cast<char *>(p), as_sca(n));
}

// __pool_alloc has no reallocate; SGI's __default_alloc_template::reallocate
// is: both sizes large -> realloc; same rounded size -> the same block; else
// allocate, copy, deallocate.
void *ref_reallocate(void *inst, void *p, std::size_t old_n, std::size_t new_n)
{
    if (p == nullptr)
        return ref_allocate(inst, new_n);
    std::size_t o = as_sca(old_n), n = as_sca(new_n);
    if (o > DIFF_SGI_LIMIT && n > DIFF_SGI_LIMIT)
        return diff_rec_realloc(g_rec, p, n);
    auto round = [](std::size_t x) { return (x + DIFF_SGI_GRANULE - 1) & ~std::size_t(DIFF_SGI_GRANULE - 1); };
    if (round(o) == round(n))
        return p;
    void *q = ref_allocate(inst, n);
    if (q == nullptr)
        return nullptr;
    std::memcpy(q, p, o < n ? o : n);
    ref_deallocate(inst, p, o);
    return q;
}

} // namespace

void *operator new(std::size_t n)
{
    return recorded_new(n);
}

void *operator new[](std::size_t n)
{
    return recorded_new(n);
}

void *operator new(std::size_t n, const std::nothrow_t &) noexcept
{
    try {
        return recorded_new(n);
    } catch (const std::bad_alloc &) {
        return nullptr;
    }
}

void *operator new[](std::size_t n, const std::nothrow_t &) noexcept
{
    try {
        return recorded_new(n);
    } catch (const std::bad_alloc &) {
        return nullptr;
    }
}

void operator delete(void *p) noexcept
{
    recorded_delete(p);
}

void operator delete[](void *p) noexcept
{
    recorded_delete(p);
}

void operator delete(void *p, std::size_t) noexcept
{
    recorded_delete(p);
}

void operator delete[](void *p, std::size_t) noexcept
{
    recorded_delete(p);
}

void operator delete(void *p, const std::nothrow_t &) noexcept
{
    recorded_delete(p);
}

void operator delete[](void *p, const std::nothrow_t &) noexcept
{
    recorded_delete(p);
}

extern "C" void diff_sca_reference(diff_sca_side_t *side)
{
    std::memset(side, 0, sizeof *side);
    side->name = "__pool_alloc";
    side->create = ref_create;
    side->destroy = ref_destroy;
    side->allocate = ref_allocate;
    side->deallocate = ref_deallocate;
    side->reallocate = ref_reallocate;
}
