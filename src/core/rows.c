/*
 * rows.c: turning result rows into JSON, and the paged list answer every list route gives.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"

json_t *db_row_object(db_stmt *s, const char *cols)
{
    json_t *o = json_object();
    const char *p = cols;
    for (int col = 0; *p; col++) {
        const char *colon = strchr(p, ':');
        if (!colon)
            break;
        char name[64];
        size_t n = (size_t)(colon - p) < sizeof name - 1 ? (size_t)(colon - p) : sizeof name - 1;
        memcpy(name, p, n);
        name[n] = 0;
        char type = colon[1];
        json_t *v;
        if (db_col_isnull(s, col) && (type == 'I' || type == 'S'))
            v = json_null();
        else if (type == 'i' || type == 'I')
            v = json_integer(db_col_int64(s, col));
        else if (type == 'b')
            v = json_boolean(db_col_int64(s, col) != 0);
        else
            v = json_string(db_col_text(s, col));
        json_object_set_new(o, name, v ? v : json_null());
        p = colon + 2;
        if (*p == ',')
            p++;
    }
    return o;
}

json_t *db_rows_json(db_stmt *s, const char *cols)
{
    if (!s)
        return NULL;
    json_t *arr = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW)
        json_array_append_new(arr, db_row_object(s, cols));
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

json_t *list_json(json_t *items, int64_t total)
{
    return json_pack("{s:o,s:I}", "items", items, "total", (json_int_t)total);
}

json_t *db_list_page_a(db_conn *c, const char *sql, const char *count_sql, const char *cols,
                       int64_t limit, int64_t offset, const db_arg *args)
{
    int nparams = 0;
    while (args[nparams].t)
        nparams++;
    char paged[8192];
    int len =
        snprintf(paged, sizeof paged, "%s LIMIT $%d OFFSET $%d", sql, nparams + 1, nparams + 2);
    if (len < 0 || (size_t)len >= sizeof paged)
        return NULL; /* a list query this long is a bug */
    db_stmt *st[2] = {db_prepare(c, paged), db_prepare(c, count_sql)};
    json_t *items = NULL;
    int64_t total = 0;
    for (int k = 0; k < 2; k++)
        if (!st[k] || db_bind_args(st[k], 1, args) != DB_OK)
            goto fail;
    db_bind_int64(st[0], nparams + 1, limit);
    db_bind_int64(st[0], nparams + 2, offset);
    items = db_rows_json(st[0], cols);
    st[0] = NULL;
    if (!items || db_step(st[1]) != DB_ROW)
        goto fail;
    total = db_col_int64(st[1], 0);
    db_finalize(st[1]);
    return list_json(items, total);
fail:
    db_finalize(st[0]);
    db_finalize(st[1]);
    json_decref(items);
    return NULL;
}

void reply_list_a(req *r, const char *sql, const char *count_sql, const char *cols,
                  const db_arg *args)
{
    int64_t limit, offset;
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, db_list_page_a(r->db, sql, count_sql, cols, limit, offset, args));
}

void reply_page(req *r, json_t *page)
{
    if (page)
        reply_json(r, 200, page);
    else
        reply_err(r, SJ_ERR_INTERNAL);
}
