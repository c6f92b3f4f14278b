/*
 * test_checkpoint.c: unit tests for src/funds/checkpoint.c: the signed text, the signing key
 * file (made once with mode 0600, read back, refused when others may read it or when it is not
 * a key), the public key file (written, listed, a different key refused, comments and several
 * keys, a malformed line named), and checkpoints to JSON and back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "funds/funds.h"

typedef struct {
    char dir[64], sign[128], pub[128];
} tmp_paths;

static int setup(void **state)
{
    tmp_paths *t = calloc(1, sizeof *t);
    assert_non_null(t);
    snprintf(t->dir, sizeof t->dir, "/tmp/sj-cp-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->sign, sizeof t->sign, "%s/ledger.sign", t->dir);
    snprintf(t->pub, sizeof t->pub, "%s/ledger.sign.pub", t->dir);
    *state = t;
    return sodium_init() < 0;
}

static int teardown(void **state)
{
    tmp_paths *t = *state;
    unlink(t->sign);
    unlink(t->pub);
    rmdir(t->dir);
    free(t);
    return 0;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static void test_funds_checkpoint_message__the_signed_text(void **state)
{
    (void)state;
    funds_checkpoint c = {.district_id = 1, .entries = 1224, .at = 1778400000};
    memset(c.head_hash, 'a', 64);
    char msg[256];
    funds_checkpoint_message(&c, msg, sizeof msg);
    assert_string_equal(msg, "sj-ledger-checkpoint-v1|1|1224|"
                             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                             "|1778400000");
}

static void test_funds_sign_key_load__made_once_0600_then_read_back(void **state)
{
    tmp_paths *t = *state;
    unsigned char sk[64], pk[32], sk2[64], pk2[32];
    char err[256];
    bool created = false;
    assert_false(funds_sign_key_load(t->sign, false, sk, pk, &created, err, sizeof err));
    assert_non_null(strstr(err, "no signing key"));
    assert_true(funds_sign_key_load(t->sign, true, sk, pk, &created, err, sizeof err));
    assert_true(created);
    struct stat st;
    assert_int_equal(stat(t->sign, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_true(funds_sign_key_load(t->sign, true, sk2, pk2, &created, err, sizeof err));
    assert_false(created);
    assert_memory_equal(pk, pk2, 32);
    /* what it signs checks under its public key, as any Ed25519 tool would check it */
    const char *msg = "sj-ledger-checkpoint-v1|1|0|x|0";
    unsigned char sig[64];
    crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), sk);
    assert_int_equal(crypto_sign_verify_detached(sig, (const unsigned char *)msg, strlen(msg), pk),
                     0);
}

