/*
 * test_roster.c: unit tests for src/core/roster.c (sheet → checked student/teacher roster).
 *
 * Inputs are CSV text read through sheet_read (and one XLSX made with libxlsxwriter), so the
 * tests go through the same path as an upload. The sheet is freed before the roster is
 * inspected: the roster must own everything it points at (ASan catches it if not).
 *
 * The 居民身份证号 below are made up, with correct check digits: S1..S4 students (S1, S3 男;
 * S2, S4 女), P1..P3 parents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/ident.h"
#include "core/roster.h"
#include "core/sheet.h"

#define S1 "110105201509010134"
#define S2 "110105201509010249"
#define S3 "110105201603150352"
#define S4 "110105201706200463"
#define P1 "110105198501011234"
#define P2 "110105198702022140"
#define P3 "11010519800808072X"

/* The registry's columns that matter, in its order; 17 columns. */
#define H                                                                                                                      \
    "姓名,性别,身份证件类型,身份证件号,年级,班级号,学籍辅号,"                                          \
    "成员1姓名,成员1关系,成员1联系电话,成员1是否监护人,成员1身份证件类型,成员1身份证件号," \
    "成员2姓名,成员2关系,成员2联系电话,成员2是否监护人\n"

/* A good row for H: student `name` with number `no` and no ID, mother as guardian. */
#define ROW(name, no) name ",女,,,一年级,1," no ",李梅,母亲,13812345678,是,1," P2 ",,,,\n"

/* ---- helpers ---- */

static roster *map_bytes(const char *data, size_t len, bool teachers)
{
    sheet *sh = NULL;
    char err[256];
    sheet_status st = sheet_read(data, len, NULL, &sh, err, sizeof err);
    if (st != SHEET_OK)
        fail_msg("sheet_read: %s", err);
    roster *ro = NULL;
    assert_int_equal(teachers ? roster_map_teachers(sh, &ro) : roster_map_students(sh, &ro), 0);
    assert_non_null(ro);
    sheet_free(sh); /* the roster must not point into the sheet */
    return ro;
}

static roster *map_csv(const char *csv)
{
    return map_bytes(csv, strlen(csv), false);
}

static roster *map_teachers_csv(const char *csv)
{
    return map_bytes(csv, strlen(csv), true);
}

static void print_errors(const roster *ro)
{
    for (size_t i = 0; i < ro->nerrors; i++)
        print_message("  row %zu [%s] %s\n", ro->errors[i].row, ro->errors[i].column,
                      ro->errors[i].message);
}

static void expect_no_errors(const roster *ro)
{
    if (ro->nerrors_total != 0) {
        print_errors(ro);
        fail_msg("%zu unexpected errors", ro->nerrors_total);
    }
}

/* Asserts that error i is exactly {row, column, message}. */
static void expect_error(const roster *ro, size_t i, size_t row, const char *column,
                         const char *message)
{
    if (i >= ro->nerrors) {
        print_errors(ro);
        fail_msg("no error %zu (have %zu)", i, ro->nerrors);
    }
    const roster_error *e = &ro->errors[i];
    if (e->row != row || strcmp(e->column, column) != 0 || strcmp(e->message, message) != 0) {
        print_errors(ro);
        fail_msg("error %zu: got {%zu, %s, %s}, want {%zu, %s, %s}", i, e->row, e->column,
                 e->message, row, column, message);
    }
    assert_non_null(e->message_en);
    assert_true(e->message_en[0] != '\0');
}

/* Asserts that the roster holds exactly one error, {row, column, message}. */
static void expect_only_error(const roster *ro, size_t row, const char *column, const char *message)
{
    if (ro->nerrors_total != 1) {
        print_errors(ro);
        fail_msg("want exactly one error, have %zu", ro->nerrors_total);
    }
    expect_error(ro, 0, row, column, message);
}

