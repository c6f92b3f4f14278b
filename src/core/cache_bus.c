/*
 * cache_bus.c: see cache_bus.h. The handlers' table, and on PostgreSQL the listener
 * thread with its peers and the writers waiting for their acknowledgements.
 *
 * Ids: a notification's id is "<listener backend pid>.<sequence>", unique among the processes
 * listening on the database. A writer registers its id before it sends the notification
 * (cache_bus_begin), so no acknowledgement can come before the writer waits for it.
 *
 * Which peers a write waits for: those this listener knows when it receives the write's own
 * notification. PostgreSQL delivers notifications in commit order, so every peer whose hello
 * was committed before the write is known by then; a peer that said hello after the write
 * committed started reading the database after it, and holds nothing older than it.
 *
 * Threads: the listener alone uses its connection; a mutex guards the peers and the waiters,
 * and writers wait on a condition variable.
 */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache_bus.h"

#define MAX_HANDLERS 8
#define MAX_PEERS    64
#define ACK_MAX      7000 /* bytes of acknowledgements in one notification (the limit is 8000) */
#define APP_NAME     "shuangjian-cache"

static struct {
    char kind;
    cache_bus_fn fn;
    void *ctx;
} handlers[MAX_HANDLERS];
static int nhandlers;

static atomic_int caching = 1;

void cache_bus_on(char kind, cache_bus_fn fn, void *ctx)
{
    if (nhandlers == MAX_HANDLERS)
        abort();
    handlers[nhandlers].kind = kind;
    handlers[nhandlers].fn = fn;
    handlers[nhandlers].ctx = ctx;
    nhandlers++;
}

void cache_bus_off(void *ctx)
{
    int k = 0;
    for (int i = 0; i < nhandlers; i++)
        if (handlers[i].ctx != ctx)
            handlers[k++] = handlers[i];
    nhandlers = k;
}

void cache_bus_dispatch(const char *msgs)
{
    const char *line = msgs;
    while (line && *line) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        char msg[256];
        if (n >= sizeof msg) { /* not one of ours: drop everything to stay exact */
            snprintf(msg, sizeof msg, "*");
        } else {
            memcpy(msg, line, n);
            msg[n] = 0;
        }
        for (int i = 0; i < nhandlers; i++)
            if (msg[0] && (handlers[i].kind == msg[0] || msg[0] == '*'))
                handlers[i].fn(handlers[i].ctx, msg);
        line = end ? end + 1 : NULL;
    }
}

bool cache_bus_caching(void)
{
    return atomic_load(&caching) != 0;
}

/* ---------- the listener (PostgreSQL) ---------- */

typedef struct waiter {
    struct waiter *next;
    uint64_t seq;
    bool seen;   /* our listener received the notification itself: the peers are known */
    bool gaveup; /* the listener lost its connection meanwhile */
    int npeers, nacked;
    int peers[MAX_PEERS], acked[MAX_PEERS];
} waiter;

static struct {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *url;
    atomic_int stop;
    atomic_int up; /* connected and listening */
    bool started;
    int ready; /* the first setup finished (1) or failed (-1) */
    char err[256];
    int mypid; /* our listener's backend pid */
    int peers[MAX_PEERS];
    int npeers;
    waiter *waiters;
    atomic_uint_fast64_t seq;
} L = {.mu = PTHREAD_MUTEX_INITIALIZER};

