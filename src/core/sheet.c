/*
 * sheet.c: CSV and XLSX readers behind sheet.h.
 *
 * DESIGN: both readers feed one `builder`, which keeps the row being read in a scratch array of
 * text offsets (one per column) and appends it to the sheet when the row ends. All text lives
 * in one growing buffer, `text`, addressed by 32-bit offsets; offset 0 is the empty string, so
 * a zeroed scratch row is a row of empty cells. A cell that names a shared string stores that
 * string's offset, so a sheet that repeats one long shared string a million times costs a
 * million offsets, not a million copies.
 *
 * Rows are appended lazily: an empty row is never stored unless a later row has content, so
 * trailing empty or merely formatted rows cost nothing and never trip the row limit.
 *
 * XLSX is read as a stream: each zip entry is inflated 64 KiB at a time straight into expat,
 * and the bytes inflated are counted against max_expanded whatever the zip's headers claim.
 * XML with a DOCTYPE is refused (no entity expansion of any kind).
 *
 * Invariants: text_len < 2^32 (max_expanded is checked first); rows[i].first + rows[i].ncols
 * <= ncells; every stored offset < text_len and points at a NUL-terminated string.
 */
#include "core/sheet.h"

#include <errno.h>
#include <expat.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/utf8.h"

typedef struct {
    size_t first;   /* index into cells of column 0 */
    uint32_t ncols; /* last non-empty column + 1 */
} sheet_row;

struct sheet {
    sheet_format format;
    char *text; /* text[0] == '\0' */
    size_t text_len, text_cap;
    uint32_t *cells; /* offsets into text */
    size_t ncells, cells_cap;
    sheet_row *rows;
    size_t nrows, rows_cap;
};

/* Marks a shared string longer than max_cell: an error only if a cell uses it. */
#define OFF_TOO_LONG UINT32_MAX

typedef struct {
    sheet *sh;
    sheet_limits lim;
    sheet_status st;
    char *err;
    size_t errlen;
    uint32_t *row;    /* scratch: max_cols offsets, zero between rows */
    size_t row_width; /* last non-empty column of the scratch row + 1 */
    /* an accumulator for character data, capped at max_cell bytes */
    char *acc;
    size_t acc_len;
    bool acc_over;
    size_t inflated; /* bytes inflated from the zip so far */
} builder;

/* ---- errors ---- */

