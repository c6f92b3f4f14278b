/*
 * roster.c: spreadsheet → checked student or teacher roster (see roster.h for the contract).
 *
 * DESIGN: a mapping runs in three steps. (1) Find the header row and resolve each field to a
 * column through alias tables (data, not code: add an alias by adding a row). (2) Walk the data
 * rows; every check that fails appends {row, column, message} and the row is left out of the
 * result. (3) Rows that pass are copied into the roster's own memory, so the roster outlives
 * the sheet.
 *
 * Memory: the roster's strings live in `ro->mem_` (core's arena, arena.h, freed at once by
 * roster_free); its arrays are realloc'd. Values read while checking a row live in `scratch`,
 * an arena emptied (arena_reset) before each row. The arenas abort when memory runs out, as
 * every arena of the server does; a failed realloc of an array sets ctx.oom, and the mapping
 * then stops and returns -1 with everything freed.
 *
 * Uniqueness (学籍辅号, 身份证件号, teachers' phones and 工号) and the class list use core's
 * hash map (map.h) from an arena string to the row (or class) that first used it; the entries
 * live in the arena `maps`, freed with the maps when the mapping ends.
 */
#include "core/roster.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/ident.h"
#include "core/map.h"
#include "core/utf8.h"

/* ---- messages: one table, zh-CN and English ---- */

#define ROSTER_MESSAGES(X)                                                                         \
    X(EMPTY, "不能为空", "must not be empty")                                                      \
    X(TOO_LONG, "超过 %zu 个字符", "is longer than %zu characters")                                \
    X(CONTROL, "含有不可见的控制字符", "contains control characters")                              \
    X(SPACES, "不能含有空格", "must not contain spaces")                                           \
    X(GRADE, "无法识别的年级", "is not a grade (一年级…九年级, 初一…初三, 11-16, 21-23)")          \
    X(GENDER, "应为 男 或 女", "must be 男 or 女")                                                 \
    X(ID_TYPE, "无法识别的证件类型", "is not a known ID document type")                            \
    X(ID_LENGTH, "长度应为 18 位", "must be 18 characters long")                                   \
    X(ID_FORM, "格式错误", "must be 17 digits followed by a digit or X")                           \
    X(ID_DATE, "出生日期无效", "holds an invalid date of birth")                                   \
    X(ID_CHECK, "校验位错误", "has a wrong check digit")                                           \
    X(PHONE, "手机号码格式错误", "is not a valid mobile phone number")                             \
    X(YES_NO, "应为 是 或 否", "must be 是 or 否")                                                 \
    X(NO_GUARDIAN, "无监护人联系电话", "no guardian with a phone number")                          \
    X(DUPLICATE, "与第 %zu 行重复", "duplicates row %zu")                                          \
    X(MISSING_COLUMN, "缺少必填列", "required column is missing")                                  \
    X(EMPTY_FILE, "文件为空", "the file is empty")                                                 \
    X(NO_DATA, "文件中没有数据行", "the file has no data rows")                                    \
    X(CERT, "教师资格证书编号格式错误(应为 17 位或 15 位数字)",                                    \
      "is not a teacher certificate number (17 or 15 digits)")                                     \
    X(CERT_GRADE, "教师资格证书类型与任教年级不符",                                                \
      "the certificate type does not allow teaching this grade")

typedef enum {
#define MSG_ENUM(name, zh, en) MSG_##name,
    ROSTER_MESSAGES(MSG_ENUM)
#undef MSG_ENUM
} msg_id;

static const struct {
    const char *zh, *en;
} messages[] = {
#define MSG_ROW(name, zh, en) {zh, en},
    ROSTER_MESSAGES(MSG_ROW)
#undef MSG_ROW
};

/* Field limits, in characters. */
enum {
    CLASS_MAX = 30,
    STUDENT_NO_MAX = 40,
    RELATION_MAX = 20,
    OTHER_ID_MAX = 32,
    TEXT_MAX = 200, /* subjects, classes, title */
    STAFF_NO_MAX = 40,
};

/* ---- the mapping context ---- */

typedef struct {
    const char *key; /* in ro->mem_ */
    size_t val;
    UT_hash_handle hh;
} strmap_entry;

typedef strmap_entry *strmap; /* NULL: empty */

typedef struct {
    const sheet *sh;
    roster *ro;
    arena *scratch;
    arena *maps; /* the strmap entries */
    bool oom;
    size_t errors_cap, students_cap, classes_cap, teachers_cap;
    const char **headers; /* trimmed header texts, in ro->mem_ */
    size_t nheaders;
    strmap seen_a, seen_b, classes;
} ctx;

/* A copy of s that lives as long as the roster. */
static const char *keep_str(ctx *c, const char *s)
{
    return arena_strndup(c->ro->mem_, s, strlen(s));
}

