/*
 * recorder.c - record a program's allocation trace, as an LD_PRELOAD shim:
 *
 *   ALLOC_TRACE_FILE=out.trace LD_PRELOAD=.../liballoc_trace_recorder.so prog args
 *
 * Every malloc, calloc, realloc, free, posix_memalign, aligned_alloc and
 * memalign the program makes is passed to glibc (__libc_*) and written to
 * ALLOC_TRACE_FILE in the format of trace.h (aligned requests are recorded as
 * plain allocations; the replay cannot ask for alignment).  Optional:
 * ALLOC_TRACE_MAX=N stops recording after N operations (blocks still live
 * then are freed by the replay at its end).
 *
 * How it stays out of its own way:
 *   - no stdio and no malloc inside: its tables live in mmap'd memory and
 *     the output goes through a fixed buffer and write(2);
 *   - a per-thread flag makes calls made while recording pass straight
 *     through; a spin lock serialises threads;
 *   - a fork()ed child stops recording (its copy of the buffer would write
 *     the parent's operations twice);
 *   - a free or realloc of a pointer it never saw (allocated before it was
 *     loaded, or by a glibc-internal path) is passed through; such a realloc
 *     is recorded as a fresh allocation.
 * What is still buffered is written at exit (a destructor); a program that
 * leaves by _exit() or a signal loses the tail of its trace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* glibc's own entry points: the real allocator under the interposed names. */
extern void *__libc_malloc(size_t n);
extern void __libc_free(void *p);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t alignment, size_t n);

#define OUT_BUFFER 65536
#define MIN_TABLE 4096  /* slots; a power of two */

typedef struct slot {
    uintptr_t key;  /* block address; 0 = empty */
    uint32_t id;
} slot;

static struct {
    int lock;             /* spin lock (__atomic) */
    int state;            /* 0 not started, 1 recording, 2 off */
    int fd;
    slot *table;          /* open addressing, linear probing */
    size_t table_size;    /* slots (power of two) */
    size_t table_used;
    uint32_t *free_ids;   /* stack of IDs freed, reused first */
    size_t free_ids_len, free_ids_cap;
    uint32_t next_id;
    unsigned long long ops, max_ops;
    size_t out_len;
    char out[OUT_BUFFER];
} rec;

static __thread int in_recorder __attribute__((tls_model("initial-exec")));

static void lock(void)
{
    while (__atomic_test_and_set(&rec.lock, __ATOMIC_ACQUIRE)) {
    }
}

static void unlock(void)
{
    __atomic_clear(&rec.lock, __ATOMIC_RELEASE);
}

