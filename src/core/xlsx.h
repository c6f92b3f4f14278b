/*
 * xlsx.h: the one XLSX export pipeline. Every module's export (homework report, after-school
 * coverage, funds summary) writes its sheets with libxlsxwriter between xlsx_open_or_reply and
 * xlsx_reply, and takes its cell formats from here, so every export looks alike.
 *
 * libxlsxwriter (1.1.4, Debian 12) can only write a workbook to a named file, so the book is
 * built in a private temporary file (mkstemps, mode 0600, in $TMPDIR or /tmp), read back into
 * the request's memory and unlinked before anything is answered. Whatever happens after
 * xlsx_open_or_reply, exactly one of xlsx_finish_or_reply or xlsx_discard must follow; both
 * unlink the file, so nothing is left in /tmp, on success or on error.
 *
 * Use:
 *     xlsx_book b;
 *     if (!xlsx_open_or_reply(r, &b, "homework"))  // answered 500
 *         return;
 *     lxw_worksheet *ws = workbook_add_worksheet(b.wb, "学科");
 *     xlsx_header_row(&b, ws, heads, n);           // row 0, the header style
 *     xlsx_money(&b, ws, row, col, fen);           // 元 with 2 decimals, from integer fen
 *     if (!xlsx_finish_or_reply(r, &b))             // answered 500; the file is gone
 *         return;
 *     audit_record(...);                            // the export happened: log it
 *     xlsx_reply(r, &b, "homework-2026-01.xlsx", "作业统计-2026-01.xlsx" or NULL);
 *
 * Formats (owned by the workbook, valid until finish or discard):
 *   header   bold on a light blue fill (0xDDEBF7): the header row and total labels
 *   integer  "0"
 *   money    "#,##0.00": a money cell holds 元 as a number (fen / 100), never text, so that
 *            Excel can sum it; the stored figures stay integer fen everywhere else
 *   date     "yyyy-mm-dd", for a real date cell (xlsx_date)
 *
 * Content-Disposition: `attachment; filename="ASCII"` and, when a UTF-8 name is given,
 * `filename*=UTF-8''percent-encoded` (RFC 5987 / RFC 6266), which browsers prefer: a Chinese
 * file name for a Chinese office. Characters outside [A-Za-z0-9._-] in the ASCII name become
 * '_', so no name can break the header.
 */
#ifndef SJ_XLSX_H
#define SJ_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xlsxwriter.h>

#include "app.h"

typedef struct {
    lxw_workbook *wb;
    lxw_format *header, *integer, *money, *date;
    char path[512];   /* the temporary file while the book is open */
    const char *data; /* after xlsx_finish_or_reply: the file's bytes, in request memory */
    size_t len;
} xlsx_book;

/* Opens a book on a new private temporary file named sj-PREFIX-XXXXXX.xlsx. */
bool xlsx_open_or_reply(req *r, xlsx_book *b /* OUT */, const char *prefix);

/* Closes the book, reads it back into b->data and unlinks the file. False: answered 500. */
bool xlsx_finish_or_reply(req *r, xlsx_book *b);

/* Throws an open book away and unlinks its file (the handler failed before finishing). */
void xlsx_discard(xlsx_book *b);

/* Answers 200 with the finished book as an attachment. */
void xlsx_reply(req *r, const xlsx_book *b, const char *filename, const char *filename_utf8);

/* Cells, in the shared formats. */
void xlsx_header_row(const xlsx_book *b, lxw_worksheet *ws, const char *const *heads, int n);
void xlsx_int(const xlsx_book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int64_t v);
void xlsx_money(const xlsx_book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int64_t fen);
/* A YYYY-MM-DD text as a date cell; written as text when it is not a valid date. */
void xlsx_date(const xlsx_book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
               const char *ymd);

/* The Content-Disposition value (request memory); exposed for its unit test. */
const char *xlsx_disposition(req *r, const char *filename, const char *filename_utf8);

#endif