static bool grow(ctx *c, void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *q = n <= SIZE_MAX / elem ? realloc(*p, n * elem) : NULL;
    if (!q) {
        c->oom = true;
        return false;
    }
    *p = q;
    *cap = n;
    return true;
}

/* ---- string maps ---- */

static bool strmap_get(strmap m, const char *key, size_t *val /* OUT */)
{
    strmap_entry *e = NULL;
    HASH_FIND(hh, m, key, strlen(key), e);
    if (e)
        *val = e->val;
    return e != NULL;
}

/* `key` must outlive the map (an arena string). */
static void strmap_put(ctx *c, strmap *m, const char *key, size_t val)
{
    strmap_entry *e = arena_alloc(c->maps, sizeof *e);
    e->key = key;
    e->val = val;
    HASH_ADD_KEYPTR(hh, *m, e->key, strlen(e->key), e);
}

static void strmap_free(strmap *m)
{
    HASH_CLEAR(hh, *m); /* the entries are in c->maps */
}

/* ---- errors ---- */

static void err_add(ctx *c, size_t row, const char *column, msg_id id, size_t arg)
{
    roster *ro = c->ro;
    ro->nerrors_total++;
    if (ro->nerrors >= ROSTER_MAX_ERRORS)
        return;
    if (!grow(c, (void **)&ro->errors, &c->errors_cap, ro->nerrors + 1, sizeof *ro->errors))
        return;
    const char *zh = messages[id].zh, *en = messages[id].en;
    if (strchr(zh, '%')) {
        char bz[160], be[160];
        snprintf(bz, sizeof bz, zh, arg);
        snprintf(be, sizeof be, en, arg);
        zh = keep_str(c, bz);
        en = keep_str(c, be);
    }
    ro->errors[ro->nerrors++] = (roster_error){
        .row = row,
        .column = column ? column : "",
        .message = zh,
        .message_en = en,
    };
}

/* ---- text helpers ---- */

/* Length of the blank (ASCII space/tab/CR/LF, U+3000, U+00A0, U+FEFF) at s, or 0. */
static size_t blank_at(const char *s)
{
    if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        return 1;
    if (strncmp(s, "\xE3\x80\x80", 3) == 0 || strncmp(s, "\xEF\xBB\xBF", 3) == 0)
        return 3;
    if (strncmp(s, "\xC2\xA0", 2) == 0)
        return 2;
    return 0;
}

/* Length of the blank ending at s + n, or 0. */
static size_t blank_before(const char *s, size_t n)
{
    if (n >= 1 && blank_at(s + n - 1) == 1)
        return 1;
    if (n >= 2 && blank_at(s + n - 2) == 2)
        return 2;
    if (n >= 3 && blank_at(s + n - 3) == 3)
        return 3;
    return 0;
}

/* The cell trimmed of blanks: borrowed from the sheet, or a scratch copy. "" when col < 0. */
static const char *cell(ctx *c, size_t row, long col)
{
    if (col < 0)
        return "";
    const char *s = sheet_cell(c->sh, row, (size_t)col);
    size_t k;
    while ((k = blank_at(s)) > 0)
        s += k;
    size_t n = strlen(s), m = n;
    while ((k = blank_before(s, m)) > 0)
        m -= k;
    if (m == n)
        return s;
    return arena_strndup(c->scratch, s, m);
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            return true;
    return false;
}

static bool has_space(const char *s)
{
    for (; *s; s++)
        if (blank_at(s))
            return true;
    return false;
}

static bool ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = (char)(*a >= 'A' && *a <= 'Z' ? *a - 'A' + 'a' : *a);
        char y = (char)(*b >= 'A' && *b <= 'Z' ? *b - 'A' + 'a' : *b);
        if (x != y)
            return false;
    }
    return *a == *b;
}

/* ---- headers ---- */

/*
 * A header as compared: blanks, '*' marks and -_:. separators dropped, a trailing "(...)" note
 * cut. "*成员1 - 联系电话(必填)" → "成员1联系电话".
 */
static void header_norm(const char *in, char *out /* OUT */, size_t cap)
{
    static const char *const drop[] = {"*", "\xEF\xBC\x8A" /* ＊ */, "-", "_",
                                       ":", "\xEF\xBC\x9A" /* ： */, "."};
    size_t o = 0;
    while (*in) {
        size_t k = blank_at(in);
        for (size_t i = 0; !k && i < sizeof drop / sizeof drop[0]; i++)
            if (strncmp(in, drop[i], strlen(drop[i])) == 0)
                k = strlen(drop[i]);
        if (k) {
            in += k;
            continue;
        }
        if (o + 1 >= cap)
            break;
        out[o++] = *in++;
    }
    out[o] = '\0';
    /* a trailing note in ASCII or full-width parentheses */
    bool paren = (o >= 1 && out[o - 1] == ')') ||
                 (o >= 3 && memcmp(out + o - 3, "\xEF\xBC\x89", 3) == 0); /* ） */
    if (!paren)
        return;
    for (size_t i = o; i-- > 0;) {
        if (out[i] == '(' || (i + 3 <= o && memcmp(out + i, "\xEF\xBC\x88", 3) == 0)) { /* （ */
            if (i > 0)
                out[i] = '\0';
            return;
        }
    }
}