static void *map(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void flush(void)
{
    size_t done = 0;
    while (done < rec.out_len) {
        ssize_t w = write(rec.fd, rec.out + done, rec.out_len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    rec.out_len = 0;
}

static void put(const char *s, size_t n)
{
    if (rec.out_len + n > OUT_BUFFER)
        flush();
    if (n > OUT_BUFFER)
        n = OUT_BUFFER;
    memcpy(rec.out + rec.out_len, s, n);
    rec.out_len += n;
}

static void put_str(const char *s)
{
    put(s, strlen(s));
}

static void put_num(unsigned long long v)
{
    char buf[24];
    size_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(buf + i, sizeof buf - i);
}

static size_t hash(uintptr_t key, size_t mask)
{
    uint64_t h = (uint64_t)key * UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(h >> 20) & mask;
}

static int table_grow(void)
{
    size_t nsize = rec.table_size ? 2 * rec.table_size : MIN_TABLE;
    slot *n = map(nsize * sizeof *n);
    if (n == NULL)
        return -1;
    for (size_t i = 0; i < rec.table_size; i++) {
        if (rec.table[i].key) {
            size_t j = hash(rec.table[i].key, nsize - 1);
            while (n[j].key)
                j = (j + 1) & (nsize - 1);
            n[j] = rec.table[i];
        }
    }
    if (rec.table)
        munmap(rec.table, rec.table_size * sizeof *rec.table);
    rec.table = n;
    rec.table_size = nsize;
    return 0;
}

static int table_put(uintptr_t key, uint32_t id)
{
    size_t mask, i;
    if ((rec.table_used + 1) * 2 > rec.table_size && table_grow() != 0)
        return -1;
    mask = rec.table_size - 1;
    for (i = hash(key, mask); rec.table[i].key; i = (i + 1) & mask) {
    }
    rec.table[i].key = key;
    rec.table[i].id = id;
    rec.table_used++;
    return 0;
}

/* Remove key; returns its ID, or -1 if it was not there.  Backward-shift
 * deletion keeps every probe chain unbroken without tombstones. */
static long table_take(uintptr_t key)
{
    size_t mask, i, j;
    long id;
    if (rec.table_size == 0)
        return -1;
    mask = rec.table_size - 1;
    for (i = hash(key, mask); rec.table[i].key != key; i = (i + 1) & mask)
        if (rec.table[i].key == 0)
            return -1;
    id = rec.table[i].id;
    rec.table[i].key = 0;
    rec.table_used--;
    for (j = (i + 1) & mask; rec.table[j].key; j = (j + 1) & mask) {
        size_t home = hash(rec.table[j].key, mask);
        /* Move j into the hole at i if its home is not in (i, j]. */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            rec.table[i] = rec.table[j];
            rec.table[j].key = 0;
            i = j;
        }
    }
    return id;
}

static int id_release(uint32_t id)
{
    if (rec.free_ids_len == rec.free_ids_cap) {
        size_t ncap = rec.free_ids_cap ? 2 * rec.free_ids_cap : 4096;
        uint32_t *n = map(ncap * sizeof *n);
        if (n == NULL)
            return -1;
        if (rec.free_ids) {
            memcpy(n, rec.free_ids, rec.free_ids_len * sizeof *n);
            munmap(rec.free_ids, rec.free_ids_cap * sizeof *n);
        }
        rec.free_ids = n;
        rec.free_ids_cap = ncap;
    }
    rec.free_ids[rec.free_ids_len++] = id;
    return 0;
}

static uint32_t id_take(void)
{
    if (rec.free_ids_len)
        return rec.free_ids[--rec.free_ids_len];
    return rec.next_id++;
}

static void stop(void)
{
    flush();
    rec.state = 2;
}

static void child_after_fork(void)
{
    rec.out_len = 0;
    rec.state = 2;
    rec.lock = 0;
}

static void start(void)
{
    const char *path = getenv("ALLOC_TRACE_FILE");
    const char *max = getenv("ALLOC_TRACE_MAX");
    char cmd[256];
    int fd;
    ssize_t got;
    rec.state = 2;
    if (path == NULL || *path == '\0')
        return;
    rec.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (rec.fd < 0)
        return;
    rec.max_ops = max ? strtoull(max, NULL, 10) : 0;
    pthread_atfork(NULL, NULL, child_after_fork);
    put_str("# alloc-trace v1\n# program:");
    fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    got = fd >= 0 ? read(fd, cmd, sizeof cmd - 1) : -1;
    if (fd >= 0)
        close(fd);
    for (ssize_t i = 0; i < got; i++) {
        char c = cmd[i] == '\0' ? ' ' : cmd[i];
        put(c == '\n' ? " " : &c, 1);
    }
    put_str("\n# pid: ");
    put_num((unsigned long long)getpid());
    put_str("\n");
    rec.state = 1;
}

/* Enter: 1 if this call is to be recorded (lock held), 0 to pass through. */
static int enter(void)
{
    if (in_recorder)
        return 0;
    in_recorder = 1;
    lock();
    if (rec.state == 0)
        start();
    if (rec.state != 1) {
        unlock();
        in_recorder = 0;
        return 0;
    }
    return 1;
}

static void leave(void)
{
    rec.ops++;
    if (rec.max_ops && rec.ops >= rec.max_ops)
        stop();
    unlock();
    in_recorder = 0;
}

static void record_alloc(void *p, size_t n)
{
    uint32_t id;
    if (p == NULL)
        return;
    id = id_take();
    if (table_put((uintptr_t)p, id) != 0) {
        stop();
        return;
    }
    put_str("m ");
    put_num(id);
    put_str(" ");
    put_num(n);
    put_str("\n");
}

static void record_free(void *p)
{
    long id = table_take((uintptr_t)p);
    if (id < 0)
        return;
    put_str("f ");
    put_num((unsigned long long)id);
    put_str("\n");
    if (id_release((uint32_t)id) != 0)
        stop();
}

void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    if (enter()) {
        record_alloc(p, n);
        leave();
    }
    return p;
}

void free(void *p)
{
    if (p && enter()) {
        record_free(p);
        leave();
    }
    __libc_free(p);
}

void *calloc(size_t n, size_t m)
{
    void *p = __libc_calloc(n, m);
    if (p && enter()) {
        record_alloc(p, n * m);  /* no overflow: calloc succeeded */
        leave();
    }
    return p;
}

void *realloc(void *old, size_t n)
{
    void *p;
    if (old == NULL)
        return malloc(n);
    if (n == 0) {  /* glibc frees and returns NULL */
        free(old);
        return NULL;
    }
    p = __libc_realloc(old, n);
    if (p && enter()) {
        long id = table_take((uintptr_t)old);
        if (id < 0) {
            record_alloc(p, n);
        } else if (table_put((uintptr_t)p, (uint32_t)id) != 0) {
            stop();
        } else {
            put_str("r ");
            put_num((unsigned long long)id);
            put_str(" ");
            put_num(n);
            put_str("\n");
        }
        leave();
    }
    return p;
}

void *memalign(size_t alignment, size_t n)
{
    void *p = __libc_memalign(alignment, n);
    if (p && enter()) {
        record_alloc(p, n);
        leave();
    }
    return p;
}

void *aligned_alloc(size_t alignment, size_t n)
{
    return memalign(alignment, n);
}

int posix_memalign(void **out, size_t alignment, size_t n)
{
    void *p;
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0)
        return EINVAL;
    p = memalign(alignment, n);
    if (p == NULL)
        return ENOMEM;
    *out = p;
    return 0;
}

__attribute__((destructor)) static void recorder_finish(void)
{
    in_recorder = 1;
    lock();
    if (rec.state == 1) {
        flush();
        rec.state = 2;
    }
    unlock();
}