/* A growing string for building larger files. */
typedef struct {
    char *s;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void buf_add(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* ---- students: the good path ---- */

static void test_roster_map_students__registry_columns(void **state)
{
    (void)state;
    roster *ro = map_csv(H "张三,男,1," S1 ",一年级,3,G" S1 ",张伟,父亲,138 1234 5678,是,1," P1
                           ",李梅,母亲,+86 139-8765-4321,是\n"
                           "王芳,,居民身份证," S2 ",二年级,3班,2015000102,王强,父亲,13700000001,"
                           "否,,,赵敏,外婆,19912345678,1\n");
    expect_no_errors(ro);
    assert_int_equal(ro->header_row, 1);
    assert_int_equal(ro->nstudents, 2);

    const roster_student *a = &ro->students[0];
    assert_int_equal(a->row, 2);
    assert_string_equal(a->name, "张三");
    assert_int_equal(a->gender, 1);
    assert_int_equal(a->id_type, IDENT_IDTYPE_CN_ID);
    assert_string_equal(a->id_no, S1);
    assert_int_equal(a->grade, 1);
    assert_string_equal(a->class_name, "3班");
    assert_string_equal(a->student_no, "G" S1);
    assert_int_equal(a->nguardians, 2);
    assert_string_equal(a->guardians[0].name, "张伟");
    assert_string_equal(a->guardians[0].relation, "父亲");
    assert_string_equal(a->guardians[0].phone, "13812345678");
    assert_int_equal(a->guardians[0].id_type, IDENT_IDTYPE_CN_ID);
    assert_string_equal(a->guardians[0].id_no, P1);
    assert_int_equal(a->guardians[0].member, 1);
    assert_string_equal(a->guardians[1].name, "李梅");
    assert_string_equal(a->guardians[1].phone, "13987654321");
    assert_int_equal(a->guardians[1].id_type, 0);
    assert_string_equal(a->guardians[1].id_no, "");
    assert_int_equal(a->guardians[1].member, 2);

    const roster_student *b = &ro->students[1];
    assert_int_equal(b->row, 3);
    assert_int_equal(b->gender, 2); /* from the ID: the 17th digit is even */
    assert_int_equal(b->grade, 2);
    assert_string_equal(b->class_name, "3班");
    assert_string_equal(b->student_no, "2015000102");
    assert_int_equal(b->nguardians, 1); /* 王强 is not a guardian */
    assert_string_equal(b->guardians[0].name, "赵敏");
    assert_string_equal(b->guardians[0].phone, "19912345678");
    assert_int_equal(b->guardians[0].member, 2);

    /* 3班 of grade 1 and 3班 of grade 2 are two classes */
    assert_int_equal(ro->nclasses, 2);
    assert_int_equal(ro->classes[0].grade, 1);
    assert_string_equal(ro->classes[0].name, "3班");
    assert_int_equal(ro->classes[1].grade, 2);
    assert_int_equal(a->class_index, 0);
    assert_int_equal(b->class_index, 1);
    roster_free(ro);
}

static void test_roster_map_students__ignores_other_registry_columns(void **state)
{
    (void)state;
    roster *ro = map_csv("学籍接续标识,学校标识码,姓名,性别,出生日期,身份证件类型,身份证件号,"
                         "是否留守儿童,年级,班级号,入学年月,联系电话,学籍辅号,班内学号,"
                         "成员1姓名,成员1关系,成员1关系说明,成员1现住址,成员1联系电话,"
                         "成员1是否监护人,成员1民族,成员1工作单位\n"
                         "X,2111000001,刘洋,男,20150901,1," S1 ",2,11,1,201509,not a phone,"
                         "L001,7,刘军,父亲,亲生,北京市,13600000000,是,汉族,某公司\n");
    expect_no_errors(ro);
    assert_int_equal(ro->nstudents, 1);
    assert_string_equal(ro->students[0].student_no, "L001");
    assert_int_equal(ro->students[0].grade, 1);
    assert_string_equal(ro->students[0].guardians[0].phone, "13600000000");
    assert_string_equal(ro->students[0].guardians[0].relation, "父亲");
    roster_free(ro);
}

static void test_roster_map_students__aliases(void **state)
{
    (void)state;
    roster *ro = map_csv("学生姓名,身份证类型,身份证号,年级名称,班级,全国学籍号,"
                         "家庭成员1姓名,家庭成员1关系,家庭成员1手机号,家庭成员1是否监护人,"
                         "家庭成员1证件类型,家庭成员1证件号码\n"
                         "周杰,居民身份证," S3 ",初二,2,G" S3 ",周父,父亲,15000000000,是,"
                         "身份证," P3 "\n");
    expect_no_errors(ro);
    assert_int_equal(ro->nstudents, 1);
    const roster_student *s = &ro->students[0];
    assert_string_equal(s->name, "周杰");
    assert_string_equal(s->id_no, S3);
    assert_int_equal(s->grade, 8);
    assert_string_equal(s->class_name, "2班");
    assert_string_equal(s->student_no, "G" S3);
    assert_string_equal(s->guardians[0].phone, "15000000000");
    assert_string_equal(s->guardians[0].id_no, P3);
    roster_free(ro);

    /* the other aliases of each column */
    static const char *const headers[] = {
        "姓名,年级,班号,学籍号,成员1联系电话,成员1是否监护人\n",
        "姓名,年级,班级名称,省学籍号,成员1手机,成员1是否监护人\n",
        "姓名,年级,行政班,省学籍辅号,成员1手机号码,成员1是否监护人\n",
        "姓名,年级,班级号,学籍辅号,成员1电话,成员1是否监护人\n",
        "姓名,年级,班级号,学籍辅号,成员1家长电话,成员1是否监护人\n",
        "姓名,年级,班级号,学籍辅号,成员2移动电话,成员2是否监护人\n",
    };
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        char csv[512];
        snprintf(csv, sizeof csv, "%s甲,三年级,4,X1,13800000000,是\n", headers[i]);
        ro = map_csv(csv);
        expect_no_errors(ro);
        assert_int_equal(ro->nstudents, 1);
        assert_string_equal(ro->students[0].class_name, "4班");
        assert_string_equal(ro->students[0].student_no, "X1");
        assert_string_equal(ro->students[0].guardians[0].phone, "13800000000");
        roster_free(ro);
    }
}

static void test_roster_map_students__canonical_name_beats_alias(void **state)
{
    (void)state;
    /* 全国学籍号 comes first, but 学籍辅号 is the canonical column */
    roster *ro = map_csv("全国学籍号,姓名,年级,班级号,学籍辅号,成员1联系电话,成员1是否监护人\n"
                         "G123,甲,一年级,1,FZ-1,13800000000,是\n");
    expect_no_errors(ro);
    assert_string_equal(ro->students[0].student_no, "FZ-1");
    roster_free(ro);

    /* two columns with the same name: the leftmost wins */
    ro = map_csv("姓名,年级,班级号,学籍辅号,姓名,成员1联系电话,成员1是否监护人\n"
                 "甲,一年级,1,A1,乙,13800000000,是\n");
    expect_no_errors(ro);
    assert_string_equal(ro->students[0].name, "甲");
    roster_free(ro);
}

static void test_roster_map_students__header_decorations(void **state)
{
    (void)state;
    roster *ro = map_csv("*姓名,年级(必填),班级号（数字）, 学籍辅号 ,成员1 - 联系电话,"
                         "成员1_是否监护人：\n"
                         "甲,一年级,1,A1,13800000000,是\n");
    expect_no_errors(ro);
    assert_int_equal(ro->nstudents, 1);
    roster_free(ro);
}

static void test_roster_map_students__title_rows_above_header(void **state)
{
    (void)state;
    roster *ro = map_csv("某某小学2024级学生花名册\n\n"
                         "姓名,年级,班级号,学籍辅号,成员1联系电话,成员1是否监护人\n"
                         "甲,一年级,1,A1,13800000000,是\n"
                         "乙,一年级,1,A2,12800000000,是\n");
    assert_int_equal(ro->header_row, 3);
    expect_only_error(ro, 5, "成员1联系电话", "手机号码格式错误");
    assert_int_equal(ro->nstudents, 1);
    assert_int_equal(ro->students[0].row, 4);
    roster_free(ro);
}

static void test_roster_map_students__blank_rows_skipped_row_numbers_kept(void **state)
{
    (void)state;
    roster *ro = map_csv(H ROW("甲", "A1") "\n,,, ,\n" ROW("乙", "A2"));
    expect_no_errors(ro);
    assert_int_equal(ro->nstudents, 2);
    assert_int_equal(ro->students[0].row, 2);
    assert_int_equal(ro->students[1].row, 5);
    roster_free(ro);
}

static void test_roster_map_students__values_trimmed(void **state)
{
    (void)state;
    roster *ro = map_csv("姓名,年级,班级号,学籍辅号,成员1联系电话,成员1是否监护人\n"
                         " 甲\xE3\x80\x80, 一年级 ,\t03 , A1 , 13800000000 , 是 \n");
    expect_no_errors(ro);
    assert_string_equal(ro->students[0].name, "甲");
    assert_string_equal(ro->students[0].class_name, "3班");
    assert_string_equal(ro->students[0].student_no, "A1");
    roster_free(ro);
}

static void test_roster_map_students__class_names(void **state)
{
    (void)state;
    roster *ro = map_csv("姓名,年级,班级号,学籍辅号,成员1联系电话,成员1是否监护人\n"
                         "a,一年级,3,A1,13800000000,是\n"
                         "b,一年级,03,A2,13800000000,是\n"
                         "c,一年级,3班,A3,13800000000,是\n"
                         "d,一年级,(2)班,A4,13800000000,是\n"
                         "e,一年级,0,A5,13800000000,是\n"
                         "f,二年级,3,A6,13800000000,是\n");
    expect_no_errors(ro);
    assert_string_equal(ro->students[0].class_name, "3班");
    assert_string_equal(ro->students[1].class_name, "3班");
    assert_string_equal(ro->students[2].class_name, "3班");
    assert_string_equal(ro->students[3].class_name, "(2)班");
    assert_string_equal(ro->students[4].class_name, "0班");
    assert_int_equal(ro->nclasses, 4);
    assert_int_equal(ro->classes[0].nstudents, 3);
    assert_string_equal(ro->classes[1].name, "(2)班");
    assert_int_equal(ro->classes[3].grade, 2);
    assert_int_equal(ro->students[5].class_index, 3);
    roster_free(ro);
}

static void test_roster_map_students__grade_forms(void **state)
{
    (void)state;
    roster *ro = map_csv("姓名,年级,班级号,学籍辅号,成员1联系电话,成员1是否监护人\n"
                         "a,一年级,1,A1,13800000000,是\n"
                         "b,16,1,A2,13800000000,是\n"
                         "c,21,1,A3,13800000000,是\n"
                         "d,初三,1,A4,13800000000,是\n"
                         "e,初中二年级,1,A5,13800000000,是\n"
                         "f,5,1,A6,13800000000,是\n"
                         "g,高一,1,A7,13800000000,是\n");
    expect_only_error(ro, 8, "年级", "无法识别的年级");
    assert_int_equal(ro->nstudents, 6);
    static const int want[] = {1, 6, 7, 9, 8, 5};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(ro->students[i].grade, want[i]);
    roster_free(ro);
}

/* ---- students: errors ---- */

static void test_roster_map_students__bad_check_digit_row_37(void **state)
{
    (void)state;
    buf b = {0};
    buf_add(&b, "%s",
            "姓名,身份证件类型,身份证件号,年级,班级号,学籍辅号,成员1联系电话,"
            "成员1是否监护人\n");
    for (int row = 2; row <= 36; row++)
        buf_add(&b, "学生%d,,,一年级,1,N%d,13800000000,是\n", row, row);
    buf_add(&b, "%s", "学生37,1,110105201509010135,一年级,1,N37,13800000000,是\n");
    buf_add(&b, "%s", "学生38,,,一年级,1,N38,13800000000,是\n");
    roster *ro = map_csv(b.s);
    free(b.s);
    expect_only_error(ro, 37, "身份证件号", "校验位错误");
    assert_string_equal(ro->errors[0].message_en, "has a wrong check digit");
    assert_int_equal(ro->nstudents, 36); /* row 37 left out */
    assert_int_equal(ro->students[35].row, 38);
    roster_free(ro);
}

static void test_roster_map_students__error_column_is_the_files_header(void **state)
{
    (void)state;
    roster *ro = map_csv("学生姓名,身份证号,年级,班级,学籍号,家庭成员1手机号,家庭成员1是否监护人\n"
                         "甲,110105201509010135,一年级,1,A1,1380000000,是\n");
    assert_int_equal(ro->nerrors, 2);
    expect_error(ro, 0, 2, "身份证号", "校验位错误");
    expect_error(ro, 1, 2, "家庭成员1手机号", "手机号码格式错误");
    assert_int_equal(ro->nstudents, 0);
    roster_free(ro);
}

static void test_roster_map_students__id_number_errors(void **state)
{
    (void)state;
    roster *ro = map_csv("姓名,身份证件类型,身份证件号,年级,班级号,学籍辅号,成员1联系电话,"
                         "成员1是否监护人\n"
                         "a,1,11010520150901013,一年级,1,A1,13800000000,是\n"
                         "b,1,1101052015090101X4,一年级,1,A2,13800000000,是\n"
                         "c,1,110105201502300130,一年级,1,A3,13800000000,是\n"
                         "d,1,110105201509010135,一年级,1,A4,13800000000,是\n"
                         "e,1," S1 ",一年级,1,A5,13800000000,是\n");
    assert_int_equal(ro->nerrors_total, 4);
    expect_error(ro, 0, 2, "身份证件号", "长度应为 18 位");
    expect_error(ro, 1, 3, "身份证件号", "格式错误");
    expect_error(ro, 2, 4, "身份证件号", "出生日期无效");
    expect_error(ro, 3, 5, "身份证件号", "校验位错误");
    assert_int_equal(ro->nstudents, 1);
    roster_free(ro);
}

static void test_roster_map_students__lowercase_x_normalised(void **state)
{
    (void)state;
    roster *ro = map_csv("姓名,身份证件号,年级,班级号,学籍辅号,成员1联系电话,成员1是否监护人,"
                         "成员1身份证件号\n"
                         "a,11010519800808072x,一年级,1,A1,13800000000,是,11010519800808072x\n");
    expect_no_errors(ro);
    assert_int_equal(ro->students[0].id_type, IDENT_IDTYPE_CN_ID); /* empty type: 居民身份证 */
    assert_string_equal(ro->students[0].id_no, P3);
    assert_string_equal(ro->students[0].guardians[0].id_no, P3);
    roster_free(ro);
}

static void test_roster_map_students__other_id_types_not_checked(void **state)
{
    (void)state;
    roster *ro = map_csv("姓名,身份证件类型,身份证件号,年级,班级号,学籍辅号,成员1联系电话,"
                         "成员1是否监护人\n"
                         "a,A,E12345678,一年级,1,A1,13800000000,是\n"
                         "b,香港特区护照/身份证明,H1234567(8),一年级,1,A2,13800000000,是\n"
                         "c,6,123456789012345678901234567890123,一年级,1,A3,13800000000,是\n"
                         "d,驾驶证,123,一年级,1,A4,13800000000,是\n"
                         "e,1,,一年级,1,A5,13800000000,是\n");
    assert_int_equal(ro->nerrors_total, 2);
    expect_error(ro, 0, 4, "身份证件号", "超过 32 个字符");
    expect_error(ro, 1, 5, "身份证件类型", "无法识别的证件类型");
    assert_int_equal(ro->nstudents, 3);
    assert_int_equal(ro->students[0].id_type, IDENT_IDTYPE_PASSPORT);
    assert_string_equal(ro->students[0].id_no, "E12345678");
    assert_int_equal(ro->students[0].gender, 0);
    assert_int_equal(ro->students[1].id_type, IDENT_IDTYPE_HK);
    assert_int_equal(ro->students[2].id_type, IDENT_IDTYPE_CN_ID); /* type without number */
    assert_string_equal(ro->students[2].id_no, "");
    roster_free(ro);
}

static void test_roster_map_students__required_fields(void **state)
{
    (void)state;
    roster *ro = map_csv("姓名,年级,班级号,学籍辅号,成员1联系电话,成员1是否监护人\n"
                         ",,,,13800000000,是\n");
    assert_int_equal(ro->nerrors_total, 4);
    expect_error(ro, 0, 2, "姓名", "不能为空");
    expect_error(ro, 1, 2, "年级", "不能为空");
    expect_error(ro, 2, 2, "班级号", "不能为空");
    expect_error(ro, 3, 2, "学籍辅号", "不能为空");
    assert_int_equal(ro->nstudents, 0);
    roster_free(ro);
}

static void test_roster_map_students__name_length_limit(void **state)
{
    (void)state;
    char name50[50 * 3 + 1] = "", name51[51 * 3 + 1] = "";
    for (int i = 0; i < 50; i++)
        memcpy(name50 + i * 3, "名", 3);
    name50[150] = '\0';
    memcpy(name51, name50, 150);
    memcpy(name51 + 150, "名", 4);
    char csv[1024];
    snprintf(csv, sizeof csv,
             "姓名,年级,班级号,学籍辅号,成员1联系电话,成员1是否监护人\n"
             "%s,一年级,1,A1,13800000000,是\n%s,一年级,1,A2,13800000000,是\n",
             name50, name51);
    roster *ro = map_csv(csv);
    expect_only_error(ro, 3, "姓名", "超过 50 个字符");
    assert_string_equal(ro->errors[0].message_en, "is longer than 50 characters");
    assert_int_equal(ro->nstudents, 1);
    assert_string_equal(ro->students[0].name, name50);
    roster_free(ro);
}

static void test_roster_map_students__control_characters_and_spaces(void **state)
{
    (void)state;
    roster *ro = map_csv("姓名,年级,班级号,学籍辅号,成员1联系电话,成员1是否监护人\n"
                         "\"张\n三\",一年级,1,A1,13800000000,是\n"
                         "李四,一年级,1,A 2,13800000000,是\n");
    assert_int_equal(ro->nerrors_total, 2);
    expect_error(ro, 0, 2, "姓名", "含有不可见的控制字符");
    expect_error(ro, 1, 3, "学籍辅号", "不能含有空格");
    roster_free(ro);
}

static void test_roster_map_students__gender(void **state)
{
    (void)state;
    roster *ro = map_csv("姓名,性别,身份证件号,年级,班级号,学籍辅号,成员1联系电话,成员1是否监护人\n"
                         "a,男,,一年级,1,A1,13800000000,是\n"
                         "b,女,,一年级,1,A2,13800000000,是\n"
                         "c,1,,一年级,1,A3,13800000000,是\n"
                         "d,2,,一年级,1,A4,13800000000,是\n"
                         "e,,,一年级,1,A5,13800000000,是\n"
                         "f,," S3 ",一年级,1,A6,13800000000,是\n"
                         "g,未知,,一年级,1,A7,13800000000,是\n");
    expect_only_error(ro, 8, "性别", "应为 男 或 女");
    static const int want[] = {1, 2, 1, 2, 0, 1};
    assert_int_equal(ro->nstudents, 6);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(ro->students[i].gender, want[i]);
    roster_free(ro);
}

static void test_roster_map_students__duplicate_student_no_names_first_row(void **state)
{
    (void)state;
    roster *ro = map_csv(H ROW("甲", "A1") ROW("乙", "A2") ROW("丙", "A3") ROW("丁", "A1")
                             ROW("戊", "A2") ROW("己", "a1"));
    assert_int_equal(ro->nerrors_total, 2);
    expect_error(ro, 0, 5, "学籍辅号", "与第 2 行重复");
    expect_error(ro, 1, 6, "学籍辅号", "与第 3 行重复");
    assert_string_equal(ro->errors[0].message_en, "duplicates row 2");
    assert_int_equal(ro->nstudents, 4); /* "a1" is another number: kept as written */
    roster_free(ro);
}

static void test_roster_map_students__duplicate_id_number(void **state)
{
    (void)state;
    roster *ro = map_csv("姓名,身份证件号,年级,班级号,学籍辅号,成员1联系电话,成员1是否监护人\n"
                         "a," S1 ",一年级,1,A1,13800000000,是\n"
                         "b," S2 ",一年级,1,A2,13800000000,是\n"
                         "c," S1 ",一年级,1,A3,13800000000,是\n");
    expect_only_error(ro, 4, "身份证件号", "与第 2 行重复");
    assert_int_equal(ro->nstudents, 2);
    roster_free(ro);
}

static void test_roster_map_students__guardian_flag_values(void **state)
{
    (void)state;
    static const struct {
        const char *flag;
        int guardian; /* 1 yes, 0 no, -1 error */
    } cases[] = {
        {"是", 1},    {"1", 1}, {"Y", 1},  {"y", 1},     {"yes", 1},   {"TRUE", 1},
        {"true", 1},  {"√", 1}, {"否", 0}, {"0", 0},     {"N", 0},     {"no", 0},
        {"FALSE", 0}, {"", 0},  {"×", 0},  {"可能", -1}, {"是的", -1}, {"2", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char csv[512];
        snprintf(csv, sizeof csv,
                 "姓名,年级,班级号,学籍辅号,成员1姓名,成员1联系电话,成员1是否监护人,"
                 "成员2姓名,成员2联系电话,成员2是否监护人\n"
                 "甲,一年级,1,A1,父,13800000001,%s,母,13800000002,是\n",
                 cases[i].flag);
        roster *ro = map_csv(csv);
        if (cases[i].guardian < 0) {
            expect_only_error(ro, 2, "成员1是否监护人", "应为 是 或 否");
        } else {
            expect_no_errors(ro);
            assert_int_equal(ro->students[0].nguardians, 1 + (size_t)cases[i].guardian);
            assert_string_equal(ro->students[0].guardians[0].name, cases[i].guardian ? "父" : "母");
        }
        roster_free(ro);
    }
}

static void test_roster_map_students__no_guardian_with_phone(void **state)
{
    (void)state;
    roster *ro = map_csv(H
                         /* nobody is a guardian */
                         "a,,,,一年级,1,A1,父,父亲,13800000000,否,,,母,母亲,13900000000,否\n"
                         /* the guardian has no phone */
                         "b,,,,一年级,1,A2,父,父亲,,是,,,,,,\n"
                         /* the phone belongs to a non-guardian */
                         "c,,,,一年级,1,A3,父,父亲,,是,,,母,母亲,13900000000,\n"
                         /* fine: guardian 2 has the phone, guardian 1 has none */
                         "d,,,,一年级,1,A4,父,父亲,,是,,,母,母亲,13900000000,是\n");
    assert_int_equal(ro->nerrors_total, 3);
    expect_error(ro, 0, 2, "成员1联系电话", "无监护人联系电话");
    expect_error(ro, 1, 3, "成员1联系电话", "无监护人联系电话");
    expect_error(ro, 2, 4, "成员1联系电话", "无监护人联系电话");
    assert_string_equal(ro->errors[0].message_en, "no guardian with a phone number");
    assert_int_equal(ro->nstudents, 1);
    assert_int_equal(ro->students[0].nguardians, 1); /* 父 without a phone is left out */
    assert_string_equal(ro->students[0].guardians[0].name, "母");
    roster_free(ro);
}

static void test_roster_map_students__guardian_phones(void **state)
{
    (void)state;
    static const struct {
        const char *phone;
        const char *want; /* NULL: refused */
    } cases[] = {
        {"13812345678", "13812345678"},
        {"+86 138-1234-5678", "13812345678"},
        {"0086 13812345678", "13812345678"},
        {"16612345678", "16612345678"},
        {"19912345678", "19912345678"},
        {"12812345678", NULL},
        {"1381234567", NULL},
        {"010-12345678", NULL},
        {"138123456789", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char csv[512];
        snprintf(csv, sizeof csv,
                 "姓名,年级,班级号,学籍辅号,成员1联系电话,成员1是否监护人\n甲,一年级,1,A1,%s,是\n",
                 cases[i].phone);
        roster *ro = map_csv(csv);
        if (cases[i].want) {
            expect_no_errors(ro);
            assert_string_equal(ro->students[0].guardians[0].phone, cases[i].want);
        } else {
            /* the phone error alone: no "无监护人联系电话" on top */
            expect_only_error(ro, 2, "成员1联系电话", "手机号码格式错误");
        }
        roster_free(ro);
    }
}

static void test_roster_map_students__guardian_fields_checked(void **state)
{
    (void)state;
    roster *ro = map_csv(H
                         /* guardian without a name */
                         "a,,,,一年级,1,A1,,父亲,13800000000,是,,,,,,\n"
                         /* guardian with a bad ID */
                         "b,,,,一年级,1,A2,父,父亲,13800000000,是,1,110105198501011235,,,,\n"
                         /* non-guardians are not checked */
                         "c,,,,一年级,1,A3,父,父亲,13800000000,是,,,母,,bad,否\n");
    assert_int_equal(ro->nerrors_total, 2);
    expect_error(ro, 0, 2, "成员1姓名", "不能为空");
    expect_error(ro, 1, 3, "成员1身份证件号", "校验位错误");
    assert_int_equal(ro->nstudents, 1);
    assert_int_equal(ro->students[0].row, 4);
    roster_free(ro);
}

static void test_roster_map_students__guardian_columns_without_member_number(void **state)
{
    (void)state;
    roster *ro = map_csv("姓名,年级,班级号,学籍辅号,家长姓名,家长电话,监护人身份证号\n"
                         "甲,一年级,1,A1,甲父,13800000000," P1 "\n"
                         "乙,一年级,1,A2,,,\n");
    expect_only_error(ro, 3, "家长电话", "无监护人联系电话");
    assert_int_equal(ro->nstudents, 1);
    const roster_guardian *g = &ro->students[0].guardians[0];
    assert_int_equal(g->member, 0);
    assert_string_equal(g->name, "甲父");
    assert_string_equal(g->phone, "13800000000");
    assert_string_equal(g->id_no, P1);
    assert_int_equal(g->id_type, IDENT_IDTYPE_CN_ID);
    roster_free(ro);
}

static void test_roster_map_students__missing_required_columns(void **state)
{
    (void)state;
    roster *ro = map_csv("姓名,性别,成员1联系电话,成员1是否监护人\n甲,男,13800000000,是\n");
    assert_int_equal(ro->nerrors_total, 3);
    expect_error(ro, 0, 1, "年级", "缺少必填列");
    expect_error(ro, 1, 1, "班级号", "缺少必填列");
    expect_error(ro, 2, 1, "学籍辅号", "缺少必填列");
    assert_string_equal(ro->errors[0].message_en, "required column is missing");
    assert_int_equal(ro->nstudents, 0);
    roster_free(ro);
}

static void test_roster_map_students__missing_guardian_columns(void **state)
{
    (void)state;
    roster *ro =
        map_csv("姓名,年级,班级号,学籍辅号,成员1姓名,成员1联系电话\n甲,一年级,1,A1,父,1\n");
    expect_only_error(ro, 1, "成员1是否监护人", "缺少必填列");
    roster_free(ro);

    ro = map_csv("姓名,年级,班级号,学籍辅号,联系电话\n甲,一年级,1,A1,13800000000\n");
    expect_only_error(ro, 1, "成员1联系电话", "缺少必填列");
    roster_free(ro);
}

static void test_roster_map_students__empty_file_and_header_only(void **state)
{
    (void)state;
    roster *ro = map_csv("");
    expect_only_error(ro, 1, "", "文件为空");
    assert_int_equal(ro->header_row, 0);
    roster_free(ro);

    ro = map_csv(H "\n,,,\n");
    expect_only_error(ro, 2, "", "文件中没有数据行");
    roster_free(ro);
}

static void test_roster_map_students__errors_capped_and_counted(void **state)
{
    (void)state;
    buf b = {0};
    buf_add(&b, "%s", "姓名,年级,班级号,学籍辅号,成员1联系电话,成员1是否监护人\n");
    for (int i = 0; i < 1200; i++)
        buf_add(&b, "甲,十年级,1,A%d,13800000000,是\n", i);
    roster *ro = map_csv(b.s);
    free(b.s);
    assert_int_equal(ro->nerrors, ROSTER_MAX_ERRORS);
    assert_int_equal(ro->nerrors_total, 1200);
    assert_int_equal(ro->errors[ROSTER_MAX_ERRORS - 1].row, ROSTER_MAX_ERRORS + 1);
    assert_int_equal(ro->nstudents, 0);
    roster_free(ro);
}

static void fill_registry(lxw_workbook *wb)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    static const char *const head[] = {"姓名",      "身份证件类型",  "身份证件号",
                                       "年级",      "班级号",        "学籍辅号",
                                       "成员1姓名", "成员1联系电话", "成员1是否监护人"};
    for (lxw_col_t c = 0; c < sizeof head / sizeof head[0]; c++)
        worksheet_write_string(ws, 0, c, head[c], NULL);
    worksheet_write_string(ws, 1, 0, "陈晨", NULL);
    worksheet_write_number(ws, 1, 1, 1, NULL);
    worksheet_write_string(ws, 1, 2, S4, NULL);
    worksheet_write_number(ws, 1, 3, 12, NULL);       /* grade code: 二年级 */
    worksheet_write_number(ws, 1, 4, 5, NULL);        /* 班级号 as a number */
    worksheet_write_number(ws, 1, 5, 20170620, NULL); /* 学籍辅号 as a number */
    worksheet_write_string(ws, 1, 6, "陈父", NULL);
    worksheet_write_number(ws, 1, 7, 13912345678.0, NULL);
    worksheet_write_boolean(ws, 1, 8, 1, NULL);
}

static void test_roster_map_students__from_xlsx_numbers(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "%s", "/tmp/sj_test_roster_XXXXXX.xlsx");
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    fill_registry(wb);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char data[65536];
    size_t n = fread(data, 1, sizeof data, f);
    fclose(f);
    unlink(path);
    assert_true(n > 0 && n < sizeof data);

    roster *ro = map_bytes(data, n, false);
    expect_no_errors(ro);
    const roster_student *s = &ro->students[0];
    assert_string_equal(s->name, "陈晨");
    assert_string_equal(s->id_no, S4);
    assert_int_equal(s->gender, 2);
    assert_int_equal(s->grade, 2);
    assert_string_equal(s->class_name, "5班");
    assert_string_equal(s->student_no, "20170620");
    assert_string_equal(s->guardians[0].phone, "13912345678");
    roster_free(ro);
}

/* ---- teachers ---- */

#define TH "工号,姓名,手机,任教学科,任教班级,任教年级,职称,教师资格证书编号\n"

static void test_roster_map_teachers__registry_of_staff(void **state)
{
    (void)state;
    roster *ro = map_teachers_csv(TH "T001,王老师,138-0000-0001,语文,一年级1班,一年级,一级教师,"
                                     "20154403021000123\n"
                                     ",李老师,13800000002,,,,,\n");
    expect_no_errors(ro);
    assert_int_equal(ro->nteachers, 2);
    const roster_teacher *t = &ro->teachers[0];
    assert_int_equal(t->row, 2);
    assert_string_equal(t->staff_no, "T001");
    assert_string_equal(t->name, "王老师");
    assert_string_equal(t->phone, "13800000001");
    assert_string_equal(t->subjects, "语文");
    assert_string_equal(t->classes, "一年级1班");
    assert_int_equal(t->grade, 1);
    assert_string_equal(t->title, "一级教师");
    assert_string_equal(t->cert_no, "20154403021000123");
    assert_int_equal(t->cert_type, 2);
    assert_string_equal(ro->teachers[1].staff_no, "");
    assert_string_equal(ro->teachers[1].cert_no, "");
    assert_int_equal(ro->teachers[1].grade, 0);
    assert_int_equal(ro->nstudents, 0);
    roster_free(ro);
}

static void test_roster_map_teachers__aliases(void **state)
{
    (void)state;
    roster *ro = map_teachers_csv("教职工编号,教师姓名,手机号码,任教科目,教师资格证编号\n"
                                  "E9,赵老师,13800000009,数学,199844030000123\n");
    expect_no_errors(ro);
    assert_string_equal(ro->teachers[0].staff_no, "E9");
    assert_string_equal(ro->teachers[0].subjects, "数学");
    assert_int_equal(ro->teachers[0].cert_type, 0);
    roster_free(ro);

    static const char *const heads[] = {"教师编号,姓名,手机号,主教课程\n",
                                        "职工号,姓名,联系电话,任教学科\n",
                                        "工号,姓名,移动电话,任教学科\n"};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        char csv[256];
        snprintf(csv, sizeof csv, "%sX1,钱老师,13800000003,英语\n", heads[i]);
        ro = map_teachers_csv(csv);
        expect_no_errors(ro);
        assert_string_equal(ro->teachers[0].staff_no, "X1");
        assert_string_equal(ro->teachers[0].phone, "13800000003");
        assert_string_equal(ro->teachers[0].subjects, "英语");
        roster_free(ro);
    }
}

