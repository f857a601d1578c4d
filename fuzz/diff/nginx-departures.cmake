# nginx-departures.cmake - where rp departs from nginx's ngx_palloc.c, each
# departure mirrored in the reference so the differential check compares
# like with like.  THE list: rp.h's "Where rp differs from nginx" has exactly
# these tags (ctest differential_rp_departures_listed checks both ways), and
# nothing else is allowed to differ.
#
#   cmake -DMODE=patch -DIN=.../ngx_palloc.c -DOUT=.../ngx_palloc_rp.c -P nginx-departures.cmake
#   cmake -DMODE=check -DRP_H=.../alloc/include/alloc/rp.h -P nginx-departures.cmake
#
# Each entry: departure(TAG, where it is mirrored) and, for a patch, the exact
# text of nginx 1.22 to find (COUNT times, else the build fails: a new nginx
# must be looked at, not patched blindly) and what replaces it.

cmake_minimum_required(VERSION 3.20)
set(TAGS "")
set(PATCHES "")

function(departure tag where)
  set(TAGS ${TAGS} ${tag} PARENT_SCOPE)
endfunction()

# patch(TAG COUNT OLD NEW): OLD and NEW in bracket arguments, whitespace exact.
function(patch tag count old new)
  list(LENGTH PATCHES n)
  set(PATCH_${n}_TAG "${tag}" PARENT_SCOPE)
  set(PATCH_${n}_COUNT "${count}" PARENT_SCOPE)
  set(PATCH_${n}_OLD "${old}" PARENT_SCOPE)
  set(PATCH_${n}_NEW "${new}" PARENT_SCOPE)
  set(PATCHES ${PATCHES} ${n} PARENT_SCOPE)
endfunction()

# ---- [fail-count] every block a request passes over counts a failure -------
# nginx counts failures only in ngx_palloc_block, on the blocks before the
# tail, and only when a new block was obtained.  rp counts in the walk, on
# every block passed over (the tail too, even when upstream then fails); a
# block is skipped when its count was above 4 before this failure - nginx's
# own test, `failed++ > 4`, kept as it is for every block.
departure(fail-count "patch: ngx_palloc_small, ngx_palloc_block")
patch(fail-count 1
[==[static void *ngx_palloc_block(ngx_pool_t *pool, size_t size);]==]
[==[static void *ngx_palloc_block(ngx_pool_t *pool, size_t size, ngx_uint_t skip_tail);]==])
patch(fail-count 1
[==[    u_char      *m;
    ngx_pool_t  *p;

    p = pool->current;
]==]
[==[    u_char      *m;
    ngx_pool_t  *p;
    ngx_uint_t   skip_tail = 0;

    p = pool->current;
]==])
patch(fail-count 1
[==[            return m;
        }

        p = p->d.next;

    } while (p);

    return ngx_palloc_block(pool, size);]==]
[==[            return m;
        }

        if (p->d.failed++ > 4) {
            if (p->d.next) {
                pool->current = p->d.next;
            } else {
                skip_tail = 1;
            }
        }

        if (p->d.next == NULL) {
            break;
        }

        p = p->d.next;

    } while (p);

    return ngx_palloc_block(pool, size, skip_tail);]==])
