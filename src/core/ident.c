/*
 * ident.c: identifier checks and masks (see ident.h for the API).
 *
 * Everything here is a pure function over bytes: no allocation, no locale (isdigit and friends
 * are avoided on purpose so that a server locale can never change a verdict), no state.
 * Multi-byte characters that appear in real files (full-width digits, U+3000 spaces, the
 * Chinese numerals of grade names) are matched as UTF-8 byte sequences.
 */
#include "core/ident.h"

#include <string.h>

#include "core/utf8.h"

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- 居民身份证号 (GB 11643-1999) ---- */

static const int cn_id_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char cn_id_checks[] = "10X98765432";

static bool real_date(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        max = 29;
    return d <= max;
}

static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

ident_cn_id_result ident_cn_id_check(const char *s, char *out)
{
    if (strlen(s) != IDENT_CN_ID_LEN)
        return IDENT_CN_ID_BAD_LENGTH;
    char last = s[17];
    if (!all_digits(s, 17) || !(is_digit(last) || last == 'X' || last == 'x'))
        return IDENT_CN_ID_BAD_FORM;
    if (!real_date(digits_value(s + 6, 4), digits_value(s + 10, 2), digits_value(s + 12, 2)))
        return IDENT_CN_ID_BAD_DATE;
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (s[i] - '0') * cn_id_weights[i];
    char want = cn_id_checks[sum % 11];
    if (last == 'x')
        last = 'X';
    if (last != want)
        return IDENT_CN_ID_BAD_CHECK;
    if (out) {
        memcpy(out, s, 17);
        out[17] = last;
        out[18] = '\0';
    }
    return IDENT_CN_ID_OK;
}

bool ident_cn_id_valid(const char *s, char *out)
{
    return ident_cn_id_check(s, out) == IDENT_CN_ID_OK;
}

int ident_cn_id_gender(const char *s)
{
    if (!ident_cn_id_valid(s, NULL))
        return 0;
    return (s[16] - '0') % 2 == 1 ? 1 : 2;
}

/* ---- 统一社会信用代码 (GB 32100-2015) ---- */

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY"; /* 31 characters */

static int uscc_value(char c)
{
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    const char *p = c ? strchr(uscc_alphabet, c) : NULL;
    return p ? (int)(p - uscc_alphabet) : -1;
}

bool ident_uscc_valid(const char *s, char *out)
{
    if (strlen(s) != IDENT_USCC_LEN)
        return false;
    /* Characters 3-8 are the registering authority's administrative division code. */
    if (!all_digits(s + 2, 6))
        return false;
    int sum = 0, weight = 1;
    for (int i = 0; i < 17; i++) {
        int v = uscc_value(s[i]);
        if (v < 0)
            return false;
        sum += v * weight;
        weight = weight * 3 % 31;
    }
    int check = uscc_value(s[17]);
    if (check < 0 || check != (31 - sum % 31) % 31)
        return false;
    if (out) {
        for (int i = 0; i < 18; i++)
            out[i] = uscc_alphabet[uscc_value(s[i])];
        out[18] = '\0';
    }
    return true;
}

bool ident_uscc_is_non_enterprise(const char *s)
{
    return ident_uscc_valid(s, NULL) && s[0] == '5' && s[1] == '2';
}

/* ---- 办学许可证编号 ---- */

#define JIAOMIN "\xE6\x95\x99\xE6\xB0\x91" /* 教民 */
#define HAO     "\xE5\x8F\xB7"             /* 号 */

bool ident_license_no_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 13)
        return all_digits(s, 13);
    if (!starts_with(s, JIAOMIN))
        return false;
    s += strlen(JIAOMIN);
    n -= strlen(JIAOMIN);
    if (n == 15 + strlen(HAO) && strcmp(s + 15, HAO) == 0)
        n = 15;
    return n == 15 && all_digits(s, 15);
}

int ident_license_no_level(const char *s)
{
    if (strlen(s) != 13 || !all_digits(s, 13))
        return -1;
    return s[6] - '0';
}

/* ---- 教师资格证书编号 ---- */

int ident_teacher_cert_type(const char *s)
{
    size_t n = strlen(s);
    if (!all_digits(s, n))
        return -1;
    if (n == 17)
        return s[9] - '0';
    if (n == 15)
        return 0;
    return -1;
}

bool ident_teacher_cert_valid(const char *s)
{
    return ident_teacher_cert_type(s) >= 0;
}

bool ident_teacher_cert_fits_grade(int type, int grade)
{
    if (grade < 1 || grade > 9)
        return false;
    switch (type) {
    case 0: /* 15-digit form: the type cannot be read */
        return true;
    case 2: /* 小学 */
        return grade <= 6;
    case 3: /* 初级中学 */
    case 4: /* 高级中学 */
    case 5: /* 中等职业学校 (the same level as 高级中学) */
        return true;
    default: /* 1 幼儿园, 6 中职实习指导, anything else */
        return false;
    }
}

