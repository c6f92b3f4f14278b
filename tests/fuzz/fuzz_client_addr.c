/*
 * fuzz_client_addr.c: libFuzzer target for the X-Forwarded-For headers a client sends through a
 * trusted proxy (src/core/client_addr.c). Input: the header text; the answer must be an address
 * (or nothing) and its log-in key must fit, whatever the text.
 * Run: build-fuzz/fuzz_client_addr -max_total_time=20 CORPUS_DIR
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/client_addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const trusted = "127.0.0.1,10.0.0.0/8,2001:db8::/32";
    client_proxies p = {0};
    char err[128];
    if (!client_proxies_add(&p, trusted, err, sizeof err))
        abort();
    char *xff = malloc(size + 1);
    if (!xff)
        abort();
    memcpy(xff, data, size);
    xff[size] = 0;
    char out[CLIENT_ADDR_LEN], key[CLIENT_ADDR_LEN];
    client_addr_resolve(&p, "127.0.0.1", xff, out);
    if (strlen(out) >= CLIENT_ADDR_LEN || !out[0])
        abort(); /* a trusted peer always leaves some address */
    client_addr_key(out, key);
    if (!key[0])
        abort();
    /* the same text as a proxy list: refused or accepted, never more than the maximum */
    client_proxies q = {0};
    if (client_proxies_add(&q, xff, err, sizeof err) && q.n > CLIENT_MAX_PROXIES)
        abort();
    free(xff);
    return 0;
}
