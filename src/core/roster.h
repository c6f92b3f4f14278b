/*
 * roster.h: turns a spreadsheet (sheet.h) into a checked roster for one school. Pure: no
 * database, no I/O, no clock. The HTTP handler reads the upload with sheet_read, maps it here,
 * and stores the result in one transaction only when nerrors == 0.
 *
 * API:
 *   roster_map_students(sh, &ro)   the national student registry export (FORMATS.md) or a
 *                                  school's own sheet with the same headers or their aliases
 *   roster_map_teachers(sh, &ro)   a teacher roster (FORMATS.md, "Teacher rosters")
 *   roster_free(ro)
 *
 * Headers: the header row is the first of the first ten rows that names 姓名 and one other
 * known column (title rows above it are skipped); normally it is row 1. Header cells are
 * compared with spaces, '*' marks, a trailing "(...)" note and -_: separators removed, so
 * "*姓名", "姓名(必填)" and "成员1 - 联系电话" are all recognised. Unknown columns are ignored.
 * When two columns mean the same field, the canonical name beats an alias, then the leftmost
 * wins.
 *
 * Student columns (canonical name first, then aliases):
 *   姓名 学生姓名 | 性别 | 身份证件类型 身份证类型 证件类型 | 身份证件号 身份证号 证件号 证件号码 |
 *   年级 年级名称 | 班级号 班级 班号 班级名称 行政班 | 学籍辅号 全国学籍号 学籍号 省学籍号
 * 省学籍辅号 (a "学生" prefix is also accepted: 学生身份证号). Required: 姓名, 年级, 班级号,
 * 学籍辅号. Family members: 成员N… or 家庭成员N… (N = 1..4) followed by 姓名, 关系, 联系电话 (手机,
 * 手机号, 手机号码, 电话, 家长电话), 是否监护人, 身份证件类型, 身份证件号 and their aliases.
 * Columns prefixed 监护人… or 家长… (家长姓名, 家长电话, 监护人手机号) form block 0, whose member
 * is a guardian without a 是否监护人 column.
 *
 * Checks, each reported as {row, column, message}: required fields present; 姓名 ≤ 50
 * characters; 年级 recognised (ident_grade_parse); 身份证件类型 recognised; 身份证件号 valid
 * when the type is 居民身份证 (an empty type with a number is taken as 居民身份证), ≤ 32
 * characters otherwise; 性别 男/女/1/2 when given; 学籍辅号 and 身份证件号 unique in the file
 * (the later row is reported, naming the first); for guardians: 是否监护人 readable, 姓名
 * present, phone valid when given, 身份证件号 as above; and each student has at least one
 * guardian with a valid phone ("无监护人联系电话").
 *
 * Ownership: roster_map_* allocate one roster; every array and string in it is owned by it and
 * lives until roster_free. Iterate with plain indices:
 *     for (size_t i = 0; i < ro->nstudents; i++)
 *         for (size_t g = 0; g < ro->students[i].nguardians; g++) ... ro->students[i].guardians[g]
 */
#ifndef SJ_ROSTER_H
#define SJ_ROSTER_H

#include <stddef.h>

#include "core/sheet.h"

#define ROSTER_MAX_ERRORS  1000 /* kept; the rest are only counted */
#define ROSTER_MAX_MEMBERS 4    /* 成员1..成员4 */
#define ROSTER_NAME_MAX    50   /* characters */

typedef struct {
    const char *name;
    const char *relation; /* "" when absent */
    const char *phone;    /* 11 digits (ident_phone_normalise) */
    char id_type;         /* IDENT_IDTYPE_* code, or 0 when absent */
    const char *id_no;    /* "" when absent; a 居民身份证号 is normalised (x → X) */
    int member;           /* N of 成员N; 0 for a 监护人…/家长… column block */
} roster_guardian;

typedef struct {
    size_t row; /* row in the file: the header is row 1 */
    const char *name;
    int gender;             /* 1 男, 2 女, 0 unknown (from the column, else from the ID) */
    char id_type;           /* IDENT_IDTYPE_* code, or 0 when absent */
    const char *id_no;      /* "" when absent; a 居民身份证号 is normalised */
    int grade;              /* 1..9 */
    const char *class_name; /* display name: "3" → "3班", "03" → "3班", others kept */
    size_t class_index;     /* into roster.classes */
    const char *student_no; /* 学籍辅号 exactly as written (trimmed) */
    /*
     * The guardians (是否监护人 = 是, or block 0) that have a valid phone, in column order. A
     * guardian without a phone cannot get an account and is left out. The same phone may
     * appear twice (both parents giving one number): link, do not create twice.
     */
    const roster_guardian *guardians;
    size_t nguardians;
} roster_student;

typedef struct {
    int grade;        /* 1..9 */
    const char *name; /* display name, as roster_student.class_name */
    size_t nstudents;
} roster_class;

typedef struct {
    size_t row;         /* 1 = the header row (missing columns, empty file) */
    const char *column; /* the header as written in the file; the canonical name for a
                           missing column; "" when the error is about the whole file */
    const char *message; /* zh-CN, e.g. "校验位错误": show as 第 {row} 行 {column} {message} */
    const char *message_en; /* English */
} roster_error;

typedef struct {
    size_t row;
    const char *staff_no; /* 工号; "" when absent */
    const char *name;
    const char *phone;    /* 11 digits */
    const char *subjects; /* 任教学科 as written; "" when absent */
    const char *classes;  /* 任教班级 as written; "" when absent */
    int grade;            /* 任教年级 parsed, 0 when absent */
    const char *title;    /* 职称; "" when absent */
    const char *cert_no;  /* 教师资格证书编号; "" when absent */
    int cert_type;        /* its type digit (ident_teacher_cert_type); 0 when absent/15-digit */
} roster_teacher;

struct arena;

typedef struct {
    /* roster_map_students: the rows that passed every check (import only if nerrors == 0) */
    roster_student *students;
    size_t nstudents;
    roster_class *classes; /* distinct (grade, class name), in order of first appearance */
    size_t nclasses;
    /* roster_map_teachers */
    roster_teacher *teachers;
    size_t nteachers;
    /* both */
    roster_error *errors; /* in row order, at most ROSTER_MAX_ERRORS */
    size_t nerrors;
    size_t nerrors_total; /* all errors found, >= nerrors */
    size_t header_row;    /* where the header was found (1-based); 0 when not found */
    struct arena *mem_;   /* private: the strings (arena.h) */
} roster;

/*
 * Maps `sh` to students. Returns 0 and a roster in *out (errors inside it), or -1 when memory
 * runs out (nothing in *out).
 */
int roster_map_students(const sheet *sh, roster **out /* OUT: roster_free */);

/*
 * Maps `sh` to teachers. Columns: 工号 (教职工编号 教师编号 职工号), 姓名 (教师姓名), 手机
 * (手机号码 手机号 联系电话 移动电话), 任教学科 (任教科目 主教课程), 任教班级, 任教年级, 职称,
 * 教师资格证书编号 (教师资格证编号 资格证书编号). Required: 姓名, 手机. Checked: phone valid and
 * unique in the file, 工号 unique, certificate number form, and its type against 任教年级.
 */
int roster_map_teachers(const sheet *sh, roster **out /* OUT: roster_free */);

void roster_free(roster *ro);

#endif
