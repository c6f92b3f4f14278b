/*
 * test_sheet.c: unit tests for src/core/sheet.c (CSV and XLSX reading, limits).
 *
 * XLSX inputs are made here: real workbooks with libxlsxwriter, and hand-built zips with
 * libzip for what a writer would not produce (exponent numbers, phonetic runs, DOCTYPEs,
 * lying size headers). GBK/GB18030 CSV bytes are made with iconv from UTF-8 literals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "core/sheet.h"

/* ---- helpers ---- */

typedef struct {
    char *data;
    size_t len;
} blob;

static void blob_free(blob *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

static blob file_slurp(const char *path)
{
    blob b = {0};
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    b.data = malloc((size_t)n + 1);
    assert_non_null(b.data);
    assert_int_equal(fread(b.data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    b.len = (size_t)n;
    return b;
}

static void temp_path(char *path /* OUT: [64] */)
{
    snprintf(path, 64, "%s", "/tmp/sj_test_sheet_XXXXXX.xlsx");
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    close(fd);
}

/* Builds a workbook with `fill`, returns its bytes. */
static blob xlsx_write(void (*fill)(lxw_workbook *wb), int constant_memory)
{
    char path[64];
    temp_path(path);
    lxw_workbook_options opt = {.constant_memory = (uint8_t)constant_memory};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    assert_non_null(wb);
    fill(wb);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    blob b = file_slurp(path);
    unlink(path);
    return b;
}

typedef struct {
    const char *name;
    const char *text;
} entry;

/* A zip of the given entries (deflated), as bytes. */
static blob zip_make(const entry *e, size_t n)
{
    char path[64];
    temp_path(path);
    int zerr = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(za);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(za, e[i].text, strlen(e[i].text), 0);
        assert_non_null(s);
        zip_int64_t idx = zip_file_add(za, e[i].name, s, ZIP_FL_ENC_UTF_8);
        assert_true(idx >= 0);
        assert_int_equal(zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 9), 0);
    }
    assert_int_equal(zip_close(za), 0);
    blob b = file_slurp(path);
    unlink(path);
    return b;
}

static const char WB[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

static const char WB_RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/></Relationships>";

#define WS_OPEN                                                                                    \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"                                                   \
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
#define WS_CLOSE "</sheetData></worksheet>"
#define SST_OPEN                                                                                   \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"                                                   \
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"

/* A minimal hand-made workbook: one sheet, optional shared strings. */
static blob xlsx_hand(const char *sheet_xml, const char *sst_xml)
{
    entry e[4] = {
        {"xl/workbook.xml", WB},
        {"xl/_rels/workbook.xml.rels", WB_RELS},
        {"xl/worksheets/sheet1.xml", sheet_xml},
        {"xl/sharedStrings.xml", sst_xml},
    };
    return zip_make(e, sst_xml ? 4 : 3);
}

/* Reads bytes that must parse; fails the test with the message otherwise. */
static sheet *must_read(const blob *b)
{
    sheet *sh = NULL;
    char err[256];
    sheet_status st = sheet_read(b->data, b->len, NULL, &sh, err, sizeof err);
    if (st != SHEET_OK)
        fail_msg("sheet_read: %d %s", (int)st, err);
    return sh;
}

static sheet *must_read_str(const char *s)
{
    blob b = {(char *)s, strlen(s)};
    return must_read(&b);
}

static sheet_status read_err(const char *data, size_t len, const sheet_limits *lim,
                             char *err /* OUT */, size_t errlen)
{
    sheet *sh = NULL;
    sheet_status st = sheet_read(data, len, lim, &sh, err, errlen);
    assert_null(sh);
    return st;
}

/* UTF-8 → another encoding, for building GBK and GB18030 files. */
static blob iconv_to(const char *to, const char *utf8)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t il = strlen(utf8), ol = il * 2 + 8;
    blob b = {malloc(ol), 0};
    assert_non_null(b.data);
    char *ip = (char *)utf8, *op = b.data;
    size_t cap = ol;
    assert_int_not_equal(iconv(cd, &ip, &il, &op, &ol), (size_t)-1);
    iconv_close(cd);
    b.len = cap - ol;
    return b;
}

/* Sets the uncompressed size of every entry named `name`, in local and central headers. */
static void zip_patch_size(blob *z, const char *name, uint32_t size)
{
    size_t nl = strlen(name);
    int patched = 0;
    for (size_t i = 0; i + 46 + nl <= z->len; i++) {
        unsigned char *p = (unsigned char *)z->data + i;
        size_t at = 0, name_at = 0;
        if (memcmp(p, "PK\x03\x04", 4) == 0) {
            at = 22;
            name_at = 30;
        } else if (memcmp(p, "PK\x01\x02", 4) == 0) {
            at = 24;
            name_at = 46;
        } else {
            continue;
        }
        if (memcmp(p + name_at, name, nl) != 0)
            continue;
        p[at] = (unsigned char)size;
        p[at + 1] = (unsigned char)(size >> 8);
        p[at + 2] = (unsigned char)(size >> 16);
        p[at + 3] = (unsigned char)(size >> 24);
        patched++;
    }
    assert_int_equal(patched, 2);
}

/* ---- CSV ---- */

static void test_sheet_read__csv_utf8_bom_crlf(void **state)
{
    (void)state;
    sheet *sh = must_read_str("\xEF\xBB\xBF姓名,年级\r\n张三,一年级\r\n");
    assert_int_equal(sheet_format_get(sh), SHEET_CSV);
    assert_int_equal(sheet_rows(sh), 2);
    assert_string_equal(sheet_cell(sh, 0, 0), "姓名");
    assert_string_equal(sheet_cell(sh, 0, 1), "年级");
    assert_string_equal(sheet_cell(sh, 1, 0), "张三");
    assert_string_equal(sheet_cell(sh, 1, 1), "一年级");
    sheet_free(sh);
}

static void test_sheet_read__csv_rfc4180_quotes(void **state)
{
    (void)state;
    sheet *sh = must_read_str("\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\"\nx,,z\n");
    assert_int_equal(sheet_rows(sh), 2);
    assert_int_equal(sheet_cols(sh, 0), 3);
    assert_string_equal(sheet_cell(sh, 0, 0), "a,b");
    assert_string_equal(sheet_cell(sh, 0, 1), "say \"hi\"");
    assert_string_equal(sheet_cell(sh, 0, 2), "two\r\nlines");
    assert_int_equal(sheet_cols(sh, 1), 3);
    assert_string_equal(sheet_cell(sh, 1, 1), "");
    assert_string_equal(sheet_cell(sh, 1, 2), "z");
    sheet_free(sh);
}

static void test_sheet_read__csv_quote_inside_unquoted_field_kept(void **state)
{
    (void)state;
    sheet *sh = must_read_str("a\"b,\"c\"d\n");
    assert_string_equal(sheet_cell(sh, 0, 0), "a\"b");
    assert_string_equal(sheet_cell(sh, 0, 1), "cd");
    sheet_free(sh);
}

static void test_sheet_read__csv_line_ends_lf_cr_crlf_and_no_final(void **state)
{
    (void)state;
    sheet *sh = must_read_str("a\nb\rc\r\nd");
    assert_int_equal(sheet_rows(sh), 4);
    assert_string_equal(sheet_cell(sh, 1, 0), "b");
    assert_string_equal(sheet_cell(sh, 2, 0), "c");
    assert_string_equal(sheet_cell(sh, 3, 0), "d");
    sheet_free(sh);
}

static void test_sheet_read__csv_empty_rows_inside_kept_trailing_dropped(void **state)
{
    (void)state;
    sheet *sh = must_read_str("a\n\n,,\nb,\n\n,,,\n\n");
    assert_int_equal(sheet_rows(sh), 4);
    assert_int_equal(sheet_cols(sh, 1), 0);
    assert_int_equal(sheet_cols(sh, 2), 0);
    assert_int_equal(sheet_cols(sh, 3), 1); /* "b," is one cell wide: the empty one is not kept */
    assert_string_equal(sheet_cell(sh, 3, 0), "b");
    sheet_free(sh);
}

static void test_sheet_read__csv_empty_file_has_no_rows(void **state)
{
    (void)state;
    sheet *sh = must_read_str("");
    assert_int_equal(sheet_rows(sh), 0);
    assert_string_equal(sheet_cell(sh, 0, 0), "");
    sheet_free(sh);
    sh = must_read_str("\xEF\xBB\xBF");
    assert_int_equal(sheet_rows(sh), 0);
    sheet_free(sh);
}

static void test_sheet_read__csv_excel_text_wrapper_removed(void **state)
{
    (void)state;
    sheet *sh = must_read_str("=\"0123\",\"=\"\"11010519491231002X\"\"\",=1+1,=\"\"\n");
    assert_string_equal(sheet_cell(sh, 0, 0), "0123");
    assert_string_equal(sheet_cell(sh, 0, 1), "11010519491231002X");
    assert_string_equal(sheet_cell(sh, 0, 2), "=1+1");
    assert_string_equal(sheet_cell(sh, 0, 3), ""); /* ="" is the empty text */
    sheet_free(sh);
}

static void test_sheet_read__csv_tab_separated(void **state)
{
    (void)state;
    sheet *sh = must_read_str("姓名\t年级\n王五\t二年级\n");
    assert_int_equal(sheet_cols(sh, 0), 2);
    assert_string_equal(sheet_cell(sh, 1, 1), "二年级");
    sheet_free(sh);
    /* a comma in the first line keeps commas as the separator */
    sh = must_read_str("a,b\tc\n");
    assert_int_equal(sheet_cols(sh, 0), 2);
    assert_string_equal(sheet_cell(sh, 0, 1), "b\tc");
    sheet_free(sh);
}

static void test_sheet_read__csv_gbk_converted(void **state)
{
    (void)state;
    blob b = iconv_to("GBK", "姓名,班级号\r\n李四,3班\r\n");
    /* make sure the bytes really are not UTF-8 (else the test proves nothing) */
    assert_memory_not_equal(b.data, "姓名", 4);
    sheet *sh = must_read(&b);
    assert_string_equal(sheet_cell(sh, 0, 0), "姓名");
    assert_string_equal(sheet_cell(sh, 1, 0), "李四");
    assert_string_equal(sheet_cell(sh, 1, 1), "3班");
    sheet_free(sh);
    blob_free(&b);
}

static void test_sheet_read__csv_gb18030_four_byte_characters(void **state)
{
    (void)state;
    /* 𠀀 (U+20000) and € are outside GBK's two-byte table: GB18030 uses four bytes. */
    blob b = iconv_to("GB18030", "名字\n\xF0\xA0\x80\x80\xE2\x82\xAC,陈\n");
    sheet *sh = must_read(&b);
    assert_string_equal(sheet_cell(sh, 1, 0), "\xF0\xA0\x80\x80\xE2\x82\xAC");
    assert_string_equal(sheet_cell(sh, 1, 1), "陈");
    sheet_free(sh);
    blob_free(&b);
}

static void test_sheet_read__csv_gbk_limit_counts_converted_bytes(void **state)
{
    (void)state;
    blob b = iconv_to("GBK", "李四王五赵六钱七孙八"); /* 20 bytes in, 30 bytes of UTF-8 out */
    assert_int_equal(b.len, 20);
    sheet_limits lim = sheet_limits_default();
    lim.max_expanded = 20;
    char err[256];
    assert_int_equal(read_err(b.data, b.len, &lim, err, sizeof err), SHEET_E_LIMIT);
    assert_non_null(strstr(err, "UTF-8"));
    lim.max_expanded = 40;
    sheet *sh = NULL;
    assert_int_equal(sheet_read(b.data, b.len, &lim, &sh, err, sizeof err), SHEET_OK);
    assert_string_equal(sheet_cell(sh, 0, 0), "李四王五赵六钱七孙八");
    sheet_free(sh);
    blob_free(&b);
}

static void test_sheet_read__csv_bad_encoding_names_the_line(void **state)
{
    (void)state;
    const char data[] = "a,b\nc,d\xFF\xFF\n";
    char err[256];
    assert_int_equal(read_err(data, sizeof data - 1, NULL, err, sizeof err), SHEET_E_ENCODING);
    assert_non_null(strstr(err, "第 2 行"));
}

static void test_sheet_read__csv_unclosed_quote_names_the_row(void **state)
{
    (void)state;
    const char data[] = "a,b\n\"c,d\ne,f\n";
    char err[256];
    assert_int_equal(read_err(data, sizeof data - 1, NULL, err, sizeof err), SHEET_E_CORRUPT);
    assert_non_null(strstr(err, "第 2 行"));
}

/* ---- refusing what is not a spreadsheet ---- */

static void test_sheet_read__refuses_old_xls(void **state)
{
    (void)state;
    const char data[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
    char err[256];
    assert_int_equal(read_err(data, sizeof data - 1, NULL, err, sizeof err), SHEET_E_FORMAT);
    assert_non_null(strstr(err, ".xls"));
}

static void test_sheet_read__refuses_utf16(void **state)
{
    (void)state;
    const char data[] = "\xFF\xFE"
                        "a\0,\0b\0";
    char err[256];
    assert_int_equal(read_err(data, sizeof data - 1, NULL, err, sizeof err), SHEET_E_FORMAT);
    assert_non_null(strstr(err, "UTF-16"));
}

static void test_sheet_read__refuses_binary(void **state)
{
    (void)state;
    const char data[] = "\x89PNG\r\n\x1A\n\0\0\0\rIHDR";
    char err[256];
    assert_int_equal(read_err(data, sizeof data - 1, NULL, err, sizeof err), SHEET_E_FORMAT);
}

static void test_sheet_read__refuses_broken_zip(void **state)
{
    (void)state;
    const char data[] = "PK\x03\x04 this is not really a zip archive at all";
    char err[256];
    assert_int_equal(read_err(data, sizeof data - 1, NULL, err, sizeof err), SHEET_E_CORRUPT);
    assert_non_null(strstr(err, "XLSX"));
}

static void test_sheet_read__refuses_zip_without_worksheet(void **state)
{
    (void)state;
    entry e[1] = {{"hello.txt", "hello"}};
    blob z = zip_make(e, 1);
    char err[256];
    assert_int_equal(read_err(z.data, z.len, NULL, err, sizeof err), SHEET_E_FORMAT);
    blob_free(&z);
}

/* ---- limits ---- */

static blob repeat_lines(const char *line, size_t n)
{
    size_t l = strlen(line);
    blob b = {malloc(l * n + 1), l * n};
    assert_non_null(b.data);
    for (size_t i = 0; i < n; i++)
        memcpy(b.data + i * l, line, l);
    b.data[b.len] = '\0';
    return b;
}

static void test_sheet_read__limit_rows_default(void **state)
{
    (void)state;
    blob ok = repeat_lines("1\n", SHEET_MAX_ROWS);
    sheet *sh = must_read(&ok);
    assert_int_equal(sheet_rows(sh), SHEET_MAX_ROWS);
    sheet_free(sh);
    blob_free(&ok);

    blob over = repeat_lines("1\n", SHEET_MAX_ROWS + 1);
    char err[256];
    assert_int_equal(read_err(over.data, over.len, NULL, err, sizeof err), SHEET_E_LIMIT);
    assert_non_null(strstr(err, "200000"));
    blob_free(&over);

    /* empty lines past the limit are not rows */
    blob tail = repeat_lines("\n", SHEET_MAX_ROWS + 10);
    tail.data[0] = 'x';
    sh = must_read(&tail);
    assert_int_equal(sheet_rows(sh), 1);
    sheet_free(sh);
    blob_free(&tail);
}

static void test_sheet_read__limit_columns_default(void **state)
{
    (void)state;
    char line[1200];
    size_t o = 0;
    for (int i = 0; i < SHEET_MAX_COLS; i++)
        o += (size_t)snprintf(line + o, sizeof line - o, "%s%d", i ? "," : "", i % 10);
    line[o] = '\0';
    sheet *sh = must_read_str(line);
    assert_int_equal(sheet_cols(sh, 0), SHEET_MAX_COLS);
    assert_string_equal(sheet_cell(sh, 0, SHEET_MAX_COLS - 1), "5");
    sheet_free(sh);

    /* empty cells past the limit are fine */
    char wide[1300];
    snprintf(wide, sizeof wide, "%s,,,,,,,,,", line);
    sh = must_read_str(wide);
    assert_int_equal(sheet_cols(sh, 0), SHEET_MAX_COLS);
    sheet_free(sh);

    snprintf(wide, sizeof wide, "%s,x", line);
    char err[256];
    assert_int_equal(read_err(wide, strlen(wide), NULL, err, sizeof err), SHEET_E_LIMIT);
    assert_non_null(strstr(err, "IW")); /* column 257 */
}

static void test_sheet_read__limit_cell_bytes_default(void **state)
{
    (void)state;
    char *s = malloc(SHEET_MAX_CELL + 8);
    assert_non_null(s);
    memset(s, 'a', SHEET_MAX_CELL);
    memcpy(s + SHEET_MAX_CELL, "\nb", 3);
    sheet *sh = must_read_str(s);
    assert_int_equal(strlen(sheet_cell(sh, 0, 0)), SHEET_MAX_CELL);
    sheet_free(sh);

    memset(s, 'a', SHEET_MAX_CELL + 1);
    memcpy(s + SHEET_MAX_CELL + 1, "\n", 2);
    char err[256];
    assert_int_equal(read_err(s, strlen(s), NULL, err, sizeof err), SHEET_E_LIMIT);
    assert_non_null(strstr(err, "4096"));
    assert_non_null(strstr(err, "第 1 行 A 列"));
    free(s);
}

static void test_sheet_read__limit_total_cells(void **state)
{
    (void)state;
    sheet_limits lim = sheet_limits_default();
    lim.max_cells = 5;
    char err[256];
    const char data[] = "a,b,c\nd,e,f\n";
    assert_int_equal(read_err(data, sizeof data - 1, &lim, err, sizeof err), SHEET_E_LIMIT);
    lim.max_cells = 6;
    sheet *sh = NULL;
    assert_int_equal(sheet_read(data, sizeof data - 1, &lim, &sh, err, sizeof err), SHEET_OK);
    sheet_free(sh);
}

static void test_sheet_read__limit_input_size(void **state)
{
    (void)state;
    sheet_limits lim = sheet_limits_default();
    lim.max_expanded = 8;
    char err[256];
    assert_int_equal(read_err("a,b,c,d,e\n", 10, &lim, err, sizeof err), SHEET_E_LIMIT);
}

/* ---- XLSX written by libxlsxwriter ---- */

static void fill_basic(lxw_workbook *wb)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "学生");
    worksheet_write_string(ws, 0, 0, "姓名", NULL);
    worksheet_write_string(ws, 0, 1, "身份证件号", NULL);
    worksheet_write_string(ws, 0, 2, "入学年月", NULL);
    worksheet_write_string(ws, 0, 3, "班级号", NULL);
    worksheet_write_string(ws, 1, 0, "张三", NULL);
    worksheet_write_string(ws, 1, 1, "11010519491231002X", NULL);
    worksheet_write_number(ws, 1, 2, 20150901, NULL);
    worksheet_write_number(ws, 1, 3, 3, NULL);
    worksheet_write_number(ws, 1, 4, 1.5, NULL);
    worksheet_write_boolean(ws, 1, 5, 1, NULL);
    worksheet_write_formula_str(ws, 1, 6, "=\"A\"&\"B\"", NULL, "AB");
    /* a gap: B3 and C3 missing */
    worksheet_write_string(ws, 2, 0, "李四", NULL);
    worksheet_write_string(ws, 2, 3, "张三", NULL); /* a repeated shared string */
    /* row 4 missing, row 5 present */
    worksheet_write_number(ws, 4, 1, -42, NULL);
}