static sheet_status fail(builder *b, sheet_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static sheet_status fail(builder *b, sheet_status st, const char *fmt, ...)
{
    if (b->st != SHEET_OK)
        return b->st; /* keep the first error */
    b->st = st;
    if (b->err && b->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(b->err, b->errlen, fmt, ap);
        va_end(ap);
    }
    return st;
}

static sheet_status nomem(builder *b)
{
    return fail(b, SHEET_E_NOMEM, "内存不足");
}

/* Column letters for 0-based column `col` ("A", "Z", "AA"...). */
static void col_name(size_t col, char *out /* OUT: [8] */)
{
    char tmp[8];
    size_t n = 0;
    col++;
    while (col > 0 && n < sizeof tmp - 1) {
        tmp[n++] = (char)('A' + (col - 1) % 26);
        col = (col - 1) / 26;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

/* ---- growing arrays ---- */

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 64;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return false;
        n *= 2;
    }
    if (n > SIZE_MAX / elem)
        return false;
    void *q = realloc(*p, n * elem);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

/* Appends `n` bytes and a NUL to the text buffer; *off receives where they start. */
static sheet_status text_add(builder *b, const char *s, size_t n, uint32_t *off /* OUT */)
{
    sheet *sh = b->sh;
    if (n + 1 > b->lim.max_expanded - sh->text_len || sh->text_len + n + 1 > UINT32_MAX)
        return fail(b, SHEET_E_LIMIT, "文件内容超过 %zu MiB 的上限", b->lim.max_expanded >> 20);
    if (!grow((void **)&sh->text, &sh->text_cap, sh->text_len + n + 1, 1))
        return nomem(b);
    *off = (uint32_t)sh->text_len;
    memcpy(sh->text + sh->text_len, s, n);
    sh->text[sh->text_len + n] = '\0';
    sh->text_len += n + 1;
    return SHEET_OK;
}

/* ---- rows ---- */

/* Puts text offset `off` into column `col` of the scratch row (row `r` is for messages). */
static sheet_status cell_set(builder *b, size_t r, size_t col, uint32_t off)
{
    if (off == 0)
        return SHEET_OK; /* empty cells past the last one are not kept */
    if (col >= b->lim.max_cols) {
        char cn[8];
        col_name(col, cn);
        return fail(b, SHEET_E_LIMIT, "第 %zu 行 %s 列超出 %zu 列的上限", r + 1, cn,
                    b->lim.max_cols);
    }
    b->row[col] = off;
    if (col + 1 > b->row_width)
        b->row_width = col + 1;
    return SHEET_OK;
}

/* Adds text as the cell at (r, col), checking its length. */
static sheet_status cell_text(builder *b, size_t r, size_t col, const char *s, size_t n)
{
    if (n == 0)
        return SHEET_OK;
    if (n > b->lim.max_cell) {
        char cn[8];
        col_name(col, cn);
        return fail(b, SHEET_E_LIMIT, "第 %zu 行 %s 列的单元格超过 %zu 字节", r + 1, cn,
                    b->lim.max_cell);
    }
    if (col >= b->lim.max_cols)
        return cell_set(b, r, col, 1); /* any non-empty offset: cell_set reports the limit */
    uint32_t off;
    if (text_add(b, s, n, &off) != SHEET_OK)
        return b->st;
    return cell_set(b, r, col, off);
}

/* Ends row `r` (0-based): stores it, with empty rows before it, when it has content. */
static sheet_status row_end(builder *b, size_t r)
{
    sheet *sh = b->sh;
    size_t w = b->row_width;
    if (w == 0)
        return SHEET_OK;
    if (r >= b->lim.max_rows)
        return fail(b, SHEET_E_LIMIT, "表格超过 %zu 行的上限", b->lim.max_rows);
    if (r < sh->nrows)
        return fail(b, SHEET_E_CORRUPT, "第 %zu 行出现了两次或顺序错误", r + 1);
    if (w > b->lim.max_cells - sh->ncells)
        return fail(b, SHEET_E_LIMIT, "表格的单元格超过 %zu 个的上限", b->lim.max_cells);
    if (!grow((void **)&sh->rows, &sh->rows_cap, r + 1, sizeof *sh->rows) ||
        !grow((void **)&sh->cells, &sh->cells_cap, sh->ncells + w, sizeof *sh->cells))
        return nomem(b);
    while (sh->nrows < r) {
        sh->rows[sh->nrows].first = sh->ncells;
        sh->rows[sh->nrows].ncols = 0;
        sh->nrows++;
    }
    sh->rows[r].first = sh->ncells;
    sh->rows[r].ncols = (uint32_t)w;
    memcpy(sh->cells + sh->ncells, b->row, w * sizeof *b->row);
    sh->ncells += w;
    sh->nrows = r + 1;
    memset(b->row, 0, w * sizeof *b->row);
    b->row_width = 0;
    return SHEET_OK;
}

static void row_discard(builder *b)
{
    memset(b->row, 0, b->row_width * sizeof *b->row);
    b->row_width = 0;
}

/* ---- the character accumulator ---- */

static void acc_reset(builder *b)
{
    b->acc_len = 0;
    b->acc_over = false;
}

static void acc_append(builder *b, const char *s, size_t n)
{
    if (b->acc_over)
        return;
    if (n > b->lim.max_cell - b->acc_len) {
        b->acc_over = true;
        return;
    }
    memcpy(b->acc + b->acc_len, s, n);
    b->acc_len += n;
}

/* ---- encodings ---- */

static size_t line_of(const char *s, size_t off)
{
    size_t line = 1;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n')
            line++;
    return line;
}

/* Converts GB18030 (GBK, GB2312) bytes to UTF-8 in a new buffer. */
static sheet_status gb18030_to_utf8(builder *b, const char *in, size_t n,
                                    char **out /* OUT: caller frees */, size_t *outlen /* OUT */)
{
    sheet_status st = SHEET_OK;
    char *buf = NULL;
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) {
        st = fail(b, SHEET_E_ENCODING, "系统不支持 GB18030 编码转换");
        goto out;
    }
    /*
     * Two GBK bytes make at most three UTF-8 bytes, four GB18030 bytes at most four, so the
     * output never outgrows 1.5 times the input (which sheet_read has bounded already).
     */
    size_t cap = n + n / 2 + 8;
    buf = malloc(cap);
    if (!buf) {
        st = nomem(b);
        goto out;
    }
    char *ip = (char *)in, *op = buf;
    size_t il = n, ol = cap;
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
        if (errno == E2BIG) { /* cannot happen with the capacity above */
            st = fail(b, SHEET_E_LIMIT, "文件转换为 UTF-8 后过大");
            goto out;
        }
        size_t at = (size_t)(ip - in);
        st = fail(b, SHEET_E_ENCODING,
                  "第 %zu 行含有无法识别的字符:文件既不是 UTF-8 也不是 GBK/GB18030 编码",
                  line_of(in, at));
        goto out;
    }
    *outlen = (size_t)(op - buf);
    if (*outlen > b->lim.max_expanded) {
        st = fail(b, SHEET_E_LIMIT, "文件转换为 UTF-8 后超过 %zu MiB 的上限",
                  b->lim.max_expanded >> 20);
        goto out;
    }
    *out = buf;
    buf = NULL;
out:
    free(buf);
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    return st;
}

/* ---- CSV ---- */

/* Removes Excel's ="..." text-forcing wrapper from a CSV field, in place. */
static size_t unwrap_excel_text(char *f, size_t n)
{
    if (n < 3 || f[0] != '=' || f[1] != '"' || f[n - 1] != '"')
        return n;
    size_t o = 0;
    for (size_t i = 2; i < n - 1; i++) {
        f[o++] = f[i];
        if (f[i] == '"' && i + 1 < n - 1 && f[i + 1] == '"')
            i++;
    }
    return o;
}

