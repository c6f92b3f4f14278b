/*
 * checkpoint.c: signed checkpoints of the escrow ledger: the key files, signing the head, and
 * checkpoints to and from JSON. What a checkpoint is and why: funds.h, "signed checkpoints".
 *
 * API: funds_checkpoint_message, funds_sign_key_load, funds_keyring_load,
 *      funds_public_key_publish, funds_checkpoint_take, funds_checkpoints_from_json,
 *      funds_checkpoint_json. Checking the ledger against checkpoints is part of verification
 *      (ledger.c), in the same snapshot as the chain.
 *
 * The signing key is a file the database never sees: `shuangjian checkpoint` (a daily cron job)
 * reads it, the server does not need it. The server and `verify` need only the public keys,
 * read from their file at each use, so a key made after the server started is seen at once.
 * Key files are read with a fixed upper size; a malformed one is an error, never half-used.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "funds.h"

#define KEY_FILE_MAX 4096 /* a public key file: FUNDS_MAX_KEYS lines and comments */

void funds_checkpoint_message(const funds_checkpoint *c, char *out, size_t len)
{
    snprintf(out, len, FUNDS_CHECKPOINT_PREFIX "|%" PRId64 "|%" PRId64 "|%s|%" PRId64,
             c->district_id, c->entries, c->head_hash, c->at);
}

/* ---------- key files ---------- */

/* Reads at most max-1 bytes of path into buf (NUL-terminated). 1 read, 0 no such file, -1 an
 * error (err says which). */
static int file_read(const char *path, char *buf, size_t max, struct stat *st, char *err,
                     size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t n = 0;
    ssize_t got = 0;
    while (n < max - 1 && (got = read(fd, buf + n, max - 1 - n)) > 0)
        n += (size_t)got;
    char more;
    bool too_big = got >= 0 && n == max - 1 && read(fd, &more, 1) > 0;
    int fs = st ? fstat(fd, st) : 0;
    close(fd);
    if (got < 0 || fs != 0 || too_big) {
        snprintf(err, errlen, "%s: %s", path, too_big ? "too large for a key file" : "cannot read");
        return -1;
    }
    buf[n] = 0;
    return 1;
}

/* 64 hex digits (surrounding white space allowed) into 32 bytes. */
static bool hex32(const char *s, size_t n, unsigned char out[32])
{
    while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    size_t got = 0;
    return n == 64 && sodium_hex2bin(out, 32, s, n, NULL, &got, NULL) == 0 && got == 32;
}

bool funds_sign_key_load(const char *path, bool create, unsigned char sk[64], unsigned char pk[32],
                         bool *created, char *err, size_t errlen)
{
    unsigned char seed[32];
    char buf[256];
    struct stat st;
    bool ok = false;
    if (created)
        *created = false;
    int got = file_read(path, buf, sizeof buf, &st, err, errlen);
    if (got < 0)
        return false;
    if (got == 1) {
        if (st.st_mode & (S_IRWXG | S_IRWXO)) {
            snprintf(err, errlen,
                     "%s: the signing key may be read by others (mode %03o);"
                     " chmod 600 it",
                     path, (unsigned)(st.st_mode & 0777));
            goto out;
        }
        if (!hex32(buf, strlen(buf), seed)) {
            snprintf(err, errlen, "%s: not a signing key (64 hex digits)", path);
            goto out;
        }
    } else {
        if (!create) {
            snprintf(err, errlen, "%s: no signing key there", path);
            return false;
        }
        randombytes_buf(seed, sizeof seed);
        char hex[65];
        sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
        hex[64] = '\n';
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        bool written = fd >= 0 && write(fd, hex, 65) == 65 && fsync(fd) == 0;
        if (fd >= 0)
            close(fd);
        sodium_memzero(hex, sizeof hex);
        if (!written) {
            snprintf(err, errlen, "%s: cannot create the signing key: %s", path,
                     fd < 0 ? strerror(errno) : "write failed");
            if (fd >= 0)
                unlink(path);
            goto out;
        }
        if (created)
            *created = true;
    }
    crypto_sign_seed_keypair(pk, sk, seed);
    ok = true;
out:
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(buf, sizeof buf);
    return ok;
}

