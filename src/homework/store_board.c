/*
 * store_board.c: the class board's SQL (作业公示, HW-5; the handlers are in board.c).
 *
 * The board is what every family opens every evening, so it is read for speed: one statement
 * for the class, its day's calendar and the items together (hw_store_board), because on SQLite
 * each statement outside a transaction is a read transaction of its own, and under load
 * beginning and ending one cost more than the statement (bench/homework.md, part b). Its rows:
 *   the class (id, district_id, school_id, grade, name), the term's first_day and last_day and
 *   the date's calendar_days kind (NULL when none), then an item (id, subject, title, content,
 *   kind, tier, minutes, teacher name, marked_at), all NULL on the one row of a class-day
 *   without items; one row per item in id order, no row when there is no such class.
 * classes is read by its key, terms and calendar_days by their unique keys, the items through
 * homework_class_day. A vacation date adds the neighbouring term's bounds and the vacation's
 * written minutes; a guardian's scope check (board.c) adds one.
 */
#include <stdio.h>
#include <string.h>

#include "homework/homework_int.h"

/* The item columns id, subject, title, content, kind, tier, minutes, teacher name, marked_at,
 * and on a pupil's board minutes_spent, completed, bedtime (NULL without a report). */
static void add_item(arena *a, hw_board *b, db_row *row)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 8;
        hw_board_item *more = arena_alloc(a, cap * sizeof *more);
        if (b->n)
            memcpy(more, b->items, b->n * sizeof *more);
        b->items = more;
        b->cap = cap;
    }
    hw_board_item *it = &b->items[b->n++];
    memset(it, 0, sizeof *it);
    const char **texts[] = {&it->subject, &it->title, &it->content, &it->kind, &it->tier};
    it->id = db_next_int64(row);
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *t = db_next_text_ref(row);
        *texts[i] = arena_strndup(a, t, strlen(t));
    }
    it->minutes = (int)db_next_int64(row);
    const char *t = db_next_text_ref(row);
    it->teacher_name = arena_strndup(a, t, strlen(t));
    it->marked = !db_next_isnull(row);
    db_next_skip(row);
    it->written = strcmp(it->kind, "written") == 0;
    if (b->student_id > 0 && !db_next_isnull(row)) {
        it->has_feedback = true;
        it->spent = db_next_int64(row);
        it->completed = db_next_int64(row) != 0;
        it->bedtime = db_next_int64(row) != 0;
    } else if (b->student_id <= 0) { /* staff: the families' reports, summed */
        it->fb_count = db_next_int64(row);
        it->fb_minutes = db_next_int64(row);
    }
    b->written += it->written ? it->minutes : 0;
}

int hw_store_board(db_conn *c, arena *a, const policy *pol, int64_t class_id, const char *date,
                   hw_board *b)
{
    hw_day_head h;
    hw_day_head_init(&h, date);
    snprintf(b->date, sizeof b->date, "%s", date);
    db_stmt *s =
        db_query(c,
                 "SELECT c.id, c.district_id, c.school_id, c.grade, c.name,"
                 " t.first_day, t.last_day, d.kind,"
                 " h.id, h.subject, h.title, h.content, h.kind, h.tier, h.minutes, u.name,"
                 " h.marked_at, h.fb_count, h.fb_minutes"
                 " FROM classes c"
                 " LEFT JOIN terms t ON t.district_id = c.district_id AND t.term = $2"
                 " LEFT JOIN calendar_days d ON d.district_id = c.district_id AND d.date = $3"
                 " LEFT JOIN homework h ON h.class_id = c.id AND h.date = $3"
                 "  AND h.withdrawn_at IS NULL"
                 " LEFT JOIN users u ON u.id = h.teacher_id"
                 " WHERE c.id = $1 ORDER BY h.id",
                 class_id, h.term, date);
    if (!s)
        return DB_ERROR;
    bool found = false;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 8);
        if (!found) { /* the class and its day: the same on every row */
            row = db_row_at(s, 0);
            hw_class_row(&row, &b->cl);
            hw_day_head_row(&row, &h);
        }
        found = true;
        if (!db_next_isnull(&row))
            add_item(a, b, &row);
    }
    db_finalize(s);
    if (rc != DB_DONE)
        return rc;
    if (!found)
        return DB_DONE;
    return hw_store_period_of(c, pol, b->cl.district_id, b->cl.grade, &h, &b->p);
}

int hw_store_board_pupil(db_conn *c, arena *a, hw_board *b)
{
    db_stmt *s = db_query(c,
                          "SELECT h.id, h.subject, h.title, h.content, h.kind, h.tier, h.minutes,"
                          " u.name, h.marked_at, f.minutes_spent, f.completed, f.bedtime"
                          " FROM homework h JOIN users u ON u.id = h.teacher_id"
                          " LEFT JOIN homework_feedback f ON f.homework_id = h.id"
                          " AND f.student_id = $3"
                          " WHERE h.class_id = $1 AND h.date = $2 AND h.withdrawn_at IS NULL"
                          " ORDER BY h.id",
                          b->cl.id, b->date, b->student_id);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        add_item(a, b, &row);
    }
    db_finalize(s);
    return rc;
}

int hw_store_board_vacation(db_conn *c, hw_board *b)
{
    if (b->p.day != DAY_VACATION)
        return DB_DONE;
    hw_use use;
    int rc = hw_store_use(c, b->cl.id, b->p.from, b->p.to, b->date, NULL, 0, &use);
    b->vacation_written = use.written_minutes;
    return rc == DB_ROW ? DB_DONE : rc;
}
