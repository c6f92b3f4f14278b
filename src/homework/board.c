/*
 * board.c: the class board's handlers (作业公示, HW-5): the items of a class-day, their minutes
 * and the day's written total against its cap, as JSON for the web app and as a page for the
 * wall.
 *
 * Entry points (routes in api.c): homework_h_get_board, homework_h_get_board_print,
 * homework_h_get_student_board; and the helpers api.c shares (hw_staff_of,
 * hw_class_day_or_reply, hw_query_date_or_reply, hw_student_class_or_reply).
 *
 * The board is what every family opens every evening, so it is built for speed: the store
 * reads it in one statement (store_board.c says why), and the answer is written straight into
 * the request's memory, keys as literals, instead of through a JSON tree; the answer is then
 * kept until its class-day changes (board_cache.c), so a board is read once per change.
 */
#include <stdio.h>
#include <string.h>

#include "homework/homework_int.h"

/* ---------- helpers shared with api.c ---------- */

bool hw_staff_of(req *r, const hw_class *cl)
{
    return cl->district_id == r->user->district_id && auth_school_staff(r->user, cl->school_id);
}

bool hw_class_day_or_reply(req *r, int64_t class_id, const char *date, hw_class *cl, hw_period *p)
{
    int rc = hw_store_class_day(r->db, r->pol, class_id, date, cl, p);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

bool hw_query_date_or_reply(req *r, const char *key, const char *dflt, char out[11])
{
    const char *v = req_query(r, key);
    if (!v) {
        snprintf(out, 11, "%s", dflt);
        return true;
    }
    if (!valid_date(v)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, key);
        return false;
    }
    snprintf(out, 11, "%s", v);
    return true;
}

