/*
 * arena.h: the one memory arena. Many small allocations, freed all at once: a request's
 * memory (http.c makes one per request and frees it when the response is done), a roster's
 * strings (roster.c keeps them until roster_free) and scratch space reused row after row
 * (arena_reset).
 *
 * A failed allocation aborts (we are a service: STYLE.md 4); every size that comes from a
 * client is bounded before it gets here.
 *
 * API:
 *   arena_new()              an empty arena; no memory is taken until the first allocation
 *   arena_alloc(a, n)        n bytes, zeroed, 16-byte aligned, valid until arena_reset/free
 *   arena_strndup(a, s, n)   the n bytes at s and a NUL, in the arena
 *   arena_reset(a)           everything allocated is gone; the newest block is kept for reuse
 *   arena_free(a)            everything, the arena included; NULL does nothing
 */
#ifndef SJ_ARENA_H
#define SJ_ARENA_H
#include <stddef.h>
typedef struct arena arena;
arena *arena_new(void);
void *arena_alloc(arena *a, size_t n); /* zeroed, 16-byte aligned */
char *arena_strndup(arena *a, const char *s, size_t n);
void arena_reset(arena *a);
void arena_free(arena *a); /* NULL does nothing */
#endif