static sheet_status csv_parse(builder *b, const char *s, size_t n)
{
    /* A tab-separated export: the first line has tabs and no commas. */
    char delim = ',';
    const char *eol = memchr(s, '\n', n);
    size_t first = eol ? (size_t)(eol - s) : n;
    if (memchr(s, '\t', first) && !memchr(s, ',', first))
        delim = '\t';

    size_t i = 0, r = 0, col = 0;
    while (i < n) {
        /* one field */
        b->acc_len = 0;
        b->acc_over = false;
        if (s[i] == '"') {
            size_t open_row = r;
            i++;
            for (;;) {
                if (i >= n)
                    return fail(b, SHEET_E_CORRUPT, "第 %zu 行的引号没有闭合", open_row + 1);
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') {
                        acc_append(b, "\"", 1);
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                acc_append(b, s + i, 1);
                i++;
            }
        }
        /* unquoted text, or text after a closing quote (kept, as spreadsheets do) */
        size_t start = i;
        while (i < n && s[i] != delim && s[i] != '\n' && s[i] != '\r')
            i++;
        acc_append(b, s + start, i - start);
        if (b->acc_over) {
            char cn[8];
            col_name(col, cn);
            return fail(b, SHEET_E_LIMIT, "第 %zu 行 %s 列的单元格超过 %zu 字节", r + 1, cn,
                        b->lim.max_cell);
        }
        size_t len = unwrap_excel_text(b->acc, b->acc_len);
        if (cell_text(b, r, col, b->acc, len) != SHEET_OK)
            return b->st;
        if (i < n && s[i] == delim) {
            i++;
            col++;
            if (i == n) /* "a,b," at the very end: the last field is empty */
                break;
            continue;
        }
        if (i < n && s[i] == '\r')
            i++;
        if (i < n && s[i] == '\n')
            i++;
        if (row_end(b, r) != SHEET_OK)
            return b->st;
        r++;
        col = 0;
    }
    return row_end(b, r);
}

static sheet_status csv_read(builder *b, const char *data, size_t len)
{
    sheet_status st = SHEET_OK;
    char *conv = NULL;
    const char *s = data;
    size_t n = len;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        n -= 3;
    }
    if (!utf8_valid(s, n)) {
        size_t cn = 0;
        if (gb18030_to_utf8(b, s, n, &conv, &cn) != SHEET_OK) {
            st = b->st;
            goto out;
        }
        s = conv;
        n = cn;
        if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) { /* GB18030's own BOM */
            s += 3;
            n -= 3;
        }
    }
    st = csv_parse(b, s, n);
out:
    free(conv);
    return st;
}

/* ---- XLSX: shared pieces ---- */

/* The local part of an expat namespace-qualified name ("uri|local" or "local"). */
static const char *local_name(const XML_Char *name)
{
    const char *bar = strrchr(name, '|');
    return bar ? bar + 1 : name;
}

static const char *attr(const XML_Char **atts, const char *local)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local_name(atts[i]), local) == 0)
            return atts[i + 1];
    return NULL;
}

/*
 * Decodes OOXML's _xHHHH_ escapes (ST_Xstring) in place: "_x000D_" is a carriage return,
 * "_x005F_" an underscore that protects what follows. Returns the new length.
 */
