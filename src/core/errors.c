/*
 * errors.c: lookups into the error table of errors.h.
 */
#include "errors.h"

typedef struct {
    int status;
    const char *code, *zh, *en;
} err_row;

static const err_row rows[] = {
#define SJ_ERR_ROW(name, status, code, zh, en) {status, code, zh, en},
    SJ_ERRORS(SJ_ERR_ROW)
#undef SJ_ERR_ROW
};

int sj_err_status(sj_err e)
{
    return e < SJ_ERR__COUNT ? rows[e].status : 500;
}
const char *sj_err_code(sj_err e)
{
    return e < SJ_ERR__COUNT ? rows[e].code : "internal";
}
const char *sj_err_message(sj_err e, int english)
{
    if (e >= SJ_ERR__COUNT)
        e = SJ_ERR_INTERNAL;
    return english ? rows[e].en : rows[e].zh;
}
