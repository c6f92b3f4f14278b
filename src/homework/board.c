/*
 * board.c: the class board (作业公示, HW-5): the items of a class-day, their minutes and the
 * day's written total against its cap, as JSON for the web app and as a page for the wall.
 *
 * Entry points (routes in api.c): homework_h_get_board, homework_h_get_board_print,
 * homework_h_get_student_board; and the helpers api.c shares (hw_staff_of,
 * hw_class_day_or_reply, hw_query_date_or_reply, hw_student_class_or_reply).
 *
 * The board is what every family opens every evening, so it is built for speed: one query for
 * the class with its day's calendar, one for the items (a guardian's scope check adds one), and
 * the answer written straight into the request's memory instead of through a JSON tree
 * (bench/homework.md: the tree and its allocations were a fifth of the request's time).
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
    int rc = hw_store_class_day(r->db, r->app->pol, class_id, date, cl, p);
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
    int rc = db_query_int64(r->db, class_id, "SELECT class_id FROM students WHERE id = $1", "i",
                            student_id);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

/* ---------- the board in memory ---------- */

typedef struct {
    int64_t id;
    const char *subject, *title, *content, *kind, *tier, *teacher_name;
    int minutes;
    bool written, marked;
    bool has_feedback, completed, bedtime;
    int64_t spent;
} board_item;

typedef struct {
    const hw_class *cl;
    const hw_period *p;
    const char *date;
    int64_t student_id;        /* > 0: the items carry that pupil's feedback */
    board_item *items;
    size_t n;
    int written;               /* the day's written minutes */
    int vacation_written;      /* the vacation's, when the date is in one */
} board;

