/*
 * test_ident.c: unit tests for src/core/ident.c (identifier checks, masks, grades, ID types).
 *
 * Valid numbers other than the worked examples of FORMATS.md are made by make_cn_id and
 * make_uscc below, which compute the check character the way the standards state it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/ident.h"

/* Appends the GB 11643 check character to 17 digits. */
static void make_cn_id(const char *body17, char *out /* OUT: [19] */)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (body17[i] - '0') * w[i];
    memcpy(out, body17, 17);
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

/* Appends the GB 32100 check character to 17 characters. */
static void make_uscc(const char *body17, char *out /* OUT: [19] */)
{
    const char *alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    int sum = 0, w = 1;
    for (int i = 0; i < 17; i++) {
        sum += (int)(strchr(alpha, body17[i]) - alpha) * w;
        w = w * 3 % 31;
    }
    memcpy(out, body17, 17);
    out[17] = alpha[(31 - sum % 31) % 31];
    out[18] = '\0';
}

/* ---- 居民身份证号 ---- */

static void test_ident_cn_id_check__worked_example_valid(void **state)
{
    (void)state;
    char out[19];
    assert_int_equal(ident_cn_id_check("11010519491231002X", out), IDENT_CN_ID_OK);
    assert_string_equal(out, "11010519491231002X");
    assert_true(ident_cn_id_valid("11010519491231002X", NULL));
}

static void test_ident_cn_id_check__lowercase_x_normalised(void **state)
{
    (void)state;
    char out[19];
    assert_int_equal(ident_cn_id_check("11010519491231002x", out), IDENT_CN_ID_OK);
    assert_string_equal(out, "11010519491231002X");
}

static void test_ident_cn_id_check__every_wrong_check_character_refused(void **state)
{
    (void)state;
    const char *checks = "0123456789X";
    char id[19] = "11010519491231002X";
    for (size_t i = 0; checks[i]; i++) {
        id[17] = checks[i];
        assert_int_equal(ident_cn_id_check(id, NULL),
                         checks[i] == 'X' ? IDENT_CN_ID_OK : IDENT_CN_ID_BAD_CHECK);
    }
    /* a changed body digit breaks the check too */
    assert_int_equal(ident_cn_id_check("11010519491231003X", NULL), IDENT_CN_ID_BAD_CHECK);
}

static void test_ident_cn_id_check__numeric_check_digit(void **state)
{
    (void)state;
    /* 4403042010010112 3 has the check digit 3 */
    assert_int_equal(ident_cn_id_check("440304201001011233", NULL), IDENT_CN_ID_OK);
    assert_int_equal(ident_cn_id_check("440304201001011232", NULL), IDENT_CN_ID_BAD_CHECK);
    assert_int_equal(ident_cn_id_check("44030420100101123X", NULL), IDENT_CN_ID_BAD_CHECK);
    char id[19];
    make_cn_id("44030420100101123", id);
    assert_string_equal(id, "440304201001011233");
}

static void test_ident_cn_id_check__length(void **state)
{
    (void)state;
    assert_int_equal(ident_cn_id_check("", NULL), IDENT_CN_ID_BAD_LENGTH);
    assert_int_equal(ident_cn_id_check("11010519491231002", NULL), IDENT_CN_ID_BAD_LENGTH);
    assert_int_equal(ident_cn_id_check("11010519491231002X0", NULL), IDENT_CN_ID_BAD_LENGTH);
    /* the old 15-digit card is not accepted */
    assert_int_equal(ident_cn_id_check("110105491231002", NULL), IDENT_CN_ID_BAD_LENGTH);
    /* spaces are not trimmed here (roster trims) */
    assert_int_equal(ident_cn_id_check(" 11010519491231002X", NULL), IDENT_CN_ID_BAD_LENGTH);
}

static void test_ident_cn_id_check__form(void **state)
{
    (void)state;
    assert_int_equal(ident_cn_id_check("1101051949123100XX", NULL), IDENT_CN_ID_BAD_FORM);
    assert_int_equal(ident_cn_id_check("A1010519491231002X", NULL), IDENT_CN_ID_BAD_FORM);
    assert_int_equal(ident_cn_id_check("11010519491231002Y", NULL), IDENT_CN_ID_BAD_FORM);
    assert_int_equal(ident_cn_id_check("110105 9491231002X", NULL), IDENT_CN_ID_BAD_FORM);
}

