/*
 * http.c: the server. One libmicrohttpd daemon with an internal thread pool (epoll).
 *
 * A request's life: the first callback creates its context and picks the route (so the body
 * limit is known); later callbacks append the body; the last callback (no more data) runs the
 * handler and queues the answer. Queuing on a later callback, never the first, keeps
 * libmicrohttpd 0.9.75 from answering `Connection: close` (keep-alive is kept). When the
 * response is done, request_completed writes the access-log line and frees the arena.
 *
 * Every write (non-GET answered 2xx) has one audit row. Its store writes it inside the write's
 * transaction (audit.h); when it did not (r->audit.written unset), it is written here after
 * the handler, and a failure of that row is logged and never changes the answer: the write
 * was committed. Handlers add audit rows of their own for reads and exports.
 */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "arena.h"
#include "auth.h"
#include "http.h"
#include "policy_store.h"
#include "utf8.h"

/* Each connection's buffer for the request line, headers and the body in passing; libmicrohttpd
 * clears it for every request on a kept-alive connection, so its default 32 KiB cost a tenth
 * of a cached GET's time (bench/README.md). A request's headers stay far below it. */
#define CONN_MEMORY   (16u << 10)
#define BODY_MAX_JSON (1u << 20)
#define BODY_MAX_RAW  (64u << 20)

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
            if (close - pat != 3 || strncmp(pat, "{id}", 4) != 0) {
                /* a named text segment ({period}): 1-32 of [A-Za-z0-9_-], read by the
                 * handler from r->path; never one of r->params */
                int nc = 0;
                while ((*path >= 'A' && *path <= 'Z') || (*path >= 'a' && *path <= 'z') ||
                       (*path >= '0' && *path <= '9') || *path == '_' || *path == '-') {
                    if (++nc > 32)
                        return false;
                    path++;
                }
                if (nc == 0)
                    return false;
                pat = close + 1;
                continue;
            }
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

router *router_new(const routes_fn *tables, char *err, size_t errlen)
{
    router *rt = calloc(1, sizeof *rt);
    if (!rt)
        abort();
    for (const routes_fn *f = tables; *f; f++) {
        size_t n = 0;
        const route *tab = (*f)(&n);
        rt->routes = realloc(rt->routes, (rt->n + n) * sizeof *rt->routes);
        if (!rt->routes)
            abort();
        for (size_t i = 0; i < n; i++) {
            const route *r = &tab[i];
            bool special =
                r->perm && (strcmp(r->perm, PERM_PUBLIC) == 0 || strcmp(r->perm, PERM_USER) == 0);
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

/* ---------- headers every answer carries ---------- */

/*
 * The browser's protection, on every answer this file sends (web app, JSON, errors, downloads).
 * Scripts come only from this server: the built app has no inline script and nothing that
 * evaluates strings (vue-i18n compiles messages without `new Function`), so neither
 * 'unsafe-inline' nor 'unsafe-eval' is allowed for scripts. Style sheets too come only from
 * here (no <style> element may be injected); style attributes are allowed, because ECharts
 * writes its tooltips as HTML with style="..." (Vue and Element Plus set styles through the
 * DOM, which CSP does not restrict). Images may be data: or blob: URLs (charts, icons). No
 * page of ours may be framed (clickjacking), and no link sends our URLs to another site.
 */
static const char csp_policy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

static void add_security_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "Content-Security-Policy", csp_policy);
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
}

/* ---------- static files of the web app ---------- */

static const char *mime_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    static const struct {
        const char *ext, *type;
    } types[] = {{".html", "text/html; charset=utf-8"},
                 {".js", "text/javascript; charset=utf-8"},
                 {".css", "text/css; charset=utf-8"},
                 {".svg", "image/svg+xml"},
                 {".png", "image/png"},
                 {".ico", "image/x-icon"},
                 {".json", "application/json"},
                 {".woff2", "font/woff2"},
                 {".woff", "font/woff"},
                 {".ttf", "font/ttf"},
                 {".txt", "text/plain; charset=utf-8"},
                 {".csv", "text/csv; charset=utf-8"}};
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* A q-value (RFC 9110 12.4.2: "0", "0.5", "1.000"...) in thousandths; anything else is 0. */
static int qvalue(const char *s)
{
    if (*s != '0' && *s != '1')
        return 0;
    int q = (*s++ - '0') * 1000;
    if (*s == '.') {
        s++;
        for (int scale = 100; scale > 0 && *s >= '0' && *s <= '9'; scale /= 10)
            q += (*s++ - '0') * scale;
    }
    return q > 1000 ? 1000 : q;
}

static bool token_is(const char *tok, size_t len, const char *name)
{
    if (len != strlen(name))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = tok[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != name[i])
            return false;
    }
    return true;
}

