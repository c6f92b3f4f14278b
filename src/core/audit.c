/*
 * audit.c: the audit log's store: the row of a write inside its transaction (audit_tx, see
 * audit.h for why), the row the server writes after a write whose store did not
 * (audit_after_write, http.c), rows of reads, exports and log-ins written by handlers
 * (audit_record, audit_insert), and the district admin's search (audit_page).
 *
 * A row written outside a write's transaction is a commit of its own; when it fails, the
 * failure is logged on standard error (with the request id, so the access log finds the
 * request) and the answer stays what the handler said.
 */
#include <stdio.h>

#include "audit.h"
#include "auth.h"
#include "core_int.h"

static int insert(db_conn *c, int64_t district_id, int64_t user_id, const char *username,
                  const char *action, const char *target_kind, int64_t target_id, int status,
                  const char *detail, const char *ip, const char *request_id)
{
    return db_run(c,
                  "INSERT INTO audit_log (district_id, at, user_id, username, action, target_kind,"
                  " target_id, status, detail, ip, request_id)"
                  " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
                  district_id, now_unix(), db_id_or_null(user_id), username, action, target_kind,
                  db_id_or_null(target_id), (int64_t)status, detail, ip, request_id);
}

int audit_tx(db_conn *c, audit_who *w, int64_t target_id)
{
    if (!w)
        return DB_DONE;
    int rc = insert(c, w->district_id, w->user_id, w->username, w->action, w->target_kind,
                    target_id, w->status, w->detail, w->ip, w->request_id);
    if (rc == DB_DONE)
        w->written = true;
    return rc;
}

audit_who *req_audit(req *r, int status)
{
    audit_who *w = &r->audit;
    const user *u = r->user;
    *w = (audit_who){
        .district_id = u ? u->district_id : 1,
        .user_id = u ? u->id : 0,
        .username = u ? u->username : NULL,
        .ip = r->ip,
        .request_id = r->request_id,
        .action = req_printf(r, "%s %s", r->method, r->rt_pattern ? r->rt_pattern : r->path),
        .target_kind = "write",
        .detail = r->path,
        .status = status,
        .written = false,
    };
    return w;
}

static void logged(req *r, int rc, const char *action)
{
    if (rc != DB_DONE)
        fprintf(stderr, "shuangjian: rid=%s the audit row \"%s\" was not written: %s\n",
                r->request_id, action, r->db ? db_errmsg(r->db) : "no connection");
}

void audit_after_write(req *r)
{
    if (!r->db || r->audit.written)
        return;
    audit_who *w = req_audit(r, r->status);
    logged(r, audit_tx(r->db, w, r->audit_target ? r->audit_target : r->params[0]), w->action);
}

int audit_insert(req *r, const char *action, const char *target_kind, int64_t target_id, int status,
                 const char *detail)
{
    const user *u = r->user;
    int rc = insert(r->db, u ? u->district_id : 1, u ? u->id : 0, u ? u->username : NULL, action,
                    target_kind, target_id, status, detail, r->ip, r->request_id);
    logged(r, rc, action);
    return rc;
}

void audit_record(req *r, const char *action, const char *target_kind, int64_t target_id,
                  const char *detail)
{
    audit_insert(r, action, target_kind, target_id, 200, detail);
}

json_t *audit_page(db_conn *c, int64_t district_id, int64_t user_id, int64_t from, int64_t to,
                   const char *action, int64_t limit, int64_t offset)
{
#define AUDIT_WHERE                                                                                \
    " WHERE district_id = $1 AND ($2 = 0 OR user_id = $2) AND at >= $3 AND at <= $4"               \
    " AND ($5 = '' OR action LIKE '%' || $5 || '%')"
    json_t *page = db_list_page(
        c,
        "SELECT id, at, user_id, username, action, target_kind, target_id, status, detail, ip,"
        " request_id FROM audit_log" AUDIT_WHERE " ORDER BY id DESC",
        "SELECT COUNT(*) FROM audit_log" AUDIT_WHERE,
        "id:i,at_unix:i,user_id:I,username:S,action:s,target_kind:S,target_id:I,status:I,"
        "detail:S,ip:S,request_id:S",
        limit, offset, district_id, user_id, from, to, action ? action : "");
#undef AUDIT_WHERE
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(page, "items"), i, it)
    {
        char ts[32];
        unix_rfc3339(json_integer_value(json_object_get(it, "at_unix")), ts);
        json_object_set_new(it, "at", json_string(ts));
    }
    return page;
}
