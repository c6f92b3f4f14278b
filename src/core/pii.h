/*
 * pii.h: phone and identity-document numbers of pupils and families (PIPL): sealed at rest
 * with the server's data key (XSalsa20-Poly1305), looked up by a keyed hash, shown masked.
 */
#ifndef SJ_PII_H
#define SJ_PII_H
#include <stddef.h>
#include <stdbool.h>

#define PII_HASH_HEX 33 /* 16-byte keyed BLAKE2b, hex */

/* hex of nonce||ciphertext; caller frees. */
char *pii_seal(const unsigned char key[32], const char *plain);
/* caller frees; NULL when the box does not open. */
char *pii_open(const unsigned char key[32], const char *hex);
void pii_hash(const unsigned char key[32], const char *plain, char out[PII_HASH_HEX]);
/* A data key as text: exactly 64 hex digits, optionally ended by one "\n" or "\r\n"; nothing
 * else. OUT: key. */
bool pii_key_parse(const char *text, size_t len, unsigned char key[32]);
/* Reads the key from an existing file (--key-file); never creates one: a named key file that is
 * missing is a mistake, and a fresh key would make the sealed data unreadable. */
bool pii_key_read(const char *path, unsigned char key[32], char *err, size_t errlen);
/* Loads the key from SJ_DATA_KEY (64 hex digits) or the file, creating the file (0600) with a
 * fresh key when it does not exist (a SQLite database's PATH.key). path NULL: SJ_DATA_KEY only. */
bool pii_key_load(const char *path, unsigned char key[32], char *err, size_t errlen);

#endif
