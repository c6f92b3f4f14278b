/*
 * cli_ledger.c: the subcommands of the funds ledger's integrity, for cron jobs:
 *
 *   shuangjian checkpoint --db URL [--sign-key FILE] [--public-key FILE]
 *       verifies the ledger and, when it verifies, signs its entry count and head hash (with
 *       the time and the district) and stores the checkpoint (funds.h, "signed checkpoints").
 *   shuangjian verify --db URL [--public-key FILE] [--checkpoints FILE]
 *       re-checks the ledger, against its stored checkpoints and, with --checkpoints, against
 *       a copy kept elsewhere (the JSON of GET /api/v1/funds/checkpoints).
 *
 * Key files: the signing key is --sign-key FILE, or PATH.sign beside a SQLite database (made on
 * first use, mode 0600); on PostgreSQL it must be named, since a key of one machine's own
 * would not be where the next machine looks. The public keys are --public-key FILE, or the
 * signing key's file with .pub (written when the key is made). The server reads the same
 * options (serve --sign-key / --public-key) to serve and check the public keys.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "core/core.h"
#include "funds/funds.h"

#define CHECKPOINT_FILE_MAX (64L << 20) /* a copy of every checkpoint of years: far less */

bool cli_ledger_keys(const cli_opts *o, app *a)
{
    size_t cap = sizeof a->ledger_sign_key;
    int n = 0;
    a->ledger_sign_key[0] = a->ledger_public_key[0] = 0;
    if (o->sign_key)
        n = snprintf(a->ledger_sign_key, cap, "%s", o->sign_key);
    else if (strncmp(o->db, "sqlite:", 7) == 0)
        n = snprintf(a->ledger_sign_key, cap, "%s.sign", o->db + 7);
    if (n < 0 || (size_t)n >= cap) {
        fprintf(stderr, "shuangjian: the signing key's path is too long\n");
        return false;
    }
    n = 0;
    if (o->public_key)
        n = snprintf(a->ledger_public_key, cap, "%s", o->public_key);
    else if (a->ledger_sign_key[0])
        n = snprintf(a->ledger_public_key, cap, "%s.pub", a->ledger_sign_key);
    if (n < 0 || (size_t)n >= cap) {
        fprintf(stderr, "shuangjian: the public key's path is too long\n");
        return false;
    }
    return true;
}

static void print_result(const funds_verify_result *v)
{
    printf("ledger: %s; %lld entries, %lld movements, %lld contracts\n"
           "escrow %lld fen = paid %lld - released %lld - refunded %lld\n"
           "chain head #%lld %s; append-only guard %s\n",
           v->ok ? "ok" : "NOT OK", (long long)v->entries, (long long)v->movements,
           (long long)v->contracts, (long long)v->escrow_fen, (long long)v->paid_fen,
           (long long)v->released_fen, (long long)v->refunded_fen, (long long)v->head_seq,
           v->head_hash, v->guarded ? "in place" : "missing");
    printf("checkpoints: %lld stored, %lld good", (long long)v->checkpoints,
           (long long)v->checkpoints_valid);
    if (v->copy_checkpoints)
        printf("; copy: %lld checked, %lld good", (long long)v->copy_checkpoints,
               (long long)v->copy_valid);
    if (v->anchored_at) {
        char when[32];
        unix_rfc3339(v->anchored_at, when);
        printf("; vouched for up to entry %lld (signed %s), %lld entries after it",
               (long long)v->anchored_entries, when,
               (long long)(v->head_seq - v->anchored_entries));
    }
    printf("%s\n", v->keys_configured ? "" : "; no public key configured");
    for (int i = 0; i < v->nproblems && i < FUNDS_VERIFY_PROBLEMS; i++)
        printf("problem: %s\n", v->problems[i]);
    if (v->nproblems > FUNDS_VERIFY_PROBLEMS)
        printf("problem: ... %d more\n", v->nproblems - FUNDS_VERIFY_PROBLEMS);
}

/* The copy kept elsewhere, with the keys it lists. NULL after saying why. */
static funds_checkpoint *copy_load(const char *path, size_t *n, funds_keyring *served)
{
    json_error_t jerr;
    FILE *f = fopen(path, "rb");
    long size = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (!f || size < 0 || size > CHECKPOINT_FILE_MAX || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "shuangjian: %s: %s\n", path,
                !f ? "cannot open" : "too large or unreadable");
        if (f)
            fclose(f);
        return NULL;
    }
    json_t *doc = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
    fclose(f);
    if (!doc) {
        fprintf(stderr, "shuangjian: %s, line %d: %s\n", path, jerr.line, jerr.text);
        return NULL;
    }
    char err[256];
    funds_checkpoint *cps = funds_checkpoints_from_json(doc, n, served, err, sizeof err);
    json_decref(doc);
    if (!cps)
        fprintf(stderr, "shuangjian: %s: %s\n", path, err);
    return cps;
}

