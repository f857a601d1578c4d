/* inputs.c - see inputs.h.  POSIX (dirent, stat). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inputs.h"

int fuzz_read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 4096, n = 0;
    uint8_t *buf;
    if (f == NULL)
        return -1;
    buf = malloc(cap);
    while (buf != NULL) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        uint8_t *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (buf == NULL || err) {
        free(buf);
        errno = buf == NULL ? ENOMEM : EIO;
        return -1;
    }
    *data = buf;
    *size = n;
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

int fuzz_is_not_input(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    return base[0] == '.' || strncmp(base, "README", 6) == 0 || strcmp(base, "NOTES") == 0 ||
           ends_with(base, ".txt") || ends_with(base, ".md") || ends_with(base, ".dict") ||
           ends_with(base, ".note") || ends_with(base, ".sh");
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

long fuzz_for_each_input(const char *path, void (*fn)(const char *path, void *ctx), void *ctx)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        fn(path, ctx);
        return 1;
    }
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        if (e->d_name[0] == '.')
            continue; /* ".", "..", dot files and folders */
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **bigger = realloc(names, cap * sizeof *names);
            if (bigger == NULL)
                break;
            names = bigger;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (names[n] == NULL)
            break;
        snprintf(names[n], len, "%s/%s", path, e->d_name);
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, compare_names);
    long visited = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat est;
        if (stat(names[i], &est) == 0 && S_ISDIR(est.st_mode)) {
            long sub = fuzz_for_each_input(names[i], fn, ctx);
            visited += sub > 0 ? sub : 0;
        } else if (!fuzz_is_not_input(names[i])) {
            fn(names[i], ctx);
            visited++;
        }
        free(names[i]);
    }
    free(names);
    return visited;
}
