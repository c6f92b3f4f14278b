/*
 * board_cache.c: the class boards (GET /api/v1/classes/{id}/homework?date) as answered, kept in
 * memory until the class-day changes. Exact: every write that changes a board names its
 * class-day inside its transaction (hw_notify_board: "b <class> <date>" on the cache bus,
 * core/cache_bus.h) and the entry is dropped in every server process before the write's answer
 * goes out; a change of the district's calendar ('c') or policy ('p') drops every board.
 *
 * What a board is made of: the class, its day's calendar and term bounds, the items of the
 * class-day (publish, withdrawal, adjustment and marking name it) and the policy in force
 * (the entry keeps the policy it was built under and is served only under the same one).
 * Vacation boards are not kept: their written minutes count the whole vacation.
 *
 * A fixed table of slots indexed by (class, date), striped mutexes; a new entry replaces its
 * slot's. Readers take a ticket before they read the store (hw_board_cache_ticket): a drop of
 * the slot (its generation) or of everything (the table's) since then refuses the entry.
 * Memory: SLOTS entries of a board's JSON (1-3 KB each): at most about 40 MB.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cache_bus.h"
#include "homework/homework_int.h"

#define SLOTS   16384
#define STRIPES 64

typedef struct {
    int64_t class_id;
    char date[11];
    hw_class cl;
    const policy *pol;
    char *json;
    size_t len;
    uint64_t ticket;
    uint32_t gen;
} slot;

static pthread_mutex_t mu[STRIPES];
static atomic_uint_fast64_t all_gen;
static slot slots[SLOTS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static size_t index_of(int64_t class_id, const char *date)
{
    uint64_t h = (uint64_t)class_id * 0x9e3779b97f4a7c15u;
    for (const char *s = date; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3u;
    return (size_t)(h >> 20) % SLOTS;
}

static uint64_t ticket_of(size_t i)
{
    return ((atomic_load(&all_gen) & 0xffffffffu) << 32) | slots[i].gen;
}

static void drop(int64_t class_id, const char *date)
{
    size_t i = index_of(class_id, date);
    pthread_mutex_lock(&mu[i % STRIPES]);
    slots[i].gen++;
    free(slots[i].json);
    slots[i].json = NULL;
    slots[i].class_id = 0;
    pthread_mutex_unlock(&mu[i % STRIPES]);
}

static void on_msg(void *ctx, const char *msg)
{
    (void)ctx;
    long long class_id = 0;
    char date[11] = "";
    if (msg[0] == 'b' && sscanf(msg + 1, " %lld %10s", &class_id, date) == 2)
        drop(class_id, date);
    else /* the calendar, the policy, or everything: entries under an older one are refused */
        atomic_fetch_add(&all_gen, 1);
}

static void init(void)
{
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_init(&mu[i], NULL);
    cache_bus_on('b', on_msg, NULL);
    cache_bus_on('c', on_msg, NULL);
    cache_bus_on('p', on_msg, NULL);
}

void homework_board_cache_init(void)
{
    pthread_once(&once, init);
}

uint64_t hw_board_cache_ticket(int64_t class_id, const char *date)
{
    size_t i = index_of(class_id, date);
    pthread_mutex_lock(&mu[i % STRIPES]);
    uint64_t t = ticket_of(i);
    pthread_mutex_unlock(&mu[i % STRIPES]);
    return t;
}

bool hw_board_cache_get(req *r, int64_t class_id, const char *date, hw_class *cl, const char **json,
                        size_t *len)
{
    if (!cache_bus_caching())
        return false;
    size_t i = index_of(class_id, date);
    bool hit = false;
    pthread_mutex_lock(&mu[i % STRIPES]);
    slot *s = &slots[i];
    if (s->json && s->class_id == class_id && strcmp(s->date, date) == 0 && s->pol == r->pol &&
        s->ticket == ticket_of(i)) {
        char *copy = req_alloc(r, s->len + 1);
        memcpy(copy, s->json, s->len + 1);
        *json = copy;
        *len = s->len;
        *cl = s->cl;
        hit = true;
    }
    pthread_mutex_unlock(&mu[i % STRIPES]);
    return hit;
}

void hw_board_cache_put(const policy *pol, const hw_class *cl, const char *date, const char *json,
                        size_t len, uint64_t ticket)
{
    if (!cache_bus_caching())
        return;
    char *copy = malloc(len + 1);
    if (!copy)
        abort();
    memcpy(copy, json, len);
    copy[len] = 0;
    size_t i = index_of(cl->id, date);
    pthread_mutex_lock(&mu[i % STRIPES]);
    slot *s = &slots[i];
    if (ticket == ticket_of(i)) { /* nothing of it changed since the read began */
        char *old = s->json;
        s->json = copy;
        copy = old;
        s->len = len;
        s->class_id = cl->id;
        snprintf(s->date, sizeof s->date, "%s", date);
        s->cl = *cl;
        s->pol = pol;
        s->ticket = ticket;
    }
    pthread_mutex_unlock(&mu[i % STRIPES]);
    free(copy);
}

int hw_notify_board(db_conn *c, int64_t class_id, const char *date)
{
    char msg[48];
    snprintf(msg, sizeof msg, "b %lld %s", (long long)class_id, date);
    return db_notify(c, msg);
}
