/*
 * homework_int.h: what the store (store.c, store_lists.c, store_board.c, store_report.c) gives
 * the handlers (api.c, board.c, report.c) inside the homework module; other modules include
 * homework.h, where the writes are.
 *
 * Every function here reads: on the caller's connection, inside no transaction of its own, and
 * none writes. Pages are {"items","total"} values, NULL on a store error; int results are
 * DB_ROW (found), DB_DONE (no such row) or a negative DB_ error.
 */
#ifndef SJ_HOMEWORK_INT_H
#define SJ_HOMEWORK_INT_H

#include "core/arena.h"
#include "homework/homework.h"

/* ---------- store.c: classes, items, periods ---------- */

int hw_store_class(db_conn *c, int64_t class_id, hw_class *out);
int hw_store_item(db_conn *c, int64_t id, hw_item *out);
int hw_store_student_class(db_conn *c, int64_t student_id, int64_t *class_id);
int hw_store_period(db_conn *c, const policy *pol, int64_t district_id, int grade, const char *date,
                    hw_period *out); /* DB_ROW or error */
/* The class and the period of its date in one query (and two more for a vacation date). */
int hw_store_class_day(db_conn *c, const policy *pol, int64_t class_id, const char *date,
                       hw_class *cl, hw_period *out);

/* Written minutes of a class in [from, to], and on `date`: the distinct written subjects and
 * whether `subject` is among them. Withdrawn items and `except_id` (0: none) are left out. */
typedef struct {
    int written_minutes;
    int written_subjects;
    bool subject_seen;
    int all_minutes; /* every kind, on `date` only (HW-5) */
} hw_use;
int hw_store_use(db_conn *c, int64_t class_id, const char *from, const char *to, const char *date,
                 const char *subject, int64_t except_id, hw_use *out); /* DB_ROW or error */

/* For the store's own files (store.c, store_board.c): a date's term, that term's bounds and the
 * date's calendar_days row ("holiday", "workday" or ""), as one statement selects them. */
typedef struct {
    char date[11], term[16], first[11], last[11], kind[16];
} hw_day_head;
void hw_day_head_init(hw_day_head *h, const char *date); /* date and term set */
/* Reads first_day, last_day (the term's defaults when the district entered none), kind. */
void hw_day_head_row(db_row *row, hw_day_head *h);
void hw_class_row(db_row *row, hw_class *cl); /* id, district_id, school_id, grade, name */
/* The period of h->date for a grade: the calendar's facts (calendar_classify) weighed by HW-4's
 * precedence (homework_day_kind); a vacation date asks for the neighbouring term's bounds. */
int hw_store_period_of(db_conn *c, const policy *pol, int64_t district_id, int grade,
                       const hw_day_head *h, hw_period *out); /* DB_ROW or error */

/* ---------- store_lists.c: the item lists ---------- */

/* One item as the API shows it (class and teacher names, feedback summary); NULL on a store
 * error or when there is no such item. */
json_t *hw_store_item_json(db_conn *c, int64_t id);

/* Items of one class (class_id), or of one teacher in the classes they teach (teacher_id, and
 * class_id 0 or one of them), in [from, to], newest day first; unmarked: written items not yet
 * marked only. */
typedef struct {
    int64_t class_id, teacher_id;
    bool unmarked;
    const char *from, *to;
} hw_items_q;
json_t *hw_store_items(db_conn *c, const hw_items_q *q, int64_t limit, int64_t offset);
/* HW-8: a school's written items dated in [since, until] and not marked, oldest first. */
json_t *hw_store_unmarked(db_conn *c, int64_t school_id, const char *since, const char *until,
                          int64_t limit, int64_t offset);
/* HW-8: per teacher, their written items of the school dated in [since, until] and not marked:
 * {"teacher_id","teacher_name","items","oldest_date","classes"}, most items first. */
json_t *hw_store_unmarked_teachers(db_conn *c, int64_t school_id, const char *since,
                                   const char *until, int64_t limit, int64_t offset);
/* HW-10: the families' "stopped at bedtime" reports on a teacher's items dated `date`. */
json_t *hw_store_bedtime(db_conn *c, int64_t teacher_id, const char *date, int64_t limit,
                         int64_t offset);
/* HW-5: a school's class-days in [from, to] whose families' reported time (every kind) passes
 * the written estimate by more than `excess` minutes, newest first. */
json_t *hw_store_relabel(db_conn *c, int64_t school_id, const char *from, const char *to,
                         int64_t excess, int64_t limit, int64_t offset);
/* A teacher's items moved or shortened by a grade leader, newest first. */
json_t *hw_store_changes(db_conn *c, int64_t teacher_id, bool unread_only, int64_t limit,
                         int64_t offset);

/* ---------- board_cache.c: the class boards as answered, exact (see its top) ---------- */

