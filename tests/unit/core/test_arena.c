/* Unit tests for src/core/arena.c: alignment, zeroed memory, large allocations beside small
 * ones, reset and reuse. Run under ASan (build-asan) and valgrind, which see any overrun or
 * leak. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"

static void test_arena_alloc__aligned_and_zeroed(void **state)
{
    (void)state;
    arena *a = arena_new();
    for (size_t n = 0; n < 100; n++) {
        unsigned char *p = arena_alloc(a, n);
        assert_int_equal((uintptr_t)p % 16, 0);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(p[i], 0);
        memset(p, 0xAB, n); /* dirty it: the next allocation must still come zeroed */
    }
    arena_free(a);
}

static void test_arena_alloc__large_beside_small(void **state)
{
    (void)state;
    arena *a = arena_new();
    char *small1 = arena_alloc(a, 32);
    char *big = arena_alloc(a, 1 << 20); /* a block of its own */
    char *small2 = arena_alloc(a, 32);
    memset(big, 1, 1 << 20);
    /* the small allocations share the first block: the big one did not waste it */
    assert_int_equal(small2 - small1, 32);
    assert_int_equal(small1[0], 0);
    assert_int_equal(small2[31], 0);
    /* many allocations across many blocks stay apart */
    char *prev[256];
    for (int i = 0; i < 256; i++) {
        prev[i] = arena_alloc(a, 1000);
        memset(prev[i], i, 1000);
    }
    for (int i = 0; i < 256; i++)
        assert_int_equal((unsigned char)prev[i][999], i);
    arena_free(a);
}

static void test_arena_strndup__copies_and_terminates(void **state)
{
    (void)state;
    arena *a = arena_new();
    const char *s = "学籍辅号 L00000001";
    char *d = arena_strndup(a, s, 12); /* 学籍辅号 */
    assert_string_equal(d, "学籍辅号");
    assert_string_equal(arena_strndup(a, "", 0), "");
    arena_free(a);
}

static void test_arena_reset__reuses_the_newest_block(void **state)
{
    (void)state;
    arena *a = arena_new();
    arena_reset(a); /* an empty arena: nothing to do */
    char *first = arena_alloc(a, 64);
    for (int i = 0; i < 100; i++)
        arena_alloc(a, 4000); /* several blocks */
    arena_alloc(a, 100000);
    arena_reset(a);
    char *again = arena_alloc(a, 64);
    assert_non_null(again);
    assert_int_equal(again[0], 0);
    (void)first;
    arena_free(a);
    arena_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_alloc__aligned_and_zeroed),
        cmocka_unit_test(test_arena_alloc__large_beside_small),
        cmocka_unit_test(test_arena_strndup__copies_and_terminates),
        cmocka_unit_test(test_arena_reset__reuses_the_newest_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
