/*
 * map.h: the one hash table of the server: uthash (Debian's uthash-dev, a header of macros),
 * configured here once. Include this, never <uthash.h> itself.
 *
 * Users: the statement caches of both store backends (db_sqlite.c, db_pg.c: SQL text →
 * prepared statement, per connection, bounded by a count) and the roster's uniqueness and
 * class maps (roster.c: an arena string → the row that first used it).
 *
 * How to use it: an entry is the caller's struct with a `UT_hash_handle hh` member and a key
 * (a char pointer or array); the map is a pointer to the first entry, NULL when empty. The
 * caller owns the entries (malloc'd or in an arena) and keeps the key bytes alive while the
 * entry is in the map; the map owns only its bucket table, which HASH_CLEAR or deleting the
 * last entry frees. Keys here are strings: HASH_FIND(hh, head, key, len, out) and
 * HASH_ADD_KEYPTR(hh, head, key, len, entry); HASH_COUNT(head) counts the entries.
 * Not thread-safe: each map belongs to one connection or one mapping.
 *
 * Running out of memory while the bucket table grows aborts, as the arena does (STYLE.md 4).
 */
#ifndef SJ_MAP_H
#define SJ_MAP_H

#include <stdlib.h>
#include <string.h>

#define uthash_fatal(msg) abort()
#include <uthash.h>

#endif