typedef struct {
    int field;
    const char *alias;
} alias_row;

enum { S_NAME, S_GENDER, S_IDTYPE, S_IDNO, S_GRADE, S_CLASS, S_STUDENT_NO, S__N };
static const char *const student_canonical[S__N] = {"姓名", "性别",   "身份证件类型", "身份证件号",
                                                    "年级", "班级号", "学籍辅号"};

static const alias_row student_aliases[] = {
    {S_NAME, "姓名"},           {S_NAME, "学生姓名"},       {S_GENDER, "性别"},
    {S_IDTYPE, "身份证件类型"}, {S_IDTYPE, "身份证类型"},   {S_IDTYPE, "证件类型"},
    {S_IDNO, "身份证件号"},     {S_IDNO, "身份证号"},       {S_IDNO, "证件号"},
    {S_IDNO, "证件号码"},       {S_IDNO, "身份证件号码"},   {S_IDNO, "身份证号码"},
    {S_GRADE, "年级"},          {S_GRADE, "年级名称"},      {S_CLASS, "班级号"},
    {S_CLASS, "班级"},          {S_CLASS, "班号"},          {S_CLASS, "班级名称"},
    {S_CLASS, "行政班"},        {S_STUDENT_NO, "学籍辅号"}, {S_STUDENT_NO, "全国学籍号"},
    {S_STUDENT_NO, "学籍号"},   {S_STUDENT_NO, "省学籍号"}, {S_STUDENT_NO, "省学籍辅号"},
};

enum { M_NAME, M_RELATION, M_PHONE, M_GUARDIAN, M_IDTYPE, M_IDNO, M__N };
static const char *const member_canonical[M__N] = {"姓名",       "关系",         "联系电话",
                                                   "是否监护人", "身份证件类型", "身份证件号"};

static const alias_row member_aliases[] = {
    {M_NAME, "姓名"},         {M_RELATION, "关系"},       {M_RELATION, "与学生关系"},
    {M_PHONE, "联系电话"},    {M_PHONE, "手机"},          {M_PHONE, "手机号"},
    {M_PHONE, "手机号码"},    {M_PHONE, "家长电话"},      {M_PHONE, "电话"},
    {M_PHONE, "移动电话"},    {M_GUARDIAN, "是否监护人"}, {M_IDTYPE, "身份证件类型"},
    {M_IDTYPE, "身份证类型"}, {M_IDTYPE, "证件类型"},     {M_IDNO, "身份证件号"},
    {M_IDNO, "身份证号"},     {M_IDNO, "证件号"},         {M_IDNO, "证件号码"},
    {M_IDNO, "身份证件号码"}, {M_IDNO, "身份证号码"},
};

enum { T_STAFF_NO, T_NAME, T_PHONE, T_SUBJECTS, T_CLASSES, T_GRADE, T_TITLE, T_CERT, T__N };
static const char *const teacher_canonical[T__N] = {
    "工号", "姓名", "手机", "任教学科", "任教班级", "任教年级", "职称", "教师资格证书编号"};

static const alias_row teacher_aliases[] = {
    {T_STAFF_NO, "工号"},         {T_STAFF_NO, "教职工编号"}, {T_STAFF_NO, "教师编号"},
    {T_STAFF_NO, "职工号"},       {T_STAFF_NO, "教职工号"},   {T_NAME, "姓名"},
    {T_NAME, "教师姓名"},         {T_PHONE, "手机"},          {T_PHONE, "手机号码"},
    {T_PHONE, "手机号"},          {T_PHONE, "联系电话"},      {T_PHONE, "移动电话"},
    {T_SUBJECTS, "任教学科"},     {T_SUBJECTS, "任教科目"},   {T_SUBJECTS, "主教课程"},
    {T_CLASSES, "任教班级"},      {T_GRADE, "任教年级"},      {T_TITLE, "职称"},
    {T_CERT, "教师资格证书编号"}, {T_CERT, "教师资格证编号"}, {T_CERT, "资格证书编号"},
    {T_CERT, "教师资格证号"},
};

#define NBLOCKS (ROSTER_MAX_MEMBERS + 1) /* block 0: 监护人…/家长… columns */

