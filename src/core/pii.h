/*
 * pii.h: phone and identity-document numbers of pupils and families (PIPL): sealed at rest
 * with the server's data key (XSalsa20-Poly1305), looked up by a keyed hash, shown masked.
 */
#ifndef SJ_PII_H
#define SJ_PII_H
#include <stddef.h>
#include <stdbool.h>

#define PII_HASH_HEX 33   /* 16-byte keyed BLAKE2b, hex */

/* hex of nonce||ciphertext; caller frees. */
char *pii_seal(const unsigned char key[32], const char *plain);
/* caller frees; NULL when the box does not open. */
char *pii_open(const unsigned char key[32], const char *hex);
void pii_hash(const unsigned char key[32], const char *plain, char out[PII_HASH_HEX]);
/* Loads the key from SJ_DATA_KEY (64 hex digits) or the file, creating the file (0600) with a
 * fresh key when it does not exist. */
bool pii_key_load(const char *path, unsigned char key[32], char *err, size_t errlen);

#endif
