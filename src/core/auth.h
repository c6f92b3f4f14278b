/*
 * auth.h: passwords, session tokens, loading the caller and their roles (core-internal; the
 * scope checks every module uses are declared in app.h).
 *
 * Passwords are Argon2id strings (libsodium). A session token is 32 random bytes in base64url;
 * the database keeps only its BLAKE2b hash, so a copy of the database opens no session.
 */
#ifndef SJ_AUTH_H
#define SJ_AUTH_H

#include <sodium.h>
#include "app.h"

#define AUTH_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */
#define AUTH_HASH_HEX  65

bool auth_password_hash(const char *pw, char out[crypto_pwhash_STRBYTES]);
bool auth_password_verify(const char *hash, const char *pw);
/* A hash made like auth_password_hash of a random password nobody knows: checking a password
 * against it costs what checking a real one costs (log-in of an unknown username). */
bool auth_password_dummy(char out[crypto_pwhash_STRBYTES]);
void auth_token_new(char token[AUTH_TOKEN_LEN + 1], char hash_hex[AUTH_HASH_HEX]);
void auth_token_hash(const char *token, char hash_hex[AUTH_HASH_HEX]);

/* DB_ROW when found (OUT: u), DB_DONE when not, or an error. */
int auth_load_user(db_conn *c, int64_t user_id, user *u);
/* The caller of a token, through the session cache when one is given (may be NULL). */
int auth_session_user(db_conn *c, session_cache *cache, const char *token, user *u);

/* May the caller set the password of, or reveal the phone of, account uid? 404 when there is
 * no such account in the caller's district; true for the district admin (and for district
 * staff when district_staff_may); a school admin only when every role and every pupil of the
 * account lies at a school they administer, and there is at least one; 403 otherwise. */
bool auth_manages_user_or_reply(req *r, int64_t uid, bool district_staff_may);

const char *role_name(role_kind k);
role_kind role_parse(const char *s);   /* 0 when unknown */
json_t *auth_user_json(const user *u); /* {"id","username","name","roles":[...]} */
json_t *auth_role_json(const role *ro);

/* One audit row of its own commit (audit.c): failed log-ins, reveals of personal numbers.
 * DB_DONE or the store's error, which is also logged on standard error. */
int audit_insert(req *r, const char *action, const char *target_kind, int64_t target_id, int status,
                 const char *detail);
/* The server's row of a write whose store wrote none (http.c): written after the handler,
 * a failure logged, never the answer changed. */
void audit_after_write(req *r);

#endif
