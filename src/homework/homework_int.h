/*
 * homework_int.h: what store.c gives api.c inside the homework module (not for other modules;
 * they include homework.h).
 *
 * Every hw_store_* write runs inside the caller's write transaction, after the caller took the
 * locks homework.h describes; none commits or rolls back. Reads may run anywhere.
 */
#ifndef SJ_HOMEWORK_INT_H
#define SJ_HOMEWORK_INT_H

#include "homework/homework.h"

/* Keep the class-day's stored cap (hw_store_day_refresh). */
#define HW_KEEP_LIMIT (-1000)

typedef struct {
    int64_t id, district_id, school_id;
    int grade;
    char name[160];
} hw_class;

typedef struct {
    int64_t id, district_id, school_id, class_id, teacher_id;
    int grade;
    char date[11];
    char subject[64];
    char title[320];
    hw_kind kind;
    int minutes;
    int64_t fb_count, fb_minutes;
    bool withdrawn;
    int64_t marked_at;
} hw_item;

/* The cap that governs a class on a date, and the period it covers. */
typedef struct {
    day_kind day;
    hw_cap cap;
    char from[11], to[11];   /* the date itself, or the whole vacation */
    char term_first[11], term_last[11]; /* the term the date lies in, or next to */
} hw_period;

int hw_store_class(db_conn *c, int64_t class_id, hw_class *out);        /* DB_ROW / DB_DONE */
int hw_store_item(db_conn *c, int64_t id, hw_item *out);                /* DB_ROW / DB_DONE */
int hw_store_period(db_conn *c, const policy *pol, int64_t district_id, int grade,
                    const char *date, hw_period *out);                  /* DB_ROW or error */
/* The class and the period of its date in one query (and two more for a vacation date).
 * DB_ROW, DB_DONE when there is no such class, or an error. */
int hw_store_class_day(db_conn *c, const policy *pol, int64_t class_id, const char *date,
                       hw_class *cl, hw_period *out);

/* The class board's one query (board.c): the class, its day's term bounds and calendar row,
 * and the day's active items with their teacher's name, in one statement and so one read
 * transaction. hw_store_board_open returns it bound (NULL on a store error); its rows are
 *   0-4  the class: id, district_id, school_id, grade, name (hw_store_board_head reads them)
 *   5-7  the term's first_day, last_day, the date's calendar_days kind (NULL when none)
 *   8-16 an item: id, subject, title, content, kind, tier, minutes, teacher name, marked_at,
 *        all NULL on the one row of a class-day without items,
 * one row per item in id order; no row when there is no such class. The caller finalizes it,
 * then hw_store_board_period gives the period (two more queries for a vacation date). */
typedef struct {
    char date[11], term[16], first[11], last[11], kind[16];
} hw_board_head;
db_stmt *hw_store_board_open(db_conn *c, int64_t class_id, const char *date, hw_board_head *h);
void hw_store_board_head(db_stmt *s, hw_class *cl, hw_board_head *h);
int hw_store_board_period(db_conn *c, const policy *pol, const hw_class *cl,
                          const hw_board_head *h, hw_period *out);       /* DB_ROW or error */

/* Written minutes of a class in [from, to], and on `date`: the distinct written subjects and
 * whether `subject` is among them. Withdrawn items and `except_id` (0: none) are left out. */
typedef struct {
    int written_minutes;
    int written_subjects;
    bool subject_seen;
} hw_use;
int hw_store_use(db_conn *c, int64_t class_id, const char *from, const char *to, const char *date,
                 const char *subject, int64_t except_id, hw_use *out);

/* The written items of a class in [from, to] (what uses the minutes), as JSON. */
json_t *hw_store_written_items(db_conn *c, int64_t class_id, const char *from, const char *to);

/* Recomputes homework_days for (class, date) from its items and carries the change into
 * homework_school_days. limit: the cap to store, or HW_KEEP_LIMIT. */
int hw_store_day_refresh(db_conn *c, const hw_class *cl, const char *date, int limit);

/* Adds deltas to homework_subject_totals (the district's day, grade and subject). */
typedef struct {
    int64_t items, minutes, written_items, written_minutes, fb_count, fb_minutes, fb_estimate;
} hw_subject_delta;
int hw_store_subject_add(db_conn *c, const hw_class *cl, const char *date, const char *subject,
                         const hw_subject_delta *d);

/* Takes the locks of a write: the class-vacation lock first when `p` is a vacation period, then
 * the class-day locks of date1 and date2 (NULL or equal: one) in ascending order. */
int hw_store_lock(db_conn *c, int64_t class_id, const hw_period *p, const char *date1,
                  const char *date2);

/* board.c: the board handlers, and helpers api.c shares. Each _or_reply has replied when it
 * returns false. */
void homework_h_get_board(req *r);
void homework_h_get_board_print(req *r);
void homework_h_get_student_board(req *r);
bool hw_staff_of(req *r, const hw_class *cl);  /* staff of the class's school, same district */
bool hw_class_day_or_reply(req *r, int64_t class_id, const char *date, hw_class *cl, hw_period *p);
bool hw_query_date_or_reply(req *r, const char *key, const char *dflt, char out[11]);
bool hw_student_class_or_reply(req *r, int64_t student_id, int64_t *class_id);

/* report.c: the report handlers the route table in api.c names. */
void homework_h_get_report(req *r);
void homework_h_get_report_xlsx(req *r);
void homework_h_get_analysis(req *r);

#endif