static void check_basic(sheet *sh)
{
    assert_int_equal(sheet_format_get(sh), SHEET_XLSX);
    assert_int_equal(sheet_rows(sh), 5);
    assert_string_equal(sheet_cell(sh, 0, 0), "姓名");
    assert_string_equal(sheet_cell(sh, 0, 3), "班级号");
    assert_string_equal(sheet_cell(sh, 1, 0), "张三");
    assert_string_equal(sheet_cell(sh, 1, 1), "11010519491231002X");
    assert_string_equal(sheet_cell(sh, 1, 2), "20150901");
    assert_string_equal(sheet_cell(sh, 1, 3), "3");
    assert_string_equal(sheet_cell(sh, 1, 4), "1.5");
    assert_string_equal(sheet_cell(sh, 1, 5), "TRUE");
    assert_string_equal(sheet_cell(sh, 1, 6), "AB");
    assert_int_equal(sheet_cols(sh, 2), 4);
    assert_string_equal(sheet_cell(sh, 2, 1), "");
    assert_string_equal(sheet_cell(sh, 2, 2), "");
    assert_string_equal(sheet_cell(sh, 2, 3), "张三");
    assert_int_equal(sheet_cols(sh, 3), 0);
    assert_string_equal(sheet_cell(sh, 4, 0), "");
    assert_string_equal(sheet_cell(sh, 4, 1), "-42");
}

