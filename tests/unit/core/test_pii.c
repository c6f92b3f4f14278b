/*
 * test_pii.c: unit tests for src/core/pii.c (the data key's forms, sealing round trips).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/pii.h"

#define HEX64 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static bool parse(const char *text, unsigned char key[32])
{
    return pii_key_parse(text, strlen(text), key);
}

static void test_pii_key_parse__exactly_64_hex_digits(void **state)
{
    (void)state;
    unsigned char key[32];
    assert_true(parse(HEX64, key));
    assert_int_equal(key[0], 0x00);
    assert_int_equal(key[1], 0x11);
    assert_int_equal(key[31], 0xff);
    assert_true(parse("00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF", key));
    assert_int_equal(key[10], 0xaa);
}

static void test_pii_key_parse__one_line_end_allowed(void **state)
{
    (void)state;
    unsigned char key[32];
    assert_true(parse(HEX64 "\n", key));
    assert_true(parse(HEX64 "\r\n", key));
    assert_false(parse(HEX64 "\n\n", key));
    assert_false(parse(HEX64 "\r", key));
    assert_false(parse(HEX64 " ", key));
    assert_false(parse(" " HEX64, key));
}

static void test_pii_key_parse__one_digit_short_or_long(void **state)
{
    (void)state;
    unsigned char key[32];
    assert_false(parse(HEX64 + 1, key));
    assert_false(parse(HEX64 "0", key));
    assert_false(parse("", key));
    /* 63 digits and a line end is still one short */
    char short_nl[70];
    snprintf(short_nl, sizeof short_nl, "%s\n", HEX64 + 1);
    assert_false(parse(short_nl, key));
}

static void test_pii_key_parse__non_hex_refused(void **state)
{
    (void)state;
    unsigned char key[32];
    char bad[65];
    for (const char *c = "gGzZ -x:\t"; *c; c++) {
        memcpy(bad, HEX64, 65);
        bad[40] = *c;
        assert_false(parse(bad, key));
    }
    /* a NUL inside the text, with the length covering it */
    memcpy(bad, HEX64, 65);
    bad[10] = 0;
    assert_false(pii_key_parse(bad, 64, key));
}

static void test_pii_key_read__missing_file_not_created(void **state)
{
    (void)state;
    char dir[] = "/tmp/sj-pii-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64], err[256] = "";
    snprintf(path, sizeof path, "%s/none.key", dir);
    unsigned char key[32];
    assert_false(pii_key_read(path, key, err, sizeof err));
    assert_non_null(strstr(err, "cannot read the data key"));
    assert_int_equal(access(path, F_OK), -1);
    rmdir(dir);
}

static void test_pii_key_read__file_forms(void **state)
{
    (void)state;
    char dir[] = "/tmp/sj-pii-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64], err[256] = "";
    snprintf(path, sizeof path, "%s/k", dir);
    unsigned char key[32];
    static const struct {
        const char *text;
        bool ok;
    } cases[] = {{HEX64, true},        {HEX64 "\n", true},
                 {HEX64 "\r\n", true}, {HEX64 "\nmore\n", false},
                 {HEX64 HEX64, false}, {"", false}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(cases[i].text, f);
        fclose(f);
        err[0] = 0;
        assert_int_equal(pii_key_read(path, key, err, sizeof err), cases[i].ok);
        if (!cases[i].ok)
            assert_non_null(strstr(err, "not a data key"));
    }
    unlink(path);
    rmdir(dir);
}

static void test_pii_seal__round_trip_and_wrong_key(void **state)
{
    (void)state;
    unsigned char key[32], other[32];
    assert_true(parse(HEX64, key));
    memcpy(other, key, 32);
    other[0] ^= 1;
    char *box = pii_seal(key, "13912345678");
    char *plain = pii_open(key, box);
    assert_string_equal(plain, "13912345678");
    assert_null(pii_open(other, box));
    free(plain);
    free(box);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pii_key_parse__exactly_64_hex_digits),
        cmocka_unit_test(test_pii_key_parse__one_line_end_allowed),
        cmocka_unit_test(test_pii_key_parse__one_digit_short_or_long),
        cmocka_unit_test(test_pii_key_parse__non_hex_refused),
        cmocka_unit_test(test_pii_key_read__missing_file_not_created),
        cmocka_unit_test(test_pii_key_read__file_forms),
        cmocka_unit_test(test_pii_seal__round_trip_and_wrong_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