/* The keys listed in text: one a line, '#' to the end of a line is a comment. */
static bool keyring_parse(const char *text, const char *path, funds_keyring *ring, char *err,
                          size_t errlen)
{
    int line = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *hash = memchr(p, '#', n);
        size_t used = hash ? (size_t)(hash - p) : n;
        line++;
        bool blank = true;
        for (size_t i = 0; i < used && blank; i++)
            blank = p[i] == ' ' || p[i] == '\t' || p[i] == '\r';
        if (!blank) {
            if (ring->n >= FUNDS_MAX_KEYS) {
                snprintf(err, errlen, "%s: more than %d keys", path, FUNDS_MAX_KEYS);
                return false;
            }
            if (!hex32(p, used, ring->keys[ring->n])) {
                snprintf(err, errlen, "%s, line %d: not a public key (64 hex digits)", path, line);
                return false;
            }
            ring->n++;
        }
        p += n + (nl != NULL);
    }
    return true;
}

bool funds_keyring_load(const char *pub_path, const char *sign_path, funds_keyring *ring, char *err,
                        size_t errlen)
{
    memset(ring, 0, sizeof *ring);
    if (pub_path && *pub_path) {
        char buf[KEY_FILE_MAX];
        int got = file_read(pub_path, buf, sizeof buf, NULL, err, errlen);
        if (got < 0)
            return false;
        if (got == 1) {
            if (!keyring_parse(buf, pub_path, ring, err, errlen))
                return false;
            if (ring->n == 0) {
                snprintf(err, errlen, "%s: no public key in it", pub_path);
                return false;
            }
            return true;
        }
    }
    if (sign_path && *sign_path && access(sign_path, F_OK) == 0) {
        unsigned char sk[64];
        bool ok = funds_sign_key_load(sign_path, false, sk, ring->keys[0], NULL, err, errlen);
        sodium_memzero(sk, sizeof sk);
        if (!ok)
            return false;
        ring->n = 1;
    }
    return true;
}

bool funds_public_key_publish(const char *pub_path, const unsigned char pk[32], char *err,
                              size_t errlen)
{
    funds_keyring ring = {0};
    char buf[KEY_FILE_MAX];
    int got = file_read(pub_path, buf, sizeof buf, NULL, err, errlen);
    if (got < 0)
        return false;
    if (got == 1) {
        if (!keyring_parse(buf, pub_path, &ring, err, errlen))
            return false;
        for (size_t i = 0; i < ring.n; i++)
            if (sodium_memcmp(ring.keys[i], pk, 32) == 0)
                return true;
        char hex[FUNDS_KEY_HEX];
        sodium_bin2hex(hex, sizeof hex, pk, 32);
        snprintf(err, errlen,
                 "%s does not list this signing key's public key %s: add it as the"
                 " first line (a new key) or give the right --public-key",
                 pub_path, hex);
        return false;
    }
    char line[FUNDS_KEY_HEX + 96];
    char hex[FUNDS_KEY_HEX];
    sodium_bin2hex(hex, sizeof hex, pk, 32);
    int n = snprintf(line, sizeof line, "# shuangjian ledger checkpoints: Ed25519 public key\n%s\n",
                     hex);
    int fd = open(pub_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    bool ok = fd >= 0 && n > 0 && write(fd, line, (size_t)n) == n && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    if (!ok) {
        snprintf(err, errlen, "%s: cannot write the public key: %s", pub_path,
                 fd < 0 ? strerror(errno) : "write failed");
        if (fd >= 0)
            unlink(pub_path);
    }
    return ok;
}

/* ---------- taking a checkpoint ---------- */

int funds_checkpoint_take(db_conn *db, int64_t district_id, const unsigned char sk[64],
                          const unsigned char pk[32], const funds_keyring *ring,
                          funds_checkpoint *cp, funds_verify_result *v)
{
    memset(cp, 0, sizeof *cp);
    funds_anchor anchor = {.ring = ring};
    /* a ledger that does not verify is never vouched for */
    int rc = funds_verify_and_record(db, district_id, &anchor, v);
    if (rc != DB_OK || !v->ok)
        return rc;
    /* the head as verified: entries are only ever appended, so it stays true */
    cp->district_id = district_id;
    cp->entries = v->head_seq;
    memcpy(cp->head_hash, v->head_hash, sizeof cp->head_hash);
    cp->at = now_unix();
    char msg[256];
    funds_checkpoint_message(cp, msg, sizeof msg);
    unsigned char sig[64];
    crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), sk);
    sodium_bin2hex(cp->signature, sizeof cp->signature, sig, sizeof sig);
    sodium_bin2hex(cp->public_key, sizeof cp->public_key, pk, 32);
    rc = db_begin_write(db);
    if (rc == DB_OK)
        rc = db_insert_id(db, &cp->id,
                          "INSERT INTO ledger_checkpoints (district_id, entries, head_hash, at,"
                          " public_key, signature) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                          district_id, cp->entries, cp->head_hash, cp->at, cp->public_key,
                          cp->signature);
    if (rc != DB_DONE) {
        db_rollback(db);
        return rc == DB_OK ? DB_ERROR : rc;
    }
    return db_commit(db);
}