static void test_sheet_read__xlsx_writer_shared_strings(void **state)
{
    (void)state;
    blob b = xlsx_write(fill_basic, 0);
    sheet *sh = must_read(&b);
    check_basic(sh);
    sheet_free(sh);
    blob_free(&b);
}

static void test_sheet_read__xlsx_writer_inline_strings(void **state)
{
    (void)state;
    /* constant_memory mode writes strings inline (<is><t>) instead of shared strings */
    blob b = xlsx_write(fill_basic, 1);
    sheet *sh = must_read(&b);
    check_basic(sh);
    sheet_free(sh);
    blob_free(&b);
}

static void fill_rich(lxw_workbook *wb)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_rich_string_tuple f1 = {.format = NULL, .string = "王"};
    lxw_rich_string_tuple f2 = {.format = bold, .string = "小明"};
    lxw_rich_string_tuple f3 = {.format = NULL, .string = " (转学)"};
    lxw_rich_string_tuple *rich[] = {&f1, &f2, &f3, NULL};
    worksheet_write_rich_string(ws, 0, 0, rich, NULL);
}

static void test_sheet_read__xlsx_writer_rich_text_runs_joined(void **state)
{
    (void)state;
    blob b = xlsx_write(fill_rich, 0);
    sheet *sh = must_read(&b);
    assert_string_equal(sheet_cell(sh, 0, 0), "王小明 (转学)");
    sheet_free(sh);
    blob_free(&b);
}

