/*
 * session_cache.c: see session_cache.h. A fixed table of slots indexed by the token hash, each
 * guarded by one of a set of striped mutexes; a new entry replaces whatever its slot held.
 *
 * Tickets: each slot has a generation that a drop of its hash moves on; a drop of a user's
 * sessions, or of everything, moves the table's generation (rare: a password change; the
 * cache bus sends "*" when its listener lost or regained its connection). A ticket is the
 * pair; an entry is stored only under the current pair and served only while it is current.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cache_bus.h"
#include "session_cache.h"

#define SLOTS   8192
#define STRIPES 64

typedef struct {
    char hash[AUTH_HASH_HEX];
    user u;
    int64_t expires_at; /* the session's own expiry (Unix seconds) */
    uint64_t ticket;    /* what it was stored under */
    uint32_t gen;       /* moves on with each drop of this slot */
} slot;

struct session_cache {
    pthread_mutex_t mu[STRIPES];
    atomic_uint_fast64_t all_gen; /* moves on with each drop of a user or of everything */
    slot slots[SLOTS];
};

static size_t index_of(const char *hash)
{
    size_t h = 0;
    for (int i = 0; i < 8 && hash[i]; i++)
        h = h * 16 + (size_t)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
    return h % SLOTS;
}

/* The ticket of slot `i` now, with its stripe held: the table's generation and the slot's
 * (each would need 2^32 drops during one read to come round). */
static uint64_t ticket_of(session_cache *c, size_t i)
{
    return ((atomic_load(&c->all_gen) & 0xffffffffu) << 32) | c->slots[i].gen;
}

static void on_msg(void *ctx, const char *msg)
{
    session_cache *c = ctx;
    if (msg[0] == 's')
        session_cache_drop(c, msg + 2);
    else if (msg[0] == 'u')
        session_cache_drop_user(c, strtoll(msg + 2, NULL, 10));
    else
        atomic_fetch_add(&c->all_gen, 1);
}

session_cache *session_cache_new(void)
{
    session_cache *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_init(&c->mu[i], NULL);
    cache_bus_on('s', on_msg, c);
    cache_bus_on('u', on_msg, c);
    return c;
}

void session_cache_free(session_cache *c)
{
    if (!c)
        return;
    cache_bus_off(c);
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_destroy(&c->mu[i]);
    free(c);
}

bool session_cache_get(session_cache *c, const char *hash, user *u)
{
    if (!cache_bus_caching())
        return false;
    size_t i = index_of(hash);
    bool hit = false;
    pthread_mutex_lock(&c->mu[i % STRIPES]);
    slot *s = &c->slots[i];
    if (s->hash[0] && strcmp(s->hash, hash) == 0 && s->ticket == ticket_of(c, i) &&
        s->expires_at > now_unix()) {
        *u = s->u;
        hit = true;
    }
    pthread_mutex_unlock(&c->mu[i % STRIPES]);
    return hit;
}

uint64_t session_cache_ticket(session_cache *c, const char *hash)
{
    size_t i = index_of(hash);
    pthread_mutex_lock(&c->mu[i % STRIPES]);
    uint64_t t = ticket_of(c, i);
    pthread_mutex_unlock(&c->mu[i % STRIPES]);
    return t;
}

void session_cache_put(session_cache *c, const char *hash, const user *u, int64_t expires_at,
                       uint64_t ticket)
{
    if (!cache_bus_caching())
        return;
    size_t i = index_of(hash);
    pthread_mutex_lock(&c->mu[i % STRIPES]);
    slot *s = &c->slots[i];
    if (ticket == ticket_of(c, i)) { /* no drop since the read began */
        memcpy(s->hash, hash, AUTH_HASH_HEX);
        s->u = *u;
        s->expires_at = expires_at;
        s->ticket = ticket;
    }
    pthread_mutex_unlock(&c->mu[i % STRIPES]);
}

void session_cache_drop(session_cache *c, const char *hash)
{
    size_t i = index_of(hash);
    pthread_mutex_lock(&c->mu[i % STRIPES]);
    c->slots[i].gen++; /* whatever its slot holds, and any read in flight for it */
    c->slots[i].hash[0] = 0;
    pthread_mutex_unlock(&c->mu[i % STRIPES]);
}

void session_cache_drop_user(session_cache *c, int64_t user_id)
{
    (void)user_id; /* rare (a password change): every entry, and every read in flight */
    atomic_fetch_add(&c->all_gen, 1);
}