static void test_ident_cn_id_check__birth_date(void **state)
{
    (void)state;
    static const struct {
        const char *date;
        bool ok;
    } cases[] = {
        {"20000229", true},                       /* leap year (divisible by 400) */
        {"19000228", true},  {"19000229", false}, /* 1900 is not a leap year */
        {"20160229", true},  {"20150229", false}, {"20150431", false}, {"20150430", true},
        {"20151231", true},  {"20151301", false}, {"20150001", false}, {"20150100", false},
        {"20150132", false}, {"18991231", false}, {"20991231", true},  {"21000101", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[18], id[19];
        snprintf(body, sizeof body, "110105%s123", cases[i].date);
        make_cn_id(body, id);
        assert_int_equal(ident_cn_id_check(id, NULL),
                         cases[i].ok ? IDENT_CN_ID_OK : IDENT_CN_ID_BAD_DATE);
    }
}

static void test_ident_cn_id_gender__from_17th_digit(void **state)
{
    (void)state;
    char id[19];
    assert_int_equal(ident_cn_id_gender("11010519491231002X"), 2); /* 2: even → 女 */
    make_cn_id("11010520150901013", id);
    assert_int_equal(ident_cn_id_gender(id), 1);
    assert_int_equal(ident_cn_id_gender("11010519491231003X"), 0); /* invalid */
}

/* ---- 统一社会信用代码 ---- */

static void test_ident_uscc_valid__worked_examples(void **state)
{
    (void)state;
    assert_true(ident_uscc_valid("91512081MA62K0260E", NULL));
    assert_false(ident_uscc_valid("91350100M000100Y4Z", NULL));
}

static void test_ident_uscc_valid__check_character(void **state)
{
    (void)state;
    const char *alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    char code[19] = "91512081MA62K0260E";
    int valid = 0;
    for (size_t i = 0; alpha[i]; i++) {
        code[17] = alpha[i];
        if (ident_uscc_valid(code, NULL))
            valid++;
    }
    assert_int_equal(valid, 1);
}

static void test_ident_uscc_valid__lowercase_normalised(void **state)
{
    (void)state;
    char out[19];
    assert_true(ident_uscc_valid("91512081ma62k0260e", out));
    assert_string_equal(out, "91512081MA62K0260E");
}

static void test_ident_uscc_valid__excluded_letters_and_form(void **state)
{
    (void)state;
    /* I O S V Z are not in the alphabet, whatever the check says */
    const char *bad = "IOSVZ";
    for (size_t i = 0; bad[i]; i++) {
        char body[18] = "91512081MA62K0260";
        body[10] = bad[i];
        char code[19];
        memcpy(code, body, 17);
        code[17] = '0';
        code[18] = '\0';
        for (const char *c = "0123456789ABCDEFGHJKLMNPQRTUWXY"; *c; c++) {
            code[17] = *c;
            assert_false(ident_uscc_valid(code, NULL));
        }
    }
    assert_false(ident_uscc_valid("91512081MA62K0260", NULL));
    assert_false(ident_uscc_valid("91512081MA62K0260E0", NULL));
    /* characters 3-8 (the division code) must be digits */
    char code[19];
    make_uscc("915A2081MA62K0260", code);
    assert_false(ident_uscc_valid(code, NULL));
}

static void test_ident_uscc_is_non_enterprise__prefix_52(void **state)
{
    (void)state;
    char code[19];
    make_uscc("52110105MJ0000001", code);
    assert_true(ident_uscc_valid(code, NULL));
    assert_true(ident_uscc_is_non_enterprise(code));
    assert_false(ident_uscc_is_non_enterprise("91512081MA62K0260E"));
    code[17] = code[17] == '0' ? '1' : '0'; /* no longer valid */
    assert_false(ident_uscc_is_non_enterprise(code));
}

/* ---- 办学许可证编号 ---- */

static void test_ident_license_no_valid__forms(void **state)
{
    (void)state;
    assert_true(ident_license_no_valid("1101057000001"));
    assert_false(ident_license_no_valid("110105700000"));   /* 12 */
    assert_false(ident_license_no_valid("11010570000012")); /* 14 */
    assert_false(ident_license_no_valid("110105700000A"));
    assert_true(ident_license_no_valid("教民144030270000123"));
    assert_true(ident_license_no_valid("教民144030270000123号"));
    assert_false(ident_license_no_valid("教民14403027000012"));   /* 14 digits */
    assert_false(ident_license_no_valid("教民1440302700001234")); /* 16 digits */
    assert_false(ident_license_no_valid("教民14403027000012X"));
    assert_false(ident_license_no_valid("教民"));
    assert_false(ident_license_no_valid(""));
    assert_false(ident_license_no_valid("号"));
}

static void test_ident_license_no_level__seventh_digit(void **state)
{
    (void)state;
    assert_int_equal(ident_license_no_level("1101057000001"), 7);
    assert_int_equal(ident_license_no_level("1101052000001"), 2);
    assert_int_equal(ident_license_no_level("教民144030270000123"), -1);
    assert_int_equal(ident_license_no_level("110105700000"), -1);
}

/* ---- 教师资格证书编号 ---- */

static void test_ident_teacher_cert_type__forms(void **state)
{
    (void)state;
    /* 2015 + 44 + 030 + type 2 + sex 1 + 000123 */
    assert_int_equal(ident_teacher_cert_type("20154403021000123"), 2);
    assert_int_equal(ident_teacher_cert_type("20154403031000123"), 3);
    assert_int_equal(ident_teacher_cert_type("199844030000123"), 0); /* 15 digits */
    assert_int_equal(ident_teacher_cert_type("2015440302100012"), -1);
    assert_int_equal(ident_teacher_cert_type("201544030210001234"), -1);
    assert_int_equal(ident_teacher_cert_type("2015440302100012X"), -1);
    assert_int_equal(ident_teacher_cert_type(""), -1);
    assert_true(ident_teacher_cert_valid("20154403021000123"));
    assert_true(ident_teacher_cert_valid("199844030000123"));
    assert_false(ident_teacher_cert_valid("abc"));
}

static void test_ident_teacher_cert_fits_grade__levels(void **state)
{
    (void)state;
    assert_false(ident_teacher_cert_fits_grade(1, 1)); /* 幼儿园 */
    assert_true(ident_teacher_cert_fits_grade(2, 1));
    assert_true(ident_teacher_cert_fits_grade(2, 6));
    assert_false(ident_teacher_cert_fits_grade(2, 7)); /* 小学 cannot teach 初中 */
    assert_true(ident_teacher_cert_fits_grade(3, 7));
    assert_true(ident_teacher_cert_fits_grade(3, 2)); /* higher covers lower */
    assert_true(ident_teacher_cert_fits_grade(4, 9));
    assert_true(ident_teacher_cert_fits_grade(5, 8));
    assert_false(ident_teacher_cert_fits_grade(6, 8)); /* 实习指导 only */
    assert_true(ident_teacher_cert_fits_grade(0, 9));  /* unknown: benefit of the doubt */
    assert_false(ident_teacher_cert_fits_grade(3, 0));
    assert_false(ident_teacher_cert_fits_grade(3, 10));
}

/* ---- phones ---- */

static void test_ident_phone_normalise__accepted_forms(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+8613812345678",
        "+86 138 1234 5678",
        "008613812345678",
        "0086-138-1234-5678",
        " 13812345678\t",
        "１３８１２３４５６７８",
        "138\xE3\x80\x80"
        "1234\xC2\xA0"
        "5678",
        "＋86 13812345678",
        "138－1234－5678",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char out[12] = "";
        if (!ident_phone_normalise(ok[i], out))
            fail_msg("refused: %s", ok[i]);
        assert_string_equal(out, "13812345678");
    }
}