typedef struct {
    long col; /* -1 when the file has no such column */
    int rank; /* lower is better: the alias's place in its table */
} colref;

typedef struct {
    size_t header; /* 0-based row of the header */
    colref f[(int)T__N > (int)S__N ? (int)T__N : (int)S__N];
    colref m[NBLOCKS][M__N];
} layout;

/* The alias table index of `h` (a normalised header) for a field, or -1. */
static int alias_find(const alias_row *t, size_t n, const char *h, int *field /* OUT */)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].alias, h) == 0) {
            *field = t[i].field;
            return (int)i;
        }
    }
    return -1;
}

static void colref_offer(colref *r, long col, int rank)
{
    if (r->col < 0 || rank < r->rank) {
        r->col = col;
        r->rank = rank;
    }
}

static void layout_init(layout *L, size_t header)
{
    L->header = header;
    for (size_t i = 0; i < sizeof L->f / sizeof L->f[0]; i++)
        L->f[i].col = -1;
    for (size_t b = 0; b < NBLOCKS; b++)
        for (size_t i = 0; i < M__N; i++)
            L->m[b][i].col = -1;
}

/* Reads family-member headers: 成员N… / 家庭成员N… (blocks 1..4), 监护人… / 家长… (block 0). */
static bool member_header(const char *h, int *block /* OUT */, int *field /* OUT */,
                          int *rank /* OUT */)
{
    static const char *const numbered[] = {"家庭成员", "成员"};
    static const char *const implicit[] = {"监护人", "家长"};
    for (size_t i = 0; i < 2; i++) {
        size_t pl = strlen(numbered[i]);
        if (strncmp(h, numbered[i], pl) != 0)
            continue;
        const char *p = h + pl;
        if (*p < '1' || *p > '0' + ROSTER_MAX_MEMBERS || (p[1] >= '0' && p[1] <= '9'))
            return false;
        *block = *p - '0';
        *rank = alias_find(member_aliases, sizeof member_aliases / sizeof member_aliases[0], p + 1,
                           field);
        return *rank >= 0;
    }
    for (size_t i = 0; i < 2; i++) {
        size_t pl = strlen(implicit[i]);
        if (strncmp(h, implicit[i], pl) != 0)
            continue;
        *block = 0;
        *rank = alias_find(member_aliases, sizeof member_aliases / sizeof member_aliases[0], h + pl,
                           field);
        return *rank >= 0 && *field != M_GUARDIAN;
    }
    return false;
}

/* Resolves the columns of header row `r` for students (teachers when `teachers`). */
static void layout_read(ctx *c, size_t r, bool teachers, layout *L /* OUT */)
{
    layout_init(L, r);
    size_t ncols = sheet_cols(c->sh, r);
    char h[256];
    for (size_t col = 0; col < ncols; col++) {
        header_norm(sheet_cell(c->sh, r, col), h, sizeof h);
        if (!h[0])
            continue;
        int field, rank, block;
        if (teachers) {
            rank = alias_find(teacher_aliases, sizeof teacher_aliases / sizeof teacher_aliases[0],
                              h, &field);
            if (rank >= 0)
                colref_offer(&L->f[field], (long)col, rank);
            continue;
        }
        const size_t ns = sizeof student_aliases / sizeof student_aliases[0];
        rank = alias_find(student_aliases, ns, h, &field);
        if (rank < 0 && strncmp(h, "学生", strlen("学生")) == 0) {
            rank = alias_find(student_aliases, ns, h + strlen("学生"), &field);
            if (rank >= 0)
                rank += 1000; /* 学生身份证号 loses to 身份证件号 */
        }
        if (rank >= 0)
            colref_offer(&L->f[field], (long)col, rank);
        else if (member_header(h, &block, &field, &rank))
            colref_offer(&L->m[block][field], (long)col, rank);
    }
}

/*
 * Finds the header: the first of the first ten rows naming 姓名 and one other field. Falls
 * back to row 1 so that its missing columns are reported.
 */
static void layout_find(ctx *c, bool teachers, layout *L /* OUT */)
{
    size_t n = sheet_rows(c->sh);
    for (size_t r = 0; r < n && r < 10; r++) {
        layout_read(c, r, teachers, L);
        int others = 0;
        for (size_t i = 0; i < (teachers ? (size_t)T__N : (size_t)S__N); i++)
            if (L->f[i].col >= 0 && (int)i != (teachers ? T_NAME : S_NAME))
                others++;
        if (L->f[teachers ? T_NAME : S_NAME].col >= 0 && others > 0)
            return;
    }
    layout_read(c, 0, teachers, L);
}