static size_t xstring_decode(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp = 0;
        bool esc = i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_';
        for (size_t k = 2; esc && k < 6; k++) {
            char c = s[i + k];
            unsigned v;
            if (c >= '0' && c <= '9')
                v = (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f')
                v = (unsigned)(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v = (unsigned)(c - 'A' + 10);
            else
                esc = false, v = 0;
            cp = cp * 16 + v;
        }
        if (!esc || cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
            s[o++] = s[i++];
            continue;
        }
        if (cp < 0x80) {
            s[o++] = (char)cp;
        } else if (cp < 0x800) {
            s[o++] = (char)(0xC0 | (cp >> 6));
            s[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            s[o++] = (char)(0xE0 | (cp >> 12));
            s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            s[o++] = (char)(0x80 | (cp & 0x3F));
        }
        i += 7;
    }
    return o;
}

/*
 * Renders a number as written in a cell's <v> without an exponent, and without a zero
 * fraction: "2.0150901E7" → "20150901", "3.0" → "3", "1.5E-3" → "0.0015". Exact: the digits
 * are moved, never converted to binary floating point. Text that is not a plain decimal
 * number, or whose exponent is beyond ±64, is copied unchanged. `out` holds n + 72 bytes.
 */
static size_t number_render(const char *in, size_t n, char *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (in[i] == '-' || in[i] == '+'))
        neg = in[i++] == '-';
    size_t int_start = i;
    while (i < n && in[i] >= '0' && in[i] <= '9')
        i++;
    size_t int_len = i - int_start, frac_start = i, frac_len = 0;
    if (i < n && in[i] == '.') {
        frac_start = ++i;
        while (i < n && in[i] >= '0' && in[i] <= '9')
            i++;
        frac_len = i - frac_start;
    }
    long exp = 0;
    if (i < n && (in[i] == 'e' || in[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (in[i] == '-' || in[i] == '+'))
            eneg = in[i++] == '-';
        size_t es = i;
        while (i < n && in[i] >= '0' && in[i] <= '9' && exp <= 1000)
            exp = exp * 10 + (in[i++] - '0');
        if (i == es)
            goto verbatim;
        if (eneg)
            exp = -exp;
    }
    if (i != n || int_len + frac_len == 0 || exp > 64 || exp < -64)
        goto verbatim;

    /* digits D = int part + fraction, with the point after `point` digits */
    char digits[SHEET_MAX_CELL + 8];
    size_t nd = int_len + frac_len;
    if (nd > sizeof digits)
        goto verbatim;
    memcpy(digits, in + int_start, int_len);
    memcpy(digits + int_len, in + frac_start, frac_len);
    long point = (long)int_len + exp;

    /* Integer part: digits before the point (zero-padded); fraction: after it. */
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    size_t int_begin = o;
    if (point <= 0) {
        out[o++] = '0';
    } else {
        for (long k = 0; k < point; k++)
            out[o++] = (size_t)k < nd ? digits[k] : '0';
    }
    /* strip leading zeros of the integer part, keeping one */
    size_t lz = 0;
    while (int_begin + lz + 1 < o && out[int_begin + lz] == '0')
        lz++;
    if (lz) {
        memmove(out + int_begin, out + int_begin + lz, o - int_begin - lz);
        o -= lz;
    }
    size_t dot = o;
    out[o++] = '.';
    for (long k = point; k < (long)nd; k++)
        out[o++] = k < 0 ? '0' : digits[k];
    while (o > dot + 1 && out[o - 1] == '0')
        o--;
    if (o == dot + 1)
        o = dot; /* no fraction left */
    if (neg && o == 2 && out[1] == '0') {
        out[0] = '0'; /* -0 */
        o = 1;
    }
    return o;
verbatim:
    memcpy(out, in, n);
    return n;
}

/* Joins a relationship target to the folder of the part that declared it. */
static bool path_resolve(const char *base_dir, const char *target, char *out /* OUT */,
                         size_t outlen)
{
    char joined[1024];
    int w;
    if (target[0] == '/')
        w = snprintf(joined, sizeof joined, "%s", target + 1);
    else
        w = snprintf(joined, sizeof joined, "%s%s", base_dir, target);
    if (w < 0 || (size_t)w >= sizeof joined)
        return false;
    /* normalise "." and ".." segments */
    size_t o = 0;
    const char *p = joined;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t seg = slash ? (size_t)(slash - p) : strlen(p);
        if (seg == 0 || (seg == 1 && p[0] == '.')) {
            /* skip */
        } else if (seg == 2 && p[0] == '.' && p[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--; /* the slash before the removed segment */
            while (o > 0 && out[o - 1] != '/')
                o--;
        } else {
            if (o + seg + 2 > outlen)
                return false;
            memcpy(out + o, p, seg);
            o += seg;
            if (slash)
                out[o++] = '/';
        }
        p += seg;
        if (*p == '/')
            p++;
    }
    if (o > 0 && out[o - 1] == '/')
        o--;
    out[o] = '\0';
    return o > 0;
}

/* The folder of a part, with its trailing slash ("xl/" for "xl/workbook.xml"). */
static void dir_of(const char *path, char *out /* OUT */, size_t outlen)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) + 1 : 0;
    if (n >= outlen)
        n = 0;
    memcpy(out, path, n);
    out[n] = '\0';
}

typedef struct {
    builder *b;
    XML_Parser p;
} xml_ctx;

static void XMLCALL refuse_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                                   const XML_Char *pubid, int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    xml_ctx *x = ud;
    fail(x->b, SHEET_E_CORRUPT, "XLSX 文件中的 XML 含有 DOCTYPE,已拒绝");
    XML_StopParser(x->p, XML_FALSE);
}

/* Stops the parser when a handler has recorded an error. */
static bool xml_check(xml_ctx *x)
{
    if (x->b->st == SHEET_OK)
        return true;
    XML_StopParser(x->p, XML_FALSE);
    return false;
}

/*
 * Streams zip entry `name` through expat with the given handlers; `x` must be the first member
 * of the handlers' user data. *found (may be NULL) tells whether the entry exists; a missing
 * entry is an error only when found is NULL.
 */
static sheet_status xml_parse_entry(builder *b, zip_t *za, const char *name, xml_ctx *x,
                                    XML_StartElementHandler start, XML_EndElementHandler end,
                                    XML_CharacterDataHandler text, bool *found /* OUT */)
{
    sheet_status st = SHEET_OK;
    zip_file_t *f = NULL;
    XML_Parser p = NULL;
    size_t room = b->lim.max_expanded - b->inflated;

    zip_int64_t idx = zip_name_locate(za, name, ZIP_FL_NOCASE);
    if (found)
        *found = idx >= 0;
    if (idx < 0) {
        if (!found)
            st = fail(b, SHEET_E_FORMAT, "XLSX 文件缺少 %s", name);
        goto out;
    }
    zip_stat_t zs;
    zip_stat_init(&zs);
    if (zip_stat_index(za, (zip_uint64_t)idx, 0, &zs) == 0 && (zs.valid & ZIP_STAT_SIZE) &&
        zs.size > room) {
        st = fail(b, SHEET_E_LIMIT, "XLSX 解压后超过 %zu MiB 的上限(疑似压缩炸弹)",
                  b->lim.max_expanded >> 20);
        goto out;
    }
    f = zip_fopen_index(za, (zip_uint64_t)idx, 0);
    if (!f) {
        st = fail(b, SHEET_E_CORRUPT, "XLSX 文件已损坏:无法读取 %s", name);
        goto out;
    }
    p = XML_ParserCreateNS(NULL, '|');
    if (!p) {
        st = nomem(b);
        goto out;
    }
    x->b = b;
    x->p = p;
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, text);
    XML_SetStartDoctypeDeclHandler(p, refuse_doctype);

    enum { CHUNK = 64 * 1024 };
    for (;;) {
        void *buf = XML_GetBuffer(p, CHUNK);
        if (!buf) {
            st = nomem(b);
            goto out;
        }
        zip_int64_t nr = zip_fread(f, buf, CHUNK);
        if (nr < 0) {
            st = fail(b, SHEET_E_CORRUPT, "XLSX 文件已损坏:%s 解压失败", name);
            goto out;
        }
        if ((size_t)nr > b->lim.max_expanded - b->inflated) {
            st = fail(b, SHEET_E_LIMIT, "XLSX 解压后超过 %zu MiB 的上限(疑似压缩炸弹)",
                      b->lim.max_expanded >> 20);
            goto out;
        }
        b->inflated += (size_t)nr;
        if (XML_ParseBuffer(p, (int)nr, nr == 0) != XML_STATUS_OK) {
            if (b->st != SHEET_OK)
                st = b->st;
            else
                st = fail(b, SHEET_E_CORRUPT, "XLSX 文件已损坏:%s 第 %lu 行 XML 错误(%s)", name,
                          (unsigned long)XML_GetCurrentLineNumber(p),
                          XML_ErrorString(XML_GetErrorCode(p)));
            goto out;
        }
        if (b->st != SHEET_OK) {
            st = b->st;
            goto out;
        }
        if (nr == 0)
            break;
    }