/* Loads the items; false after replying 500. */
static bool board_load_or_reply(req *r, board *b)
{
    db_stmt *s = b->student_id > 0
                     ? db_query(r->db,
                                "SELECT h.id, h.subject, h.title, h.content, h.kind, h.tier, h.minutes,"
                                " u.name, h.marked_at, f.minutes_spent, f.completed, f.bedtime"
                                " FROM homework h JOIN users u ON u.id = h.teacher_id"
                                " LEFT JOIN homework_feedback f ON f.homework_id = h.id"
                                " AND f.student_id = $3"
                                " WHERE h.class_id = $1 AND h.date = $2 AND h.withdrawn_at IS NULL"
                                " ORDER BY h.id",
                                "isi", b->cl->id, b->date, b->student_id)
                     : db_query(r->db,
                                "SELECT h.id, h.subject, h.title, h.content, h.kind, h.tier, h.minutes,"
                                " u.name, h.marked_at FROM homework h JOIN users u ON u.id = h.teacher_id"
                                " WHERE h.class_id = $1 AND h.date = $2 AND h.withdrawn_at IS NULL"
                                " ORDER BY h.id",
                                "is", b->cl->id, b->date);
    if (!s) {
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    size_t cap = 8;
    b->items = req_alloc(r, cap * sizeof *b->items);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (b->n == cap) {
            board_item *more = req_alloc(r, 2 * cap * sizeof *more);
            memcpy(more, b->items, cap * sizeof *more);
            b->items = more;
            cap *= 2;
        }
        board_item *it = &b->items[b->n++];
        memset(it, 0, sizeof *it);
        it->id = db_col_int64(s, 0);
        it->subject = req_strdup(r, db_col_text(s, 1));
        it->title = req_strdup(r, db_col_text(s, 2));
        it->content = req_strdup(r, db_col_text(s, 3));
        it->kind = req_strdup(r, db_col_text(s, 4));
        it->tier = req_strdup(r, db_col_text(s, 5));
        it->minutes = (int)db_col_int64(s, 6);
        it->teacher_name = req_strdup(r, db_col_text(s, 7));
        it->marked = !db_col_isnull(s, 8);
        it->written = strcmp(it->kind, "written") == 0;
        if (b->student_id > 0 && !db_col_isnull(s, 9)) {
            it->has_feedback = true;
            it->spent = db_col_int64(s, 9);
            it->completed = db_col_int64(s, 10) != 0;
            it->bedtime = db_col_int64(s, 11) != 0;
        }
        b->written += it->written ? it->minutes : 0;
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    if (b->p->day == DAY_VACATION) {
        hw_use use;
        if (hw_store_use(r->db, b->cl->id, b->p->from, b->p->to, b->date, NULL, 0, &use) != DB_ROW) {
            reply_err(r, SJ_ERR_INTERNAL);
            return false;
        }
        b->vacation_written = use.written_minutes;
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
        size_t cap = o->cap * 2 + n + 256;
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

static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }

static void put_int(out *o, int64_t v)
{
    char n[24];
    int k = snprintf(n, sizeof n, "%lld", (long long)v);
    put(o, n, (size_t)k);
}

/* A JSON string: the text is valid UTF-8 (checked when it came in); quotes, backslashes and
 * control characters are escaped. */
static void put_str(out *o, const char *s)
{
    put(o, "\"", 1);
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
    put(o, "\"", 1);
}

static void key(out *o, const char *k, bool first)
{
    if (!first)
        put(o, ",", 1);
    put_str(o, k);
    put(o, ":", 1);
}

static void kv_str(out *o, const char *k, const char *v) { key(o, k, false), put_str(o, v); }
static void kv_int(out *o, const char *k, int64_t v) { key(o, k, false), put_int(o, v); }
static void kv_bool(out *o, const char *k, bool v) { key(o, k, false), puts_(o, v ? "true" : "false"); }

static void board_json(out *o, const board *b, const policy *pol)
{
    const hw_period *p = b->p;
    int used = p->day == DAY_VACATION ? b->vacation_written : b->written;
    int remaining = p->cap.limit_minutes - used;
    puts_(o, "{");
    key(o, "class_id", true);
    put_int(o, b->cl->id);
    kv_str(o, "class_name", b->cl->name);
    kv_int(o, "school_id", b->cl->school_id);
    kv_str(o, "date", b->date);
    kv_int(o, "grade", b->cl->grade);
    kv_str(o, "day_kind", homework_day_kinds[p->day]);
    kv_str(o, "rule", p->cap.rule);
    kv_int(o, "limit_minutes", p->cap.limit_minutes);
    kv_int(o, "written_minutes", b->written);
    kv_int(o, "remaining_minutes", remaining > 0 ? remaining : 0);
    kv_bool(o, "written_allowed", p->cap.allowed);
    kv_str(o, "bedtime", homework_bedtime(pol, b->cl->grade));
    if (b->student_id > 0)
        kv_int(o, "student_id", b->student_id);
    if (p->day == DAY_VACATION) {
        key(o, "vacation", false);
        puts_(o, "{");
        key(o, "from", true);
        put_str(o, p->from);
        kv_str(o, "to", p->to);
        kv_int(o, "limit_minutes", p->cap.limit_minutes);
        kv_int(o, "written_minutes", b->vacation_written);
        kv_int(o, "remaining_minutes", remaining > 0 ? remaining : 0);
        puts_(o, "}");
    }
    key(o, "items", false);
    puts_(o, "[");
    for (size_t i = 0; i < b->n; i++) {
        const board_item *it = &b->items[i];
        puts_(o, i ? ",{" : "{");
        key(o, "id", true);
        put_int(o, it->id);
        kv_str(o, "subject", it->subject);
        kv_str(o, "title", it->title);
        kv_str(o, "content", it->content);
        kv_str(o, "kind", it->kind);
        kv_str(o, "tier", it->tier);
        kv_int(o, "minutes", it->minutes);
        kv_bool(o, "counts_against_cap", it->written);
        kv_str(o, "teacher_name", it->teacher_name);
        kv_bool(o, "marked", it->marked);
        if (b->student_id > 0) {
            key(o, "feedback", false);
            if (it->has_feedback) {
                puts_(o, "{");
                key(o, "minutes_spent", true);
                put_int(o, it->spent);
                kv_bool(o, "completed", it->completed);
                kv_bool(o, "bedtime", it->bedtime);
                puts_(o, "}");
            } else {
                puts_(o, "null");
            }
        }
        puts_(o, "}");
    }
    puts_(o, "]}");
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
    hw_class cl;
    hw_period p;
    char today[11], date[11];
    today_local(today);
    if (!hw_query_date_or_reply(r, "date", today, date) ||
        !hw_class_day_or_reply(r, r->params[0], date, &cl, &p) || !board_access_or_reply(r, &cl))
        return;
    board b = {.cl = &cl, .p = &p, .date = date};
    if (!board_load_or_reply(r, &b))
        return;
    out o = {.r = r};
    board_json(&o, &b, r->app->pol);
    reply_raw(r, 200, "application/json; charset=utf-8", o.buf, o.len);
}

void homework_h_get_student_board(req *r)
{
    int64_t student_id = r->params[0], class_id = 0;
    hw_class cl;
    hw_period p;
    char today[11], date[11];
    today_local(today);
    if (!hw_query_date_or_reply(r, "date", today, date) ||
        !hw_student_class_or_reply(r, student_id, &class_id) ||
        !hw_class_day_or_reply(r, class_id, date, &cl, &p))
        return;
    if (!auth_guardian_of(r, student_id) && !hw_staff_of(r, &cl)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    board b = {.cl = &cl, .p = &p, .date = date, .student_id = student_id};
    if (!board_load_or_reply(r, &b))
        return;
    out o = {.r = r};
    board_json(&o, &b, r->app->pol);
    reply_raw(r, 200, "application/json; charset=utf-8", o.buf, o.len);
}

/* ---------- the page for the wall ---------- */

static void put_html(out *o, const char *s)
{
    for (; *s; s++) {
        const char *rep = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;"
                        : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
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
    hw_class cl;
    hw_period p;
    char today[11], date[11];
    today_local(today);
    if (!hw_query_date_or_reply(r, "date", today, date) ||
        !hw_class_day_or_reply(r, r->params[0], date, &cl, &p) || !board_access_or_reply(r, &cl))
        return;
    board b = {.cl = &cl, .p = &p, .date = date};
    if (!board_load_or_reply(r, &b))
        return;
    out o = {.r = r};
    puts_(&o, "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>作业公示 ");
    put_html(&o, cl.name);
    puts_(&o, "</title><style>@page{size:A4;margin:15mm}body{font-family:sans-serif;font-size:16pt}"
              "h1{font-size:24pt;margin:0 0 4mm}table{width:100%;border-collapse:collapse}"
              "td,th{border:1px solid #333;padding:3mm;text-align:left}.n{text-align:right}"
              ".total{font-size:18pt;margin-top:5mm}</style></head><body><h1>");
    put_html(&o, cl.name);
    puts_(&o, req_printf(r, " 作业公示 %s</h1><table><thead><tr><th>学科</th><th>作业内容</th>"
                            "<th>类型</th><th>层次</th><th class=\"n\">预计用时</th></tr></thead><tbody>",
                         date));
    for (size_t i = 0; i < b.n; i++) {
        const board_item *it = &b.items[i];
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
    puts_(&o, req_printf(r, "</tbody></table><p class=\"total\">书面作业合计 %d 分钟 / 上限 %d 分钟(%s)</p>"
                            "<p>请在 %s 前按时就寝,未完成的作业不必熬夜完成。</p></body></html>",
                         b.written, p.cap.limit_minutes, p.cap.rule,
                         homework_bedtime(r->app->pol, cl.grade)));
    reply_raw(r, 200, "text/html; charset=utf-8", o.buf, o.len);
}
