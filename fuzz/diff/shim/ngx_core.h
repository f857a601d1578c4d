/*
 * ngx_core.h - the ngx types and functions ngx_palloc.c uses, written here
 * (fuzz/diff shim).  ngx_alloc, ngx_memalign and ngx_free go through the
 * differential recorder (rp_ref.c).
 */
#ifndef _NGX_CORE_H_INCLUDED_
#define _NGX_CORE_H_INCLUDED_

#include <ngx_config.h>

typedef struct ngx_pool_s ngx_pool_t;
typedef struct ngx_chain_s ngx_chain_t;
typedef struct ngx_log_s ngx_log_t;
typedef int ngx_fd_t;
typedef int ngx_err_t;

#define NGX_OK 0
#define NGX_DECLINED -5
#define NGX_FILE_ERROR -1
#define NGX_ENOENT ENOENT
#define ngx_errno errno

#define NGX_LOG_ALERT 2
#define NGX_LOG_CRIT 3
#define NGX_LOG_DEBUG_ALLOC 0x080
#define ngx_log_error(level, log, err, ...) ((void)(log), (void)(err))
#define ngx_log_debug1(level, log, err, fmt, a) ((void)(a))
#define ngx_log_debug2(level, log, err, fmt, a, b) ((void)(a), (void)(b))

#define ngx_close_file(fd) close(fd)
#define ngx_close_file_n "close()"
#define ngx_delete_file(name) unlink((const char *)(name))
#define ngx_delete_file_n "unlink()"

#define ngx_memzero(buf, n) (void)memset(buf, 0, n)
#define ngx_align(d, a) (((d) + (a - 1)) & ~(a - 1))
#define ngx_align_ptr(p, a) (u_char *)(((uintptr_t)(p) + ((uintptr_t)a - 1)) & ~((uintptr_t)a - 1))

extern ngx_uint_t ngx_pagesize;

void *ngx_alloc(size_t size, ngx_log_t *log);
void *ngx_memalign(size_t alignment, size_t size, ngx_log_t *log);
void ngx_free(void *p);

/* What the patched ngx_palloc.c mirrors of rp's layout ([headers],
 * [reset-rewind]), measured on rp by rp_side.c. */
extern size_t ngx_diff_pool_header;
extern size_t ngx_diff_large_node;

#include <ngx_palloc.h>

#endif
