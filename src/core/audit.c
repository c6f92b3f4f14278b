/*
 * audit.c: audit rows written by handlers (reads of pupils outside the reader's classes,
 * exports, reveals of personal data). Writes are recorded by the server itself (http.c).
 */
#include "auth.h"

void audit_insert(req *r, const char *action, const char *target_kind, int64_t target_id,
                  int status, const char *detail)
{
    db_run(r->db,
           "INSERT INTO audit_log (district_id, at, user_id, username, action, target_kind,"
           " target_id, status, detail, ip, request_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)", r->user ? r->user->district_id : (int64_t)1, now_unix(),
           db_id_or_null(r->user ? r->user->id : (int64_t)0), r->user ? r->user->username : NULL, action,
           target_kind, db_id_or_null(target_id), (int64_t)status, detail, r->ip, r->request_id);
}

void audit_record(req *r, const char *action, const char *target_kind, int64_t target_id,
                  const char *detail)
{
    audit_insert(r, action, target_kind, target_id, 200, detail);
}