bool hw_student_class_or_reply(req *r, int64_t student_id, int64_t *class_id)
{
    int rc = hw_store_student_class(r->db, student_id, class_id);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

/* The class board of the path's class on `date`; false after replying 404 or 500. */
static bool board_or_reply(req *r, const char *date, hw_board *b)
{
    int rc = hw_store_board(r->db, r->arena, r->pol, r->params[0], date, b);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

/* A vacation's written minutes so far; false after replying 500. */
static bool board_vacation_or_reply(req *r, hw_board *b)
{
    if (hw_store_board_vacation(r->db, b) != DB_DONE) {
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

/* ---------- JSON, written out directly ---------- */

typedef struct {
    req *r;
    char *buf;
    size_t len, cap;
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap * 2 + n + 1024;
        char *nb = req_alloc(o->r, cap);
        if (o->len)
            memcpy(nb, o->buf, o->len);
        o->buf = nb;
        o->cap = cap;
    }
    if (n) /* s may be NULL when there is nothing to add */
        memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = 0;
}

static void puts_(out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* A literal piece of JSON (punctuation and keys), its length known when compiling. */
#define LIT(o, s) put((o), "" s, sizeof(s) - 1)

static void put_int(out *o, int64_t v)
{
    char n[24];
    size_t i = sizeof n;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        n[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        n[--i] = '-';
    put(o, n + i, sizeof n - i);
}

/* A JSON string: the text is valid UTF-8 (checked when it came in); quotes, backslashes and
 * control characters are escaped. */
static void put_str(out *o, const char *s)
{
    LIT(o, "\"");
    const char *run = s;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        put(o, run, (size_t)(s - run));
        char esc[8];
        if (ch == '"' || ch == '\\') {
            esc[0] = '\\';
            esc[1] = (char)ch;
            put(o, esc, 2);
        } else {
            int k = snprintf(esc, sizeof esc, "\\u%04x", ch);
            put(o, esc, (size_t)k);
        }
        run = s + 1;
    }
    put(o, run, (size_t)(s - run));
    LIT(o, "\"");
}

static void put_bool(out *o, bool v)
{
    if (v)
        LIT(o, "true");
    else
        LIT(o, "false");
}

/* `"key":value` pieces; K is the literal key with its leading comma and colon. */
#define KV_STR(o, K, v)  (LIT(o, K), put_str(o, v))
#define KV_INT(o, K, v)  (LIT(o, K), put_int(o, v))
#define KV_BOOL(o, K, v) (LIT(o, K), put_bool(o, v))

static void board_json(out *o, const hw_board *b, const policy *pol)
{
    const hw_period *p = &b->p;
    const hw_class *cl = &b->cl;
    int used = p->day == DAY_VACATION ? b->vacation_written : b->written;
    int remaining = p->cap.limit_minutes - used;
    KV_INT(o, "{\"class_id\":", cl->id);
    KV_STR(o, ",\"class_name\":", cl->name);
    KV_INT(o, ",\"school_id\":", cl->school_id);
    KV_STR(o, ",\"date\":", b->date);
    KV_INT(o, ",\"grade\":", cl->grade);
    KV_STR(o, ",\"day_kind\":", homework_day_kinds[p->day]);
    KV_STR(o, ",\"rule\":", p->cap.rule);
    KV_INT(o, ",\"limit_minutes\":", p->cap.limit_minutes);
    KV_INT(o, ",\"written_minutes\":", b->written);
    KV_INT(o, ",\"remaining_minutes\":", remaining > 0 ? remaining : 0);
    KV_BOOL(o, ",\"written_allowed\":", p->cap.allowed);
    char bedtime[6];
    KV_STR(o, ",\"bedtime\":", homework_bedtime(pol, cl->grade, bedtime));
    if (b->student_id > 0)
        KV_INT(o, ",\"student_id\":", b->student_id);
    if (p->day == DAY_VACATION) {
        KV_STR(o, ",\"vacation\":{\"from\":", p->from);
        KV_STR(o, ",\"to\":", p->to);
        KV_INT(o, ",\"limit_minutes\":", p->cap.limit_minutes);
        KV_INT(o, ",\"written_minutes\":", b->vacation_written);
        KV_INT(o, ",\"remaining_minutes\":", remaining > 0 ? remaining : 0);
        LIT(o, "}");
    }
    LIT(o, ",\"items\":[");
    for (size_t i = 0; i < b->n; i++) {
        const hw_board_item *it = &b->items[i];
        if (i)
            LIT(o, ",");
        KV_INT(o, "{\"id\":", it->id);
        KV_STR(o, ",\"subject\":", it->subject);
        KV_STR(o, ",\"title\":", it->title);
        KV_STR(o, ",\"content\":", it->content);
        KV_STR(o, ",\"kind\":", it->kind);
        KV_STR(o, ",\"tier\":", it->tier);
        KV_INT(o, ",\"minutes\":", it->minutes);
        KV_BOOL(o, ",\"counts_against_cap\":", it->written);
        KV_STR(o, ",\"teacher_name\":", it->teacher_name);
        KV_BOOL(o, ",\"marked\":", it->marked);
        if (b->student_id > 0) {
            if (it->has_feedback) {
                KV_INT(o, ",\"feedback\":{\"minutes_spent\":", it->spent);
                KV_BOOL(o, ",\"completed\":", it->completed);
                KV_BOOL(o, ",\"bedtime\":", it->bedtime);
                LIT(o, "}");
            } else {
                LIT(o, ",\"feedback\":null");
            }
        } else { /* staff: how many families reported and their mean time (null: none) */
            KV_INT(o, ",\"reports\":", it->fb_count);
            if (it->fb_count > 0)
                KV_INT(o, ",\"reported_minutes\":",
                       (it->fb_minutes * 2 + it->fb_count) / (2 * it->fb_count));
            else
                LIT(o, ",\"reported_minutes\":null");
        }
        LIT(o, "}");
    }
    LIT(o, "]}");
}

/* ---------- the handlers ---------- */

static bool board_access_or_reply(req *r, const hw_class *cl)
{
    if (hw_staff_of(r, cl) || auth_guardian_in_class(r, cl->id))
        return true;
    reply_err(r, SJ_ERR_FORBIDDEN);
    return false;
}

void homework_h_get_board(req *r)
{
    char today[11], date[11];
    today_local(today);
    if (!hw_query_date_or_reply(r, "date", today, date))
        return;
    /* kept as answered until the class-day changes (board_cache.c); the caller's access is
     * checked on every request */
    int64_t class_id = r->params[0];
    hw_class cl;
    const char *json;
    size_t len;
    if (hw_board_cache_get(r, class_id, date, &cl, &json, &len)) {
        if (board_access_or_reply(r, &cl))
            reply_raw(r, 200, "application/json; charset=utf-8", json, len);
        return;
    }
    uint64_t ticket = hw_board_cache_ticket(class_id, date); /* before the store is read */
    hw_board b = {0};
    if (!board_or_reply(r, date, &b) || !board_access_or_reply(r, &b.cl) ||
        !board_vacation_or_reply(r, &b))
        return;
    out o = {.r = r};
    board_json(&o, &b, r->pol);
    if (b.p.day != DAY_VACATION) /* a vacation's board counts the whole vacation */
        hw_board_cache_put(r->pol, &b.cl, date, o.buf, o.len, ticket);
    reply_raw(r, 200, "application/json; charset=utf-8", o.buf, o.len);
}

void homework_h_get_student_board(req *r)
{
    int64_t student_id = r->params[0], class_id = 0;
    hw_board b = {.student_id = student_id};
    char today[11];
    today_local(today);
    if (!hw_query_date_or_reply(r, "date", today, b.date) ||
        !hw_student_class_or_reply(r, student_id, &class_id) ||
        !hw_class_day_or_reply(r, class_id, b.date, &b.cl, &b.p))
        return;
    if (!auth_guardian_of(r, student_id) && !hw_staff_of(r, &b.cl)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (hw_store_board_pupil(r->db, r->arena, &b) != DB_DONE) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    if (!board_vacation_or_reply(r, &b))
        return;
    out o = {.r = r};
    board_json(&o, &b, r->pol);
    reply_raw(r, 200, "application/json; charset=utf-8", o.buf, o.len);
}

/* ---------- the page for the wall ---------- */

static void put_html(out *o, const char *s)
{
    for (; *s; s++) {
        const char *rep = *s == '<'    ? "&lt;"
                          : *s == '>'  ? "&gt;"
                          : *s == '&'  ? "&amp;"
                          : *s == '"'  ? "&quot;"
                          : *s == '\'' ? "&#39;"
                                       : NULL;
        if (rep)
            puts_(o, rep);
        else
            put(o, s, 1);
    }
}

static const char *kind_zh(const char *k)
{
    return strcmp(k, "written") == 0   ? "书面"
           : strcmp(k, "oral") == 0    ? "口头"
           : strcmp(k, "reading") == 0 ? "阅读"
                                       : "实践";
}

/* A4, large type, no script: printed and pinned up in the classroom. */
void homework_h_get_board_print(req *r)
{
    char today[11], date[11], bedtime[6];
    today_local(today);
    if (!hw_query_date_or_reply(r, "date", today, date))
        return;
    hw_board b = {0};
    if (!board_or_reply(r, date, &b) || !board_access_or_reply(r, &b.cl) ||
        !board_vacation_or_reply(r, &b))
        return;
    const hw_class *cl = &b.cl;
    const hw_period *p = &b.p;
    out o = {.r = r};
    puts_(&o, "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>作业公示 ");
    put_html(&o, cl->name);
    puts_(&o, "</title><style>@page{size:A4;margin:15mm}body{font-family:sans-serif;font-size:16pt}"
              "h1{font-size:24pt;margin:0 0 4mm}table{width:100%;border-collapse:collapse}"
              "td,th{border:1px solid #333;padding:3mm;text-align:left}.n{text-align:right}"
              ".total{font-size:18pt;margin-top:5mm}</style></head><body><h1>");
    put_html(&o, cl->name);
    puts_(&o,
          req_printf(r,
                     " 作业公示 %s</h1><table><thead><tr><th>学科</th><th>作业内容</th>"
                     "<th>类型</th><th>层次</th><th class=\"n\">预计用时</th></tr></thead><tbody>",
                     date));
    for (size_t i = 0; i < b.n; i++) {
        const hw_board_item *it = &b.items[i];
        puts_(&o, "<tr><td>");
        put_html(&o, it->subject);
        puts_(&o, "</td><td>");
        put_html(&o, it->title);
        if (*it->content) {
            puts_(&o, "<br><small>");
            put_html(&o, it->content);
            puts_(&o, "</small>");
        }
        puts_(&o, req_printf(r, "</td><td>%s</td><td>%s</td><td class=\"n\">%d 分钟</td></tr>",
                             kind_zh(it->kind), strcmp(it->tier, "optional") == 0 ? "选做" : "必做",
                             it->minutes));
    }
    puts_(&o, req_printf(
                  r,
                  "</tbody></table><p class=\"total\">书面作业合计 %d 分钟 / 上限 %d 分钟(%s)</p>"
                  "<p>请在 %s 前按时就寝,未完成的作业不必熬夜完成。</p></body></html>",
                  b.written, p->cap.limit_minutes, p->cap.rule,
                  homework_bedtime(r->pol, cl->grade, bedtime)));
    reply_raw(r, 200, "text/html; charset=utf-8", o.buf, o.len);
}
