/*
 * pii.c: sealing, hashing and the data key. See pii.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pii.h"

char *pii_seal(const unsigned char key[32], const char *plain)
{
    size_t n = strlen(plain);
    size_t boxlen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
    unsigned char *box = malloc(boxlen);
    char *hex = malloc(boxlen * 2 + 1);
    if (!box || !hex)
        abort();
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, n, box,
                          key);
    sodium_bin2hex(hex, boxlen * 2 + 1, box, boxlen);
    free(box);
    return hex;
}

char *pii_open(const unsigned char key[32], const char *hex)
{
    size_t hexlen = strlen(hex), boxlen = 0;
    if (hexlen / 2 < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        return NULL;
    unsigned char *box = malloc(hexlen / 2);
    if (!box)
        abort();
    char *plain = NULL;
    if (sodium_hex2bin(box, hexlen / 2, hex, hexlen, NULL, &boxlen, NULL) != 0)
        goto out;
    size_t n = boxlen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    plain = malloc(n + 1);
    if (!plain)
        abort();
    if (crypto_secretbox_open_easy((unsigned char *)plain, box + crypto_secretbox_NONCEBYTES,
                                   boxlen - crypto_secretbox_NONCEBYTES, box, key) != 0) {
        free(plain);
        plain = NULL;
        goto out;
    }
    plain[n] = 0;
out:
    free(box);
    return plain;
}

void pii_hash(const unsigned char key[32], const char *plain, char out[PII_HASH_HEX])
{
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)plain, strlen(plain), key, 32);
    sodium_bin2hex(out, PII_HASH_HEX, h, sizeof h);
}

bool pii_key_parse(const char *text, size_t len, unsigned char key[32])
{
    if (len < 64)
        return false;
    for (size_t i = 0; i < 64; i++) {
        char c = text[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    const char *rest = text + 64;
    size_t nrest = len - 64;
    if (!(nrest == 0 || (nrest == 1 && rest[0] == '\n') ||
          (nrest == 2 && rest[0] == '\r' && rest[1] == '\n')))
        return false;
    size_t got = 0;
    return sodium_hex2bin(key, 32, text, 64, NULL, &got, NULL) == 0 && got == 32;
}

bool pii_key_read(const char *path, unsigned char key[32], char *err, size_t errlen)
{
    char buf[80];
    size_t n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot read the data key: %s", path, strerror(errno));
        return false;
    }
    for (;;) {
        ssize_t r = read(fd, buf + n, sizeof buf - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "%s: cannot read the data key: %s", path, strerror(errno));
            close(fd);
            return false;
        }
        n += (size_t)r;
        if (r == 0 || n == sizeof buf)
            break;
    }
    close(fd);
    bool ok = n < sizeof buf && pii_key_parse(buf, n, key);
    sodium_memzero(buf, sizeof buf);
    if (!ok)
        snprintf(err, errlen,
                 "%s: not a data key: the file must hold exactly 64 hex digits (0-9, a-f), "
                 "one line (数据密钥文件格式不对：应为 64 位十六进制数字)",
                 path);
    return ok;
}

bool pii_key_load(const char *path, unsigned char key[32], char *err, size_t errlen)
{
    const char *env = getenv("SJ_DATA_KEY");
    char hex[65] = {0};
    if (env) {
        if (!pii_key_parse(env, strlen(env), key)) {
            snprintf(err, errlen, "SJ_DATA_KEY must be 64 hex digits");
            return false;
        }
        return true;
    }
    if (!path) {
        snprintf(err, errlen, "no data key: set SJ_DATA_KEY or pass --key-file FILE");
        return false;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        close(fd);
        return pii_key_read(path, key, err, errlen);
    }
    randombytes_buf(key, 32);
    sodium_bin2hex(hex, sizeof hex, key, 32);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, hex, 64) != 64 || fsync(fd) != 0) {
        snprintf(err, errlen, "%s: cannot create the data key: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        sodium_memzero(hex, sizeof hex);
        return false;
    }
    close(fd);
    sodium_memzero(hex, sizeof hex);
    return true;
}
