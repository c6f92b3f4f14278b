/*
 * arena.h: a per-request memory arena. Everything allocated from it is freed at once by
 * arena_free when the response is done. A failed allocation aborts (we are a service).
 */
#ifndef SJ_ARENA_H
#define SJ_ARENA_H
#include <stddef.h>
typedef struct arena arena;
arena *arena_new(void);
void *arena_alloc(arena *a, size_t n);  /* zeroed, 16-byte aligned */
void arena_free(arena *a);              /* NULL does nothing */
#endif