/* ---------- JSON ---------- */

json_t *funds_checkpoint_json(const funds_checkpoint *c)
{
    char when[32], msg[256];
    unix_rfc3339(c->at, when);
    funds_checkpoint_message(c, msg, sizeof msg);
    return json_pack("{s:I,s:I,s:I,s:s,s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)c->id,
                     "district_id", (json_int_t)c->district_id, "entries", (json_int_t)c->entries,
                     "head_hash", c->head_hash, "at", (json_int_t)c->at, "signed_at", when,
                     "message", msg, "public_key", c->public_key, "signature", c->signature);
}

/* A string field of exactly len hex digits into out (len + 1 bytes). */
static bool hex_field(const json_t *o, const char *key, size_t len, char *out)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s || strlen(s) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    memcpy(out, s, len + 1);
    return true;
}

funds_checkpoint *funds_checkpoints_from_json(const json_t *doc, size_t *n, funds_keyring *served,
                                              char *err, size_t errlen)
{
    *n = 0;
    if (served)
        memset(served, 0, sizeof *served);
    const json_t *items = json_is_array(doc) ? doc : json_object_get(doc, "items");
    if (!json_is_array(items)) {
        snprintf(err, errlen,
                 "not checkpoints as GET /api/v1/funds/checkpoints serves them"
                 " (no \"items\")");
        return NULL;
    }
    if (served && json_is_object(doc)) {
        const json_t *keys = json_object_get(doc, "public_keys");
        size_t i;
        const json_t *k;
        json_array_foreach(keys, i, k)
        {
            const char *s = json_string_value(k);
            if (served->n < FUNDS_MAX_KEYS && s && hex32(s, strlen(s), served->keys[served->n]))
                served->n++;
        }
        const char *one = json_string_value(json_object_get(doc, "public_key"));
        if (served->n == 0 && one && hex32(one, strlen(one), served->keys[0]))
            served->n = 1;
    }
    size_t count = json_array_size(items);
    funds_checkpoint *out = calloc(count ? count : 1, sizeof *out);
    if (!out)
        abort();
    for (size_t i = 0; i < count; i++) {
        const json_t *o = json_array_get(items, i);
        funds_checkpoint *c = &out[i];
        json_int_t id = json_integer_value(json_object_get(o, "id"));
        const json_t *d = json_object_get(o, "district_id"), *e = json_object_get(o, "entries"),
                     *at = json_object_get(o, "at");
        if (!json_is_object(o) || !json_is_integer(d) || !json_is_integer(e) ||
            !json_is_integer(at) || json_integer_value(e) < 0 ||
            !hex_field(o, "head_hash", FUNDS_HASH_HEX - 1, c->head_hash) ||
            !hex_field(o, "public_key", FUNDS_KEY_HEX - 1, c->public_key) ||
            !hex_field(o, "signature", FUNDS_SIG_HEX - 1, c->signature)) {
            snprintf(err, errlen, "checkpoint %zu of the file is malformed", i + 1);
            free(out);
            return NULL;
        }
        c->id = id;
        c->district_id = json_integer_value(d);
        c->entries = json_integer_value(e);
        c->at = json_integer_value(at);
    }
    *n = count;
    return out;
}
