/*
 * session_cache.h: the in-process cache of sessions (token hash → the caller: user, roles,
 * district), exact: an entry is kept until its session ends, and dropped before the answer of
 * whatever ended it or changed what it holds goes out (cache_bus.h): a logout ("s <hash>"),
 * an account's password or roles ("u <id>"), in this process and in every other on the same
 * PostgreSQL database.
 *
 * A reader takes a ticket before it reads the database and stores what it read under it;
 * session_cache_put refuses the entry when a drop that could concern it came after the ticket,
 * so a look-up that raced a logout is never kept.
 */
#ifndef SJ_SESSION_CACHE_H
#define SJ_SESSION_CACHE_H

#include "app.h"

typedef struct session_cache session_cache;

/* Registers its handlers on the cache bus. */
session_cache *session_cache_new(void);
void session_cache_free(session_cache *c);
/* true with *u filled when `hash` is cached and its session has not expired. */
bool session_cache_get(session_cache *c, const char *hash, user *u);
uint64_t session_cache_ticket(session_cache *c, const char *hash);
void session_cache_put(session_cache *c, const char *hash, const user *u, int64_t expires_at,
                       uint64_t ticket);
void session_cache_drop(session_cache *c, const char *hash);
void session_cache_drop_user(session_cache *c, int64_t user_id);

#endif