out:
    if (p)
        XML_ParserFree(p);
    if (f)
        zip_fclose(f);
    return st;
}

/* ---- XLSX: relationships (_rels/.rels, xl/_rels/workbook.xml.rels) ---- */

typedef struct {
    xml_ctx x;
    const char *want_id;   /* a relationship Id to find, or NULL */
    const char *want_type; /* a Type suffix to find ("/officeDocument"), or NULL */
    char id_target[512];
    char type_target[512];
} rels_state;

static void copy_attr(char *dst, size_t cap, const char *v)
{
    if (v && strlen(v) < cap)
        memcpy(dst, v, strlen(v) + 1);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    rels_state *r = ud;
    if (strcmp(local_name(name), "Relationship") != 0)
        return;
    const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
    const char *mode = attr(atts, "TargetMode");
    if (!target || (mode && strcmp(mode, "External") == 0))
        return;
    if (r->want_id && id && strcmp(id, r->want_id) == 0 && !r->id_target[0])
        copy_attr(r->id_target, sizeof r->id_target, target);
    if (r->want_type && type && ends_with(type, r->want_type) && !r->type_target[0])
        copy_attr(r->type_target, sizeof r->type_target, target);
}

static void XMLCALL no_end(void *ud, const XML_Char *name)
{
    (void)ud, (void)name;
}

static void XMLCALL no_text(void *ud, const XML_Char *s, int len)
{
    (void)ud, (void)s, (void)len;
}

/* ---- XLSX: the workbook (which sheet is first) ---- */

typedef struct {
    xml_ctx x;
    char first_rid[128];   /* the first <sheet> */
    char visible_rid[128]; /* the first one not hidden */
} workbook_state;

static void XMLCALL workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    workbook_state *w = ud;
    if (strcmp(local_name(name), "sheet") != 0)
        return;
    /* r:id is the only attribute of <sheet> named "id" (it is namespaced). */
    const char *rid = attr(atts, "id"), *state = attr(atts, "state");
    if (!rid)
        return;
    if (!w->first_rid[0])
        copy_attr(w->first_rid, sizeof w->first_rid, rid);
    if (!w->visible_rid[0] && (!state || strcmp(state, "visible") == 0))
        copy_attr(w->visible_rid, sizeof w->visible_rid, rid);
}

/* ---- XLSX: shared strings ---- */

typedef struct {
    xml_ctx x;
    uint32_t *sst; /* text offsets, OFF_TOO_LONG for strings past max_cell */
    size_t n, cap;
    bool in_si, in_t;
    int in_rph; /* phonetic runs (<rPh>) hold readings, not text */
} sst_state;

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    sst_state *s = ud;
    const char *l = local_name(name);
    if (strcmp(l, "si") == 0) {
        s->in_si = true;
        acc_reset(s->x.b);
    } else if (strcmp(l, "rPh") == 0) {
        s->in_rph++;
    } else if (strcmp(l, "t") == 0 && s->in_si && !s->in_rph) {
        s->in_t = true;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    sst_state *s = ud;
    builder *b = s->x.b;
    const char *l = local_name(name);
    if (strcmp(l, "t") == 0) {
        s->in_t = false;
    } else if (strcmp(l, "rPh") == 0) {
        if (s->in_rph > 0)
            s->in_rph--;
    } else if (strcmp(l, "si") == 0 && s->in_si) {
        s->in_si = false;
        if (s->n >= b->lim.max_cells) {
            fail(b, SHEET_E_LIMIT, "共享字符串超过 %zu 个的上限", b->lim.max_cells);
            xml_check(&s->x);
            return;
        }
        if (!grow((void **)&s->sst, &s->cap, s->n + 1, sizeof *s->sst)) {
            nomem(b);
            xml_check(&s->x);
            return;
        }
        uint32_t off = 0;
        if (b->acc_over) {
            off = OFF_TOO_LONG;
        } else {
            size_t len = xstring_decode(b->acc, b->acc_len);
            if (len > 0 && text_add(b, b->acc, len, &off) != SHEET_OK) {
                xml_check(&s->x);
                return;
            }
        }
        s->sst[s->n++] = off;
    }
}

