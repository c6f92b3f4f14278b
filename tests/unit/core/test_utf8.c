/* Unit tests for src/core/utf8.c: strict validation at every edge of RFC 3629's table
 * (overlong forms, surrogates, the last code point, sequences cut short), counting characters,
 * and cuts that never split a character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "core/utf8.h"

#define VALID(lit)   assert_true(utf8_valid(lit, sizeof lit - 1))
#define INVALID(lit) assert_false(utf8_valid(lit, sizeof lit - 1))

static void test_utf8_valid__ascii_chinese_and_four_bytes(void **state)
{
    (void)state;
    VALID("");
    VALID("plain ASCII, with \t tabs");
    VALID("双减 作业公示");
    VALID("\xC2\x80");         /* U+0080, the first two-byte code point */
    VALID("\xDF\xBF");         /* U+07FF, the last */
    VALID("\xE0\xA0\x80");     /* U+0800, the first three-byte code point */
    VALID("\xEF\xBF\xBF");     /* U+FFFF */
    VALID("\xF0\x90\x80\x80"); /* U+10000, the first four-byte code point */
    VALID("\xF0\xA0\x80\x80"); /* U+20000 𠀀, a CJK Extension B character */
    VALID("\xF0\x9F\x98\x80"); /* U+1F600, an emoji */
    VALID("\xF4\x8F\xBF\xBF"); /* U+10FFFF, the last code point */
    VALID("\xED\x9F\xBF");     /* U+D7FF, just below the surrogates */
    VALID("\xEE\x80\x80");     /* U+E000, just above them */
    /* an embedded NUL is a character like any other: the length says where the text ends */
    assert_true(utf8_valid("a\0b", 3));
}

static void test_utf8_valid__overlong_forms(void **state)
{
    (void)state;
    INVALID("\xC0\x80");         /* NUL in two bytes */
    INVALID("\xC0\xAF");         /* '/' in two bytes */
    INVALID("\xC1\xBF");         /* U+007F in two bytes */
    INVALID("\xE0\x80\x80");     /* NUL in three bytes */
    INVALID("\xE0\x9F\xBF");     /* U+07FF in three bytes: one below the first valid */
    INVALID("\xF0\x80\x80\x80"); /* NUL in four bytes */
    INVALID("\xF0\x8F\xBF\xBF"); /* U+FFFF in four bytes: one below the first valid */
}

static void test_utf8_valid__surrogates_and_beyond_the_last_code_point(void **state)
{
    (void)state;
    INVALID("\xED\xA0\x80");             /* U+D800, the first surrogate */
    INVALID("\xED\xBF\xBF");             /* U+DFFF, the last */
    INVALID("\xED\xA0\xBD\xED\xB8\x80"); /* a surrogate pair written as CESU-8 */
    INVALID("\xF4\x90\x80\x80");         /* U+110000, one past the last */
    INVALID("\xF5\x80\x80\x80");         /* lead bytes F5..FF never appear */
    INVALID("\xF7\xBF\xBF\xBF");
    INVALID("\xF8\x88\x80\x80\x80"); /* the old five-byte form */
    INVALID("\xFE");
    INVALID("\xFF");
}

static void test_utf8_valid__truncated_and_stray_bytes(void **state)
{
    (void)state;
    INVALID("\xE5");         /* a lead byte at the end */
    INVALID("\xE5\x8F");     /* 双 without its last byte */
    INVALID("ab\xE5\x8F");   /* cut short after valid text */
    INVALID("\xF0\x9F\x98"); /* a four-byte sequence with three bytes */
    INVALID("\xE5\x8F"
            "a");    /* a continuation byte replaced by ASCII */
    INVALID("\x80"); /* a continuation byte without a lead */
    INVALID("a\xBF"
            "b");
    INVALID("\xC2\xC2\x80"); /* a lead where a continuation byte belongs */
    /* the length counts: the same bytes are valid when the cut-off part is not included */
    assert_true(utf8_valid("\xE5\x8F\x8C\xE5", 3));
    assert_false(utf8_valid("\xE5\x8F\x8C\xE5", 4));
}