static long long mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static bool has(const int *v, int n, int x)
{
    for (int i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

/* With L.mu held. */
static void peer_add(int pid)
{
    if (pid != L.mypid && !has(L.peers, L.npeers, pid) && L.npeers < MAX_PEERS)
        L.peers[L.npeers++] = pid;
}

static void peer_remove(int pid)
{
    for (int i = 0; i < L.npeers; i++)
        if (L.peers[i] == pid) {
            L.peers[i] = L.peers[--L.npeers];
            return;
        }
}

static waiter *find_waiter(uint64_t seq)
{
    for (waiter *w = L.waiters; w; w = w->next)
        if (w->seq == seq)
            return w;
    return NULL;
}

static PGconn *open_conn(const char *url)
{
    const char *const keys[] = {"connect_timeout",
                                "keepalives_idle",
                                "keepalives_interval",
                                "keepalives_count",
                                "dbname",
                                "application_name",
                                NULL};
    const char *const vals[] = {"3", "5", "2", "3", url, APP_NAME, NULL};
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    if (!pg)
        abort();
    return pg;
}

static bool exec_ok(PGconn *pg, const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    bool ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);
    PQclear(r);
    return ok;
}

static bool notify(PGconn *pg, const char *channel, const char *payload)
{
    const char *vals[] = {channel, payload};
    PGresult *r = PQexecParams(pg, "SELECT pg_notify($1, $2)", 2, NULL, vals, NULL, NULL, 0);
    bool ok = r && PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    return ok;
}

/* The other listeners on this database now; false when the query failed. With `only_remove`
 * the known peers that are gone are forgotten and nobody is added (a new peer announces
 * itself; one listed here may have started listening after a write we are waiting on). */
static bool peers_refresh(PGconn *pg, bool only_remove)
{
    PGresult *r = PQexec(pg, "SELECT pid FROM pg_stat_activity WHERE application_name = '" APP_NAME
                             "' AND datname = current_database() AND pid <> pg_backend_pid()");
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return false;
    }
    int n = PQntuples(r), live[MAX_PEERS], nlive = 0;
    for (int i = 0; i < n && nlive < MAX_PEERS; i++)
        live[nlive++] = (int)strtol(PQgetvalue(r, i, 0), NULL, 10);
    PQclear(r);
    pthread_mutex_lock(&L.mu);
    if (only_remove) {
        for (int i = L.npeers - 1; i >= 0; i--)
            if (!has(live, nlive, L.peers[i]))
                peer_remove(L.peers[i]);
    } else {
        L.npeers = 0;
        for (int i = 0; i < nlive; i++)
            peer_add(live[i]);
    }
    pthread_cond_broadcast(&L.cv);
    pthread_mutex_unlock(&L.mu);
    return true;
}

