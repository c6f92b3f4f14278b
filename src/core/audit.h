/*
 * audit.h: who made a write, for its audit row, and the row written inside the write's own
 * transaction (audit.c).
 *
 * DESIGN (issue 9): a write and its audit row commit together or not at all. The row of an
 * ordinary write (non-GET answered 2xx) used to be written by the server after the handler had
 * committed: a second durable commit for every write, and when that second write failed the
 * write stood without its row. Now the handler passes the request's `audit_who` to the store
 * write it calls (req_audit(r, status), app.h), and the store calls audit_tx inside its
 * transaction, just before the commit: one commit, and a failure of the row rolls the write
 * back (the client gets 500 and nothing was written, tests/api/inject.test.mjs).
 * A write whose store does not write its row (a module not converted yet) still gets one from
 * the server after the handler (http.c); a failure there is logged on standard error and never
 * changes the answer, since the write has already been committed.
 * The demo and the command line pass NULL: what they write is not a request of anyone's.
 */
#ifndef SJ_AUDIT_H
#define SJ_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

typedef struct audit_who {
    int64_t district_id;  /* the caller's district (the first for an anonymous caller) */
    int64_t user_id;      /* 0: anonymous */
    const char *username; /* NULL: anonymous */
    const char *ip;       /* the client (client_addr.h) */
    const char *request_id;
    const char *action;      /* "POST /api/v1/schools": the method and the route */
    const char *target_kind; /* "write" */
    const char *detail;      /* the path */
    int status;              /* what the write answers when it succeeds */
    bool written;            /* audit_tx wrote the row (the server writes none after) */
} audit_who;

/* The row of `who`'s write with target_id, inside the caller's write transaction: call it just
 * before the commit. DB_DONE (also when who is NULL: nothing to write) or a store error, on
 * which the caller rolls back. */
int audit_tx(db_conn *c, audit_who *who, int64_t target_id);

#endif