uint64_t hw_board_cache_ticket(int64_t class_id, const char *date);
/* true with the board's JSON (in the request's memory) and its class when it is kept for this
 * class-day under r->pol. */
bool hw_board_cache_get(req *r, int64_t class_id, const char *date, hw_class *cl, const char **json,
                        size_t *len);
void hw_board_cache_put(const policy *pol, const hw_class *cl, const char *date, const char *json,
                        size_t len, uint64_t ticket);
/* Inside a write's transaction: the class-day's board changes (dropped everywhere at commit). */
int hw_notify_board(db_conn *c, int64_t class_id, const char *date);

/* ---------- store_board.c: the class board (作业公示) ---------- */

typedef struct {
    int64_t id;
    const char *subject, *title, *content, *kind, *tier, *teacher_name;
    int minutes;
    bool written, marked;
    bool has_feedback, completed, bedtime; /* a pupil's board: that pupil's report */
    int64_t spent;
    int64_t fb_count, fb_minutes; /* staff's board: all the families' reports, summed */
} hw_board_item;

typedef struct {
    hw_class cl;
    hw_period p;
    char date[11];
    int64_t student_id;   /* > 0: the items carry that pupil's feedback */
    hw_board_item *items; /* in the arena given, in id order */
    size_t n, cap;
    int written;          /* the day's written minutes */
    int vacation_written; /* the vacation's, when the date is in one */
} hw_board;

/* The class board of class_id on date: the class, its day's term bounds and calendar row and
 * the day's active items with their teachers' names in one statement, and so one read
 * transaction (two more for a vacation date: the neighbouring term's bounds). The items'
 * strings go into `a`. DB_ROW, DB_DONE when there is no such class, or an error. */
int hw_store_board(db_conn *c, arena *a, const policy *pol, int64_t class_id, const char *date,
                   hw_board *b);
/* A pupil's board: the day's items with that pupil's feedback. The caller set b->cl, b->p,
 * b->date and b->student_id (hw_store_class_day). DB_DONE or an error. */
int hw_store_board_pupil(db_conn *c, arena *a, hw_board *b);
/* On a vacation date, the vacation's written minutes so far (b->vacation_written); nothing to
 * do on any other date. DB_DONE or an error. */
int hw_store_board_vacation(db_conn *c, hw_board *b);

/* ---------- store_report.c: the reports and the grade matrix ---------- */

typedef struct {
    int64_t school_id; /* 0: the whole district */
    int64_t district_id;
    int64_t grade; /* 0: every grade */
    char from[11], to[11];
} hw_scope;

int hw_store_school_district(db_conn *c, int64_t school_id, int64_t *district_id);
/* The report (report.c's file comment defines its figures): rows per class of the school or per
 * school of the district (limit < 0: every row), totals, by grade and by subject.
 * OUT: *out, the report as the API answers it. DB_ROW or an error. */
int hw_store_report(db_conn *c, const hw_scope *sc, bool per_class, int64_t limit, int64_t offset,
                    json_t **out);
/* The analysis per class: days the families' time passed the cap while the estimates fitted. */
json_t *hw_store_analysis_classes(db_conn *c, const hw_scope *sc);
/* Every item of the school's scope that families reported on, one call of each() a row. */
typedef struct {
    int64_t teacher_id;
    const char *teacher_name, *subject; /* borrowed for the call */
    int minutes;
    int64_t fb_count, fb_minutes;
} hw_reported_item;
int hw_store_reported_items(db_conn *c, const hw_scope *sc,
                            void (*each)(void *ctx, const hw_reported_item *x), void *ctx);
/* The matrix's classes of a school's grade over the week of dates[0..6] (Monday first), each
 * day's cell against limits[i] (-1: a vacation day, no daily cap). NULL on a store error. */
json_t *hw_store_matrix(db_conn *c, int64_t school_id, int grade, const char dates[7][11],
                        const int limits[7]);
/* A mean with one decimal, or null without a denominator; a share with three. */
json_t *hw_mean_json(int64_t sum, int64_t n);
json_t *hw_share_json(int64_t part, int64_t whole);

/* ---------- handlers ---------- */

/* board.c: the board handlers, and helpers api.c shares. Each _or_reply has replied when it
 * returns false. */
void homework_h_get_board(req *r);
void homework_h_get_board_print(req *r);
void homework_h_get_student_board(req *r);
bool hw_staff_of(req *r, const hw_class *cl); /* staff of the class's school, same district */
bool hw_class_day_or_reply(req *r, int64_t class_id, const char *date, hw_class *cl, hw_period *p);
bool hw_query_date_or_reply(req *r, const char *key, const char *dflt, char out[11]);
bool hw_student_class_or_reply(req *r, int64_t student_id, int64_t *class_id);

/* report.c: the report handlers the route table in api.c names. */
void homework_h_get_report(req *r);
void homework_h_get_report_xlsx(req *r);
void homework_h_get_analysis(req *r);

#endif