int cmd_verify(const cli_opts *o)
{
    app a;
    int rc = cli_open(o, &a, 1);
    if (rc != CLI_OK)
        return rc;
    funds_keyring ring, served;
    funds_checkpoint *copy = NULL;
    size_t ncopy = 0;
    char err[512];
    db_conn *c = NULL;
    if (!funds_keyring_load(a.ledger_public_key, a.ledger_sign_key, &ring, err, sizeof err)) {
        fprintf(stderr, "shuangjian: %s\n", err);
        rc = CLI_FAIL;
        goto out;
    }
    if (o->checkpoints) {
        copy = copy_load(o->checkpoints, &ncopy, &served);
        if (!copy) {
            rc = CLI_FAIL;
            goto out;
        }
        /* with no key of its own, the keys the copy was served with: whoever kept the copy
         * kept them with it */
        if (ring.n == 0)
            ring = served;
    }
    c = db_acquire(a.pool);
    int64_t district = cli_district(c);
    funds_anchor anchor = {.ring = &ring, .copy = copy, .ncopy = ncopy};
    funds_verify_result v;
    int vr = district ? funds_verify_and_record(c, district, &anchor, &v) : DB_ERROR;
    if (vr != DB_OK) {
        fprintf(stderr, "shuangjian: verify: %s\n", db_errmsg(c));
        rc = CLI_FAIL;
        goto out;
    }
    print_result(&v);
    if (!v.ok)
        fprintf(stderr, "shuangjian: the ledger does not verify\n");
    rc = v.ok ? CLI_OK : CLI_FAIL;
out:
    free(copy);
    if (c)
        db_release(c);
    cli_close(&a);
    return rc;
}

int cmd_checkpoint(const cli_opts *o)
{
    if (!o->sign_key && strncmp(o->db, "sqlite:", 7) != 0) {
        fprintf(stderr, "shuangjian: checkpoint on PostgreSQL needs --sign-key FILE (a file kept"
                        " off the database server, the same on every machine that signs)\n");
        return CLI_USAGE;
    }
    app a;
    int rc = cli_open(o, &a, 1);
    if (rc != CLI_OK)
        return rc;
    unsigned char sk[64], pk[32];
    char err[512];
    bool created = false;
    db_conn *c = NULL;
    funds_keyring ring;
    if (!funds_sign_key_load(a.ledger_sign_key, true, sk, pk, &created, err, sizeof err) ||
        !funds_public_key_publish(a.ledger_public_key, pk, err, sizeof err) ||
        !funds_keyring_load(a.ledger_public_key, NULL, &ring, err, sizeof err)) {
        fprintf(stderr, "shuangjian: %s\n", err);
        rc = CLI_FAIL;
        goto out;
    }
    if (created)
        fprintf(stderr,
                "shuangjian: made the signing key %s (mode 0600; keep it safe and off the"
                " database's backups) and its public key %s (give a copy to the level"
                " above)\n",
                a.ledger_sign_key, a.ledger_public_key);
    c = db_acquire(a.pool);
    int64_t district = cli_district(c);
    funds_checkpoint cp;
    funds_verify_result v;
    int tr = district ? funds_checkpoint_take(c, district, sk, pk, &ring, &cp, &v) : DB_ERROR;
    if (tr != DB_OK) {
        fprintf(stderr, "shuangjian: checkpoint: %s\n", db_errmsg(c));
        rc = CLI_FAIL;
        goto out;
    }
    if (!v.ok) {
        print_result(&v);
        fprintf(stderr, "shuangjian: the ledger does not verify: nothing signed\n");
        rc = CLI_FAIL;
        goto out;
    }
    char when[32];
    unix_rfc3339(cp.at, when);
    printf("checkpoint #%lld: district %lld, %lld entries, head %s, signed %s by %s\n",
           (long long)cp.id, (long long)cp.district_id, (long long)cp.entries, cp.head_hash, when,
           cp.public_key);
    rc = CLI_OK;
out:
    sodium_memzero(sk, sizeof sk);
    if (c)
        db_release(c);
    cli_close(&a);
    return rc;
}