/* Copies the trimmed header texts, used as the `column` of errors. */
static bool headers_keep(ctx *c, size_t r)
{
    c->nheaders = sheet_cols(c->sh, r);
    c->headers = arena_alloc(c->ro->mem_, (c->nheaders ? c->nheaders : 1) * sizeof *c->headers);
    for (size_t i = 0; i < c->nheaders; i++)
        c->headers[i] = keep_str(c, cell(c, r, (long)i));
    arena_reset(c->scratch);
    return !c->oom;
}

/* The `column` to report for a column: the file's header text. */
static const char *colname(const ctx *c, long col, const char *canonical)
{
    if (col >= 0 && (size_t)col < c->nheaders && c->headers[col][0])
        return c->headers[col];
    return canonical;
}

static bool row_blank(ctx *c, size_t r)
{
    size_t n = sheet_cols(c->sh, r);
    for (size_t i = 0; i < n; i++) {
        const char *s = sheet_cell(c->sh, r, i);
        size_t k;
        while ((k = blank_at(s)) > 0)
            s += k;
        if (*s)
            return false;
    }
    return true;
}

/* ---- field checks ---- */

/* A text field: required or not, at most `max` characters, no control characters. */
static bool check_text(ctx *c, size_t row, const char *col, const char *v, bool required,
                       size_t max)
{
    if (!v[0]) {
        if (required)
            err_add(c, row, col, MSG_EMPTY, 0);
        return !required;
    }
    if (utf8_chars(v, strlen(v)) > max) {
        err_add(c, row, col, MSG_TOO_LONG, max);
        return false;
    }
    if (has_control(v)) {
        err_add(c, row, col, MSG_CONTROL, 0);
        return false;
    }
    return true;
}

/*
 * 身份证件类型 + 身份证件号. An empty type with a number is taken as 居民身份证 (the registry
 * always fills it; schools' own sheets often have only a 身份证号 column).
 */
static bool check_id(ctx *c, size_t row, long type_col, long no_col, const char *type_canon,
                     const char *no_canon, char *type /* OUT */, const char **no /* OUT */)
{
    const char *tv = cell(c, row - 1, type_col), *nv = cell(c, row - 1, no_col);
    *type = 0;
    *no = "";
    bool ok = true;
    if (tv[0]) {
        *type = ident_idtype_parse(tv);
        if (!*type) {
            err_add(c, row, colname(c, type_col, type_canon), MSG_ID_TYPE, 0);
            ok = false;
        }
    }
    if (!nv[0])
        return ok;
    const char *ncol = colname(c, no_col, no_canon);
    if (!*type && ok)
        *type = IDENT_IDTYPE_CN_ID;
    if (*type == IDENT_IDTYPE_CN_ID) {
        char norm[IDENT_CN_ID_LEN + 1];
        switch (ident_cn_id_check(nv, norm)) {
        case IDENT_CN_ID_OK:
            *no = keep_str(c, norm);
            return ok;
        case IDENT_CN_ID_BAD_LENGTH:
            err_add(c, row, ncol, MSG_ID_LENGTH, 0);
            break;
        case IDENT_CN_ID_BAD_FORM:
            err_add(c, row, ncol, MSG_ID_FORM, 0);
            break;
        case IDENT_CN_ID_BAD_DATE:
            err_add(c, row, ncol, MSG_ID_DATE, 0);
            break;
        case IDENT_CN_ID_BAD_CHECK:
            err_add(c, row, ncol, MSG_ID_CHECK, 0);
            break;
        }
        return false;
    }
    if (!check_text(c, row, ncol, nv, false, OTHER_ID_MAX))
        return false;
    *no = keep_str(c, nv);
    return ok;
}

/* 1 男, 2 女, 0 empty, -1 unreadable. */
static int gender_parse(const char *v)
{
    static const char *const male[] = {"男", "1", "男性", "M", "male"};
    static const char *const female[] = {"女", "2", "女性", "F", "female"};
    if (!v[0])
        return 0;
    for (size_t i = 0; i < sizeof male / sizeof male[0]; i++) {
        if (ascii_ieq(v, male[i]))
            return 1;
        if (ascii_ieq(v, female[i]))
            return 2;
    }
    return -1;
}

/* 是否监护人: 1 yes, 0 no or empty, -1 unreadable. */
static int yes_no_parse(const char *v)
{
    static const char *const yes[] = {"是", "1", "Y", "yes", "true", "\xE2\x88\x9A" /* √ */};
    static const char *const no[] = {"否", "0", "N", "no", "false", "\xC3\x97" /* × */};
    if (!v[0])
        return 0;
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (ascii_ieq(v, yes[i]))
            return 1;
        if (ascii_ieq(v, no[i]))
            return 0;
    }
    return -1;
}

