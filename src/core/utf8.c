/*
 * utf8.c: validating, counting and cutting UTF-8 (see utf8.h).
 *
 * utf8_valid follows RFC 3629's table of well-formed byte sequences: a lead byte C2..DF takes
 * one continuation byte, E0..EF two and F0..F4 three; C0, C1 and F5..FF never appear. After the
 * continuation bytes are read, the code point must need that many bytes (no overlong form),
 * must not be a UTF-16 surrogate and must not pass U+10FFFF.
 */
#include <stdint.h>
#include <string.h>

#include "utf8.h"

static bool continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

bool utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return false; /* a continuation byte without a lead, C0, C1, F5..FF */
        }
        if (n - i < len)
            return false; /* cut short at the end */
        for (size_t k = 1; k < len; k++) {
            if (!continuation(p[i + k]))
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

size_t utf8_chars(const char *s, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += !continuation((unsigned char)s[i]);
    return chars;
}

size_t utf8_prefix(const char *s, size_t n, size_t k)
{
    size_t i = 0, seen = 0;
    for (; i < n; i++) {
        if (continuation((unsigned char)s[i]))
            continue;
        if (seen == k)
            break; /* the (k+1)-th character starts here */
        seen++;
    }
    return i;
}

size_t utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t len = max;
    while (len > 0 && continuation((unsigned char)s[len]))
        len--;
    return len;
}

size_t utf8_copy(char *dst, size_t size, const char *s)
{
    if (size == 0)
        return 0;
    if (!s)
        s = "";
    size_t len = utf8_cut(s, strlen(s), size - 1);
    memcpy(dst, s, len);
    dst[len] = '\0';
    return len;
}