static void fill_hidden_first(lxw_workbook *wb)
{
    lxw_worksheet *notes = workbook_add_worksheet(wb, "填表说明");
    lxw_worksheet *data = workbook_add_worksheet(wb, "学生名单");
    worksheet_write_string(notes, 0, 0, "说明", NULL);
    worksheet_write_string(data, 0, 0, "姓名", NULL);
    worksheet_activate(data);
    worksheet_hide(notes);
}

static void fill_two_visible(lxw_workbook *wb)
{
    lxw_worksheet *first = workbook_add_worksheet(wb, "名单");
    lxw_worksheet *second = workbook_add_worksheet(wb, "其他");
    worksheet_write_string(first, 0, 0, "第一个", NULL);
    worksheet_write_string(second, 0, 0, "第二个", NULL);
    worksheet_activate(second);
}

static void test_sheet_read__xlsx_first_visible_sheet(void **state)
{
    (void)state;
    blob b = xlsx_write(fill_hidden_first, 0);
    sheet *sh = must_read(&b);
    assert_string_equal(sheet_cell(sh, 0, 0), "姓名");
    sheet_free(sh);
    blob_free(&b);

    /* the first tab, not the active one */
    b = xlsx_write(fill_two_visible, 0);
    sh = must_read(&b);
    assert_string_equal(sheet_cell(sh, 0, 0), "第一个");
    sheet_free(sh);
    blob_free(&b);
}