patch(fail-count 1
[==[ngx_palloc_block(ngx_pool_t *pool, size_t size)
{]==]
[==[ngx_palloc_block(ngx_pool_t *pool, size_t size, ngx_uint_t skip_tail)
{]==])
patch(fail-count 1
[==[    for (p = pool->current; p->d.next; p = p->d.next) {
        if (p->d.failed++ > 4) {
            pool->current = p->d.next;
        }
    }

    p->d.next = new;
]==]
[==[    for (p = pool->current; p->d.next; p = p->d.next) {
        /* failures were counted by the walk */
    }

    p->d.next = new;

    if (skip_tail) {
        pool->current = new;
    }
]==])

# ---- [align16] ------------------------------------------------------------
departure(align16 "shim/ngx_config.h: NGX_ALIGNMENT 16")

# ---- [headers] rp's headers are larger ------------------------------------
# The first block's header (the pool) and a large-list node: their sizes are
# measured on rp (rp_side.c) and used in place of nginx's sizeof.
departure(headers "patch: ngx_create_pool, ngx_palloc_large, ngx_pmemalign; sizes measured in rp_side.c")
patch(headers 1
[==[    p->d.last = (u_char *) p + sizeof(ngx_pool_t);
    p->d.end = (u_char *) p + size;]==]
[==[    p->d.last = (u_char *) p + ngx_diff_pool_header;
    p->d.end = (u_char *) p + size;]==])
patch(headers 1
[==[    size = size - sizeof(ngx_pool_t);]==]
[==[    size = size - ngx_diff_pool_header;]==])

# ---- [reset-rewind] reset rewinds each later block to its own header ------
departure(reset-rewind "patch: ngx_reset_pool")
patch(reset-rewind 1
[==[    for (p = pool; p; p = p->d.next) {
        p->d.last = (u_char *) p + sizeof(ngx_pool_t);]==]
[==[    for (p = pool; p; p = p->d.next) {
        p->d.last = (u_char *) p + (p == pool ? ngx_diff_pool_header
                                    : ngx_align(sizeof(ngx_pool_data_t), NGX_ALIGNMENT));]==])

# ---- [reset-cleanups] reset runs the cleanups and empties their list ------
departure(reset-cleanups "patch: ngx_reset_pool")
patch(reset-cleanups 1
[==[    ngx_pool_large_t  *l;

    for (l = pool->large; l; l = l->next) {
        if (l->alloc) {
            ngx_free(l->alloc);
        }
    }

    for (p = pool; p; p = p->d.next) {]==]
[==[    ngx_pool_large_t  *l;
    ngx_pool_cleanup_t  *c;

    for (c = pool->cleanup; c; c = c->next) {
        if (c->handler) {
            c->handler(c->data);
        }
    }

    pool->cleanup = NULL;

    for (l = pool->large; l; l = l->next) {
        if (l->alloc) {
            ngx_free(l->alloc);
        }
    }

    for (p = pool; p; p = p->d.next) {]==])

# ---- [memalign-reuse] rp_pmemalign reuses emptied large-list nodes --------
departure(memalign-reuse "patch: ngx_pmemalign")
patch(memalign-reuse 1
[==[    p = ngx_memalign(alignment, size, pool->log);
    if (p == NULL) {
        return NULL;
    }

    large = ngx_palloc_small(pool, sizeof(ngx_pool_large_t), 1);]==]
[==[    ngx_uint_t         n = 0;

    p = ngx_memalign(alignment, size, pool->log);
    if (p == NULL) {
        return NULL;
    }

    for (large = pool->large; large; large = large->next) {
        if (large->alloc == NULL) {
            large->alloc = p;
            return p;
        }

        if (n++ > 3) {
            break;
        }
    }

    large = ngx_palloc_small(pool, sizeof(ngx_pool_large_t), 1);]==])
# (after memalign-reuse, which keeps this text: both large-node requests)
patch(headers 2
[==[ngx_palloc_small(pool, sizeof(ngx_pool_large_t), 1)]==]
[==[ngx_palloc_small(pool, ngx_diff_large_node, 1)]==])

# ---- [memalign-upstream] ---------------------------------------------------
departure(memalign-upstream "rp_ref.c: ngx_memalign over-allocates; ref_pmemalign refuses/raises alignment")

# ---- [cleanup-max] cleanup data larger than the pool max is refused --------
departure(cleanup-max "patch: ngx_pool_cleanup_add")
patch(cleanup-max 1
[==[    ngx_pool_cleanup_t  *c;

    c = ngx_palloc(p, sizeof(ngx_pool_cleanup_t));]==]
[==[    ngx_pool_cleanup_t  *c;

    if (size > p->max) {
        return NULL;
    }

    c = ngx_palloc(p, sizeof(ngx_pool_cleanup_t));]==])

# ---- [destroy-order] rp_destroy gives the first block back last ----------
departure(destroy-order "patch: ngx_destroy_pool")
patch(destroy-order 1
[==[    for (p = pool, n = pool->d.next; /* void */; p = n, n = n->d.next) {
        ngx_free(p);

        if (n == NULL) {
            break;
        }
    }]==]
[==[    for (p = pool->d.next; p; p = n) {
        n = p->d.next;
        ngx_free(p);
    }

    ngx_free(pool);]==])

# ---- mirrored by the driver, not the source --------------------------------
departure(min-size "rp_ref.c: ref_create")
departure(size0 "rp_ref.c: as_rp")
departure(pfree-null "rp_run.c: pfree of an empty slot is not asked")
departure(overflow "recorder.h: requests over DIFF_UPSTREAM_CAP refused uncounted on both sides")

# ---- the modes -------------------------------------------------------------
if(MODE STREQUAL "patch")
  file(READ "${IN}" text)
  foreach(i IN LISTS PATCHES)
    set(old "${PATCH_${i}_OLD}")
    set(rest "${text}")
    set(found 0)
    string(FIND "${rest}" "${old}" at)
    while(NOT at EQUAL -1)
      math(EXPR found "${found} + 1")
      string(LENGTH "${old}" len)
      math(EXPR at "${at} + ${len}")
      string(SUBSTRING "${rest}" ${at} -1 rest)
      string(FIND "${rest}" "${old}" at)
    endwhile()
    if(NOT found EQUAL PATCH_${i}_COUNT)
      message(FATAL_ERROR "nginx-departures: [${PATCH_${i}_TAG}] patch ${i} expects its text "
                          "${PATCH_${i}_COUNT} time(s) in ${IN}, found ${found}: a different nginx? Look, "
                          "then update the patch.")
    endif()
    string(REPLACE "${old}" "${PATCH_${i}_NEW}" text "${text}")
  endforeach()
  file(WRITE "${OUT}" "/* ngx_palloc.c patched by fuzz/diff/nginx-departures.cmake: do not edit */\n${text}")
elseif(MODE STREQUAL "check")
  file(READ "${RP_H}" rph)
  string(REGEX MATCH "Where rp differs from nginx[^\n]*\n(( \\*[^\n]*\n)+)" block "${rph}")
  if(NOT block)
    message(FATAL_ERROR "nginx-departures: no \"Where rp differs from nginx\" list in ${RP_H}")
  endif()
  string(REGEX MATCHALL "\n \\*   \\[[a-z0-9-]+\\]" items "${block}")
  set(listed "")
  foreach(item IN LISTS items)
    string(REGEX REPLACE ".*\\[([a-z0-9-]+)\\]" "\\1" tag "${item}")
    list(APPEND listed ${tag})
  endforeach()
  set(bad 0)
  foreach(tag IN LISTS TAGS)
    if(NOT tag IN_LIST listed)
      message(SEND_ERROR "nginx-departures: [${tag}] is mirrored in the check but not listed in rp.h")
      set(bad 1)
    endif()
  endforeach()
  foreach(tag IN LISTS listed)
    if(NOT tag IN_LIST TAGS)
      message(SEND_ERROR "nginx-departures: rp.h lists [${tag}] but the check does not mirror it")
      set(bad 1)
    endif()
  endforeach()
  list(LENGTH TAGS ntags)
  list(LENGTH listed nlisted)
  if(NOT bad)
    message(STATUS "nginx-departures: rp.h lists the ${nlisted} departures the check mirrors, no more, no fewer")
  endif()
else()
  message(FATAL_ERROR "nginx-departures: MODE must be patch or check")
endif()
