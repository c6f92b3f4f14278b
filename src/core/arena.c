/*
 * arena.c: blocks of 16 KiB chained together; allocation bumps a pointer in the newest block.
 * An allocation larger than a quarter block gets a block of its own, chained behind the newest
 * so that the space left there still serves the small allocations that follow. Blocks are only
 * freed all together (arena_free), or all but the newest (arena_reset).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define BLOCK 16384

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

static block *block_new(size_t size)
{
    if (size > SIZE_MAX - sizeof(block))
        abort();
    block *b = malloc(sizeof *b + size);
    if (!b)
        abort();
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

void *arena_alloc(arena *a, size_t n)
{
    if (n > SIZE_MAX - 15)
        abort();
    n = (n + 15) & ~(size_t)15;
    block *b = a->head;
    if (!b || b->size - b->used < n) {
        if (n > BLOCK / 4) {
            b = block_new(n); /* a block of its own, behind the newest */
            if (a->head) {
                b->next = a->head->next;
                a->head->next = b;
            } else {
                a->head = b;
            }
        } else {
            b = block_new(BLOCK);
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        abort();
    char *d = arena_alloc(a, n + 1);
    memcpy(d, s, n);
    return d; /* zeroed: d[n] is the NUL */
}

void arena_reset(arena *a)
{
    if (!a->head)
        return;
    for (block *b = a->head->next, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    a->head->next = NULL;
    a->head->used = 0;
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
