/*
 * ident.h: checks and masks for the identifiers found in Chinese school and tutoring data
 * (FORMATS.md, "Identifiers and their checks"). Pure functions: no allocation, no I/O, no
 * locale; every input is a NUL-terminated UTF-8 string and is taken as it is (callers trim).
 *
 * API:
 *   ident_cn_id_check / ident_cn_id_valid   居民身份证号 (GB 11643): form, birth date, check digit
 *   ident_cn_id_gender                      the sex encoded in a valid 居民身份证号
 *   ident_uscc_valid                        统一社会信用代码 (GB 32100),
 * ident_uscc_is_non_enterprise ident_license_no_valid                  办学许可证编号 (form),
 * ident_license_no_level ident_teacher_cert_type                 教师资格证书编号 (form) and its
 * type digit, ident_teacher_cert_fits_grade ident_phone_normalise                   mobile phone →
 * 11 digits ident_phone_mask, ident_id_mask         masked display forms (PIPL) ident_grade_parse
 * 年级 name or code → 1..9 ident_idtype_parse, ident_idtype_label  身份证件类型 code/label mapping
 */
#ifndef SJ_IDENT_H
#define SJ_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#define IDENT_CN_ID_LEN 18
#define IDENT_USCC_LEN  18
#define IDENT_PHONE_LEN 11

/* Why a 居民身份证号 was refused; IDENT_CN_ID_OK when it is valid. */
typedef enum {
    IDENT_CN_ID_OK = 0,
    IDENT_CN_ID_BAD_LENGTH, /* not 18 characters */
    IDENT_CN_ID_BAD_FORM,   /* the first 17 are not all digits, or the last is not 0-9/X/x */
    IDENT_CN_ID_BAD_DATE,   /* characters 7-14 are not a real date between 1900 and 2099 */
    IDENT_CN_ID_BAD_CHECK,  /* the check character does not match */
} ident_cn_id_result;

/*
 * Checks a 居民身份证号. When it is valid and `out` is not NULL, writes the normalised number
 * (a final x upper-cased to X) into `out`, which holds IDENT_CN_ID_LEN + 1 bytes.
 */
ident_cn_id_result ident_cn_id_check(const char *s, char *out /* OUT: [19], or NULL */);
bool ident_cn_id_valid(const char *s, char *out /* OUT: [19], or NULL */);
/* 1 男 or 2 女 from the 17th digit of a valid number; 0 when `s` is not valid. */
int ident_cn_id_gender(const char *s);

/*
 * 统一社会信用代码: 18 characters from 0-9 A-H J-N P Q R T U W X Y with a valid check
 * character. Lower-case letters are accepted; `out` (may be NULL) receives the upper-cased
 * code, IDENT_USCC_LEN + 1 bytes.
 */
bool ident_uscc_valid(const char *s, char *out /* OUT: [19], or NULL */);
/* True when a valid code starts with 52 (民办非企业单位: registered as a non-profit). */
bool ident_uscc_is_non_enterprise(const char *s);

/*
 * 办学许可证编号: 13 digits (6 area + 1 level + 6 sequence) or 教民 followed by 15 digits,
 * optionally ending in 号. Form only: there is no check digit.
 */
bool ident_license_no_valid(const char *s);
/* The level digit of a valid 13-digit number (7 = 培训机构); -1 otherwise (教民 form too). */
int ident_license_no_level(const char *s);

/*
 * 教师资格证书编号: 17 digits (year 4, province 2, authority 3, type 1, sex 1, sequence 6) or
 * the older 15-digit form. Returns the type digit (1 幼儿园, 2 小学, 3 初级中学, 4 高级中学,
 * 5 中等职业学校, 6 中职实习指导...) for the 17-digit form, 0 for a 15-digit number whose
 * type cannot be read, and -1 when `s` is not a certificate number at all.
 */
int ident_teacher_cert_type(const char *s);
bool ident_teacher_cert_valid(const char *s);
/*
 * Whether a certificate of `type` allows teaching `grade` (1..9): a certificate covers its own
 * level and those below it (教师资格条例 art. 5), except 幼儿园 and 中职实习指导 certificates.
 * Type 0 (unknown, 15-digit form) is given the benefit of the doubt.
 */
bool ident_teacher_cert_fits_grade(int type, int grade);

/*
 * Mobile phone: removes spaces, tabs, hyphens (also full-width ones and U+3000/U+00A0),
 * accepts full-width digits and a +86 or 0086 prefix, then requires 1[3-9] and 9 more digits.
 * On success writes the 11 digits and a NUL into `out` (IDENT_PHONE_LEN + 1 bytes).
 */
bool ident_phone_normalise(const char *in, char *out /* OUT: [12] */);

/*
 * Masked forms for lists (FORMATS.md, "Personal data"): 138****5678 and 110105********002X.
 * Other lengths keep fewer characters (see ident.c). Both count UTF-8 characters, write at
 * most `outlen` bytes including the NUL and return false when `out` is too small.
 */
bool ident_phone_mask(const char *phone, char *out /* OUT */, size_t outlen);
bool ident_id_mask(const char *id, char *out /* OUT */, size_t outlen);

/*
 * 年级 as registries and schools write it: 一年级..九年级, 小学一年级.., 初一/初二/初三,
 * 初中一年级.., 1年级.., the registry codes 11-16 (grades 1-6) and 21-23 (grades 7-9), or a
 * plain 1..9. Surrounding spaces are ignored. Returns 1..9, or 0 when not recognised.
 */
int ident_grade_parse(const char *s);

/* 身份证件类型 codes of the student registry. */
#define IDENT_IDTYPE_CN_ID     '1' /* 居民身份证 */
#define IDENT_IDTYPE_HK        '6' /* 香港特区护照/身份证明 */
#define IDENT_IDTYPE_MO        '7' /* 澳门特区护照/身份证明 */
#define IDENT_IDTYPE_TW        '8' /* 台湾居民来往大陆通行证 */
#define IDENT_IDTYPE_PERMANENT '9' /* 境外永久居住证 */
#define IDENT_IDTYPE_PASSPORT  'A' /* 护照 */
#define IDENT_IDTYPE_OTHER     'Z' /* 其他 */

/*
 * The code for a 身份证件类型 cell: a code ("1", "A", "a"), a label ("居民身份证",
 * "身份证", "护照", "香港特区护照/身份证明"...), or both ("1-居民身份证", "1 居民身份证").
 * Returns the code character, or 0 when not recognised.
 */
char ident_idtype_parse(const char *s);
/* The label for a code ("居民身份证" for '1'); NULL for an unknown code. */
const char *ident_idtype_label(char code);

#endif
