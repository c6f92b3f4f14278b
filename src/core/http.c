/*
 * http.c: the server. One libmicrohttpd daemon with an internal thread pool (epoll).
 *
 * A request's life: the first callback creates its context and picks the route (so the body
 * limit is known); later callbacks append the body; the last callback (no more data) runs the
 * handler and queues the answer. Queuing on a later callback, never the first, keeps
 * libmicrohttpd 0.9.75 from answering `Connection: close` (keep-alive is kept). When the
 * response is done, request_completed writes the access-log line and frees the arena.
 *
 * Every write (non-GET answered 2xx) is recorded in the audit log here, once, after the
 * handler; handlers add audit rows of their own only for reads and exports.
 */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "arena.h"
#include "auth.h"
#include "http.h"
#include "policy_store.h"
#include "utf8.h"

#define BODY_MAX_JSON (1u << 20)
#define BODY_MAX_RAW (64u << 20)

struct router {
    route *routes;
    size_t n;
};

struct server {
    const app *app;
    router *rt;
    struct MHD_Daemon *d;
    atomic_int active;
};

typedef struct {
    req r;
    const route *rt;
    app app_now;  /* the server's app with the policy in force for this request */
    int method_mismatch;
    char *body;
    size_t len, cap, max;
    int too_large;
    struct timespec t0;
    user u;
} conn_ctx;

/* ---------- router ---------- */

static bool pattern_match(const char *pat, const char *path, int64_t params[REQ_MAX_PARAMS])
{
    int np = 0;
    while (*pat && *path) {
        if (*pat == '{') {
            const char *close = strchr(pat, '}');
            if (!close)
                return false;
            int64_t v = 0;
            int nd = 0;
            while (*path >= '0' && *path <= '9') {
                if (nd++ > 17)
                    return false;
                v = v * 10 + (*path++ - '0');
            }
            if (nd == 0 || v <= 0 || np >= REQ_MAX_PARAMS)
                return false;
            params[np++] = v;
            pat = close + 1;
            continue;
        }
        if (*pat != *path)
            return false;
        pat++, path++;
    }
    return *pat == 0 && (*path == 0 || (path[0] == '/' && path[1] == 0));
}

router *router_new(char *err, size_t errlen)
{
    router *rt = calloc(1, sizeof *rt);
    if (!rt)
        abort();
    for (const routes_fn *f = all_route_tables; *f; f++) {
        size_t n = 0;
        const route *tab = (*f)(&n);
        rt->routes = realloc(rt->routes, (rt->n + n) * sizeof *rt->routes);
        if (!rt->routes)
            abort();
        for (size_t i = 0; i < n; i++) {
            const route *r = &tab[i];
            bool special = r->perm && (strcmp(r->perm, PERM_PUBLIC) == 0 ||
                                       strcmp(r->perm, PERM_USER) == 0);
            if (!r->perm || !r->fn || (!special && r->roles == 0)) {
                snprintf(err, errlen, "route %s %s declares no permission (deny by default)",
                         r->method, r->pattern);
                router_free(rt);
                return NULL;
            }
            rt->routes[rt->n++] = *r;
        }
    }
    return rt;
}

void router_free(router *rt)
{
    if (!rt)
        return;
    free(rt->routes);
    free(rt);
}

const route *router_match(const router *rt, const char *method, const char *path,
                          int64_t params[REQ_MAX_PARAMS], int *method_mismatch)
{
    *method_mismatch = 0;
    for (size_t i = 0; i < rt->n; i++) {
        int64_t p[REQ_MAX_PARAMS] = {0};
        if (!pattern_match(rt->routes[i].pattern, path, p))
            continue;
        if (strcmp(rt->routes[i].method, method) != 0) {
            *method_mismatch = 1;
            continue;
        }
        memcpy(params, p, sizeof p);
        return &rt->routes[i];
    }
    return NULL;
}

/* ---------- static files of the web app ---------- */

