/*
 * utf8.h: the one place that knows how UTF-8 is put together. Every text the server takes in
 * (a request body, an uploaded sheet) is checked with utf8_valid; every limit "in characters"
 * is counted with utf8_chars; every fixed-size copy is cut with utf8_cut or utf8_copy, so a
 * Chinese character is never split in two.
 *
 * API (s and n: the bytes, n not counting a terminating NUL; none of these allocates):
 *   utf8_valid(s, n)         strict RFC 3629: no overlong form, no surrogate (U+D800..U+DFFF),
 *                            nothing above U+10FFFF, no sequence cut short at the end
 *   utf8_chars(s, n)         characters in s: the bytes that are not continuation bytes
 *                            (10xxxxxx). On valid text that is the number of code points.
 *   utf8_prefix(s, n, k)     bytes taken by the first k characters, as utf8_chars counts
 *                            them: the bytes before the (k+1)-th (n when s has no more)
 *   utf8_cut(s, n, max)      the longest length <= max that ends between two characters:
 *                            n when n <= max, else max moved back off any continuation bytes
 *   utf8_copy(dst, size, s)  copies the NUL-terminated s into dst[size], cut with utf8_cut when
 *                            it does not fit; always terminates dst (size > 0); returns the
 *                            bytes copied. s NULL copies "".
 */
#ifndef SJ_UTF8_H
#define SJ_UTF8_H

#include <stdbool.h>
#include <stddef.h>

bool utf8_valid(const char *s, size_t n);
size_t utf8_chars(const char *s, size_t n);
size_t utf8_prefix(const char *s, size_t n, size_t k);
size_t utf8_cut(const char *s, size_t n, size_t max);
size_t utf8_copy(char *dst, size_t size, const char *s);

#endif
