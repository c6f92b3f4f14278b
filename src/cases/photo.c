/*
 * photo.c: the photos people attach to tip-offs, complaints and rectification reports. Pure:
 * bytes in, bytes out.
 *
 * A photo is taken for what its bytes are, never for its name or the type the client sent: a
 * JPEG (FF D8 FF) or a PNG (the eight-byte PNG signature), and then only when its structure
 * parses to the end. Before it is stored, everything that is not the picture goes, because a
 * phone writes where and when it was taken (EXIF GPS), the device, sometimes the owner's name,
 * into every photo it makes, and a tipster must not be found by the photo they sent (CS-2).
 *
 * What is kept (a list of what is known to be harmless; everything else is dropped):
 *   JPEG: SOI, the frame and scan headers (SOF0..SOF15 but DHT/JPG/DAC markers), DHT, DQT, DRI,
 *         DNL, DAC, the scans with their entropy-coded data and restart markers, EOI; APP0 only
 *         when it is JFIF, APP14 only when it is Adobe (it says how the colours are stored).
 *         Dropped: APP1 (EXIF with GPS, XMP), APP2..APP13, APP15, COM (comments), anything
 *         after EOI (phones append thumbnails and maker data there).
 *   PNG:  IHDR, PLTE, IDAT, IEND, tRNS, gAMA, cHRM, sRGB, iCCP, sBIT, pHYs, bKGD. Dropped: eXIf,
 *         tEXt, zTXt, iTXt, tIME and every other chunk. Every chunk's CRC is checked.
 */
#include <string.h>

#include "cases/cases.h"

static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

cases_photo_kind cases_photo_sniff(const unsigned char *p, size_t n)
{
    if (n >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return CASES_PHOTO_JPEG;
    if (n >= 8 && memcmp(p, png_sig, 8) == 0)
        return CASES_PHOTO_PNG;
    return CASES_PHOTO_BAD;
}

/* ---------- JPEG ---------- */

static bool jpeg_keep(unsigned char m, const unsigned char *seg, size_t seglen)
{
    if (m == 0xE0) /* APP0: JFIF only (not a JFXX thumbnail) */
        return seglen >= 5 && memcmp(seg, "JFIF\0", 5) == 0;
    if (m == 0xEE) /* APP14: Adobe's colour transform flag */
        return seglen >= 5 && memcmp(seg, "Adobe", 5) == 0;
    if (m >= 0xC0 && m <= 0xCF) /* SOFn, DHT (C4), JPG (C8: reserved, dropped), DAC (CC) */
        return m != 0xC8;
    return m == 0xDB || m == 0xDD || m == 0xDC; /* DQT, DRI, DNL */
}

static size_t jpeg_strip(const unsigned char *in, size_t n, unsigned char *out)
{
    size_t i = 2, o = 0;
    bool frame = false, scan = false;
    out[o++] = 0xFF;
    out[o++] = 0xD8;
    for (;;) {
        /* a marker: FF, any fill bytes FF, then the code */
        if (i >= n || in[i] != 0xFF)
            return 0;
        while (i < n && in[i] == 0xFF)
            i++;
        if (i >= n)
            return 0;
        unsigned char m = in[i++];
        if (m == 0xD9) { /* EOI: the end; what follows is dropped */
            if (!frame || !scan)
                return 0;
            out[o++] = 0xFF;
            out[o++] = 0xD9;
            return o;
        }
        if (m == 0x00 || m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01)
            return 0; /* no segment starts with these here */
        if (i + 2 > n)
            return 0;
        size_t len = ((size_t)in[i] << 8) | in[i + 1];
        if (len < 2 || i + len > n)
            return 0;
        const unsigned char *seg = in + i + 2;
        size_t seglen = len - 2;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC)
            frame = true;
        if (m == 0xDA) { /* SOS: the header, then entropy-coded data up to the next marker */
            if (!frame)
                return 0;
            scan = true;
            out[o++] = 0xFF;
            out[o++] = m;
            memcpy(out + o, in + i, len);
            o += len;
            i += len;
            while (i < n) {
                if (in[i] == 0xFF && i + 1 < n && in[i + 1] != 0x00 &&
                    !(in[i + 1] >= 0xD0 && in[i + 1] <= 0xD7) && in[i + 1] != 0xFF)
                    break;
                if (in[i] == 0xFF && i + 1 < n && in[i + 1] == 0xFF) {
                    i++; /* a fill byte before a marker */
                    continue;
                }
                out[o++] = in[i++];
            }
            if (i >= n)
                return 0;
            continue;
        }
        if (jpeg_keep(m, seg, seglen)) {
            out[o++] = 0xFF;
            out[o++] = m;
            memcpy(out + o, in + i, len);
            o += len;
        }
        i += len;
    }
}

/* ---------- PNG ---------- */

static uint32_t crc_table(unsigned k)
{
    uint32_t c = k;
    for (int b = 0; b < 8; b++)
        c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    return c;
}

/* CRC-32 (ISO 3309, as PNG uses it) of the chunk's type and data; the table is made on the
 * stack (1 KB, 2,048 steps: nothing next to a photo's bytes), so no state is shared. */
static uint32_t png_crc(const unsigned char *p, size_t n)
{
    uint32_t tab[256];
    for (unsigned k = 0; k < 256; k++)
        tab[k] = crc_table(k);
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = tab[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static bool png_keep(const unsigned char *type)
{
    static const char *const keep[] = {"IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA",
                                       "cHRM", "sRGB", "iCCP", "sBIT", "pHYs", "bKGD"};
    for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++)
        if (memcmp(type, keep[k], 4) == 0)
            return true;
    return false;
}

static uint32_t be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static size_t png_strip(const unsigned char *in, size_t n, unsigned char *out)
{
    size_t i = 8, o = 8;
    memcpy(out, png_sig, 8);
    bool first = true, idat = false;
    while (i + 12 <= n) {
        size_t len = be32(in + i);
        if (len > 0x7FFFFFFFu || len > n - i - 12)
            return 0;
        const unsigned char *type = in + i + 4;
        for (int k = 0; k < 4; k++)
            if (!((type[k] >= 'A' && type[k] <= 'Z') || (type[k] >= 'a' && type[k] <= 'z')))
                return 0;
        if (png_crc(type, len + 4) != be32(in + i + 8 + len))
            return 0;
        if (first && (memcmp(type, "IHDR", 4) != 0 || len != 13))
            return 0;
        first = false;
        idat |= memcmp(type, "IDAT", 4) == 0;
        bool end = memcmp(type, "IEND", 4) == 0;
        /* an unknown critical chunk (upper-case first letter) would be needed to draw the
         * picture: such a file is not one we can clean */
        if (!png_keep(type) && type[0] >= 'A' && type[0] <= 'Z')
            return 0;
        if (png_keep(type)) {
            memcpy(out + o, in + i, len + 12);
            o += len + 12;
        }
        i += len + 12;
        if (end)
            return idat ? o : 0; /* what follows IEND is dropped */
    }
    return 0;
}

size_t cases_photo_strip(const unsigned char *in, size_t n, unsigned char *out)
{
    switch (cases_photo_sniff(in, n)) {
    case CASES_PHOTO_JPEG:
        return jpeg_strip(in, n, out);
    case CASES_PHOTO_PNG:
        return png_strip(in, n, out);
    default:
        return 0;
    }
}