/* "3" → "3班", "03" → "3班"; anything with a non-digit is kept as written. */
static const char *class_display(ctx *c, const char *v)
{
    size_t n = strlen(v);
    for (size_t i = 0; i < n; i++)
        if (v[i] < '0' || v[i] > '9')
            return keep_str(c, v);
    while (n > 1 && v[0] == '0') {
        v++;
        n--;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s班", (int)(n < 40 ? n : 40), v);
    return keep_str(c, buf);
}

/* Reports a duplicate of `key` in `m`, or records it for `row`. */
static bool unique(ctx *c, strmap *m, const char *key, size_t row, const char *col)
{
    size_t first;
    if (strmap_get(*m, key, &first)) {
        err_add(c, row, col, MSG_DUPLICATE, first);
        return false;
    }
    const char *k = keep_str(c, key);
    strmap_put(c, m, k, row);
    return true;
}

static size_t class_index(ctx *c, int grade, const char *name)
{
    roster *ro = c->ro;
    char key[160];
    snprintf(key, sizeof key, "%d\x1f%s", grade, name);
    size_t idx;
    if (strmap_get(c->classes, key, &idx)) {
        ro->classes[idx].nstudents++;
        return idx;
    }
    if (!grow(c, (void **)&ro->classes, &c->classes_cap, ro->nclasses + 1, sizeof *ro->classes))
        return 0;
    idx = ro->nclasses++;
    ro->classes[idx] = (roster_class){.grade = grade, .name = name, .nstudents = 1};
    strmap_put(c, &c->classes, keep_str(c, key), idx);
    return idx;
}

/* ---- students ---- */

/* Whether a block can name a guardian: block 0 with a phone, or 成员N with phone and flag. */
static bool block_usable(const layout *L, int b)
{
    return L->m[b][M_PHONE].col >= 0 && (b == 0 || L->m[b][M_GUARDIAN].col >= 0);
}

static bool header_check_students(ctx *c, const layout *L)
{
    size_t row = L->header + 1;
    static const int required[] = {S_NAME, S_GRADE, S_CLASS, S_STUDENT_NO};
    bool ok = true;
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (L->f[required[i]].col < 0) {
            err_add(c, row, student_canonical[required[i]], MSG_MISSING_COLUMN, 0);
            ok = false;
        }
    }
    for (int b = 0; b < NBLOCKS; b++)
        if (block_usable(L, b))
            return ok;
    /* No guardian phone anywhere: name the column that would fix it. */
    for (int b = 1; b < NBLOCKS; b++) {
        if (L->m[b][M_PHONE].col >= 0) {
            char name[64];
            snprintf(name, sizeof name, "成员%d是否监护人", b);
            err_add(c, row, keep_str(c, name), MSG_MISSING_COLUMN, 0);
            return false;
        }
    }
    err_add(c, row, "成员1联系电话", MSG_MISSING_COLUMN, 0);
    return false;
}

/* The header text of a member column, or "成员N<field>" when the file lacks it. */
static const char *member_colname(ctx *c, const layout *L, int b, int f)
{
    long col = L->m[b][f].col;
    if (col >= 0)
        return colname(c, col, member_canonical[f]);
    char name[64];
    if (b == 0)
        snprintf(name, sizeof name, "监护人%s", member_canonical[f]);
    else
        snprintf(name, sizeof name, "成员%d%s", b, member_canonical[f]);
    return keep_str(c, name);
}