static void XMLCALL sst_text(void *ud, const XML_Char *t, int len)
{
    sst_state *s = ud;
    if (s->in_t)
        acc_append(s->x.b, t, (size_t)len);
}

/* ---- XLSX: the worksheet ---- */

typedef struct {
    xml_ctx x;
    const sst_state *sst;
    bool in_data; /* inside <sheetData> */
    bool in_row;
    size_t row;    /* 0-based row being read */
    long last_row; /* last row started, -1 before the first */
    bool in_c;
    size_t col;
    long last_col;
    char type[16]; /* the cell's t attribute, "n" when absent */
    bool in_v, in_is, in_t;
    int in_rph;
    char *num; /* scratch for number_render: max_cell + 72 bytes */
} ws_state;

/* "AB12" → 27 (0-based column); false when the reference has no valid letters. */
static bool parse_col(const char *ref, size_t *col /* OUT */)
{
    size_t c = 0, n = 0;
    while ((*ref >= 'A' && *ref <= 'Z') || (*ref >= 'a' && *ref <= 'z')) {
        char u = (char)(*ref >= 'a' ? *ref - 'a' + 'A' : *ref);
        c = c * 26 + (size_t)(u - 'A' + 1);
        if (++n > 3)
            return false;
        ref++;
    }
    if (n == 0)
        return false;
    *col = c - 1;
    return true;
}

static bool parse_row_number(const char *s, size_t *row /* OUT: 0-based */)
{
    size_t v = 0, n = 0;
    for (; *s; s++, n++) {
        if (*s < '0' || *s > '9' || n >= 8)
            return false;
        v = v * 10 + (size_t)(*s - '0');
    }
    if (n == 0 || v == 0)
        return false;
    *row = v - 1;
    return true;
}

static void XMLCALL ws_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    ws_state *w = ud;
    builder *b = w->x.b;
    const char *l = local_name(name);
    if (!w->in_data) {
        if (strcmp(l, "sheetData") == 0)
            w->in_data = true;
        return;
    }
    if (strcmp(l, "row") == 0) {
        const char *r = attr(atts, "r");
        size_t row = w->last_row < 0 ? 0 : (size_t)w->last_row + 1;
        if (r && !parse_row_number(r, &row)) {
            fail(b, SHEET_E_CORRUPT, "XLSX 文件已损坏:行号 \"%.16s\" 无效", r);
            xml_check(&w->x);
            return;
        }
        if ((long)row <= w->last_row) {
            fail(b, SHEET_E_CORRUPT, "XLSX 文件已损坏:第 %zu 行出现了两次或顺序错误", row + 1);
            xml_check(&w->x);
            return;
        }
        w->in_row = true;
        w->row = row;
        w->last_row = (long)row;
        w->last_col = -1;
        row_discard(b);
    } else if (strcmp(l, "c") == 0 && w->in_row) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t");
        size_t col = (size_t)(w->last_col + 1);
        if (r && !parse_col(r, &col)) {
            fail(b, SHEET_E_CORRUPT, "XLSX 文件已损坏:单元格引用 \"%.16s\" 无效", r);
            xml_check(&w->x);
            return;
        }
        w->in_c = true;
        w->col = col;
        w->last_col = (long)col;
        snprintf(w->type, sizeof w->type, "%s", t ? t : "n");
        w->in_v = w->in_is = w->in_t = false;
        w->in_rph = 0;
        acc_reset(b);
    } else if (w->in_c) {
        if (strcmp(l, "v") == 0 && !w->in_is)
            w->in_v = true;
        else if (strcmp(l, "is") == 0)
            w->in_is = true;
        else if (strcmp(l, "rPh") == 0)
            w->in_rph++;
        else if (strcmp(l, "t") == 0 && w->in_is && !w->in_rph)
            w->in_t = true;
    }
}

/* Stores the cell just closed. */
static void ws_cell_end(ws_state *w)
{
    builder *b = w->x.b;
    char cn[8];
    col_name(w->col, cn);
    if (b->acc_over) {
        fail(b, SHEET_E_LIMIT, "第 %zu 行 %s 列的单元格超过 %zu 字节", w->row + 1, cn,
             b->lim.max_cell);
        return;
    }
    const char *t = w->type;
    if (strcmp(t, "s") == 0) {
        if (b->acc_len == 0)
            return;
        size_t idx = 0, k;
        for (k = 0; k < b->acc_len && b->acc[k] >= '0' && b->acc[k] <= '9' && k < 12; k++)
            idx = idx * 10 + (size_t)(b->acc[k] - '0');
        if (k != b->acc_len || idx >= w->sst->n) {
            fail(b, SHEET_E_CORRUPT, "XLSX 文件已损坏:第 %zu 行 %s 列的共享字符串不存在",
                 w->row + 1, cn);
            return;
        }
        uint32_t off = w->sst->sst[idx];
        if (off == OFF_TOO_LONG) {
            fail(b, SHEET_E_LIMIT, "第 %zu 行 %s 列的单元格超过 %zu 字节", w->row + 1, cn,
                 b->lim.max_cell);
            return;
        }
        cell_set(b, w->row, w->col, off);
    } else if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0) {
        size_t n = xstring_decode(b->acc, b->acc_len);
        cell_text(b, w->row, w->col, b->acc, n);
    } else if (strcmp(t, "b") == 0) {
        if (b->acc_len == 1 && (b->acc[0] == '0' || b->acc[0] == '1'))
            cell_text(b, w->row, w->col, b->acc[0] == '1' ? "TRUE" : "FALSE",
                      b->acc[0] == '1' ? 4 : 5);
        else
            cell_text(b, w->row, w->col, b->acc, b->acc_len);
    } else if (strcmp(t, "n") == 0) {
        /* trim the blanks some writers leave around a number */
        size_t s = 0, e = b->acc_len;
        while (s < e && (b->acc[s] == ' ' || b->acc[s] == '\t' || b->acc[s] == '\n'))
            s++;
        while (e > s && (b->acc[e - 1] == ' ' || b->acc[e - 1] == '\t' || b->acc[e - 1] == '\n'))
            e--;
        size_t n = number_render(b->acc + s, e - s, w->num);
        cell_text(b, w->row, w->col, w->num, n);
    } else {
        /* e (an error such as #N/A), d (an ISO date), anything newer: the text as it is */
        cell_text(b, w->row, w->col, b->acc, b->acc_len);
    }
}