/* ---- mobile phones ---- */

bool ident_phone_normalise(const char *in, char *out)
{
    char d[20];
    size_t nd = 0;
    bool plus = false;
    const unsigned char *p = (const unsigned char *)in;
    while (*p) {
        if (*p >= '0' && *p <= '9') {
            if (nd == sizeof d)
                return false;
            d[nd++] = (char)*p++;
        } else if (*p == ' ' || *p == '\t' || *p == '-') {
            p++;
        } else if (*p == '+') {
            if (nd > 0 || plus)
                return false;
            plus = true;
            p++;
        } else if (p[0] == 0xC2 && p[1] == 0xA0) { /* U+00A0 no-break space */
            p += 2;
        } else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) { /* U+3000 */
            p += 3;
        } else if (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8D) { /* U+FF0D － */
            p += 3;
        } else if (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8B) { /* U+FF0B ＋ */
            if (nd > 0 || plus)
                return false;
            plus = true;
            p += 3;
        } else if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) { /* ０-９ */
            if (nd == sizeof d)
                return false;
            d[nd++] = (char)('0' + (p[2] - 0x90));
            p += 3;
        } else {
            return false;
        }
    }
    const char *num = d;
    if (plus) {
        if (nd < 2 || d[0] != '8' || d[1] != '6')
            return false;
        num += 2;
        nd -= 2;
    } else if (nd == 15 && memcmp(d, "0086", 4) == 0) {
        num += 4;
        nd -= 4;
    }
    if (nd != IDENT_PHONE_LEN || num[0] != '1' || num[1] < '3' || num[1] > '9')
        return false;
    memcpy(out, num, IDENT_PHONE_LEN);
    out[IDENT_PHONE_LEN] = '\0';
    return true;
}

/*
 * Writes `s` with its characters after the first `keep_head` and before the last `keep_tail`
 * replaced by one '*' each. When the string is too short to keep anything, every character
 * becomes '*'.
 */
static bool mask(const char *s, size_t keep_head, size_t keep_tail, char *out, size_t outlen)
{
    size_t len = strlen(s), n = utf8_chars(s, len);
    if (n <= keep_head + keep_tail)
        keep_head = keep_tail = 0;
    size_t head = utf8_prefix(s, len, keep_head);
    size_t tail_start = utf8_prefix(s, len, n - keep_tail);
    size_t tail = len - tail_start;
    size_t stars = n - keep_head - keep_tail;
    if (head + stars + tail + 1 > outlen)
        return false;
    memcpy(out, s, head);
    memset(out + head, '*', stars);
    memcpy(out + head + stars, s + tail_start, tail);
    out[head + stars + tail] = '\0';
    return true;
}

bool ident_phone_mask(const char *phone, char *out, size_t outlen)
{
    /* 138****5678: three and four kept; shorter numbers are masked whole. */
    size_t n = utf8_chars(phone, strlen(phone));
    return n >= 8 ? mask(phone, 3, 4, out, outlen) : mask(phone, 0, 0, out, outlen);
}

bool ident_id_mask(const char *id, char *out, size_t outlen)
{
    /* 110105********002X: the area code and the last four stay, the birth date never shows. */
    size_t n = utf8_chars(id, strlen(id));
    if (n >= 15)
        return mask(id, 6, 4, out, outlen);
    if (n >= 8)
        return mask(id, 2, 2, out, outlen);
    return mask(id, 0, 0, out, outlen);
}

/* ---- 年级 ---- */

static const char *const cn_numerals[9] = {
    "\xE4\xB8\x80", /* 一 */
    "\xE4\xBA\x8C", /* 二 */
    "\xE4\xB8\x89", /* 三 */
    "\xE5\x9B\x9B", /* 四 */
    "\xE4\xBA\x94", /* 五 */
    "\xE5\x85\xAD", /* 六 */
    "\xE4\xB8\x83", /* 七 */
    "\xE5\x85\xAB", /* 八 */
    "\xE4\xB9\x9D", /* 九 */
};

#define NIANJI   "\xE5\xB9\xB4\xE7\xBA\xA7" /* 年级 */
#define XIAOXUE  "\xE5\xB0\x8F\xE5\xAD\xA6" /* 小学 */
#define CHUZHONG "\xE5\x88\x9D\xE4\xB8\xAD" /* 初中 */
#define CHU      "\xE5\x88\x9D"             /* 初 */

/* Skips ASCII blanks, U+3000 and U+00A0 at *s; returns the new position. */
static const char *skip_blanks(const char *s)
{
    for (;;) {
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        else if (starts_with(s, "\xE3\x80\x80"))
            s += 3;
        else if (starts_with(s, "\xC2\xA0"))
            s += 2;
        else
            return s;
    }
}

