/*
 * ngx_config.h - the little of nginx's configuration ngx_palloc.c needs,
 * written here (fuzz/diff shim; nginx's own headers pull in the whole server).
 */
#ifndef _NGX_CONFIG_H_INCLUDED_
#define _NGX_CONFIG_H_INCLUDED_

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef intptr_t ngx_int_t;
typedef uintptr_t ngx_uint_t;
typedef unsigned char u_char;

#define ngx_inline inline
#define NGX_DEBUG 0
#define NGX_DEBUG_PALLOC 0

/* [align16] rp aligns to RP_ALIGNMENT (16), nginx to sizeof(unsigned long). */
#define NGX_ALIGNMENT 16

#endif
