/*
 * session_cache.c: see session_cache.h. A fixed table of slots indexed by the token hash, each
 * guarded by one of a set of striped mutexes; a new entry replaces whatever its slot held.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "session_cache.h"

#define SLOTS   4096
#define STRIPES 64

typedef struct {
    char hash[AUTH_HASH_HEX];
    user u;
    int64_t expires_at; /* the session's own expiry (Unix seconds) */
    time_t cached_at;   /* monotonic seconds */
} slot;

struct session_cache {
    pthread_mutex_t mu[STRIPES];
    slot slots[SLOTS];
};

static time_t mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

static size_t index_of(const char *hash)
{
    size_t h = 0;
    for (int i = 0; i < 8 && hash[i]; i++)
        h = h * 16 + (size_t)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
    return h % SLOTS;
}

session_cache *session_cache_new(void)
{
    session_cache *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_init(&c->mu[i], NULL);
    return c;
}

void session_cache_free(session_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_destroy(&c->mu[i]);
    free(c);
}

bool session_cache_get(session_cache *c, const char *hash, user *u)
{
    size_t i = index_of(hash);
    bool hit = false;
    pthread_mutex_lock(&c->mu[i % STRIPES]);
    slot *s = &c->slots[i];
    if (s->hash[0] && strcmp(s->hash, hash) == 0 && mono() - s->cached_at < SESSION_CACHE_TTL &&
        s->expires_at > now_unix()) {
        *u = s->u;
        hit = true;
    }
    pthread_mutex_unlock(&c->mu[i % STRIPES]);
    return hit;
}

void session_cache_put(session_cache *c, const char *hash, const user *u, int64_t expires_at)
{
    size_t i = index_of(hash);
    pthread_mutex_lock(&c->mu[i % STRIPES]);
    slot *s = &c->slots[i];
    memcpy(s->hash, hash, AUTH_HASH_HEX);
    s->u = *u;
    s->expires_at = expires_at;
    s->cached_at = mono();
    pthread_mutex_unlock(&c->mu[i % STRIPES]);
}

void session_cache_drop(session_cache *c, const char *hash)
{
    size_t i = index_of(hash);
    pthread_mutex_lock(&c->mu[i % STRIPES]);
    if (strcmp(c->slots[i].hash, hash) == 0)
        c->slots[i].hash[0] = 0;
    pthread_mutex_unlock(&c->mu[i % STRIPES]);
}

void session_cache_drop_user(session_cache *c, int64_t user_id)
{
    for (size_t i = 0; i < SLOTS; i++) {
        pthread_mutex_lock(&c->mu[i % STRIPES]);
        if (c->slots[i].hash[0] && c->slots[i].u.id == user_id)
            c->slots[i].hash[0] = 0;
        pthread_mutex_unlock(&c->mu[i % STRIPES]);
    }
}
