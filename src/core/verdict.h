/*
 * verdict.h: the one outcome of every decision that may refuse, whoever makes it: a pure rule
 * (a module's rules.c: policy and data in, verdict out) or a store write (a module's store.c,
 * which owns its transaction and returns the verdict of what it decided).
 *
 * A verdict is a value: no allocation, no I/O, safe to return by value and to build in a rule
 * that knows nothing of HTTP. It carries
 *   - err:  SJ_ERR_OK when allowed; otherwise the error row of errors.h (status and code),
 *   - code: the snake_case code clients see when it is more precise than err's own
 *           (a rule refusal: "homework_over_limit"), or NULL,
 *   - rule: the POLICY.md ID that decided ("HW-2"), or NULL,
 *   - msg:  the key of its words in the message table (messages.c), or NULL for err's own,
 *   - args: the numbers and names of the decision, by name; they go into the error JSON as
 *           they are and fill the {placeholders} of the message.
 * Only the HTTP layer turns a verdict into an answer: reply_verdict (app.h).
 */
#ifndef SJ_VERDICT_H
#define SJ_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

#define VERDICT_MAX_ARGS 14
#define VERDICT_STR_MAX  96

typedef struct {
    const char *key; /* a string literal: the JSON field and the placeholder name */
    bool is_str;
    bool is_bool; /* a number that answers as JSON true/false */
    int64_t n;
    char s[VERDICT_STR_MAX]; /* copied, cut at a character boundary when too long */
} verdict_arg;

typedef struct verdict {
    sj_err err;
    const char *code;
    const char *rule;
    const char *msg;
    int nargs;
    verdict_arg args[VERDICT_MAX_ARGS];
} verdict;

/* Allowed. */
static inline verdict verdict_ok(void)
{
    return (verdict){.err = SJ_ERR_OK};
}
static inline bool verdict_is_ok(const verdict *v)
{
    return v->err == SJ_ERR_OK;
}

/* A plain error of errors.h, with its own words (msg NULL) or the words of `msg`. */
verdict verdict_err(sj_err e, const char *msg);
/* A rule refusal: 422 with code, rule and the words of `msg` (the rule ID itself when NULL). */
verdict verdict_rule(const char *code, const char *rule, const char *msg);
/* A refusal with another status than 422 that still cites a rule (409 already_enrolled...). */
verdict verdict_refuse(sj_err e, const char *code, const char *rule, const char *msg);
/* A store result that is not DB_DONE/DB_ROW: DB_CONSTRAINT 409, DB_BUSY 503, else 500. */
verdict verdict_db(int rc);

/* The numbers and names of the decision. `key` must be a string literal (it is not copied).
 * Setting a key twice replaces the value; past VERDICT_MAX_ARGS the call aborts (a bug). */
void verdict_num(verdict *v, const char *key, int64_t n);
void verdict_str(verdict *v, const char *key, const char *s);
void verdict_bool(verdict *v, const char *key, bool b);
const verdict_arg *verdict_get(const verdict *v, const char *key); /* NULL when absent */

/* The message in zh-CN or English with the placeholders filled; returns out. */
char *verdict_message(const verdict *v, int english, char *out, size_t n);

#endif