static void test_ident_phone_normalise__second_digit_3_to_9(void **state)
{
    (void)state;
    char out[12];
    for (char d = '0'; d <= '9'; d++) {
        char in[12] = "1x012345678";
        in[1] = d;
        assert_int_equal(ident_phone_normalise(in, out), d >= '3');
        if (d >= '3')
            assert_string_equal(out, in);
    }
    /* the 16x and 19x ranges that "strict" validators wrongly refuse */
    assert_true(ident_phone_normalise("16612345678", out));
    assert_true(ident_phone_normalise("19912345678", out));
    assert_false(ident_phone_normalise("12345678901", out));
}

static void test_ident_phone_normalise__refused_forms(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "1381234567",
        "138123456789",
        "23812345678",
        "8613812345678",
        "+85213812345678",
        "+86",
        "+",
        "13812345678+",
        "1381234567a",
        "(0)13812345678",
        "+8613812345678 ext 1",
        "00861381234567",
        "+0086 13812345678",
        "138.1234.5678",
        "138/1234/5678",
        "13812345678901234567890",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[12];
        if (ident_phone_normalise(bad[i], out))
            fail_msg("accepted: %s", bad[i]);
    }
}

/* ---- masks ---- */

static void test_ident_phone_mask__eleven_digits(void **state)
{
    (void)state;
    char out[32];
    assert_true(ident_phone_mask("13812345678", out, sizeof out));
    assert_string_equal(out, "138****5678");
    assert_true(ident_phone_mask("1234567", out, sizeof out));
    assert_string_equal(out, "*******");
    assert_true(ident_phone_mask("", out, sizeof out));
    assert_string_equal(out, "");
    assert_true(ident_phone_mask("13812345678", out, 12));
    assert_false(ident_phone_mask("13812345678", out, 11));
}

