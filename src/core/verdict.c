/*
 * verdict.c: building verdicts and putting them into words. See verdict.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "messages.h"
#include "utf8.h"
#include "verdict.h"

verdict verdict_err(sj_err e, const char *msg)
{
    return (verdict){.err = e, .msg = msg};
}

verdict verdict_rule(const char *code, const char *rule, const char *msg)
{
    return (verdict){.err = SJ_ERR_RULE, .code = code, .rule = rule, .msg = msg ? msg : rule};
}

verdict verdict_refuse(sj_err e, const char *code, const char *rule, const char *msg)
{
    return (verdict){.err = e, .code = code, .rule = rule, .msg = msg ? msg : rule};
}

verdict verdict_db(int rc)
{
    enum { DB_CONSTRAINT_ = -2, DB_BUSY_ = -3 }; /* db.h's values; verdict.h stays free of db.h */
    return verdict_err(rc == DB_CONSTRAINT_ ? SJ_ERR_CONFLICT
                       : rc == DB_BUSY_     ? SJ_ERR_UNAVAILABLE
                                            : SJ_ERR_INTERNAL,
                       NULL);
}

static verdict_arg *slot(verdict *v, const char *key)
{
    for (int i = 0; i < v->nargs; i++)
        if (strcmp(v->args[i].key, key) == 0)
            return &v->args[i];
    if (v->nargs == VERDICT_MAX_ARGS)
        abort(); /* a rule that names more numbers than a verdict holds is a bug */
    verdict_arg *a = &v->args[v->nargs++];
    a->key = key;
    return a;
}

void verdict_num(verdict *v, const char *key, int64_t n)
{
    verdict_arg *a = slot(v, key);
    a->is_str = false;
    a->is_bool = false;
    a->n = n;
    a->s[0] = 0;
}

void verdict_str(verdict *v, const char *key, const char *s)
{
    verdict_arg *a = slot(v, key);
    a->is_str = true;
    a->is_bool = false;
    a->n = 0;
    utf8_copy(a->s, sizeof a->s, s); /* never cuts a character in two */
}

void verdict_bool(verdict *v, const char *key, bool b)
{
    verdict_num(v, key, b);
    slot(v, key)->is_bool = true;
}

const verdict_arg *verdict_get(const verdict *v, const char *key)
{
    for (int i = 0; i < v->nargs; i++)
        if (strcmp(v->args[i].key, key) == 0)
            return &v->args[i];
    return NULL;
}

char *verdict_message(const verdict *v, int english, char *out, size_t n)
{
    if (v->msg && msg_template(v->msg, english))
        return msg_format(v->msg, english, v->args, v->nargs, out, n);
    snprintf(out, n, "%s", sj_err_message(v->err, english));
    return out;
}