/* Length of `s` without trailing blanks. */
static size_t trimmed_len(const char *s)
{
    size_t n = strlen(s);
    for (;;) {
        if (n >= 1 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
            n--;
        else if (n >= 3 && memcmp(s + n - 3, "\xE3\x80\x80", 3) == 0)
            n -= 3;
        else if (n >= 2 && memcmp(s + n - 2, "\xC2\xA0", 2) == 0)
            n -= 2;
        else
            return n;
    }
}

int ident_grade_parse(const char *s)
{
    s = skip_blanks(s);
    size_t n = trimmed_len(s);
    if (n == 0 || n > 32)
        return 0;
    char buf[33];
    memcpy(buf, s, n);
    buf[n] = '\0';

    if (all_digits(buf, n)) {
        if (n > 2)
            return 0;
        int v = digits_value(buf, n);
        if (v >= 1 && v <= 9)
            return v; /* 1..9, also 01..09 */
        if (v >= 11 && v <= 16)
            return v - 10;
        if (v >= 21 && v <= 23)
            return v - 14;
        return 0;
    }

    enum { NONE, PRIMARY, JUNIOR, CHU_ONLY } kind = NONE;
    const char *p = buf;
    if (starts_with(p, XIAOXUE)) {
        kind = PRIMARY;
        p += strlen(XIAOXUE);
    } else if (starts_with(p, CHUZHONG)) {
        kind = JUNIOR;
        p += strlen(CHUZHONG);
    } else if (starts_with(p, CHU)) {
        kind = CHU_ONLY;
        p += strlen(CHU);
    }
    int v = 0;
    if (*p >= '1' && *p <= '9') {
        v = *p - '0';
        p++;
    } else {
        for (int i = 0; i < 9; i++) {
            if (starts_with(p, cn_numerals[i])) {
                v = i + 1;
                p += strlen(cn_numerals[i]);
                break;
            }
        }
    }
    if (v == 0)
        return 0;
    bool suffix = strcmp(p, NIANJI) == 0;
    if (!suffix && *p != '\0')
        return 0;
    switch (kind) {
    case NONE:
        /* A bare numeral is not a grade name ("三" could be anything); 3 alone was read above. */
        return suffix ? v : 0;
    case PRIMARY:
        return v <= 6 ? v : 0;
    case JUNIOR:
    case CHU_ONLY:
        /* 初一, 初中一年级; 初一年级 is also seen. */
        return v <= 3 ? v + 6 : 0;
    }
    return 0;
}

/* ---- 身份证件类型 ---- */

typedef struct {
    char code;
    const char *label;
} idtype_row;

static const idtype_row idtypes[] = {
    {IDENT_IDTYPE_CN_ID, "居民身份证"},
    {IDENT_IDTYPE_HK, "香港特区护照/身份证明"},
    {IDENT_IDTYPE_MO, "澳门特区护照/身份证明"},
    {IDENT_IDTYPE_TW, "台湾居民来往大陆通行证"},
    {IDENT_IDTYPE_PERMANENT, "境外永久居住证"},
    {IDENT_IDTYPE_PASSPORT, "护照"},
    {IDENT_IDTYPE_OTHER, "其他"},
};

const char *ident_idtype_label(char code)
{
    for (size_t i = 0; i < sizeof idtypes / sizeof idtypes[0]; i++)
        if (idtypes[i].code == code)
            return idtypes[i].label;
    return NULL;
}

static char idtype_code(char c)
{
    if (c == 'a')
        return 'A';
    if (c == 'z')
        return 'Z';
    return ident_idtype_label(c) ? c : 0;
}

char ident_idtype_parse(const char *s)
{
    s = skip_blanks(s);
    size_t n = trimmed_len(s);
    if (n == 0)
        return 0;
    if (n == 1)
        return idtype_code(s[0]);
    /* "1-居民身份证", "1:居民身份证", "1 居民身份证", "1居民身份证": the code leads. */
    unsigned char next = (unsigned char)s[1];
    char lead = idtype_code(s[0]);
    if (lead && (next >= 0x80 || next == '-' || next == ':' || next == ' ' || next == '.' ||
                 next == '_' || next == ')'))
        return lead;

    /* Labels, most specific first: 香港特区护照/身份证明 holds both 护照 and 身份证. */
    static const idtype_row words[] = {
        {IDENT_IDTYPE_HK, "香港"},       {IDENT_IDTYPE_MO, "澳门"},
        {IDENT_IDTYPE_TW, "台湾"},       {IDENT_IDTYPE_PERMANENT, "永久居"},
        {IDENT_IDTYPE_PASSPORT, "护照"}, {IDENT_IDTYPE_OTHER, "其他"},
        {IDENT_IDTYPE_OTHER, "其它"},    {IDENT_IDTYPE_CN_ID, "身份证"},
    };
    char buf[128];
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(buf, words[i].label))
            return words[i].code;
    return 0;
}
