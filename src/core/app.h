/*
 * app.h: the server's context, the request a handler sees, and the helpers every module's
 * handlers use. This is the contract between src/core and the modules.
 *
 * A handler has the signature `void h(req *r)`. It reads r->params (path ids), r->body (parsed
 * JSON or NULL), r->user (the authenticated caller, never NULL unless the route is public) and
 * answers with exactly one of reply_json / reply_err / reply_rule / reply_empty / reply_raw.
 * Memory: everything from req_alloc / req_strdup lives until the response is sent. JSON passed
 * to reply_json is stolen (decref'd by the server).
 *
 * Threads: handlers run on libmicrohttpd's pool; `app` is read-only after start-up.
 */
#ifndef SJ_APP_H
#define SJ_APP_H

#include <jansson.h>
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#include "audit.h"
#include "client_addr.h"
#include "clock.h"
#include "errors.h"
#include "db.h"
#include "verdict.h"

typedef struct policy policy;
typedef struct policy_store policy_store;
typedef struct req req;
typedef struct route route;
/* Each module exposes its routes: `const route *homework_routes(size_t *n)`. */
typedef const route *(*routes_fn)(size_t *n);
typedef struct session_cache session_cache;

#define APP_ROLE_SLOTS 8 /* role_kind values 1..7 (below); a static assertion holds them */

typedef struct app {
    db_pool *pool;
    const policy *base_pol; /* national defaults with the --policy file on top (policy.h) */
    json_t *role_perms[APP_ROLE_SLOTS]; /* by role_kind: what a user with that role alone
                                           opens (perms.c), made once at start */
    const routes_fn *route_tables;      /* every route table of the program, NULL-terminated (the
                                           program's own: src/app/routes.c) */
    /* The district of an institution: the training module's, set by src/app/cli.c so that
     * core asks without importing a module. DB_ROW with *district_id set, DB_DONE when none. */
    int (*institution_district)(db_conn *c, int64_t institution_id, int64_t *district_id);
    policy_store *policies;      /* each district's versions over base_pol (policy_store.c); a
                                    request's policy (req.pol) is its caller's district's */
    session_cache *sessions;     /* recent session look-ups (session_cache.c) */
    const char *web_dir;         /* static files, or NULL */
    int login_max_failures;      /* lock-out of a username from one address after this many ... */
    int login_window_s;          /* ... within this many seconds (api_session.c) */
    int login_max_failures_addr; /* one address, all usernames together, in the same window */
    char login_dummy_hash[128];  /* Argon2id of nothing anyone knows, for unknown usernames */
    client_proxies proxies;      /* X-Forwarded-For is believed only from these (client_addr.h) */
    int session_ttl_s;
    int quiet;                  /* no access log */
    unsigned char data_key[32]; /* seals phone and ID numbers at rest (pii.c) */
    /* the funds ledger's checkpoints (funds.h): the signing key's file and the trusted public
     * keys' file, "" when not configured; read when used, never kept in memory */
    char ledger_sign_key[4096];
    char ledger_public_key[4096];
} app;

/* Roles, as in API.md. */
typedef enum {
    ROLE_DISTRICT_ADMIN = 1,
    ROLE_INSPECTOR,
    ROLE_SCHOOL_ADMIN,
    ROLE_GRADE_LEADER,
    ROLE_TEACHER,
    ROLE_GUARDIAN,
    ROLE_INSTITUTION_ADMIN,
} role_kind;

_Static_assert(ROLE_INSTITUTION_ADMIN < APP_ROLE_SLOTS, "app.role_perms holds every role");

typedef struct {
    role_kind kind;
    int64_t school_id;      /* school_admin, grade_leader, teacher */
    int grade;              /* grade_leader */
    int64_t institution_id; /* institution_admin */
} role;

#define USER_MAX_ROLES 16

typedef struct {
    int64_t id;
    int64_t district_id;
    char username[64];
    char name[128];
    int nroles;
    role roles[USER_MAX_ROLES];
} user;

#define REQ_MAX_PARAMS 4