/* ---- XLSX made by hand ---- */

static void test_sheet_read__xlsx_shared_rich_text_skips_phonetic(void **state)
{
    (void)state;
    blob b = xlsx_hand(WS_OPEN "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c>"
                               "<c r=\"B1\" t=\"s\"><v>0</v></c></row>" WS_CLOSE,
                       SST_OPEN "<si><t>plain</t></si>"
                                "<si><r><rPr><b/></rPr><t>张</t></r>"
                                "<r><t xml:space=\"preserve\">三 </t></r>"
                                "<rPh sb=\"0\" eb=\"1\"><t>zhang</t></rPh></si></sst>");
    sheet *sh = must_read(&b);
    assert_string_equal(sheet_cell(sh, 0, 0), "张三 ");
    assert_string_equal(sheet_cell(sh, 0, 1), "plain");
    sheet_free(sh);
    blob_free(&b);
}

static void test_sheet_read__xlsx_inline_string_and_types(void **state)
{
    (void)state;
    blob b = xlsx_hand(WS_OPEN "<row r=\"1\">"
                               "<c r=\"A1\" t=\"inlineStr\"><is><t>内联</t></is></c>"
                               "<c r=\"B1\" t=\"inlineStr\"><is><r><t>a</t></r><r><t>b</t></r>"
                               "</is></c>"
                               "<c r=\"C1\" t=\"str\"><f>A1</f><v>公式</v></c>"
                               "<c r=\"D1\" t=\"b\"><v>0</v></c>"
                               "<c r=\"E1\" t=\"e\"><v>#N/A</v></c>"
                               "<c r=\"F1\" t=\"inlineStr\"><is><t>a_x000D_b_x005F_x0041_</t>"
                               "</is></c>"
                               "<c r=\"G1\" s=\"3\"/>"
                               "</row>" WS_CLOSE,
                       NULL);
    sheet *sh = must_read(&b);
    assert_string_equal(sheet_cell(sh, 0, 0), "内联");
    assert_string_equal(sheet_cell(sh, 0, 1), "ab");
    assert_string_equal(sheet_cell(sh, 0, 2), "公式");
    assert_string_equal(sheet_cell(sh, 0, 3), "FALSE");
    assert_string_equal(sheet_cell(sh, 0, 4), "#N/A");
    assert_string_equal(sheet_cell(sh, 0, 5), "a\rb_x0041_");
    assert_int_equal(sheet_cols(sh, 0), 6); /* the styled empty G1 is not a cell */
    sheet_free(sh);
    blob_free(&b);
}

