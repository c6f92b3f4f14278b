/*
 * cache_bus.h: exact invalidation of the in-process caches (sessions in core, class boards in
 * the homework module), in this process and in every other server process on the same
 * PostgreSQL database.
 *
 * A store write that changes what a cache holds names the change inside its transaction:
 * db_notify(c, "s <token hash>") (db.h). When the outermost transaction commits, db_commit
 * hands each message to the handlers registered here for its first letter (in this process),
 * and on PostgreSQL it has sent the messages with the commit (pg_notify on channel sj_cache)
 * and waits until every other server process has applied them (acknowledged on channel
 * sj_ack) before it returns. So the write's answer goes out only when no process can still
 * serve what it changed. A rollback sends nothing. A command (init, import, demo: no
 * listener) sends its messages with its commit too, without waiting for acknowledgements.
 *
 * Messages (one line each; the handlers are registered by src/app/cli.c):
 *   s <hash>            a session ended (logout)               core/session_cache.c
 *   u <user id>         an account's sessions, password or roles changed
 *   b <class> <date>    a class-day's board changed            homework/board_cache.c
 *   c <district>        the district's calendar changed (every board)
 *   p <district>        the district's policy changed (every board, the policy in force)
 *   *                   everything (a transaction that named too much to list)
 *
 * Each cache gives its readers a ticket taken before they read the database: an entry stored
 * under a ticket older than the last drop that could concern it is refused, so a read that
 * raced a write is never kept. While the listener of a PostgreSQL server is not connected
 * (start, or a lost database connection) cache_bus_caching() is false and no cache answers:
 * the process may have missed a message; losing and regaining the connection each dispatch
 * "*" (every cache is dropped).
 *
 * The listener (one thread, one libpq connection with application_name shuangjian-cache)
 * learns its peers from pg_stat_activity when it starts and from their hello messages
 * afterwards, and forgets them when their connection is gone (checked each second) or they
 * say goodbye. A peer that does not acknowledge within CACHE_BUS_WAIT_MS is logged and no
 * longer waited for (a hung process; its caches are then not exact: see docs/operations.md).
 */
#ifndef SJ_CACHE_BUS_H
#define SJ_CACHE_BUS_H

#include <stdbool.h>
#include <stdint.h>

#define CACHE_BUS_WAIT_MS 5000

typedef void (*cache_bus_fn)(void *ctx, const char *msg); /* msg: the whole line */

/* Registers the handler of messages starting with `kind` ('*' reaches every handler). At most
 * 8 handlers; before serving. */
void cache_bus_on(char kind, cache_bus_fn fn, void *ctx);
/* Removes the handlers registered with `ctx` (before it is freed). */
void cache_bus_off(void *ctx);
/* Hands each message of `msgs` (lines separated by '\n') to its handlers, in this process. */
void cache_bus_dispatch(const char *msgs);

/* false while the caches must not answer (PostgreSQL with its listener down). */
bool cache_bus_caching(void);

/* PostgreSQL: starts the listener on `url` and waits (up to 10 s) until it listens; false
 * with err filled when it could not connect. */
bool cache_bus_listen(const char *url, char *err, size_t errlen);
void cache_bus_stop(void);

/* Used by db.c on PostgreSQL: whether messages go to other processes, the payload for the
 * next commit's notification (a new id and the messages), and the wait for their
 * acknowledgements after the commit (or its cancellation when the commit failed). */
bool cache_bus_listening(void);
uint64_t cache_bus_begin(char *payload, size_t len, const char *msgs);
void cache_bus_wait(uint64_t id);
void cache_bus_cancel(uint64_t id);

#endif
