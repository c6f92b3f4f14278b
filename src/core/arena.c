/*
 * arena.c: blocks of 16 KiB (or larger for a big request) chained together; allocation bumps
 * a pointer in the newest block. Blocks are only freed all together.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"

typedef struct block {
    struct block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} block;

struct arena {
    block *head;
};

arena *arena_new(void)
{
    arena *a = calloc(1, sizeof *a);
    if (!a)
        abort();
    return a;
}

void *arena_alloc(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->head->size - a->head->used < n) {
        size_t size = n > 16384 ? n : 16384;
        block *b = malloc(sizeof *b + size);
        if (!b)
            abort();
        b->next = a->head;
        b->size = size;
        b->used = 0;
        a->head = b;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    memset(p, 0, n);
    return p;
}

void arena_free(arena *a)
{
    if (!a)
        return;
    for (block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}