static void map_student_row(ctx *c, const layout *L, size_t r)
{
    roster *ro = c->ro;
    size_t row = r + 1, errors_before = ro->nerrors_total;
    roster_student st = {.row = row};

    const char *col_name = colname(c, L->f[S_NAME].col, "姓名");
    const char *name = cell(c, r, L->f[S_NAME].col);
    if (check_text(c, row, col_name, name, true, ROSTER_NAME_MAX))
        st.name = keep_str(c, name);

    const char *gv = cell(c, r, L->f[S_GENDER].col);
    st.gender = gender_parse(gv);
    if (st.gender < 0)
        err_add(c, row, colname(c, L->f[S_GENDER].col, "性别"), MSG_GENDER, 0);

    bool id_ok = check_id(c, row, L->f[S_IDTYPE].col, L->f[S_IDNO].col, "身份证件类型",
                          "身份证件号", &st.id_type, &st.id_no);
    if (id_ok && st.id_no[0]) {
        if (st.gender == 0 && st.id_type == IDENT_IDTYPE_CN_ID)
            st.gender = ident_cn_id_gender(st.id_no);
        char key[64];
        snprintf(key, sizeof key, "%c:%s", st.id_type, st.id_no);
        unique(c, &c->seen_b, key, row, colname(c, L->f[S_IDNO].col, "身份证件号"));
    }

    const char *grade_col = colname(c, L->f[S_GRADE].col, "年级");
    const char *gr = cell(c, r, L->f[S_GRADE].col);
    if (!gr[0]) {
        err_add(c, row, grade_col, MSG_EMPTY, 0);
    } else {
        st.grade = ident_grade_parse(gr);
        if (!st.grade)
            err_add(c, row, grade_col, MSG_GRADE, 0);
    }

    const char *class_col = colname(c, L->f[S_CLASS].col, "班级号");
    const char *cl = cell(c, r, L->f[S_CLASS].col);
    if (check_text(c, row, class_col, cl, true, CLASS_MAX))
        st.class_name = class_display(c, cl);

    const char *no_col = colname(c, L->f[S_STUDENT_NO].col, "学籍辅号");
    const char *sn = cell(c, r, L->f[S_STUDENT_NO].col);
    if (check_text(c, row, no_col, sn, true, STUDENT_NO_MAX)) {
        if (has_space(sn))
            err_add(c, row, no_col, MSG_SPACES, 0);
        else if (unique(c, &c->seen_a, sn, row, no_col))
            st.student_no = keep_str(c, sn);
    }

    /* guardians */
    roster_guardian gs[NBLOCKS];
    size_t ng = 0, with_phone = 0;
    bool phone_error = false;
    const char *first_phone_col = NULL;
    for (int b = 0; b < NBLOCKS; b++) {
        if (!block_usable(L, b))
            continue;
        if (!first_phone_col)
            first_phone_col = member_colname(c, L, b, M_PHONE);
        const char *gname = cell(c, r, L->m[b][M_NAME].col);
        const char *phone = cell(c, r, L->m[b][M_PHONE].col);
        const char *rel = cell(c, r, L->m[b][M_RELATION].col);
        if (b == 0) {
            if (!gname[0] && !phone[0])
                continue;
        } else {
            const char *flag = cell(c, r, L->m[b][M_GUARDIAN].col);
            int yes = yes_no_parse(flag);
            if (yes < 0)
                err_add(c, row, member_colname(c, L, b, M_GUARDIAN), MSG_YES_NO, 0);
            if (yes <= 0)
                continue;
        }
        size_t before = ro->nerrors_total;
        roster_guardian g = {.member = b};
        if (L->m[b][M_NAME].col >= 0) {
            if (check_text(c, row, member_colname(c, L, b, M_NAME), gname, true, ROSTER_NAME_MAX))
                g.name = keep_str(c, gname);
        } else {
            g.name = "";
        }
        if (check_text(c, row, member_colname(c, L, b, M_RELATION), rel, false, RELATION_MAX))
            g.relation = keep_str(c, rel);
        char norm[IDENT_PHONE_LEN + 1];
        if (phone[0]) {
            if (ident_phone_normalise(phone, norm)) {
                g.phone = keep_str(c, norm);
                with_phone++;
            } else {
                err_add(c, row, member_colname(c, L, b, M_PHONE), MSG_PHONE, 0);
                phone_error = true;
            }
        }
        check_id(c, row, L->m[b][M_IDTYPE].col, L->m[b][M_IDNO].col,
                 member_colname(c, L, b, M_IDTYPE), member_colname(c, L, b, M_IDNO), &g.id_type,
                 &g.id_no);
        if (ro->nerrors_total == before && g.phone)
            gs[ng++] = g;
    }
    if (with_phone == 0 && !phone_error)
        err_add(c, row, first_phone_col ? first_phone_col : "成员1联系电话", MSG_NO_GUARDIAN, 0);

    if (ro->nerrors_total != errors_before || c->oom)
        return;
    roster_guardian *kept = arena_alloc(ro->mem_, ng * sizeof *kept + 1);
    memcpy(kept, gs, ng * sizeof *kept);
    st.guardians = kept;
    st.nguardians = ng;
    st.class_index = class_index(c, st.grade, st.class_name);
    if (!grow(c, (void **)&ro->students, &c->students_cap, ro->nstudents + 1, sizeof *ro->students))
        return;
    ro->students[ro->nstudents++] = st;
}

/* ---- teachers ---- */