static void test_sheet_read__xlsx_numbers_rendered_without_exponent(void **state)
{
    (void)state;
    static const struct {
        const char *v, *want;
    } cases[] = {
        {"2.0150901E7", "20150901"},
        {"1.1010519491231E+17", "110105194912310000"},
        {"20150901", "20150901"},
        {"3.0", "3"},
        {"3", "3"},
        {"12.50", "12.5"},
        {"1.5E-3", "0.0015"},
        {"-2.5E1", "-25"},
        {"-0", "0"},
        {"0.0", "0"},
        {"007", "7"},
        {"1E100", "1E100"},
        {" 42 ", "42"},
        {"abc", "abc"},
    };
    char xml[4096];
    size_t o = (size_t)snprintf(xml, sizeof xml, "%s", WS_OPEN);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        o += (size_t)snprintf(xml + o, sizeof xml - o,
                              "<row r=\"%zu\"><c r=\"A%zu\"><v>%s</v></c></row>", i + 1, i + 1,
                              cases[i].v);
    snprintf(xml + o, sizeof xml - o, "%s", WS_CLOSE);
    blob b = xlsx_hand(xml, NULL);
    sheet *sh = must_read(&b);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(sheet_cell(sh, i, 0), cases[i].want);
    sheet_free(sh);
    blob_free(&b);
}

static void test_sheet_read__xlsx_missing_refs_follow_on(void **state)
{
    (void)state;
    blob b = xlsx_hand(WS_OPEN "<row><c><v>1</v></c><c><v>2</v></c><c r=\"E1\"><v>5</v></c>"
                               "<c><v>6</v></c></row>"
                               "<row><c r=\"B2\"><v>7</v></c></row>"
                               "<row r=\"5\"><c r=\"c5\"><v>8</v></c></row>" WS_CLOSE,
                       NULL);
    sheet *sh = must_read(&b);
    assert_int_equal(sheet_rows(sh), 5);
    assert_string_equal(sheet_cell(sh, 0, 0), "1");
    assert_string_equal(sheet_cell(sh, 0, 1), "2");
    assert_string_equal(sheet_cell(sh, 0, 2), "");
    assert_string_equal(sheet_cell(sh, 0, 4), "5");
    assert_string_equal(sheet_cell(sh, 0, 5), "6");
    assert_string_equal(sheet_cell(sh, 1, 1), "7");
    assert_int_equal(sheet_cols(sh, 2), 0);
    assert_string_equal(sheet_cell(sh, 4, 2), "8");
    sheet_free(sh);
    blob_free(&b);
}

