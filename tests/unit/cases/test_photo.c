/*
 * test_photo.c: unit tests for src/cases/photo.c: a photo is known by its content; a JPEG loses
 * its EXIF (with a GPS block), XMP, comments and what phones append after the end, and keeps its
 * frame, tables and scan (stuffed bytes and restart markers included); a PNG loses eXIf, tEXt,
 * zTXt, iTXt and tIME and keeps what draws the picture; broken files are refused (0).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"

typedef struct {
    unsigned char b[4096];
    size_t n;
} buf;

static void put(buf *x, const void *p, size_t n)
{
    assert_true(x->n + n <= sizeof x->b);
    memcpy(x->b + x->n, p, n);
    x->n += n;
}

static void put1(buf *x, unsigned v)
{
    unsigned char c = (unsigned char)v;
    put(x, &c, 1);
}

/* A JPEG segment: FF m, length, payload. */
static void seg(buf *x, unsigned m, const void *payload, size_t n)
{
    put1(x, 0xFF);
    put1(x, m);
    put1(x, (unsigned)((n + 2) >> 8));
    put1(x, (unsigned)((n + 2) & 0xFF));
    put(x, payload, n);
}

static bool has(const buf *x, const void *needle, size_t n)
{
    for (size_t i = 0; i + n <= x->n; i++)
        if (memcmp(x->b + i, needle, n) == 0)
            return true;
    return false;
}

static size_t strip(const buf *in, buf *out)
{
    out->n = cases_photo_strip(in->b, in->n, out->b);
    return out->n;
}

/* A baseline JPEG as a phone writes it, with everything that must go. */
static void phone_jpeg(buf *x)
{
    static const unsigned char dqt[65] = {0};
    static const unsigned char sof[] = {8, 0, 16, 0, 16, 1, 1, 0x11, 0};
    static const unsigned char dht[] = {0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x2A};
    static const unsigned char sos[] = {1, 1, 0, 0, 63, 0};
    static const unsigned char scan[] = {0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0,
                                         0x56, 0xFF, 0xFF, 0xD1, 0x78};
    put1(x, 0xFF);
    put1(x, 0xD8);
    seg(x, 0xE0, "JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14);
    seg(x, 0xE1, "Exif\0\0MM\0*GPSLatitude 39.9042 N GPSLongitude 116.4074 E", 56);
    seg(x, 0xE1, "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>owner=Zhang</x:xmpmeta>", 64);
    seg(x, 0xE2, "ICC_PROFILE\0", 12);
    seg(x, 0xED, "Photoshop 3.0\0", 14);
    seg(x, 0xEE, "Adobe\0d\0\0\0\0\x01", 12);
    seg(x, 0xFE, "taken by Zhang San", 18);
    seg(x, 0xDB, dqt, sizeof dqt);
    seg(x, 0xC0, sof, sizeof sof);
    seg(x, 0xC4, dht, sizeof dht);
    seg(x, 0xDD, "\0\x04", 2);
    seg(x, 0xDA, sos, sizeof sos);
    put(x, scan, sizeof scan);
    put1(x, 0xFF);
    put1(x, 0xD9);
    put(x, "SAMSUNG-TRAILER GPS", 19); /* what a phone appends after EOI */
}

static void test_cases_photo_sniff__by_content(void **state)
{
    (void)state;
    buf j = {.n = 0};
    phone_jpeg(&j);
    assert_int_equal(cases_photo_sniff(j.b, j.n), CASES_PHOTO_JPEG);
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0};
    assert_int_equal(cases_photo_sniff(png, sizeof png), CASES_PHOTO_PNG);
    assert_int_equal(cases_photo_sniff((const unsigned char *)"GIF89a....", 10), CASES_PHOTO_BAD);
    assert_int_equal(cases_photo_sniff((const unsigned char *)"<svg></svg>", 11), CASES_PHOTO_BAD);
    assert_int_equal(cases_photo_sniff((const unsigned char *)"%PDF-1.7", 8), CASES_PHOTO_BAD);
    assert_int_equal(cases_photo_sniff(png, 7), CASES_PHOTO_BAD); /* too short */
    assert_int_equal(cases_photo_sniff(NULL, 0), CASES_PHOTO_BAD);
}