/* How much the client's Accept-Encoding accepts `coding` (lower case): its q-value in
 * thousandths; `*` stands for the codings it does not name; 0 when refused or not named. */
static int accept_q(const char *header, const char *coding)
{
    int named = -1, star = -1;
    const char *h = header;
    while (h && *h) {
        while (*h == ' ' || *h == '\t' || *h == ',')
            h++;
        const char *tok = h;
        while (*h && *h != ',' && *h != ';' && *h != ' ' && *h != '\t')
            h++;
        size_t len = (size_t)(h - tok);
        int q = 1000;
        while (*h && *h != ',') { /* parameters: only q matters */
            if (*h++ != ';')
                continue;
            while (*h == ' ' || *h == '\t')
                h++;
            if ((h[0] == 'q' || h[0] == 'Q') && h[1] == '=')
                q = qvalue(h + 2);
        }
        if (token_is(tok, len, coding))
            named = q;
        else if (len == 1 && *tok == '*')
            star = q;
    }
    return named >= 0 ? named : star >= 0 ? star : 0;
}

/* Opens `path` when it is a regular file; OUT: st. -1 otherwise. */
static int open_regular(const char *path, struct stat *st)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * A file of the web app (web/dist). The build leaves X.br and X.gz beside each text file
 * (web/precompress.mjs): the one the client's Accept-Encoding allows is sent, brotli first
 * (gzip when the client prefers it by q-value), the file itself otherwise, with Vary:
 * Accept-Encoding either way. Hashed names under /assets/ never change, so they are cached for
 * a year; a name there that does not exist is a 404 (an old page asking for a chunk of an
 * earlier build), while any other unknown path is the app's own route (history mode) and gets
 * index.html, which is revalidated on every load so a new build is seen at once.
 */
static struct MHD_Response *static_file(const app *a, const char *url, const char *accept_encoding,
                                        int *status)
{
    char path[4096], variant[4100];
    *status = 404;
    if (!a->web_dir || strstr(url, "..") || strlen(url) > 1024)
        return NULL;
    bool asset = strncmp(url, "/assets/", 8) == 0;
    struct stat st;
    snprintf(path, sizeof path, "%s%s", a->web_dir, url);
    int fd = open_regular(path, &st);
    if (fd < 0) {
        if (asset)
            return NULL;
        snprintf(path, sizeof path, "%s/index.html", a->web_dir);
        fd = open_regular(path, &st);
        if (fd < 0)
            return NULL;
    }

    static const struct {
        const char *coding, *suffix;
    } codings[] = {{"br", ".br"}, {"gzip", ".gz"}};
    int q[2] = {accept_q(accept_encoding, "br"), accept_q(accept_encoding, "gzip")};
    int order[2] = {0, 1};
    if (q[1] > q[0]) {
        order[0] = 1;
        order[1] = 0;
    }
    const char *encoding = NULL;
    for (int i = 0; i < 2 && !encoding; i++) {
        int k = order[i];
        if (q[k] <= 0)
            continue;
        snprintf(variant, sizeof variant, "%s%s", path, codings[k].suffix);
        struct stat vst;
        int vfd = open_regular(variant, &vst);
        if (vfd < 0)
            continue;
        close(fd);
        fd = vfd;
        st = vst;
        encoding = codings[k].coding;
    }

    struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (!resp) {
        close(fd);
        return NULL;
    }
    MHD_add_response_header(resp, "Content-Type", mime_type(path));
    if (encoding)
        MHD_add_response_header(resp, "Content-Encoding", encoding);
    MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    MHD_add_response_header(resp, "Cache-Control",
                            asset ? "public, max-age=31536000, immutable" : "no-cache");
    add_security_headers(resp);
    *status = 200;
    return resp;
}

/* ---------- requests ---------- */

/* Every X-Forwarded-For header of the request joined by commas, in the order received; when
 * they are longer than the buffer the rightmost part is kept (the part nearest the server,
 * which is read first). */
typedef struct {
    char buf[1024];
    size_t len;
} xff_join;

static enum MHD_Result xff_add(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    xff_join *j = cls;
    (void)kind;
    if (!key || strcasecmp(key, "X-Forwarded-For") != 0 || !value)
        return MHD_YES;
    size_t n = strlen(value), cap = sizeof j->buf - 1;
    if (j->len && j->len < cap)
        j->buf[j->len++] = ',';
    if (n >= cap) {
        value += n - cap;
        n = cap;
    }
    if (j->len + n > cap) { /* drop from the left */
        size_t drop = j->len + n - cap;
        memmove(j->buf, j->buf + drop, j->len - drop);
        j->len -= drop;
    }
    memcpy(j->buf + j->len, value, n);
    j->len += n;
    j->buf[j->len] = 0;
    return MHD_YES;
}