struct req {
    const app *app;
    db_conn *db; /* acquired for the request; released by the server */
    const char *method;
    const char *path;
    const char *rt_pattern;         /* the matched route's pattern */
    int64_t params[REQ_MAX_PARAMS]; /* {id} segments of the route, in order */
    json_t *body;                   /* parsed JSON body, or NULL when there is none */
    const char *raw_body;           /* the body bytes (for uploads) */
    size_t raw_len;
    const user *user;  /* NULL only on public routes without a token */
    const policy *pol; /* the policy in force today in the caller's district (chosen
                          after authentication; the first district for the public) */
    int english;       /* the client asked for English */
    char request_id[24];
    char ip[CLIENT_ADDR_LEN]; /* the client (client_addr.h): the peer, or behind a trusted proxy */
    void *conn;               /* struct MHD_Connection * */
    /* the answer */
    int status;
    char *resp_body;
    size_t resp_len;
    const char *resp_type;
    const char *resp_disposition; /* Content-Disposition, for downloads */
    int replied;
    int64_t audit_target;  /* id a write touched, for the audit row the server writes
                              when the store did not write one (audit.h) */
    audit_who audit;       /* the request's audit row (req_audit) */
    int64_t retry_after_s; /* > 0: the Retry-After header (from the error's retry_after_s) */
    struct arena *arena;
};