static void XMLCALL ws_end(void *ud, const XML_Char *name)
{
    ws_state *w = ud;
    builder *b = w->x.b;
    const char *l = local_name(name);
    if (!w->in_data)
        return;
    if (strcmp(l, "sheetData") == 0) {
        w->in_data = false;
    } else if (strcmp(l, "row") == 0 && w->in_row) {
        w->in_row = false;
        row_end(b, w->row);
    } else if (strcmp(l, "c") == 0 && w->in_c) {
        w->in_c = false;
        ws_cell_end(w);
    } else if (w->in_c) {
        if (strcmp(l, "v") == 0)
            w->in_v = false;
        else if (strcmp(l, "is") == 0)
            w->in_is = false;
        else if (strcmp(l, "rPh") == 0 && w->in_rph > 0)
            w->in_rph--;
        else if (strcmp(l, "t") == 0)
            w->in_t = false;
    }
    xml_check(&w->x);
}

static void XMLCALL ws_text(void *ud, const XML_Char *t, int len)
{
    ws_state *w = ud;
    if (w->in_v || (w->in_t && !w->in_rph))
        acc_append(w->x.b, t, (size_t)len);
}

/* ---- XLSX: putting it together ---- */

static sheet_status xlsx_read(builder *b, const char *data, size_t len)
{
    sheet_status st = SHEET_OK;
    zip_t *za = NULL;
    sst_state sst = {0};
    ws_state ws = {0};
    rels_state rels = {0};
    workbook_state wb = {0};
    char workbook[512] = "xl/workbook.xml", dir[512], rels_path[1040];
    char sheet_path[512] = "", sst_path[512] = "";
    bool found = false;

    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src) {
        st = nomem(b);
        goto out;
    }
    za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!za) {
        zip_source_free(src);
        st = fail(b, SHEET_E_CORRUPT, "文件不是有效的 XLSX:zip 无法打开(%s)",
                  zip_error_strerror(&ze));
        goto out;
    }

    /* The package's root relationships name the workbook part (nearly always xl/workbook.xml). */
    rels.want_type = "/officeDocument";
    if (xml_parse_entry(b, za, "_rels/.rels", &rels.x, rels_start, no_end, no_text, &found) !=
        SHEET_OK) {
        st = b->st;
        goto out;
    }
    if (found && rels.type_target[0] &&
        !path_resolve("", rels.type_target, workbook, sizeof workbook)) {
        st = fail(b, SHEET_E_CORRUPT, "XLSX 文件已损坏:工作簿路径无效");
        goto out;
    }

    if (xml_parse_entry(b, za, workbook, &wb.x, workbook_start, no_end, no_text, &found) !=
        SHEET_OK) {
        st = b->st;
        goto out;
    }
    dir_of(workbook, dir, sizeof dir);
    const char *base = strrchr(workbook, '/') ? strrchr(workbook, '/') + 1 : workbook;
    snprintf(rels_path, sizeof rels_path, "%s_rels/%s.rels", dir, base);
    memset(&rels, 0, sizeof rels);
    rels.want_id = wb.visible_rid[0] ? wb.visible_rid : (wb.first_rid[0] ? wb.first_rid : NULL);
    rels.want_type = "/sharedStrings";
    if (xml_parse_entry(b, za, rels_path, &rels.x, rels_start, no_end, no_text, &found) !=
        SHEET_OK) {
        st = b->st;
        goto out;
    }
    if (!(rels.id_target[0] && path_resolve(dir, rels.id_target, sheet_path, sizeof sheet_path)))
        snprintf(sheet_path, sizeof sheet_path, "%s", "xl/worksheets/sheet1.xml");
    if (!(rels.type_target[0] && path_resolve(dir, rels.type_target, sst_path, sizeof sst_path)))
        snprintf(sst_path, sizeof sst_path, "%s", "xl/sharedStrings.xml");

    /* Shared strings are optional: a workbook of numbers and inline strings has none. */
    if (xml_parse_entry(b, za, sst_path, &sst.x, sst_start, sst_end, sst_text, &found) !=
        SHEET_OK) {
        st = b->st;
        goto out;
    }

    if (zip_name_locate(za, sheet_path, ZIP_FL_NOCASE) < 0) {
        st = fail(b, SHEET_E_FORMAT, "XLSX 文件中没有工作表");
        goto out;
    }
    ws.sst = &sst;
    ws.last_row = -1;
    ws.num = malloc(b->lim.max_cell + 72);
    if (!ws.num) {
        st = nomem(b);
        goto out;
    }
    if (xml_parse_entry(b, za, sheet_path, &ws.x, ws_start, ws_end, ws_text, NULL) != SHEET_OK) {
        st = b->st;
        goto out;
    }