static void test_ident_id_mask__lengths(void **state)
{
    (void)state;
    char out[64];
    assert_true(ident_id_mask("11010519491231002X", out, sizeof out));
    assert_string_equal(out, "110105********002X");
    assert_true(ident_id_mask("110105491231002", out, sizeof out)); /* 15 */
    assert_string_equal(out, "110105*****1002");
    assert_true(ident_id_mask("E12345678", out, sizeof out)); /* passport */
    assert_string_equal(out, "E1*****78");
    assert_true(ident_id_mask("1234567", out, sizeof out));
    assert_string_equal(out, "*******");
    /* characters, not bytes: a CJK character is one star */
    assert_true(ident_id_mask("港A1234567", out, sizeof out));
    assert_string_equal(out, "港A*****67");
    assert_false(ident_id_mask("11010519491231002X", out, 18));
}

/* ---- grades ---- */

static void test_ident_grade_parse__names_and_codes(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int grade;
    } cases[] = {
        {"一年级", 1},
        {"二年级", 2},
        {"三年级", 3},
        {"四年级", 4},
        {"五年级", 5},
        {"六年级", 6},
        {"七年级", 7},
        {"八年级", 8},
        {"九年级", 9},
        {"初一", 7},
        {"初二", 8},
        {"初三", 9},
        {"初一年级", 7},
        {"初中一年级", 7},
        {"初中二年级", 8},
        {"初中三年级", 9},
        {"小学一年级", 1},
        {"小学六年级", 6},
        {"1年级", 1},
        {"9年级", 9},
        {"1", 1},
        {"9", 9},
        {"01", 1},
        {"11", 1},
        {"16", 6},
        {"21", 7},
        {"23", 9},
        {" 三年级 ", 3},
        {"\xE3\x80\x80"
         "初二",
         8},
        /* refused */
        {"", 0},
        {"0", 0},
        {"10", 0},
        {"17", 0},
        {"20", 0},
        {"24", 0},
        {"31", 0},
        {"123", 0},
        {"十年级", 0},
        {"高一", 0},
        {"初四", 0},
        {"小学七年级", 0},
        {"初中四年级", 0},
        {"三", 0},
        {"年级", 0},
        {"三年级2班", 0},
        {"-1", 0},
        {"1.5", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int g = ident_grade_parse(cases[i].in);
        if (g != cases[i].grade)
            fail_msg("%s: got %d, want %d", cases[i].in, g, cases[i].grade);
    }
}

