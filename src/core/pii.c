/*
 * pii.c: sealing, hashing and the data key. See pii.h.
 */
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

bool pii_key_load(const char *path, unsigned char key[32], char *err, size_t errlen)
{
    const char *env = getenv("SJ_DATA_KEY");
    char hex[65] = {0};
    size_t got = 0;
    if (env) {
        if (sodium_hex2bin(key, 32, env, strlen(env), NULL, &got, NULL) != 0 || got != 32) {
            snprintf(err, errlen, "SJ_DATA_KEY must be 64 hex digits");
            return false;
        }
        return true;
    }
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, hex, 64);
        close(fd);
        if (n != 64 || sodium_hex2bin(key, 32, hex, 64, NULL, &got, NULL) != 0 || got != 32) {
            snprintf(err, errlen, "%s: not a data key (64 hex digits)", path);
            return false;
        }
        return true;
    }
    randombytes_buf(key, 32);
    sodium_bin2hex(hex, sizeof hex, key, 32);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || write(fd, hex, 64) != 64 || fsync(fd) != 0) {
        snprintf(err, errlen, "%s: cannot create the data key", path);
        if (fd >= 0)
            close(fd);
        return false;
    }
    close(fd);
    return true;
}