/* The client: the socket peer, or behind a trusted proxy what it says (client_addr.h). */
static void client_ip(const app *a, struct MHD_Connection *c, char out[CLIENT_ADDR_LEN])
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char peer[CLIENT_ADDR_LEN] = "";
    out[0] = 0;
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, peer, sizeof peer);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, peer, sizeof peer);
    xff_join j = {.len = 0};
    if (a->proxies.n > 0)
        MHD_get_connection_values(c, MHD_HEADER_KIND, xff_add, &j);
    client_addr_resolve(&a->proxies, peer, j.len ? j.buf : NULL, out);
}

static int wants_english(struct MHD_Connection *c)
{
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    if (q)
        return strncmp(q, "en", 2) == 0;
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    return h && strncmp(h, "en", 2) == 0;
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

/* Failover (db.h, db_pg.c): the answer when the database connection was lost. */
#define DB_RETRY_AFTER_S 3
static void reply_db_unavailable(req *r)
{
    verdict v = verdict_err(SJ_ERR_UNAVAILABLE, "core.db_unavailable");
    verdict_num(&v, "retry_after_s", DB_RETRY_AFTER_S); /* also the Retry-After header */
    reply_verdict(r, &v, NULL);
}

/* A request whose connection was lost answers for what the loss did, not for what the
 * handler made of a failed statement (a 500, or a 404 for a row it could not read): 503 when
 * nothing of it was applied, 500 outcome_unknown when it may have been. A write answered 2xx
 * was committed and stands. */
static void reply_db_fate(req *r)
{
    int fate = db_fate(r->db);
    bool read = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    if (fate == DB_FATE_OK || (!read && r->status >= 200 && r->status < 300))
        return;
    if (fate == DB_FATE_LOST || read) {
        reply_db_unavailable(r);
        return;
    }
    verdict v = verdict_err(SJ_ERR_INTERNAL, "core.outcome_unknown");
    v.code = "outcome_unknown";
    reply_verdict(r, &v, NULL);
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
    if (!db_usable(r->db)) { /* lost, and no primary reachable now */
        reply_db_unavailable(r);
        return;
    }
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
    r->pol = policy_store_current(a->policies, r->db, r->user ? r->user->district_id : 1);
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
        audit_after_write(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
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
        client_ip(srv->app, conn, x->r.ip);
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
            resp = static_file(
                srv->app, url,
                MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding"), &status);
        if (resp) {
            r->status = status;
            enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
            MHD_destroy_response(resp);
            return ret;
        }
        reply_err(r, SJ_ERR_NOT_FOUND);
    } else {
        dispatch(srv, x, conn);
        if (r->db)
            reply_db_fate(r);
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
    add_security_headers(resp);
    if (r->retry_after_s > 0) /* reply_err_detail: an error's retry_after_s */
        MHD_add_response_header(resp, "Retry-After",
                                req_printf(r, "%lld", (long long)r->retry_after_s));
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
        double ms =
            (double)(t1.tv_sec - x->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - x->t0.tv_nsec) / 1e6;
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

int server_listen(const char *host, int port, char *err, size_t errlen)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        snprintf(err, errlen, "bad listen address %s (use an IPv4 address such as 127.0.0.1)",
                 host);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open a socket: %s", strerror(errno));
        return -1;
    }
    /* SO_REUSEADDR only: a restart binds while old connections linger in TIME_WAIT, yet Linux
     * still refuses the address while another socket listens on it. Never SO_REUSEPORT. */
    int on = 1;
    int rc = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (rc == 0)
        rc = bind(fd, (const struct sockaddr *)&sa, sizeof sa);
    if (rc == 0)
        rc = listen(fd, SOMAXCONN);
    if (rc != 0) {
        int e = errno;
        if (e == EADDRINUSE)
            snprintf(err, errlen,
                     "cannot listen on %s:%d: the address is already in use by another process"
                     " (地址已被占用：另一个进程正在使用这个端口)",
                     host, port);
        else
            snprintf(err, errlen, "cannot listen on %s:%d: %s", host, port, strerror(e));
        close(fd);
        return -1;
    }
    return fd;
}

server *server_start(const app *a, int listen_fd, int threads, char *err, size_t errlen)
{
    server *srv = calloc(1, sizeof *srv);
    if (!srv)
        abort();
    srv->app = a;
    srv->rt = router_new(a->route_tables, err, errlen);
    if (!srv->rt) {
        close(listen_fd);
        free(srv);
        return NULL;
    }
    srv->d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL,
        NULL, on_request, srv, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        srv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)4096, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY, MHD_OPTION_END);
    if (!srv->d) {
        /* the socket stays open until exit: libmicrohttpd may or may not have closed it */
        snprintf(err, errlen, "cannot start the HTTP server: %s", strerror(errno));
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
