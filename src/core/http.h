/*
 * http.h: the HTTP server (libmicrohttpd, internal thread pool with epoll) and its router.
 *
 * server_start collects every module's routes (app.route_tables), refuses to start when a route has
 * no declared permission (deny by default), and serves until server_stop, which stops accepting,
 * lets requests in flight finish (up to a limit), then joins the threads.
 */
#ifndef SJ_HTTP_H
#define SJ_HTTP_H

#include "app.h"

typedef struct server server;

/* Opens the listening socket on HOST:PORT (IPv4), before anything else starts: a port that
 * another process serves is refused here ("already in use"), never shared. Returns the socket,
 * or -1 with a one-line reason in err. */
int server_listen(const char *host, int port, char *err, size_t errlen);
/* Serves on listen_fd (from server_listen), which it owns from then on. */
server *server_start(const app *a, int listen_fd, int threads, char *err, size_t errlen);
void server_stop(server *s);

/* The router, exposed for the fuzz target and unit tests. */
typedef struct router router;
router *router_new(const routes_fn *tables, char *err, size_t errlen);
void router_free(router *rt);
/* Returns the route or NULL; OUT: params; *method_mismatch set when the path matched another
 * method. */
const route *router_match(const router *rt, const char *method, const char *path,
                          int64_t params[REQ_MAX_PARAMS], int *method_mismatch);

#endif