out:
    free(ws.num);
    free(sst.sst);
    if (za)
        zip_discard(za);
    return st;
}

/* ---- the public part ---- */

sheet_limits sheet_limits_default(void)
{
    return (sheet_limits){
        .max_rows = SHEET_MAX_ROWS,
        .max_cols = SHEET_MAX_COLS,
        .max_cell = SHEET_MAX_CELL,
        .max_cells = SHEET_MAX_CELLS,
        .max_expanded = SHEET_MAX_EXPANDED,
    };
}

sheet_status sheet_read(const char *data, size_t len, const sheet_limits *limits, sheet **out,
                        char *err, size_t errlen)
{
    builder b = {
        .lim = limits ? *limits : sheet_limits_default(),
        .err = err,
        .errlen = errlen,
    };
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    /* The scratch buffers below are sized by the limits; keep them sane. */
    if (b.lim.max_cell > SHEET_MAX_CELL)
        b.lim.max_cell = SHEET_MAX_CELL;
    if (b.lim.max_cols > 16384)
        b.lim.max_cols = 16384;
    if (b.lim.max_expanded > UINT32_MAX - 1)
        b.lim.max_expanded = UINT32_MAX - 1;

    sheet_status st = SHEET_OK;
    b.sh = calloc(1, sizeof *b.sh);
    b.row = calloc(b.lim.max_cols ? b.lim.max_cols : 1, sizeof *b.row);
    b.acc = malloc(b.lim.max_cell + 1);
    if (!b.sh || !b.row || !b.acc) {
        st = nomem(&b);
        goto out;
    }
    uint32_t empty;
    if (text_add(&b, "", 0, &empty) != SHEET_OK) { /* offset 0: the empty string */
        st = b.st;
        goto out;
    }

    if (len > b.lim.max_expanded) {
        st = fail(&b, SHEET_E_LIMIT, "文件超过 %zu MiB 的上限", b.lim.max_expanded >> 20);
    } else if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) {
        b.sh->format = SHEET_XLSX;
        st = xlsx_read(&b, data, len);
    } else if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        st = fail(&b, SHEET_E_FORMAT,
                  "不支持旧版 Excel(.xls)文件,请在 Excel 中另存为 .xlsx 或 CSV 后再导入");
    } else if (len >= 2 && (memcmp(data, "\xFF\xFE", 2) == 0 || memcmp(data, "\xFE\xFF", 2) == 0)) {
        st = fail(&b, SHEET_E_FORMAT,
                  "不支持 UTF-16(Unicode 文本)文件,请另存为 CSV(UTF-8)或 .xlsx 后再导入");
    } else if (memchr(data, '\0', len)) {
        st = fail(&b, SHEET_E_FORMAT, "文件不是 CSV 或 XLSX 表格");
    } else {
        b.sh->format = SHEET_CSV;
        st = csv_read(&b, data, len);
    }
    if (st == SHEET_OK)
        st = b.st;
out:
    free(b.row);
    free(b.acc);
    if (st != SHEET_OK) {
        sheet_free(b.sh);
        return st;
    }
    *out = b.sh;
    return SHEET_OK;
}

size_t sheet_rows(const sheet *sh)
{
    return sh->nrows;
}

size_t sheet_cols(const sheet *sh, size_t row)
{
    return row < sh->nrows ? sh->rows[row].ncols : 0;
}

const char *sheet_cell(const sheet *sh, size_t row, size_t col)
{
    if (row >= sh->nrows || col >= sh->rows[row].ncols)
        return "";
    return sh->text + sh->cells[sh->rows[row].first + col];
}

sheet_format sheet_format_get(const sheet *sh)
{
    return sh->format;
}

void sheet_free(sheet *sh)
{
    if (!sh)
        return;
    free(sh->text);
    free(sh->cells);
    free(sh->rows);
    free(sh);
}

const char *sheet_status_message(sheet_status st, int english)
{
    switch (st) {
    case SHEET_OK:
        return english ? "OK" : "成功";
    case SHEET_E_FORMAT:
        return english ? "The file is not a CSV or XLSX spreadsheet we can read"
                       : "文件不是可以读取的 CSV 或 XLSX 表格";
    case SHEET_E_ENCODING:
        return english ? "The CSV file is neither UTF-8 nor GBK/GB18030"
                       : "CSV 文件既不是 UTF-8 也不是 GBK/GB18030 编码";
    case SHEET_E_CORRUPT:
        return english ? "The file is damaged" : "文件已损坏或格式错误";
    case SHEET_E_LIMIT:
        return english ? "The file is too large" : "文件超出大小限制";
    case SHEET_E_NOMEM:
        return english ? "Out of memory" : "内存不足";
    }
    return english ? "Unknown error" : "未知错误";
}