static void test_roster_map_teachers__errors(void **state)
{
    (void)state;
    roster *ro = map_teachers_csv(TH "T1,甲,13800000001,,,,,\n"
                                     "T2,乙,13800000001,,,,,\n"     /* same phone */
                                     "T1,丙,13800000003,,,,,\n"     /* same 工号 */
                                     "T4,丁,12800000004,,,,,\n"     /* bad phone */
                                     "T5,,13800000005,,,,,\n"       /* no name */
                                     "T6,戊,13800000006,,,,,2015\n" /* bad certificate */
                                     "T7,己,13800000007,,,初二,,20154403021000123\n" /* 小学 */
                                     "T8,庚,,,,,,\n");
    assert_int_equal(ro->nerrors_total, 7);
    expect_error(ro, 0, 3, "手机", "与第 2 行重复");
    expect_error(ro, 1, 4, "工号", "与第 2 行重复");
    expect_error(ro, 2, 5, "手机", "手机号码格式错误");
    expect_error(ro, 3, 6, "姓名", "不能为空");
    expect_error(ro, 4, 7, "教师资格证书编号", "教师资格证书编号格式错误(应为 17 位或 15 位数字)");
    expect_error(ro, 5, 8, "教师资格证书编号", "教师资格证书类型与任教年级不符");
    expect_error(ro, 6, 9, "手机", "不能为空");
    assert_int_equal(ro->nteachers, 1);
    roster_free(ro);
}

