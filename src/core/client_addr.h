/*
 * client_addr.h: who the client is, for the access log, the audit log and the log-in guard.
 *
 * Without trusted proxies the client is the socket peer, whatever headers say. When the server
 * is told which proxies to trust (`serve --trust-proxy ADDR[,ADDR...]` or SJ_TRUST_PROXY), and
 * the peer is one of them, X-Forwarded-For is read from right to left: each hop a trusted proxy
 * added is skipped, and the first hop that is not a trusted proxy is the client. The hops to its
 * left were written by the client itself and are never believed.
 *
 * Addresses are IPv4 or IPv6; a proxy entry is an address or a network (ADDR/BITS). An IPv4
 * address written as IPv6 (::ffff:a.b.c.d) is taken as the IPv4 address.
 */
#ifndef SJ_CLIENT_ADDR_H
#define SJ_CLIENT_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#define CLIENT_MAX_PROXIES 16
#define CLIENT_ADDR_LEN    48 /* the longest address text, NUL included */

typedef struct {
    int family;             /* AF_INET or AF_INET6 */
    unsigned char addr[16]; /* 4 bytes used for AF_INET */
    int bits;               /* how many leading bits must match: 32 or 128 for one address */
} client_net;

typedef struct {
    int n;
    client_net nets[CLIENT_MAX_PROXIES];
} client_proxies;

/* Adds each comma-separated address or network of `list` (spaces allowed around the commas).
 * False, with the reason in err, on a bad entry or more than CLIENT_MAX_PROXIES in all. */
bool client_proxies_add(client_proxies *p, const char *list, char *err, size_t errlen);

/* The client's address in canonical text. `peer` is the socket peer's address text, `xff` the
 * X-Forwarded-For headers joined by commas in the order received (NULL when none). OUT: out. */
void client_addr_resolve(const client_proxies *p, const char *peer, const char *xff,
                         char out[CLIENT_ADDR_LEN]);

/* What the log-in guard counts by: an IPv4 address as it is, an IPv6 address as its /64
 * network (one subscriber's line holds a whole /64). OUT: out; "" for text that is no address. */
void client_addr_key(const char *ip, char out[CLIENT_ADDR_LEN]);

#endif
