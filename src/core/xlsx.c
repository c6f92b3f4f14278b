/*
 * xlsx.c: the XLSX export pipeline (see xlsx.h): a private temporary file, the shared formats,
 * read back, unlink, answer.
 *
 * The temporary file: mkstemps creates it (0600, a random name, O_EXCL) so no other user can
 * read a child's data from it or plant a file in its place; libxlsxwriter then rewrites it by
 * name at workbook_close. Every path out of this file after mkstemps unlinks it: finish (after
 * reading it back, or after a failed close) and discard.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xlsx.h"

/* libxlsxwriter 1.1.4 writes the document's creation time with gmtime(), whose result lives in
 * one static buffer of the C library: two exports closing at once on two handler threads race
 * on it (ThreadSanitizer saw it in the route x role test). Closing is serialised; building the
 * sheets, the long part, is not. */
static pthread_mutex_t close_mu = PTHREAD_MUTEX_INITIALIZER;

static const char xlsx_type[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

bool xlsx_open_or_reply(req *r, xlsx_book *b, const char *prefix)
{
    memset(b, 0, sizeof *b);
    const char *tmpdir = getenv("TMPDIR");
    int n = snprintf(b->path, sizeof b->path, "%s/sj-%s-XXXXXX.xlsx",
                     tmpdir && *tmpdir ? tmpdir : "/tmp", prefix);
    int fd = n > 0 && (size_t)n < sizeof b->path ? mkstemps(b->path, 5) : -1;
    if (fd < 0) {
        b->path[0] = '\0';
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    close(fd);
    b->wb = workbook_new(b->path);
    if (!b->wb) {
        xlsx_discard(b);
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    b->header = workbook_add_format(b->wb);
    format_set_bold(b->header);
    format_set_bg_color(b->header, 0xDDEBF7);
    b->integer = workbook_add_format(b->wb);
    format_set_num_format(b->integer, "0");
    b->money = workbook_add_format(b->wb);
    format_set_num_format(b->money, "#,##0.00");
    b->date = workbook_add_format(b->wb);
    format_set_num_format(b->date, "yyyy-mm-dd");
    return true;
}

void xlsx_discard(xlsx_book *b)
{
    if (b->wb) {
        lxw_workbook_free(b->wb); /* nothing written */
        b->wb = NULL;
    }
    if (b->path[0]) {
        unlink(b->path);
        b->path[0] = '\0';
    }
}

/* The whole file at `path` in request memory; NULL when it cannot be read or is empty. */
static const char *read_back(req *r, const char *path, size_t *len /* OUT */)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
        data = req_alloc(r, (size_t)n);
        if (fread(data, 1, (size_t)n, f) != (size_t)n)
            data = NULL;
    }
    fclose(f);
    *len = data ? (size_t)n : 0;
    return data;
}

bool xlsx_finish_or_reply(req *r, xlsx_book *b)
{
    pthread_mutex_lock(&close_mu);
    lxw_error err = workbook_close(b->wb); /* writes the file and frees the workbook */
    pthread_mutex_unlock(&close_mu);
    b->wb = NULL;
    b->header = b->integer = b->money = b->date = NULL;
    if (err != LXW_NO_ERROR)
        fprintf(stderr, "xlsx: %s: %s\n", b->path, lxw_strerror(err));
    b->data = err == LXW_NO_ERROR ? read_back(r, b->path, &b->len) : NULL;
    unlink(b->path);
    b->path[0] = '\0';
    if (!b->data) {
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

/* RFC 5987 attr-char: sent as itself; every other byte is %XX. */
static bool attr_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           strchr("!#$&+-.^_`|~", c) != NULL;
}

const char *xlsx_disposition(req *r, const char *filename, const char *filename_utf8)
{
    size_t n = strlen(filename), m = filename_utf8 ? strlen(filename_utf8) : 0;
    char *ascii = req_alloc(r, n + 1);
    for (size_t i = 0; i < n; i++) {
        char c = filename[i];
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
        ascii[i] = keep ? c : '_';
    }
    if (!filename_utf8)
        return req_printf(r, "attachment; filename=\"%s\"", ascii);
    char *enc = req_alloc(r, 3 * m + 1), *o = enc;
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < m; i++) {
        unsigned char c = (unsigned char)filename_utf8[i];
        if (c && attr_char(c)) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return req_printf(r, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
}

void xlsx_reply(req *r, const xlsx_book *b, const char *filename, const char *filename_utf8)
{
    r->resp_disposition = xlsx_disposition(r, filename, filename_utf8);
    reply_raw(r, 200, xlsx_type, b->data, b->len);
}

void xlsx_header_row(const xlsx_book *b, lxw_worksheet *ws, const char *const *heads, int n)
{
    for (int i = 0; i < n; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, heads[i], b->header);
}

void xlsx_int(const xlsx_book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int64_t v)
{
    worksheet_write_number(ws, row, col, (double)v, b->integer);
}

void xlsx_money(const xlsx_book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int64_t fen)
{
    /* fen are shown as 元 for people; the figures themselves stay integers */
    worksheet_write_number(ws, row, col, (double)fen / 100.0, b->money);
}

void xlsx_date(const xlsx_book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *ymd)
{
    if (!valid_date(ymd)) {
        worksheet_write_string(ws, row, col, ymd, NULL);
        return;
    }
    lxw_datetime dt = {.year = (ymd[0] - '0') * 1000 + (ymd[1] - '0') * 100 + (ymd[2] - '0') * 10 +
                               (ymd[3] - '0'),
                       .month = (ymd[5] - '0') * 10 + (ymd[6] - '0'),
                       .day = (ymd[8] - '0') * 10 + (ymd[9] - '0')};
    worksheet_write_datetime(ws, row, col, &dt, b->date);
}