/* ---- 身份证件类型 ---- */

static void test_ident_idtype_parse__codes_and_labels(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        char code;
    } cases[] = {
        {"1", '1'},
        {"6", '6'},
        {"7", '7'},
        {"8", '8'},
        {"9", '9'},
        {"A", 'A'},
        {"a", 'A'},
        {"Z", 'Z'},
        {"居民身份证", '1'},
        {"身份证", '1'},
        {"香港特区护照/身份证明", '6'},
        {"澳门特区护照/身份证明", '7'},
        {"台湾居民来往大陆通行证", '8'},
        {"境外永久居住证", '9'},
        {"外国人永久居留身份证", '9'},
        {"护照", 'A'},
        {"其他", 'Z'},
        {"其它", 'Z'},
        {"1-居民身份证", '1'},
        {"1:居民身份证", '1'},
        {"A 护照", 'A'},
        {" 1 ", '1'},
        /* refused */
        {"", 0},
        {"2", 0},
        {"B", 0},
        {"10", 0},
        {"驾驶证", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char c = ident_idtype_parse(cases[i].in);
        if (c != cases[i].code)
            fail_msg("%s: got %d, want %d", cases[i].in, c, cases[i].code);
    }
}

static void test_ident_idtype_label__every_code(void **state)
{
    (void)state;
    assert_string_equal(ident_idtype_label('1'), "居民身份证");
    assert_string_equal(ident_idtype_label('6'), "香港特区护照/身份证明");
    assert_string_equal(ident_idtype_label('7'), "澳门特区护照/身份证明");
    assert_string_equal(ident_idtype_label('8'), "台湾居民来往大陆通行证");
    assert_string_equal(ident_idtype_label('9'), "境外永久居住证");
    assert_string_equal(ident_idtype_label('A'), "护照");
    assert_string_equal(ident_idtype_label('Z'), "其他");
    assert_null(ident_idtype_label('2'));
    assert_null(ident_idtype_label(0));
    /* each label maps back to its code */
    const char *codes = "16789AZ";
    for (size_t i = 0; codes[i]; i++)
        assert_int_equal(ident_idtype_parse(ident_idtype_label(codes[i])), codes[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ident_cn_id_check__worked_example_valid),
        cmocka_unit_test(test_ident_cn_id_check__lowercase_x_normalised),
        cmocka_unit_test(test_ident_cn_id_check__every_wrong_check_character_refused),
        cmocka_unit_test(test_ident_cn_id_check__numeric_check_digit),
        cmocka_unit_test(test_ident_cn_id_check__length),
        cmocka_unit_test(test_ident_cn_id_check__form),
        cmocka_unit_test(test_ident_cn_id_check__birth_date),
        cmocka_unit_test(test_ident_cn_id_gender__from_17th_digit),
        cmocka_unit_test(test_ident_uscc_valid__worked_examples),
        cmocka_unit_test(test_ident_uscc_valid__check_character),
        cmocka_unit_test(test_ident_uscc_valid__lowercase_normalised),
        cmocka_unit_test(test_ident_uscc_valid__excluded_letters_and_form),
        cmocka_unit_test(test_ident_uscc_is_non_enterprise__prefix_52),
        cmocka_unit_test(test_ident_license_no_valid__forms),
        cmocka_unit_test(test_ident_license_no_level__seventh_digit),
        cmocka_unit_test(test_ident_teacher_cert_type__forms),
        cmocka_unit_test(test_ident_teacher_cert_fits_grade__levels),
        cmocka_unit_test(test_ident_phone_normalise__accepted_forms),
        cmocka_unit_test(test_ident_phone_normalise__second_digit_3_to_9),
        cmocka_unit_test(test_ident_phone_normalise__refused_forms),
        cmocka_unit_test(test_ident_phone_mask__eleven_digits),
        cmocka_unit_test(test_ident_id_mask__lengths),
        cmocka_unit_test(test_ident_grade_parse__names_and_codes),
        cmocka_unit_test(test_ident_idtype_parse__codes_and_labels),
        cmocka_unit_test(test_ident_idtype_label__every_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