/* Connects, listens, learns the peers and says hello; NULL on failure (err filled). */
static PGconn *setup(void)
{
    PGconn *pg = open_conn(L.url);
    if (PQstatus(pg) != CONNECTION_OK) {
        snprintf(L.err, sizeof L.err, "cache listener: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return NULL;
    }
    pthread_mutex_lock(&L.mu);
    L.mypid = PQbackendPID(pg);
    pthread_mutex_unlock(&L.mu);
    char hello[32];
    snprintf(hello, sizeof hello, "H %d", PQbackendPID(pg));
    if (!exec_ok(pg, "LISTEN sj_cache; LISTEN sj_ack") || !peers_refresh(pg, false) ||
        !notify(pg, "sj_cache", hello)) {
        snprintf(L.err, sizeof L.err, "cache listener: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

/* "<pid>.<seq>" at s: true with both read, *end after them. */
static bool parse_id(const char *s, int *pid, uint64_t *seq, const char **end)
{
    char *e;
    long p = strtol(s, &e, 10);
    if (e == s || *e != '.')
        return false;
    const char *q = e + 1;
    unsigned long long n = strtoull(q, &e, 10);
    if (e == q)
        return false;
    *pid = (int)p;
    *seq = (uint64_t)n;
    *end = e;
    return true;
}

typedef struct {
    char buf[ACK_MAX + 64];
    size_t len;
} acks;

static void ack_flush(PGconn *pg, acks *a)
{
    if (a->len)
        notify(pg, "sj_ack", a->buf);
    a->len = 0;
}

static void ack_add(PGconn *pg, acks *a, int pid, uint64_t seq)
{
    if (a->len > ACK_MAX)
        ack_flush(pg, a);
    if (!a->len)
        a->len = (size_t)snprintf(a->buf, sizeof a->buf, "%d", L.mypid);
    a->len += (size_t)snprintf(a->buf + a->len, sizeof a->buf - a->len, " %d.%" PRIu64, pid, seq);
}

static void on_cache(PGconn *pg, acks *a, const char *payload)
{
    int pid;
    uint64_t seq;
    const char *rest;
    if (payload[0] == 'H' || payload[0] == 'B') {
        pid = (int)strtol(payload + 1, NULL, 10);
        pthread_mutex_lock(&L.mu);
        if (payload[0] == 'H')
            peer_add(pid);
        else
            peer_remove(pid);
        pthread_cond_broadcast(&L.cv);
        pthread_mutex_unlock(&L.mu);
        return;
    }
    if (!parse_id(payload, &pid, &seq, &rest))
        return;
    if (pid == L.mypid) { /* our own write: from now on its peers are known */
        pthread_mutex_lock(&L.mu);
        waiter *w = find_waiter(seq);
        if (w && !w->seen) {
            w->seen = true;
            w->npeers = L.npeers;
            memcpy(w->peers, L.peers, sizeof L.peers);
            pthread_cond_broadcast(&L.cv);
        }
        pthread_mutex_unlock(&L.mu);
        return;
    }
    cache_bus_dispatch(*rest == '\n' ? rest + 1 : rest);
    ack_add(pg, a, pid, seq);
}

static void on_ack(const char *payload)
{
    char *e;
    int acker = (int)strtol(payload, &e, 10);
    const char *s = e;
    pthread_mutex_lock(&L.mu);
    while (*s == ' ') {
        int pid;
        uint64_t seq;
        const char *end;
        if (!parse_id(s + 1, &pid, &seq, &end))
            break;
        waiter *w = pid == L.mypid ? find_waiter(seq) : NULL;
        if (w && w->nacked < MAX_PEERS && !has(w->acked, w->nacked, acker))
            w->acked[w->nacked++] = acker;
        s = end;
    }
    pthread_cond_broadcast(&L.cv);
    pthread_mutex_unlock(&L.mu);
}

/* Reads what arrived; false when the connection is lost. */
static bool drain(PGconn *pg)
{
    acks a = {.len = 0};
    for (;;) {
        if (!PQconsumeInput(pg))
            return false;
        PGnotify *n = PQnotifies(pg);
        if (!n)
            break;
        if (strcmp(n->relname, "sj_cache") == 0)
            on_cache(pg, &a, n->extra);
        else if (strcmp(n->relname, "sj_ack") == 0)
            on_ack(n->extra);
        PQfreemem(n);
    }
    ack_flush(pg, &a); /* notifications that came meanwhile are read on the next round */
    return PQstatus(pg) == CONNECTION_OK;
}

static void set_down(void)
{
    atomic_store(&caching, 0);
    atomic_store(&L.up, 0);
    cache_bus_dispatch("*");
    pthread_mutex_lock(&L.mu);
    for (waiter *w = L.waiters; w; w = w->next)
        w->gaveup = true;
    pthread_cond_broadcast(&L.cv);
    pthread_mutex_unlock(&L.mu);
}

static void *listener(void *arg)
{
    (void)arg;
    PGconn *pg = NULL;
    long long refreshed = 0;
    while (!atomic_load(&L.stop)) {
        if (!pg) {
            pg = setup();
            pthread_mutex_lock(&L.mu);
            if (!L.ready)
                L.ready = pg ? 1 : -1;
            pthread_cond_broadcast(&L.cv);
            pthread_mutex_unlock(&L.mu);
            if (!pg) {
                struct timespec ts = {0, 250 * 1000 * 1000};
                nanosleep(&ts, NULL);
                continue;
            }
            /* whatever was cached before may have missed a message: dropped, then served */
            cache_bus_dispatch("*");
            atomic_store(&L.up, 1);
            atomic_store(&caching, 1);
            refreshed = mono_ms();
        }
        struct pollfd pfd = {.fd = PQsocket(pg), .events = POLLIN};
        int n = poll(&pfd, 1, 200);
        bool ok = n >= 0 || errno == EINTR;
        if (ok)
            ok = drain(pg);
        if (ok && mono_ms() - refreshed >= 1000) {
            ok = peers_refresh(pg, true) && drain(pg);
            refreshed = mono_ms();
        }
        if (!ok) {
            fprintf(stderr, "cache listener: connection lost; caches off until it is back\n");
            set_down();
            PQfinish(pg);
            pg = NULL;
        }
    }
    if (pg) {
        char bye[32];
        snprintf(bye, sizeof bye, "B %d", L.mypid);
        notify(pg, "sj_cache", bye);
        PQfinish(pg);
    }
    return NULL;
}

bool cache_bus_listen(const char *url, char *err, size_t errlen)
{
    L.url = strdup(url);
    if (!L.url)
        abort();
    atomic_store(&caching, 0);
    pthread_condattr_t ca; /* writers wait with deadlines on the monotonic clock */
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&L.cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&L.thread, NULL, listener, NULL) != 0) {
        snprintf(err, errlen, "cache listener: cannot start a thread");
        return false;
    }
    L.started = true;
    pthread_mutex_lock(&L.mu);
    while (!L.ready)
        pthread_cond_wait(&L.cv, &L.mu);
    int ready = L.ready;
    pthread_mutex_unlock(&L.mu);
    if (ready < 0) {
        snprintf(err, errlen, "%s", L.err);
        cache_bus_stop();
        return false;
    }
    return true;
}

void cache_bus_stop(void)
{
    if (!L.started)
        return;
    atomic_store(&L.stop, 1);
    pthread_join(L.thread, NULL);
    L.started = false;
    free(L.url);
    L.url = NULL;
    atomic_store(&L.up, 0);
    atomic_store(&caching, 1);
}

bool cache_bus_listening(void)
{
    return L.started;
}

uint64_t cache_bus_begin(char *payload, size_t len, const char *msgs)
{
    waiter *w = calloc(1, sizeof *w);
    if (!w)
        abort();
    w->seq = atomic_fetch_add(&L.seq, 1) + 1;
    pthread_mutex_lock(&L.mu);
    snprintf(payload, len, "%d.%" PRIu64 "\n%s", L.mypid, w->seq, msgs);
    w->gaveup = !atomic_load(&L.up);
    w->next = L.waiters;
    L.waiters = w;
    pthread_mutex_unlock(&L.mu);
    return w->seq;
}

static void unlink_waiter(uint64_t id)
{
    for (waiter **p = &L.waiters; *p; p = &(*p)->next)
        if ((*p)->seq == id) {
            waiter *w = *p;
            *p = w->next;
            free(w);
            return;
        }
}

/* With L.mu held: every peer the write waits for has acknowledged it or is gone. */
static bool all_acked(const waiter *w)
{
    if (!w->seen)
        return false;
    for (int i = 0; i < w->npeers; i++)
        if (!has(w->acked, w->nacked, w->peers[i]) && has(L.peers, L.npeers, w->peers[i]))
            return false;
    return true;
}

void cache_bus_wait(uint64_t id)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += CACHE_BUS_WAIT_MS / 1000;
    pthread_mutex_lock(&L.mu);
    waiter *w = find_waiter(id);
    while (w && !w->gaveup && !all_acked(w)) {
        if (pthread_cond_timedwait(&L.cv, &L.mu, &until) == ETIMEDOUT) {
            fprintf(stderr,
                    "cache listener: a write was not acknowledged by every server within %d ms;"
                    " a hung server may serve what it changed\n",
                    CACHE_BUS_WAIT_MS);
            break;
        }
    }
    unlink_waiter(id);
    pthread_mutex_unlock(&L.mu);
}

void cache_bus_cancel(uint64_t id)
{
    pthread_mutex_lock(&L.mu);
    unlink_waiter(id);
    pthread_mutex_unlock(&L.mu);
}
