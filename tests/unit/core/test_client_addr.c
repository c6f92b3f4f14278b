/*
 * test_client_addr.c: unit tests for src/core/client_addr.c (who the client is behind trusted
 * proxies, and the address the log-in guard counts by).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/client_addr.h"

static client_proxies proxies(const char *list)
{
    client_proxies p = {0};
    char err[128] = "";
    assert_true(client_proxies_add(&p, list, err, sizeof err));
    return p;
}

static const char *resolve(const client_proxies *p, const char *peer, const char *xff)
{
    static char out[CLIENT_ADDR_LEN];
    client_addr_resolve(p, peer, xff, out);
    return out;
}

static void test_client_addr_resolve__no_proxy_ignores_the_header(void **state)
{
    (void)state;
    client_proxies none = {0};
    assert_string_equal(resolve(&none, "127.0.0.1", "203.0.113.9"), "127.0.0.1");
    assert_string_equal(resolve(&none, "198.51.100.4", NULL), "198.51.100.4");
    /* a peer that is not the trusted proxy: its header is not believed either */
    client_proxies p = proxies("10.0.0.1");
    assert_string_equal(resolve(&p, "198.51.100.4", "203.0.113.9"), "198.51.100.4");
}

static void test_client_addr_resolve__last_untrusted_hop(void **state)
{
    (void)state;
    client_proxies p = proxies("127.0.0.1");
    /* what nginx sends: the client's own claim, then the address nginx saw */
    assert_string_equal(resolve(&p, "127.0.0.1", "203.0.113.7, 198.51.100.2"), "198.51.100.2");
    assert_string_equal(resolve(&p, "127.0.0.1", "198.51.100.2"), "198.51.100.2");
    /* a chain of trusted proxies (a network and an address) is walked past */
    client_proxies chain = proxies("127.0.0.1, 10.0.0.0/8,192.168.1.5");
    assert_string_equal(
        resolve(&chain, "127.0.0.1", "1.2.3.4, 198.51.100.5, 192.168.1.5, 10.1.2.3"),
        "198.51.100.5");
    /* every hop trusted: the leftmost is the client */
    assert_string_equal(resolve(&chain, "127.0.0.1", "10.9.9.9,10.1.1.1"), "10.9.9.9");
    /* trusted peer, no header: the peer */
    assert_string_equal(resolve(&chain, "127.0.0.1", NULL), "127.0.0.1");
}

static void test_client_addr_resolve__bad_hops_and_forms(void **state)
{
    (void)state;
    client_proxies p = proxies("127.0.0.1,10.0.0.0/8");
    /* garbage where the proxy's own hop should be: the last address believed stands */
    assert_string_equal(resolve(&p, "127.0.0.1", "198.51.100.2, not-an-ip"), "127.0.0.1");
    assert_string_equal(resolve(&p, "127.0.0.1", "evil, 10.0.0.3"), "10.0.0.3");
    assert_string_equal(resolve(&p, "127.0.0.1", ""), "127.0.0.1");
    assert_string_equal(resolve(&p, "127.0.0.1", " , "), "127.0.0.1");
    /* ports, brackets, IPv6 and IPv4-mapped IPv6 */
    assert_string_equal(resolve(&p, "127.0.0.1", "198.51.100.2:5555"), "198.51.100.2");
    assert_string_equal(resolve(&p, "127.0.0.1", "[2001:db8::7]:443"), "2001:db8::7");
    assert_string_equal(resolve(&p, "127.0.0.1", "2001:DB8:0:0::7"), "2001:db8::7");
    assert_string_equal(resolve(&p, "::ffff:127.0.0.1", "::ffff:198.51.100.2"), "198.51.100.2");
}

static void test_client_proxies_add__refuses_bad_entries(void **state)
{
    (void)state;
    const char *bad[] = {"nginx", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "::1/129", "1.2.3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        client_proxies p = {0};
        char err[128] = "";
        assert_false(client_proxies_add(&p, bad[i], err, sizeof err));
        assert_non_null(strstr(err, "not an address"));
    }
    client_proxies p = {0};
    char err[128] = "";
    for (int i = 0; i < CLIENT_MAX_PROXIES; i++)
        assert_true(client_proxies_add(&p, "10.0.0.1", err, sizeof err));
    assert_false(client_proxies_add(&p, "10.0.0.2", err, sizeof err));
    assert_non_null(strstr(err, "at most"));
    /* empty entries are skipped */
    client_proxies q = {0};
    assert_true(client_proxies_add(&q, "10.0.0.1,, ::1 ,", err, sizeof err));
    assert_int_equal(q.n, 2);
}

static void test_client_addr_key__ipv6_by_its_64(void **state)
{
    (void)state;
    char out[CLIENT_ADDR_LEN];
    client_addr_key("198.51.100.2", out);
    assert_string_equal(out, "198.51.100.2");
    client_addr_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd", out);
    assert_string_equal(out, "2001:db8:1:2::/64");
    client_addr_key("2001:db8:1:2::1", out);
    assert_string_equal(out, "2001:db8:1:2::/64");
    client_addr_key("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", out);
    assert_string_equal(out, "ffff:ffff:ffff:ffff::/64");
    client_addr_key("", out);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_addr_resolve__no_proxy_ignores_the_header),
        cmocka_unit_test(test_client_addr_resolve__last_untrusted_hop),
        cmocka_unit_test(test_client_addr_resolve__bad_hops_and_forms),
        cmocka_unit_test(test_client_proxies_add__refuses_bad_entries),
        cmocka_unit_test(test_client_addr_key__ipv6_by_its_64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