static void test_sheet_read__xlsx_namespace_prefixes(void **state)
{
    (void)state;
    blob b =
        xlsx_hand("<?xml version=\"1.0\"?><x:worksheet "
                  "xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                  "<x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c>"
                  "</x:row></x:sheetData></x:worksheet>",
                  "<x:sst xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                  "<x:si><x:t>前缀</x:t></x:si></x:sst>");
    sheet *sh = must_read(&b);
    assert_string_equal(sheet_cell(sh, 0, 0), "前缀");
    sheet_free(sh);
    blob_free(&b);
}

static void test_sheet_read__xlsx_rels_absolute_target_and_root_rels(void **state)
{
    (void)state;
    entry e[4] = {
        {"_rels/.rels",
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
         "relationships/officeDocument\" Target=\"book/main.xml\"/></Relationships>"},
        {"book/main.xml", WB},
        {"book/_rels/main.xml.rels",
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
         "relationships/worksheet\" Target=\"/data/./x/../students.xml\"/></Relationships>"},
        {"data/students.xml", WS_OPEN "<row r=\"1\"><c r=\"A1\"><v>9</v></c></row>" WS_CLOSE},
    };
    blob b = zip_make(e, 4);
    sheet *sh = must_read(&b);
    assert_string_equal(sheet_cell(sh, 0, 0), "9");
    sheet_free(sh);
    blob_free(&b);
}

static void test_sheet_read__xlsx_bad_shared_string_index(void **state)
{
    (void)state;
    blob b = xlsx_hand(WS_OPEN "<row r=\"3\"><c r=\"B3\" t=\"s\"><v>1</v></c></row>" WS_CLOSE,
                       SST_OPEN "<si><t>only</t></si></sst>");
    char err[256];
    assert_int_equal(read_err(b.data, b.len, NULL, err, sizeof err), SHEET_E_CORRUPT);
    assert_non_null(strstr(err, "第 3 行 B 列"));
    blob_free(&b);
}

static void test_sheet_read__xlsx_rows_out_of_order_refused(void **state)
{
    (void)state;
    blob b = xlsx_hand(WS_OPEN "<row r=\"2\"><c r=\"A2\"><v>1</v></c></row>"
                               "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>" WS_CLOSE,
                       NULL);
    char err[256];
    assert_int_equal(read_err(b.data, b.len, NULL, err, sizeof err), SHEET_E_CORRUPT);
    blob_free(&b);
}

static void test_sheet_read__xlsx_doctype_refused(void **state)
{
    (void)state;
    blob b = xlsx_hand("<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaa\">"
                       "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                       "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is>"
                       "<t>&b;</t></is></c></row></sheetData></worksheet>",
                       NULL);
    char err[256];
    assert_int_equal(read_err(b.data, b.len, NULL, err, sizeof err), SHEET_E_CORRUPT);
    assert_non_null(strstr(err, "DOCTYPE"));
    blob_free(&b);
}

static void test_sheet_read__xlsx_malformed_xml(void **state)
{
    (void)state;
    blob b = xlsx_hand(WS_OPEN "<row r=\"1\"><c r=\"A1\"><v>1</c></row>" WS_CLOSE, NULL);
    char err[256];
    assert_int_equal(read_err(b.data, b.len, NULL, err, sizeof err), SHEET_E_CORRUPT);
    assert_non_null(strstr(err, "XML"));
    blob_free(&b);
}

static void test_sheet_read__xlsx_row_limit(void **state)
{
    (void)state;
    /* a formatted but empty row far down is not content */
    blob b =
        xlsx_hand(WS_OPEN "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
                          "<row r=\"1048576\" s=\"1\"><c r=\"A1048576\" s=\"1\"/></row>" WS_CLOSE,
                  NULL);
    sheet *sh = must_read(&b);
    assert_int_equal(sheet_rows(sh), 1);
    sheet_free(sh);
    blob_free(&b);

    b = xlsx_hand(WS_OPEN "<row r=\"200000\"><c r=\"A200000\"><v>1</v></c></row>" WS_CLOSE, NULL);
    sh = must_read(&b);
    assert_int_equal(sheet_rows(sh), 200000);
    sheet_free(sh);
    blob_free(&b);

    b = xlsx_hand(WS_OPEN "<row r=\"200001\"><c r=\"A200001\"><v>1</v></c></row>" WS_CLOSE, NULL);
    char err[256];
    assert_int_equal(read_err(b.data, b.len, NULL, err, sizeof err), SHEET_E_LIMIT);
    blob_free(&b);
}

static void test_sheet_read__xlsx_column_limit(void **state)
{
    (void)state;
    blob b = xlsx_hand(
        WS_OPEN "<row r=\"1\"><c r=\"IV1\"><v>1</v></c><c r=\"XFD1\" s=\"2\"/></row>" WS_CLOSE,
        NULL);
    sheet *sh = must_read(&b);
    assert_int_equal(sheet_cols(sh, 0), 256);
    sheet_free(sh);
    blob_free(&b);

    b = xlsx_hand(WS_OPEN "<row r=\"1\"><c r=\"IW1\"><v>1</v></c></row>" WS_CLOSE, NULL);
    char err[256];
    assert_int_equal(read_err(b.data, b.len, NULL, err, sizeof err), SHEET_E_LIMIT);
    assert_non_null(strstr(err, "IW"));
    blob_free(&b);
}

static void test_sheet_read__xlsx_long_shared_string_only_when_used(void **state)
{
    (void)state;
    size_t n = SHEET_MAX_CELL + 1;
    char *sst = malloc(n + 256);
    assert_non_null(sst);
    int o = snprintf(sst, 256, "%s<si><t>short</t></si><si><t>", SST_OPEN);
    memset(sst + o, 'x', n);
    snprintf(sst + o + n, 256, "%s", "</t></si></sst>");

    blob b = xlsx_hand(WS_OPEN "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>" WS_CLOSE, sst);
    sheet *sh = must_read(&b);
    assert_string_equal(sheet_cell(sh, 0, 0), "short");
    sheet_free(sh);
    blob_free(&b);

    b = xlsx_hand(WS_OPEN "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c></row>" WS_CLOSE, sst);
    char err[256];
    assert_int_equal(read_err(b.data, b.len, NULL, err, sizeof err), SHEET_E_LIMIT);
    assert_non_null(strstr(err, "4096"));
    blob_free(&b);
    free(sst);
}

/* A worksheet of about `mib` MiB: real rows padded by a long comment (compresses to little). */
static char *big_sheet_xml(size_t mib)
{
    size_t pad = mib << 20;
    const char *head = WS_OPEN "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>" WS_CLOSE "<!--";
    char *s = malloc(strlen(head) + pad + 8);
    assert_non_null(s);
    size_t o = strlen(head);
    memcpy(s, head, o);
    memset(s + o, ' ', pad);
    memcpy(s + o + pad, "-->", 4);
    return s;
}

static void test_sheet_read__zip_bomb_declared_size_refused(void **state)
{
    (void)state;
    /* default limits; the header claims ~4 GiB for a tiny entry */
    blob b = xlsx_hand(WS_OPEN "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>" WS_CLOSE, NULL);
    zip_patch_size(&b, "xl/worksheets/sheet1.xml", 0xFFFFFF00u);
    char err[256];
    assert_int_equal(read_err(b.data, b.len, NULL, err, sizeof err), SHEET_E_LIMIT);
    assert_non_null(strstr(err, "256 MiB"));
    blob_free(&b);
}

static void test_sheet_read__zip_bomb_inflated_size_refused(void **state)
{
    (void)state;
    char *xml = big_sheet_xml(2);
    blob b = xlsx_hand(xml, NULL);
    free(xml);
    assert_true(b.len < 64 * 1024); /* it is a bomb: small in, large out */

    sheet_limits lim = sheet_limits_default();
    lim.max_expanded = 1u << 20;
    char err[256];
    /* honest header: refused before inflating */
    assert_int_equal(read_err(b.data, b.len, &lim, err, sizeof err), SHEET_E_LIMIT);

    /* lying header (claims 100 bytes): libzip inflates past it, the byte count stops it */
    zip_patch_size(&b, "xl/worksheets/sheet1.xml", 100);
    assert_int_equal(read_err(b.data, b.len, &lim, err, sizeof err), SHEET_E_LIMIT);
    assert_non_null(strstr(err, "1 MiB"));

    /* and with room enough the same sheet reads */
    blob_free(&b);
    xml = big_sheet_xml(2);
    b = xlsx_hand(xml, NULL);
    free(xml);
    lim.max_expanded = 4u << 20;
    sheet *sh = NULL;
    assert_int_equal(sheet_read(b.data, b.len, &lim, &sh, err, sizeof err), SHEET_OK);
    assert_string_equal(sheet_cell(sh, 0, 0), "1");
    sheet_free(sh);
    blob_free(&b);
}

static void test_sheet_cell__out_of_range_is_empty(void **state)
{
    (void)state;
    sheet *sh = must_read_str("a,b\n");
    assert_string_equal(sheet_cell(sh, 0, 2), "");
    assert_string_equal(sheet_cell(sh, 1, 0), "");
    assert_string_equal(sheet_cell(sh, (size_t)-1, (size_t)-1), "");
    assert_int_equal(sheet_cols(sh, 5), 0);
    sheet_free(sh);
    sheet_free(NULL);
}

static void test_sheet_status_message__both_languages(void **state)
{
    (void)state;
    for (int st = SHEET_OK; st <= SHEET_E_NOMEM; st++) {
        const char *zh = sheet_status_message((sheet_status)st, 0);
        const char *en = sheet_status_message((sheet_status)st, 1);
        assert_non_null(zh);
        assert_non_null(en);
        assert_string_not_equal(zh, en);
        assert_string_not_equal(en, "Unknown error");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sheet_read__csv_utf8_bom_crlf),
        cmocka_unit_test(test_sheet_read__csv_rfc4180_quotes),
        cmocka_unit_test(test_sheet_read__csv_quote_inside_unquoted_field_kept),
        cmocka_unit_test(test_sheet_read__csv_line_ends_lf_cr_crlf_and_no_final),
        cmocka_unit_test(test_sheet_read__csv_empty_rows_inside_kept_trailing_dropped),
        cmocka_unit_test(test_sheet_read__csv_empty_file_has_no_rows),
        cmocka_unit_test(test_sheet_read__csv_excel_text_wrapper_removed),
        cmocka_unit_test(test_sheet_read__csv_tab_separated),
        cmocka_unit_test(test_sheet_read__csv_gbk_converted),
        cmocka_unit_test(test_sheet_read__csv_gb18030_four_byte_characters),
        cmocka_unit_test(test_sheet_read__csv_gbk_limit_counts_converted_bytes),
        cmocka_unit_test(test_sheet_read__csv_bad_encoding_names_the_line),
        cmocka_unit_test(test_sheet_read__csv_unclosed_quote_names_the_row),
        cmocka_unit_test(test_sheet_read__refuses_old_xls),
        cmocka_unit_test(test_sheet_read__refuses_utf16),
        cmocka_unit_test(test_sheet_read__refuses_binary),
        cmocka_unit_test(test_sheet_read__refuses_broken_zip),
        cmocka_unit_test(test_sheet_read__refuses_zip_without_worksheet),
        cmocka_unit_test(test_sheet_read__limit_rows_default),
        cmocka_unit_test(test_sheet_read__limit_columns_default),
        cmocka_unit_test(test_sheet_read__limit_cell_bytes_default),
        cmocka_unit_test(test_sheet_read__limit_total_cells),
        cmocka_unit_test(test_sheet_read__limit_input_size),
        cmocka_unit_test(test_sheet_read__xlsx_writer_shared_strings),
        cmocka_unit_test(test_sheet_read__xlsx_writer_inline_strings),
        cmocka_unit_test(test_sheet_read__xlsx_writer_rich_text_runs_joined),
        cmocka_unit_test(test_sheet_read__xlsx_first_visible_sheet),
        cmocka_unit_test(test_sheet_read__xlsx_shared_rich_text_skips_phonetic),
        cmocka_unit_test(test_sheet_read__xlsx_inline_string_and_types),
        cmocka_unit_test(test_sheet_read__xlsx_numbers_rendered_without_exponent),
        cmocka_unit_test(test_sheet_read__xlsx_missing_refs_follow_on),
        cmocka_unit_test(test_sheet_read__xlsx_namespace_prefixes),
        cmocka_unit_test(test_sheet_read__xlsx_rels_absolute_target_and_root_rels),
        cmocka_unit_test(test_sheet_read__xlsx_bad_shared_string_index),
        cmocka_unit_test(test_sheet_read__xlsx_rows_out_of_order_refused),
        cmocka_unit_test(test_sheet_read__xlsx_doctype_refused),
        cmocka_unit_test(test_sheet_read__xlsx_malformed_xml),
        cmocka_unit_test(test_sheet_read__xlsx_row_limit),
        cmocka_unit_test(test_sheet_read__xlsx_column_limit),
        cmocka_unit_test(test_sheet_read__xlsx_long_shared_string_only_when_used),
        cmocka_unit_test(test_sheet_read__zip_bomb_declared_size_refused),
        cmocka_unit_test(test_sheet_read__zip_bomb_inflated_size_refused),
        cmocka_unit_test(test_sheet_cell__out_of_range_is_empty),
        cmocka_unit_test(test_sheet_status_message__both_languages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