static void test_utf8_chars__counts_characters_not_bytes(void **state)
{
    (void)state;
    assert_int_equal(utf8_chars("", 0), 0);
    assert_int_equal(utf8_chars("abc", 3), 3);
    const char *zh = "双减";
    assert_int_equal(utf8_chars(zh, strlen(zh)), 2);
    const char *mixed = "a双\xF0\x9F\x98\x80z"; /* a, 双, 😀, z */
    assert_int_equal(utf8_chars(mixed, strlen(mixed)), 4);
    /* 50 characters of 3 bytes: 150 bytes, 50 characters (a name at its limit) */
    char name[151] = "";
    for (int i = 0; i < 50; i++)
        memcpy(name + 3 * i, "张", 3);
    assert_int_equal(utf8_chars(name, 150), 50);
    /* only the bytes given are counted */
    assert_int_equal(utf8_chars(zh, 3), 1);
}

static void test_utf8_prefix__bytes_of_the_first_characters(void **state)
{
    (void)state;
    const char *s = "1381234\xE5\x8F\x8C\xF0\x9F\x98\x80"; /* 7 digits, 双, 😀 */
    size_t n = strlen(s);
    assert_int_equal(utf8_prefix(s, n, 0), 0);
    assert_int_equal(utf8_prefix(s, n, 3), 3);
    assert_int_equal(utf8_prefix(s, n, 7), 7);
    assert_int_equal(utf8_prefix(s, n, 8), 10);  /* through 双 */
    assert_int_equal(utf8_prefix(s, n, 9), 14);  /* through 😀: the whole text */
    assert_int_equal(utf8_prefix(s, n, 99), 14); /* fewer characters than asked */
    /* what it returns, utf8_chars counts back */
    for (size_t k = 0; k <= 9; k++)
        assert_int_equal(utf8_chars(s, utf8_prefix(s, n, k)), k);
}

static void test_utf8_cut__never_splits_a_character(void **state)
{
    (void)state;
    const char *s = "ab\xE5\x8F\x8C\xF0\x9F\x98\x80"; /* a b 双 😀: 2 + 3 + 4 = 9 bytes */
    size_t n = strlen(s);
    /* every cut point: the result ends on a boundary and is the longest that does */
    static const size_t want[] = {0, 1, 2, 2, 2, 5, 5, 5, 5, 9, 9};
    for (size_t max = 0; max <= 10; max++) {
        size_t len = utf8_cut(s, n, max);
        assert_int_equal(len, want[max]);
        assert_true(utf8_valid(s, len));
    }
    /* the whole text fits: nothing is cut */
    assert_int_equal(utf8_cut(s, n, n), n);
    assert_int_equal(utf8_cut("", 0, 0), 0);
}

static void test_utf8_copy__cuts_at_a_boundary_and_terminates(void **state)
{
    (void)state;
    char buf[8];
    /* 双减作业 is 12 bytes; 7 fit, which is two characters (6 bytes) */
    assert_int_equal(utf8_copy(buf, sizeof buf, "双减作业"), 6);
    assert_string_equal(buf, "双减");
    /* exactly at the limit: 7 bytes in a buffer of 8 */
    assert_int_equal(utf8_copy(buf, sizeof buf, "abcd双"), 7);
    assert_string_equal(buf, "abcd双");
    /* one byte over: the whole last character goes */
    assert_int_equal(utf8_copy(buf, sizeof buf, "abcde双"), 5);
    assert_string_equal(buf, "abcde");
    assert_int_equal(utf8_copy(buf, sizeof buf, NULL), 0);
    assert_string_equal(buf, "");
    assert_int_equal(utf8_copy(buf, 1, "双"), 0);
    assert_string_equal(buf, "");
    buf[0] = 'x';
    assert_int_equal(utf8_copy(buf, 0, "双"), 0); /* no room even for the NUL: untouched */
    assert_int_equal(buf[0], 'x');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid__ascii_chinese_and_four_bytes),
        cmocka_unit_test(test_utf8_valid__overlong_forms),
        cmocka_unit_test(test_utf8_valid__surrogates_and_beyond_the_last_code_point),
        cmocka_unit_test(test_utf8_valid__truncated_and_stray_bytes),
        cmocka_unit_test(test_utf8_chars__counts_characters_not_bytes),
        cmocka_unit_test(test_utf8_prefix__bytes_of_the_first_characters),
        cmocka_unit_test(test_utf8_cut__never_splits_a_character),
        cmocka_unit_test(test_utf8_copy__cuts_at_a_boundary_and_terminates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
