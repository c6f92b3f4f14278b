/*
 * client_addr.c: the client's address from the socket peer and, behind trusted proxies only,
 * X-Forwarded-For (see client_addr.h for the rule). Pure functions over text: no state, no I/O.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "client_addr.h"

/* Parses one address: "1.2.3.4", "1.2.3.4:80", "2001:db8::1", "[2001:db8::1]:80", spaces
 * around it ignored. IPv4-mapped IPv6 becomes IPv4. False when it is no address. */
static bool parse_addr(const char *s, size_t n, client_net *out)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = 0;
    char *a = buf;
    if (*a == '[') { /* [v6] or [v6]:port */
        char *close = strchr(a, ']');
        if (!close || (close[1] && close[1] != ':'))
            return false;
        *close = 0;
        a++;
    } else {
        char *colon = strchr(a, ':');
        if (colon && !strchr(colon + 1, ':') && strchr(a, '.'))
            *colon = 0; /* a.b.c.d:port */
    }
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, a, out->addr) == 1) {
        out->family = AF_INET;
        out->bits = 32;
        return true;
    }
    if (inet_pton(AF_INET6, a, out->addr) != 1)
        return false;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(out->addr, mapped, sizeof mapped) == 0) {
        memmove(out->addr, out->addr + 12, 4);
        memset(out->addr + 4, 0, 12);
        out->family = AF_INET;
        out->bits = 32;
        return true;
    }
    out->family = AF_INET6;
    out->bits = 128;
    return true;
}

static bool net_contains(const client_net *net, const client_net *a)
{
    if (net->family != a->family)
        return false;
    int full = net->bits / 8, rest = net->bits % 8;
    if (memcmp(net->addr, a->addr, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (net->addr[full] & mask) == (a->addr[full] & mask);
}

static bool trusted(const client_proxies *p, const client_net *a)
{
    for (int i = 0; p && i < p->n; i++)
        if (net_contains(&p->nets[i], a))
            return true;
    return false;
}

static void format_addr(const client_net *a, char out[CLIENT_ADDR_LEN])
{
    if (!inet_ntop(a->family, a->addr, out, CLIENT_ADDR_LEN))
        out[0] = 0;
}

bool client_proxies_add(client_proxies *p, const char *list, char *err, size_t errlen)
{
    const char *s = list ? list : "";
    while (*s) {
        size_t n = strcspn(s, ",");
        char entry[80];
        if (n >= sizeof entry) {
            snprintf(err, errlen, "trusted proxy entry too long: %.40s...", s);
            return false;
        }
        memcpy(entry, s, n);
        entry[n] = 0;
        s += n + (s[n] == ',');
        char *slash = strchr(entry, '/');
        long bits = -1;
        if (slash) {
            char *end = NULL;
            bits = strtol(slash + 1, &end, 10);
            if (end == slash + 1 || *end || bits < 0)
                bits = 999;
            *slash = 0;
        }
        client_net net;
        bool blank = strspn(entry, " \t") == strlen(entry) && !slash;
        if (blank)
            continue; /* "a, ,b" or a trailing comma */
        if (!parse_addr(entry, strlen(entry), &net) || bits > net.bits) {
            snprintf(err, errlen, "not an address or network: %s%s%s", entry, slash ? "/" : "",
                     slash ? slash + 1 : "");
            return false;
        }
        if (bits >= 0)
            net.bits = (int)bits;
        if (p->n >= CLIENT_MAX_PROXIES) {
            snprintf(err, errlen, "at most %d trusted proxies", CLIENT_MAX_PROXIES);
            return false;
        }
        p->nets[p->n++] = net;
    }
    return true;
}

void client_addr_resolve(const client_proxies *p, const char *peer, const char *xff,
                         char out[CLIENT_ADDR_LEN])
{
    client_net cur;
    out[0] = 0;
    if (!peer || !parse_addr(peer, strlen(peer), &cur))
        return;
    if (xff && trusted(p, &cur)) {
        /* right to left: stop at the first hop no trusted proxy could have written for itself,
         * or at a hop that is no address (then the last hop believed stands) */
        const char *end = xff + strlen(xff);
        while (end > xff) {
            const char *start = end;
            while (start > xff && start[-1] != ',')
                start--;
            client_net hop;
            if (!parse_addr(start, (size_t)(end - start), &hop))
                break;
            cur = hop;
            if (!trusted(p, &hop))
                break;
            end = start > xff ? start - 1 : xff;
        }
    }
    format_addr(&cur, out);
}

void client_addr_key(const char *ip, char out[CLIENT_ADDR_LEN])
{
    client_net a;
    out[0] = 0;
    if (!ip || !parse_addr(ip, strlen(ip), &a))
        return;
    if (a.family == AF_INET6) {
        memset(a.addr + 8, 0, 8);
        format_addr(&a, out); /* at most "ffff:ffff:ffff:ffff::", 21 characters */
        size_t n = strlen(out);
        memcpy(out + n, "/64", 4);
        return;
    }
    format_addr(&a, out);
}
