/*
 * inputs.h - reading fuzz inputs from files and folders (replay, print).
 */
#ifndef FUZZ_INPUTS_H
#define FUZZ_INPUTS_H

#include <stddef.h>
#include <stdint.h>

/* Read a whole file into *data (malloc'd; caller frees).  Returns 0, or -1
 * with errno set. */
int fuzz_read_file(const char *path, uint8_t **data, size_t *size);

/* 1 if a file in a corpus folder is not an input: notes, seeds' text form,
 * dictionaries, READMEs and dot files. */
int fuzz_is_not_input(const char *path);

/* Call fn(path, ctx) for path if it is a file, or for every input file under
 * it (recursively, in sorted order) if it is a folder.  Returns the number of
 * files visited, or -1 if path cannot be read. */
long fuzz_for_each_input(const char *path, void (*fn)(const char *path, void *ctx), void *ctx);

#endif