static void map_teacher_row(ctx *c, const layout *L, size_t r)
{
    roster *ro = c->ro;
    size_t row = r + 1, errors_before = ro->nerrors_total;
    roster_teacher t = {.row = row};
    const char *cols[T__N];
    const char *v[T__N];
    for (int i = 0; i < T__N; i++) {
        cols[i] = colname(c, L->f[i].col, teacher_canonical[i]);
        v[i] = cell(c, r, L->f[i].col);
    }

    if (check_text(c, row, cols[T_STAFF_NO], v[T_STAFF_NO], false, STAFF_NO_MAX)) {
        if (v[T_STAFF_NO][0] && unique(c, &c->seen_b, v[T_STAFF_NO], row, cols[T_STAFF_NO]))
            t.staff_no = keep_str(c, v[T_STAFF_NO]);
    }
    if (check_text(c, row, cols[T_NAME], v[T_NAME], true, ROSTER_NAME_MAX))
        t.name = keep_str(c, v[T_NAME]);
    char phone[IDENT_PHONE_LEN + 1];
    if (!v[T_PHONE][0])
        err_add(c, row, cols[T_PHONE], MSG_EMPTY, 0);
    else if (!ident_phone_normalise(v[T_PHONE], phone))
        err_add(c, row, cols[T_PHONE], MSG_PHONE, 0);
    else if (unique(c, &c->seen_a, phone, row, cols[T_PHONE]))
        t.phone = keep_str(c, phone);
    if (check_text(c, row, cols[T_SUBJECTS], v[T_SUBJECTS], false, TEXT_MAX))
        t.subjects = keep_str(c, v[T_SUBJECTS]);
    if (check_text(c, row, cols[T_CLASSES], v[T_CLASSES], false, TEXT_MAX))
        t.classes = keep_str(c, v[T_CLASSES]);
    if (check_text(c, row, cols[T_TITLE], v[T_TITLE], false, TEXT_MAX))
        t.title = keep_str(c, v[T_TITLE]);
    if (v[T_GRADE][0]) {
        t.grade = ident_grade_parse(v[T_GRADE]);
        if (!t.grade)
            err_add(c, row, cols[T_GRADE], MSG_GRADE, 0);
    }
    if (v[T_CERT][0]) {
        int type = ident_teacher_cert_type(v[T_CERT]);
        if (type < 0) {
            err_add(c, row, cols[T_CERT], MSG_CERT, 0);
        } else {
            t.cert_no = keep_str(c, v[T_CERT]);
            t.cert_type = type;
            if (t.grade && !ident_teacher_cert_fits_grade(type, t.grade))
                err_add(c, row, cols[T_CERT], MSG_CERT_GRADE, 0);
        }
    } else {
        t.cert_no = "";
    }
    if (!t.staff_no)
        t.staff_no = "";

    if (ro->nerrors_total != errors_before || c->oom)
        return;
    if (!grow(c, (void **)&ro->teachers, &c->teachers_cap, ro->nteachers + 1, sizeof *ro->teachers))
        return;
    ro->teachers[ro->nteachers++] = t;
}

static bool header_check_teachers(ctx *c, const layout *L)
{
    bool ok = true;
    static const int required[] = {T_NAME, T_PHONE};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (L->f[required[i]].col < 0) {
            err_add(c, L->header + 1, teacher_canonical[required[i]], MSG_MISSING_COLUMN, 0);
            ok = false;
        }
    }
    return ok;
}

/* ---- the entry points ---- */

static int map(const sheet *sh, bool teachers, roster **out)
{
    int rc = -1;
    ctx c = {.sh = sh};
    *out = NULL;
    c.ro = calloc(1, sizeof *c.ro);
    if (!c.ro)
        goto out;
    c.ro->mem_ = arena_new();
    c.scratch = arena_new();
    c.maps = arena_new();

    size_t nrows = sheet_rows(sh);
    if (nrows == 0) {
        err_add(&c, 1, "", MSG_EMPTY_FILE, 0);
        goto done;
    }
    layout L;
    layout_find(&c, teachers, &L);
    c.ro->header_row = L.header + 1;
    if (!headers_keep(&c, L.header))
        goto out;
    if (!(teachers ? header_check_teachers(&c, &L) : header_check_students(&c, &L)))
        goto done;
    size_t data_rows = 0;
    for (size_t r = L.header + 1; r < nrows && !c.oom; r++) {
        if (row_blank(&c, r))
            continue;
        data_rows++;
        if (teachers)
            map_teacher_row(&c, &L, r);
        else
            map_student_row(&c, &L, r);
        arena_reset(c.scratch);
    }
    if (data_rows == 0)
        err_add(&c, L.header + 2, "", MSG_NO_DATA, 0);
done:
    if (c.oom)
        goto out;
    *out = c.ro;
    c.ro = NULL;
    rc = 0;
out:
    roster_free(c.ro);
    arena_free(c.scratch);
    strmap_free(&c.seen_a);
    strmap_free(&c.seen_b);
    strmap_free(&c.classes);
    arena_free(c.maps);
    return rc;
}

int roster_map_students(const sheet *sh, roster **out)
{
    return map(sh, false, out);
}

int roster_map_teachers(const sheet *sh, roster **out)
{
    return map(sh, true, out);
}

void roster_free(roster *ro)
{
    if (!ro)
        return;
    arena_free(ro->mem_);
    free(ro->students);
    free(ro->classes);
    free(ro->teachers);
    free(ro->errors);
    free(ro);
}