static void test_cases_photo_strip__jpeg_metadata_removed(void **state)
{
    (void)state;
    buf in = {.n = 0}, out;
    phone_jpeg(&in);
    assert_true(has(&in, "GPSLatitude", 11));
    assert_true(strip(&in, &out) > 0);
    assert_true(out.n < in.n);
    assert_false(has(&out, "Exif", 4));
    assert_false(has(&out, "GPS", 3));
    assert_false(has(&out, "xmpmeta", 7));
    assert_false(has(&out, "Zhang", 5));
    assert_false(has(&out, "ICC_PROFILE", 11));
    assert_false(has(&out, "Photoshop", 9));
    assert_false(has(&out, "SAMSUNG", 7));
    /* the picture stays: JFIF, Adobe, tables, frame, scan with its stuffing and restarts */
    assert_true(has(&out, "JFIF", 4));
    assert_true(has(&out, "Adobe", 5));
    static const unsigned char sof[] = {0xFF, 0xC0, 0, 11, 8, 0, 16, 0, 16};
    assert_true(has(&out, sof, sizeof sof));
    static const unsigned char scan[] = {0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0,
                                         0x56, 0xFF, 0xD1, 0x78, 0xFF, 0xD9};
    assert_true(has(&out, scan, sizeof scan)); /* the fill byte before RST1 went */
    assert_int_equal(out.b[0], 0xFF);
    assert_int_equal(out.b[1], 0xD8);
    assert_int_equal(out.b[out.n - 2], 0xFF);
    assert_int_equal(out.b[out.n - 1], 0xD9);
    /* stripping again changes nothing */
    buf again;
    assert_int_equal(strip(&out, &again), out.n);
    assert_memory_equal(again.b, out.b, out.n);
}

static void test_cases_photo_strip__jpeg_broken_refused(void **state)
{
    (void)state;
    buf in = {.n = 0}, out;
    phone_jpeg(&in);
    /* cut anywhere before its end: refused, never read past the bytes */
    size_t eoi = 0;
    for (size_t i = 0; i + 1 < in.n; i++)
        if (in.b[i] == 0xFF && in.b[i + 1] == 0xD9)
            eoi = i;
    for (size_t cut = 3; cut < eoi + 2; cut++) {
        buf part = {.n = 0};
        put(&part, in.b, cut);
        assert_int_equal(strip(&part, &out), 0);
    }
    /* a segment length pointing past the end */
    buf bad = {.n = 0};
    put(&bad,
        "\xFF\xD8\xFF\xE1\x7F\xFF"
        "Exif",
        10);
    assert_int_equal(strip(&bad, &out), 0);
    /* no frame before the scan */
    bad.n = 0;
    put(&bad, "\xFF\xD8", 2);
    seg(&bad, 0xDA, "\1\1\0\0\x3f\0", 6);
    put(&bad, "\x11\xFF\xD9", 3);
    assert_int_equal(strip(&bad, &out), 0);
    /* SOI twice */
    bad.n = 0;
    put(&bad, "\xFF\xD8\xFF\xD8\xFF\xD9", 6);
    assert_int_equal(strip(&bad, &out), 0);
}

/* ---------- PNG ---------- */

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

static void be32(buf *x, uint32_t v)
{
    put1(x, v >> 24);
    put1(x, (v >> 16) & 0xFF);
    put1(x, (v >> 8) & 0xFF);
    put1(x, v & 0xFF);
}

static void chunk(buf *x, const char *type, const void *data, size_t n)
{
    be32(x, (uint32_t)n);
    size_t at = x->n;
    put(x, type, 4);
    put(x, data, n);
    be32(x, crc32_of(x->b + at, n + 4));
}

