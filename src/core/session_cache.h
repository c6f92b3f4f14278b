/*
 * session_cache.h: a short-lived in-process cache of session look-ups (token hash → caller).
 *
 * Sessions live in the database; this cache only spares the look-up for requests that come
 * within SESSION_CACHE_TTL seconds of the last one with the same token. A logout or a password
 * change in this process drops the entries at once; another server process sharing the
 * database may honour a just-ended session for at most the TTL.
 */
#ifndef SJ_SESSION_CACHE_H
#define SJ_SESSION_CACHE_H

#include "app.h"

#define SESSION_CACHE_TTL 2 /* seconds */

typedef struct session_cache session_cache;

session_cache *session_cache_new(void);
void session_cache_free(session_cache *c);
/* true with *u filled when `hash` was seen within the TTL and its session has not expired. */
bool session_cache_get(session_cache *c, const char *hash, user *u);
void session_cache_put(session_cache *c, const char *hash, const user *u, int64_t expires_at);
void session_cache_drop(session_cache *c, const char *hash);
void session_cache_drop_user(session_cache *c, int64_t user_id);

#endif