/* Memory that lives as long as the request. */
void *req_alloc(req *r, size_t n);
char *req_strdup(req *r, const char *s);
char *req_printf(req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A request header; NULL when absent. */
const char *req_header(req *r, const char *name);
/* Query string: NULL when absent. */
const char *req_query(req *r, const char *key);
/* Integer query parameter; returns false and replies 400 when present but not an integer. */
bool req_query_int64_or_reply(req *r, const char *key, int64_t dflt, int64_t *out);
/* limit/offset as API.md says: limit 1..500 (default 100), offset >= 0. */
bool req_paging_or_reply(req *r, int64_t *limit, int64_t *offset);

/* Answers. Each sets r->replied. */
void reply_json(req *r, int status, json_t *body); /* steals body */
void reply_empty(req *r, int status);
void reply_raw(req *r, int status, const char *type, const char *data, size_t len);
void reply_err(req *r, sj_err e);
/* extra's keys are merged into "error". An integer "retry_after_s" among them (seconds until
 * the client may try again) also becomes the Retry-After header: every 429 carries it. */
void reply_err_detail(req *r, sj_err e, json_t *extra);
void reply_err_field(req *r, sj_err e, const char *field);
/* The one reply for a refusal (verdict.h): its status, code, rule, words and numbers; extra's
 * keys (may be NULL; stolen) are added to "error". reply_err* are this with a plain error. */
void reply_verdict(req *r, const verdict *v, json_t *extra);
/* 400-type refusal of one body field with the words of msg_key (messages.c). */
void reply_field(req *r, sj_err e, const char *field, const char *msg_key);
/* A rule refusal: 422 with code, rule id and numbers (extra may be NULL; stolen). */
void reply_rule(req *r, const char *code, const char *rule, const char *zh, const char *en,
                json_t *extra);
/* A store failure: maps DB_CONSTRAINT to 409 conflict, everything else to 500. */
void reply_db(req *r, int rc);

/* Body fields: each returns false after replying 400 with the field name. */
bool body_require_object_or_reply(req *r);
bool body_str_or_reply(req *r, const char *key, size_t maxlen, bool required, const char **out);
bool body_int_or_reply(req *r, const char *key, int64_t min, int64_t max, bool required,
                       int64_t *out);
bool body_bool_or_reply(req *r, const char *key, bool required, bool *out);
/* One of a fixed set of strings; *out is the index in `options` (NULL-terminated). */
bool body_enum_or_reply(req *r, const char *key, const char *const *options, bool required,
                        int *out);
bool body_date_or_reply(req *r, const char *key, bool required, const char **out); /* YYYY-MM-DD */
bool body_time_or_reply(req *r, const char *key, bool required, const char **out); /* HH:MM */

/* Rows into JSON. `cols` names each column and its type, comma-separated: "id:i,name:s,rural:b"
 * (i int, s text, b bool, I int or null, S text or null). db_rows_json steps s to the end and
 * finalizes it; NULL on a store error. db_row_object reads the current row only. */
json_t *db_row_object(db_stmt *s, const char *cols);
json_t *db_rows_json(db_stmt *s, const char *cols);
json_t *list_json(json_t *items, int64_t total); /* {"items","total"}; steals items */
/* Runs a list query with paging: `sql` without LIMIT; answers 200 {"items","total"} or 500.
 * `count_sql` gives the total with the same parameters. */
/* The same page as a value, for a module's store: {"items","total"}, or NULL on a store error.
 * The parameters follow as in db_run; limit and offset come from req_paging_or_reply. */
json_t *db_list_page_a(db_conn *c, const char *sql, const char *count_sql, const char *cols,
                       int64_t limit, int64_t offset, const db_arg *args);
#define db_list_page(c, sql, count_sql, cols, limit, offset, ...)                                  \
    db_list_page_a((c), (sql), (count_sql), (cols), (limit), (offset), DB_ARGS(__VA_ARGS__))
/* 200 with a page from a store, or 500 when the store gave NULL. */
void reply_page(req *r, json_t *page);
void reply_list_a(req *r, const char *sql, const char *count_sql, const char *cols,
                  const db_arg *args);
#define reply_list(r, sql, count_sql, cols, ...)                                                   \
    reply_list_a((r), (sql), (count_sql), (cols), DB_ARGS(__VA_ARGS__))

/* Validation helpers shared by modules. */
bool valid_date(const char *s);  /* YYYY-MM-DD, a real calendar day */
bool valid_hhmm(const char *s);  /* HH:MM, 00:00..23:59 */
int hhmm_minutes(const char *s); /* minutes since midnight; -1 when invalid */

/* Authorisation: the only place scope is decided. Each returns true when allowed. */
bool auth_has(const user *u, role_kind k);
bool auth_district(const user *u);                        /* district_admin */
bool auth_district_staff(const user *u);                  /* district_admin or inspector */
bool auth_school_admin(const user *u, int64_t school_id); /* school's admin or district_admin */
bool auth_school_staff(const user *u, int64_t school_id); /* anyone with a role at that school */
bool auth_institution_admin(const user *u, int64_t institution_id);
/* Store-backed checks, using r->db. */
bool auth_teaches(req *r, int64_t class_id, const char *subject); /* subject NULL: any */
bool auth_guardian_of(req *r, int64_t student_id);
bool auth_guardian_in_class(req *r, int64_t class_id);
/* 404 (and false) unless district_id is the caller's: another district's objects do not
 * exist for the caller. Every handler that finds an object by id checks its district. */
bool auth_same_district_or_reply(req *r, int64_t district_id);
/* 404 unless the school exists in the caller's district. */
bool auth_school_exists_or_reply(req *r, int64_t school_id);
/* Each replies 403 (or 404 when the object does not exist or is another district's) and
 * returns false. */
bool auth_class_staff_or_reply(req *r, int64_t class_id, int64_t *school_id_out, int *grade_out);
bool auth_school_staff_or_reply(req *r, int64_t school_id);
bool auth_class_admin_or_reply(req *r, int64_t class_id, int64_t *school_id_out);
bool auth_school_admin_or_reply(req *r, int64_t school_id);

/* Audit (audit.h): a handler passes req_audit(r, status) to the store write it calls, and
 * the store writes the row inside its transaction (audit_tx): `status` is what the handler
 * answers when the write succeeds. A write whose store writes no row gets one from the server
 * after the handler. Reads of pupils by staff outside their classes and exports are recorded
 * by the handler with audit_record. */
audit_who *req_audit(req *r, int status);
void audit_record(req *r, const char *action, const char *target_kind, int64_t target_id,
                  const char *detail);

/* Time in the district (China Standard Time, +08:00): now_unix, today_local... in clock.h. */

/* The route table. `perm` is the permission string the route needs; PERM_PUBLIC for routes
 * anyone may call, PERM_USER for routes where any logged-in user may call and the handler
 * decides scope. A route without a perm does not start (the server refuses to run). */
typedef void (*handler_fn)(req *r);
struct route {
    const char *method;
    const char *pattern; /* "/api/v1/classes/{id}/students"; {id} is a positive integer;
                            any other {name} is one segment of [A-Za-z0-9_-], 1-32 long,
                            that the handler reads from r->path */
    handler_fn fn;
    const char *perm; /* "public", "user", or "module:action" (then `roles` is required) */
    unsigned roles;   /* ROLES(...) bitmask allowed past the gate; 0 = any caller */
    unsigned flags;   /* ROUTE_* */
};

#define ROLE_BIT(k)    (1u << (k))
#define ROUTE_RAW_BODY 1u /* the body is a file (not JSON), up to 64 MiB */
#define ROUTE_NO_AUDIT 2u /* a write that is not worth an audit row (it audits itself) */

#define PERM_PUBLIC "public"
#define PERM_USER   "user"

#endif