static void test_roster_map_teachers__missing_columns(void **state)
{
    (void)state;
    roster *ro = map_teachers_csv("工号,任教学科\nT1,语文\n");
    assert_int_equal(ro->nerrors_total, 2);
    expect_error(ro, 0, 1, "姓名", "缺少必填列");
    expect_error(ro, 1, 1, "手机", "缺少必填列");
    roster_free(ro);
}

static void test_roster_free__null(void **state)
{
    (void)state;
    roster_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roster_map_students__registry_columns),
        cmocka_unit_test(test_roster_map_students__ignores_other_registry_columns),
        cmocka_unit_test(test_roster_map_students__aliases),
        cmocka_unit_test(test_roster_map_students__canonical_name_beats_alias),
        cmocka_unit_test(test_roster_map_students__header_decorations),
        cmocka_unit_test(test_roster_map_students__title_rows_above_header),
        cmocka_unit_test(test_roster_map_students__blank_rows_skipped_row_numbers_kept),
        cmocka_unit_test(test_roster_map_students__values_trimmed),
        cmocka_unit_test(test_roster_map_students__class_names),
        cmocka_unit_test(test_roster_map_students__grade_forms),
        cmocka_unit_test(test_roster_map_students__bad_check_digit_row_37),
        cmocka_unit_test(test_roster_map_students__error_column_is_the_files_header),
        cmocka_unit_test(test_roster_map_students__id_number_errors),
        cmocka_unit_test(test_roster_map_students__lowercase_x_normalised),
        cmocka_unit_test(test_roster_map_students__other_id_types_not_checked),
        cmocka_unit_test(test_roster_map_students__required_fields),
        cmocka_unit_test(test_roster_map_students__name_length_limit),
        cmocka_unit_test(test_roster_map_students__control_characters_and_spaces),
        cmocka_unit_test(test_roster_map_students__gender),
        cmocka_unit_test(test_roster_map_students__duplicate_student_no_names_first_row),
        cmocka_unit_test(test_roster_map_students__duplicate_id_number),
        cmocka_unit_test(test_roster_map_students__guardian_flag_values),
        cmocka_unit_test(test_roster_map_students__no_guardian_with_phone),
        cmocka_unit_test(test_roster_map_students__guardian_phones),
        cmocka_unit_test(test_roster_map_students__guardian_fields_checked),
        cmocka_unit_test(test_roster_map_students__guardian_columns_without_member_number),
        cmocka_unit_test(test_roster_map_students__missing_required_columns),
        cmocka_unit_test(test_roster_map_students__missing_guardian_columns),
        cmocka_unit_test(test_roster_map_students__empty_file_and_header_only),
        cmocka_unit_test(test_roster_map_students__errors_capped_and_counted),
        cmocka_unit_test(test_roster_map_students__from_xlsx_numbers),
        cmocka_unit_test(test_roster_map_teachers__registry_of_staff),
        cmocka_unit_test(test_roster_map_teachers__aliases),
        cmocka_unit_test(test_roster_map_teachers__errors),
        cmocka_unit_test(test_roster_map_teachers__missing_columns),
        cmocka_unit_test(test_roster_free__null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
