/*
 * sheet.h: reads an uploaded spreadsheet (CSV or XLSX) from memory into rows of UTF-8 cells.
 *
 * API:
 *   sheet_read(data, len, limits, &sh, err, errlen)   parse; 0 on success
 *   sheet_rows / sheet_cols / sheet_cell               read the grid (borrowed strings)
 *   sheet_format_get                                   which format the bytes were
 *   sheet_free                                         release (NULL is fine)
 *
 * Formats, told apart by their first bytes:
 *   - XLSX ("PK\x03\x04"): the first visible worksheet of the workbook. Shared strings (rich
 *     text runs joined, phonetic runs left out), inline strings, formula results as cached,
 *     booleans as TRUE/FALSE, numbers as the text in the file with an exponent expanded and a
 *     zero fraction dropped (2.0150901E7 → "20150901", 3.0 → "3"). Dates stay serial numbers.
 *   - CSV: RFC 4180 (quotes, "" inside quotes, CRLF, LF or CR line ends), a UTF-8 BOM skipped,
 *     tab-separated when the first line has tabs and no commas. The bytes are UTF-8 when they
 *     are valid UTF-8, else GB18030 (a superset of GBK) converted with iconv. Excel's ="..."
 *     text-forcing wrapper is removed.
 *   - Anything else (old .xls, UTF-16 text, binary) is refused with a message saying so.
 *
 * The grid: rows and columns count from 0, so row r is row r + 1 in Excel and column c is
 * letter(s) c. A row's width is its last non-empty cell + 1; missing cells read as "". Rows
 * after the last non-empty one are not kept. Cells are not trimmed.
 *
 * Bounds (sheet_limits; NULL = the SHEET_MAX_* defaults): rows, columns, bytes per cell, the
 * cells kept, and the bytes inflated from the zip (a zip bomb stops there, whatever sizes its
 * headers claim). Going past one is an error, never a silent cut.
 *
 * Errors: sheet_read returns a sheet_status; `err` (may be NULL) receives a zh-CN sentence for
 * the user with the place of the problem, e.g. "第 12 行 AB 列的单元格超过 4096 字节".
 * sheet_status_message gives a generic message in either language.
 *
 * Memory: one sheet owns all its text; strings from sheet_cell live until sheet_free.
 * A sheet is immutable after sheet_read and may be read from several threads.
 */
#ifndef SJ_SHEET_H
#define SJ_SHEET_H

#include <stddef.h>

#define SHEET_MAX_ROWS     200000
#define SHEET_MAX_COLS     256
#define SHEET_MAX_CELL     4096                 /* bytes of UTF-8 per cell */
#define SHEET_MAX_CELLS    (16u * 1024 * 1024)  /* cells kept, counting gaps in a row */
#define SHEET_MAX_EXPANDED (256u * 1024 * 1024) /* bytes: input, text kept, zip inflated */

typedef struct sheet sheet;

typedef struct {
    size_t max_rows;
    size_t max_cols;
    size_t max_cell;
    size_t max_cells;
    size_t max_expanded;
} sheet_limits;

typedef enum {
    SHEET_CSV = 1,
    SHEET_XLSX = 2,
} sheet_format;

typedef enum {
    SHEET_OK = 0,
    SHEET_E_FORMAT,   /* not CSV/XLSX text we can read (xls, UTF-16, binary, no worksheet) */
    SHEET_E_ENCODING, /* CSV neither UTF-8 nor GB18030 */
    SHEET_E_CORRUPT,  /* a broken zip or XML, an unclosed quote, a bad shared string index */
    SHEET_E_LIMIT,    /* a bound above was passed */
    SHEET_E_NOMEM,
} sheet_status;

/* The default limits, for callers that want to change one of them. */
sheet_limits sheet_limits_default(void);

sheet_status sheet_read(const char *data, size_t len, const sheet_limits *limits /* or NULL */,
                        sheet **out /* OUT: caller frees with sheet_free */,
                        char *err /* OUT: or NULL */, size_t errlen);

size_t sheet_rows(const sheet *sh);
/* Width of row `row`; 0 for a row past the end or an empty row. */
size_t sheet_cols(const sheet *sh, size_t row);
/* The cell's text (borrowed); "" when the row or the column is past the end. */
const char *sheet_cell(const sheet *sh, size_t row, size_t col);
sheet_format sheet_format_get(const sheet *sh);
void sheet_free(sheet *sh);

const char *sheet_status_message(sheet_status st, int english);

#endif