static void test_funds_sign_key_load__refuses_a_key_others_may_read_or_no_key(void **state)
{
    tmp_paths *t = *state;
    unsigned char sk[64], pk[32];
    char err[256];
    write_file(t->sign, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", 0644);
    assert_false(funds_sign_key_load(t->sign, true, sk, pk, NULL, err, sizeof err));
    assert_non_null(strstr(err, "chmod 600"));
    chmod(t->sign, 0600);
    assert_true(funds_sign_key_load(t->sign, true, sk, pk, NULL, err, sizeof err));
    write_file(t->sign, "not a key\n", 0600);
    assert_false(funds_sign_key_load(t->sign, true, sk, pk, NULL, err, sizeof err));
    assert_non_null(strstr(err, "64 hex digits"));
}

static void test_funds_public_key_publish__written_listed_other_key_refused(void **state)
{
    tmp_paths *t = *state;
    unsigned char sk[64], pk[32], pk2[32];
    char err[512];
    assert_true(funds_sign_key_load(t->sign, true, sk, pk, NULL, err, sizeof err));
    assert_true(funds_public_key_publish(t->pub, pk, err, sizeof err));
    assert_true(funds_public_key_publish(t->pub, pk, err, sizeof err)); /* listed: nothing to do */
    funds_keyring ring;
    assert_true(funds_keyring_load(t->pub, NULL, &ring, err, sizeof err));
    assert_int_equal(ring.n, 1);
    assert_memory_equal(ring.keys[0], pk, 32);
    crypto_sign_keypair(pk2, sk);
    assert_false(funds_public_key_publish(t->pub, pk2, err, sizeof err));
    assert_non_null(strstr(err, "does not list"));
}

static void test_funds_keyring_load__comments_several_keys_and_a_bad_line(void **state)
{
    tmp_paths *t = *state;
    char err[256];
    funds_keyring ring;
    write_file(t->pub,
               "# current\n"
               "1111111111111111111111111111111111111111111111111111111111111111\n"
               "\n"
               "2222222222222222222222222222222222222222222222222222222222222222  # old\n",
               0644);
    assert_true(funds_keyring_load(t->pub, NULL, &ring, err, sizeof err));
    assert_int_equal(ring.n, 2);
    assert_int_equal(ring.keys[0][0], 0x11);
    assert_int_equal(ring.keys[1][31], 0x22);
    write_file(t->pub, "1111111111111111111111111111111111111111111111111111111111111111\nabc\n",
               0644);
    assert_false(funds_keyring_load(t->pub, NULL, &ring, err, sizeof err));
    assert_non_null(strstr(err, "line 2"));
    write_file(t->pub, "# nothing\n", 0644);
    assert_false(funds_keyring_load(t->pub, NULL, &ring, err, sizeof err));
}

static void test_funds_keyring_load__from_the_signing_key_or_none(void **state)
{
    tmp_paths *t = *state;
    char err[256];
    funds_keyring ring;
    assert_true(funds_keyring_load(t->pub, t->sign, &ring, err, sizeof err));
    assert_int_equal(ring.n, 0); /* neither file: no key configured */
    assert_true(funds_keyring_load(NULL, "", &ring, err, sizeof err));
    assert_int_equal(ring.n, 0);
    unsigned char sk[64], pk[32];
    assert_true(funds_sign_key_load(t->sign, true, sk, pk, NULL, err, sizeof err));
    assert_true(funds_keyring_load(t->pub, t->sign, &ring, err, sizeof err));
    assert_int_equal(ring.n, 1);
    assert_memory_equal(ring.keys[0], pk, 32);
}

static void test_funds_checkpoints_from_json__round_trip_and_malformed(void **state)
{
    (void)state;
    funds_checkpoint c = {.id = 7, .district_id = 1, .entries = 42, .at = 1778400000};
    memset(c.head_hash, 'b', 64);
    memset(c.public_key, 'c', 64);
    memset(c.signature, 'd', 128);
    json_t *doc = json_pack("{s:[o],s:I,s:[s]}", "items", funds_checkpoint_json(&c), "total",
                            (json_int_t)1, "public_keys",
                            "3333333333333333333333333333333333333333333333333333333333333333");
    size_t n = 0;
    funds_keyring served;
    char err[256];
    funds_checkpoint *got = funds_checkpoints_from_json(doc, &n, &served, err, sizeof err);
    assert_non_null(got);
    assert_int_equal(n, 1);
    assert_int_equal(got[0].entries, 42);
    assert_int_equal(got[0].at, 1778400000);
    assert_string_equal(got[0].head_hash, c.head_hash);
    assert_string_equal(got[0].signature, c.signature);
    assert_int_equal(served.n, 1);
    assert_int_equal(served.keys[0][5], 0x33);
    free(got);
    /* a bare array of items */
    got = funds_checkpoints_from_json(json_object_get(doc, "items"), &n, NULL, err, sizeof err);
    assert_non_null(got);
    assert_int_equal(n, 1);
    free(got);
    /* a signature cut short, a hash in capitals, a missing count: refused */
    json_t *item = json_array_get(json_object_get(doc, "items"), 0);
    json_object_set_new(item, "signature", json_string("dd"));
    assert_null(funds_checkpoints_from_json(doc, &n, NULL, err, sizeof err));
    assert_non_null(strstr(err, "malformed"));
    json_object_set_new(item, "signature", json_string(c.signature));
    char upper[65];
    memset(upper, 'B', 64);
    upper[64] = 0;
    json_object_set_new(item, "head_hash", json_string(upper));
    assert_null(funds_checkpoints_from_json(doc, &n, NULL, err, sizeof err));
    json_object_set_new(item, "head_hash", json_string(c.head_hash));
    json_object_del(item, "entries");
    assert_null(funds_checkpoints_from_json(doc, &n, NULL, err, sizeof err));
    json_t *bad = json_pack("{s:i}", "total", 0);
    assert_null(funds_checkpoints_from_json(bad, &n, NULL, err, sizeof err));
    json_decref(bad);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_funds_checkpoint_message__the_signed_text),
        cmocka_unit_test_setup_teardown(test_funds_sign_key_load__made_once_0600_then_read_back,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_funds_sign_key_load__refuses_a_key_others_may_read_or_no_key, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_funds_public_key_publish__written_listed_other_key_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_funds_keyring_load__comments_several_keys_and_a_bad_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_funds_keyring_load__from_the_signing_key_or_none,
                                        setup, teardown),
        cmocka_unit_test(test_funds_checkpoints_from_json__round_trip_and_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