static const char *mime_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    static const struct {
        const char *ext, *type;
    } types[] = {{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
                 {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
                 {".png", "image/png"},                 {".ico", "image/x-icon"},
                 {".json", "application/json"},         {".woff2", "font/woff2"},
                 {".woff", "font/woff"},                {".ttf", "font/ttf"},
                 {".txt", "text/plain; charset=utf-8"}};
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static struct MHD_Response *static_file(const app *a, const char *url, int *status)
{
    char path[4096];
    *status = 404;
    if (!a->web_dir || strstr(url, "..") || strlen(url) > 1024)
        return NULL;
    struct stat st;
    snprintf(path, sizeof path, "%s%s", a->web_dir, url);
    int fd = -1;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        fd = open(path, O_RDONLY);
    if (fd < 0) {
        /* the app's own routes (history mode) fall back to index.html */
        snprintf(path, sizeof path, "%s/index.html", a->web_dir);
        if (stat(path, &st) != 0 || (fd = open(path, O_RDONLY)) < 0)
            return NULL;
    }
    struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (!resp) {
        close(fd);
        return NULL;
    }
    MHD_add_response_header(resp, "Content-Type", mime_type(path));
    MHD_add_response_header(resp, "Cache-Control", strstr(url, "/assets/")
                                                       ? "public, max-age=31536000, immutable"
                                                       : "no-cache");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    *status = 200;
    return resp;
}

/* ---------- requests ---------- */

static void client_ip(struct MHD_Connection *c, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = 0;
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}

static int wants_english(struct MHD_Connection *c)
{
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    if (q)
        return strncmp(q, "en", 2) == 0;
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    return h && strncmp(h, "en", 2) == 0;
}

static void audit_write(req *r)
{
    if (r->db)
        audit_insert(r, req_printf(r, "%s %s", r->method, r->rt_pattern), "write",
                     r->audit_target ? r->audit_target : r->params[0], r->status, r->path);
}

/* Parses the JSON body; false after replying 400. */
static bool parse_body(conn_ctx *x)
{
    req *r = &x->r;
    if (x->len == 0)
        return true;
    if (!utf8_valid(x->body, x->len)) {
        reply_err(r, SJ_ERR_BAD_UTF8);
        return false;
    }
    json_error_t je;
    r->body = json_loadb(x->body, x->len, JSON_REJECT_DUPLICATES, &je);
    if (!r->body) {
        json_t *extra = json_pack("{s:i,s:i}", "line", je.line, "column", je.column);
        reply_err_detail(r, SJ_ERR_BAD_JSON, extra);
        return false;
    }
    return true;
}

static void dispatch(server *srv, conn_ctx *x, struct MHD_Connection *conn)
{
    req *r = &x->r;
    const app *a = srv->app;
    if (x->too_large) {
        reply_err(r, SJ_ERR_TOO_LARGE);
        return;
    }
    if (!x->rt) {
        reply_err(r, x->method_mismatch ? SJ_ERR_METHOD : SJ_ERR_NO_ROUTE);
        return;
    }
    r->rt_pattern = x->rt->pattern;
    r->raw_body = x->body ? x->body : "";
    r->raw_len = x->len;
    if (!(x->rt->flags & ROUTE_RAW_BODY) && !parse_body(x))
        return;
    r->db = db_acquire(a->pool);
    x->app_now = *a;
    x->app_now.pol = policy_store_current(a->policies, r->db, 1);
    r->app = &x->app_now;
    const char *authz = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    bool public = strcmp(x->rt->perm, PERM_PUBLIC) == 0;
    if (authz && strncmp(authz, "Bearer ", 7) == 0 && strlen(authz + 7) <= 128) {
        int rc = auth_session_user(r->db, a->sessions, authz + 7, &x->u);
        if (rc == DB_ROW)
            r->user = &x->u;
        else if (rc != DB_DONE) {
            reply_err(r, SJ_ERR_INTERNAL);
            return;
        }
    }
    if (!public && !r->user) {
        reply_err(r, SJ_ERR_UNAUTHENTICATED);
        return;
    }
    if (x->rt->roles) {
        bool ok = false;
        for (int i = 0; i < x->u.nroles; i++)
            ok |= (x->rt->roles & ROLE_BIT(x->u.roles[i].kind)) != 0;
        if (!ok) {
            reply_err(r, SJ_ERR_FORBIDDEN);
            return;
        }
    }
    x->rt->fn(r);
    if (!r->replied)
        reply_err(r, SJ_ERR_INTERNAL);
    if (strcmp(r->method, "GET") != 0 && r->status < 300 && !(x->rt->flags & ROUTE_NO_AUDIT))
        audit_write(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    server *srv = cls;
    conn_ctx *x = *con_cls;
    if (!x) {
        x = calloc(1, sizeof *x);
        if (!x)
            abort();
        atomic_fetch_add(&srv->active, 1);
        clock_gettime(CLOCK_MONOTONIC, &x->t0);
        x->r.arena = arena_new();
        x->r.app = srv->app;
        x->r.conn = conn;
        x->r.method = req_strdup(&x->r, method);
        x->r.path = req_strdup(&x->r, url);
        x->r.english = wants_english(conn);
        unsigned char rid[8];
        randombytes_buf(rid, sizeof rid);
        sodium_bin2hex(x->r.request_id, sizeof x->r.request_id, rid, sizeof rid);
        client_ip(conn, x->r.ip, sizeof x->r.ip);
        if (strncmp(url, "/api/", 5) == 0)
            x->rt = router_match(srv->rt, method, url, x->r.params, &x->method_mismatch);
        x->max = x->rt && (x->rt->flags & ROUTE_RAW_BODY) ? BODY_MAX_RAW : BODY_MAX_JSON;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > x->max)
            x->too_large = 1;
        *con_cls = x;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        if (!x->too_large && x->len + n > x->max)
            x->too_large = 1;
        if (!x->too_large) {
            if (x->len + n + 1 > x->cap) {
                size_t cap = x->cap ? x->cap : 4096;
                while (cap < x->len + n + 1)
                    cap *= 2;
                x->body = realloc(x->body, cap);
                if (!x->body)
                    abort();
                x->cap = cap;
            }
            memcpy(x->body + x->len, upload_data, n);
            x->len += n;
            x->body[x->len] = 0;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    (void)version;

    struct MHD_Response *resp = NULL;
    req *r = &x->r;
    if (strncmp(url, "/api/", 5) != 0) {
        int status = 404;
        if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
            resp = static_file(srv->app, url, &status);
        if (resp) {
            r->status = status;
            enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
            MHD_destroy_response(resp);
            return ret;
        }
        reply_err(r, SJ_ERR_NOT_FOUND);
    } else {
        dispatch(srv, x, conn);
    }
    if (r->db) {
        db_release(r->db);
        r->db = NULL;
    }
    resp = MHD_create_response_from_buffer(r->resp_len, r->resp_body, MHD_RESPMEM_PERSISTENT);
    if (r->resp_type)
        MHD_add_response_header(resp, "Content-Type", r->resp_type);
    if (r->resp_disposition)
        MHD_add_response_header(resp, "Content-Disposition", r->resp_disposition);
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    server *srv = cls;
    conn_ctx *x = *con_cls;
    (void)conn;
    if (!x)
        return;
    if (!srv->app->quiet) {
        struct timespec t1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ms = (double)(t1.tv_sec - x->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - x->t0.tv_nsec) / 1e6;
        char ts[32];
        now_rfc3339(ts);
        fprintf(stderr, "%s rid=%s ip=%s %s %s %d %.1fms user=%lld%s\n", ts, x->r.request_id,
                x->r.ip, x->r.method, x->r.path, x->r.status, ms,
                (long long)(x->r.user ? x->r.user->id : 0),
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
    }
    if (x->r.db)
        db_release(x->r.db);
    json_decref(x->r.body);
    free(x->body);
    arena_free(x->r.arena);
    free(x);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->active, 1);
}

server *server_start(const app *a, const char *host, int port, int threads, char *err,
                     size_t errlen)
{
    server *srv = calloc(1, sizeof *srv);
    if (!srv)
        abort();
    srv->app = a;
    srv->rt = router_new(err, errlen);
    if (!srv->rt) {
        free(srv);
        return NULL;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        snprintf(err, errlen, "bad listen address %s (use an IPv4 address such as 127.0.0.1)", host);
        router_free(srv->rt);
        free(srv);
        return NULL;
    }
    srv->d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG, (uint16_t)port, NULL,
        NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        srv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)4096, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_END);
    if (!srv->d) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", host, port, strerror(errno));
        router_free(srv->rt);
        free(srv);
        return NULL;
    }
    return srv;
}

void server_stop(server *srv)
{
    if (!srv)
        return;
    MHD_socket fd = MHD_quiesce_daemon(srv->d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    /* let requests in flight finish: up to 20 s */
    for (int i = 0; i < 2000 && atomic_load(&srv->active) > 0; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(srv->d);
    router_free(srv->rt);
    free(srv);
}