static void phone_png(buf *x)
{
    static const unsigned char sig[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const unsigned char ihdr[13] = {0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0};
    static const unsigned char idat[] = {0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0,
                                         0x00, 0x00, 0x03, 0x01, 0x01, 0x00};
    put(x, sig, sizeof sig);
    chunk(x, "IHDR", ihdr, sizeof ihdr);
    chunk(x, "sRGB", "\0", 1);
    chunk(x, "eXIf", "MM\0*GPSLatitude 39.9", 20);
    chunk(x, "tEXt", "Author\0Zhang San", 16);
    chunk(x, "iTXt", "Location\0\0\0\0\0Beijing", 21);
    chunk(x, "zTXt", "Comment\0\0xx", 11);
    chunk(x, "tIME", "\x07\xea\x03\x02\x0a\x00\x00", 7);
    chunk(x, "pHYs", "\0\0\x0b\x13\0\0\x0b\x13\x01", 9);
    chunk(x, "IDAT", idat, sizeof idat);
    chunk(x, "IEND", "", 0);
    put(x, "trailing GPS", 12);
}

static void test_cases_photo_strip__png_chunks_removed(void **state)
{
    (void)state;
    buf in = {.n = 0}, out;
    phone_png(&in);
    assert_true(strip(&in, &out) > 0);
    for (const char *gone = "eXIftEXtiTXtzTXttIME"; *gone; gone += 4)
        assert_false(has(&out, gone, 4));
    assert_false(has(&out, "GPS", 3));
    assert_false(has(&out, "Zhang", 5));
    assert_false(has(&out, "Beijing", 7));
    for (const char *kept = "IHDRsRGBpHYsIDATIEND"; *kept; kept += 4)
        assert_true(has(&out, kept, 4));
    assert_memory_equal(out.b + out.n - 8, "IEND\xae\x42\x60\x82", 8);
    buf again;
    assert_int_equal(strip(&out, &again), out.n);
}

static void test_cases_photo_strip__png_broken_refused(void **state)
{
    (void)state;
    buf in = {.n = 0}, out;
    phone_png(&in);
    /* a wrong CRC anywhere */
    buf bad = in;
    bad.b[8 + 4 + 4 + 5] ^= 1; /* inside IHDR's data */
    assert_int_equal(strip(&bad, &out), 0);
    /* cut before IEND */
    bad = in;
    bad.n -= 12 + 12;
    assert_int_equal(strip(&bad, &out), 0);
    /* IHDR not first */
    static const unsigned char sig[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    bad.n = 0;
    put(&bad, sig, 8);
    chunk(&bad, "sRGB", "\0", 1);
    chunk(&bad, "IEND", "", 0);
    assert_int_equal(strip(&bad, &out), 0);
    /* an unknown critical chunk cannot be dropped, nor kept blindly */
    bad.n = 0;
    put(&bad, sig, 8);
    chunk(&bad, "IHDR", "\0\0\0\1\0\0\0\1\x08\x02\0\0\0", 13);
    chunk(&bad, "QQQQ", "x", 1);
    chunk(&bad, "IDAT", "x", 1);
    chunk(&bad, "IEND", "", 0);
    assert_int_equal(strip(&bad, &out), 0);
    /* no picture data */
    bad.n = 0;
    put(&bad, sig, 8);
    chunk(&bad, "IHDR", "\0\0\0\1\0\0\0\1\x08\x02\0\0\0", 13);
    chunk(&bad, "IEND", "", 0);
    assert_int_equal(strip(&bad, &out), 0);
    /* a length that passes the end */
    bad = in;
    bad.b[8] = 0x7F;
    assert_int_equal(strip(&bad, &out), 0);
}

static void test_cases_photo_strip__random_bytes_never_crash(void **state)
{
    (void)state;
    uint64_t s = 0x9E3779B97F4A7C15ull;
    buf in, out;
    for (int round = 0; round < 2000; round++) {
        in.n = 0;
        if (round % 2)
            phone_jpeg(&in);
        else
            phone_png(&in);
        /* flip a few bytes */
        for (int k = 0; k < 3; k++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            in.b[8 + s % (in.n - 8)] ^= (unsigned char)(s >> 32);
        }
        size_t n = cases_photo_strip(in.b, in.n, out.b);
        assert_true(n <= in.n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases_photo_sniff__by_content),
        cmocka_unit_test(test_cases_photo_strip__jpeg_metadata_removed),
        cmocka_unit_test(test_cases_photo_strip__jpeg_broken_refused),
        cmocka_unit_test(test_cases_photo_strip__png_chunks_removed),
        cmocka_unit_test(test_cases_photo_strip__png_broken_refused),
        cmocka_unit_test(test_cases_photo_strip__random_bytes_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
