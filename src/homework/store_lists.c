/*
 * store_lists.c: the homework item lists' SQL (homework_int.h): one item as the API shows it,
 * a class's or a teacher's items, a school's unmarked items (HW-8) and their count per teacher,
 * a teacher's changes by a grade leader, a teacher's bedtime reports (HW-10) and the class-days
 * whose reported time passes the written estimate (HW-5). Reads only, on the caller's connection;
 * each list is a whole statement and its count, no SQL assembled from pieces.
 */
#include "homework/homework_int.h"

/* Rows of the item columns (h.id, h.class_id, c.name, h.date, h.subject, h.title, h.content,
 * h.kind, h.tier, h.minutes, h.teacher_id, u.name, h.marked_at, h.fb_count, h.fb_minutes,
 * h.fb_unfinished, h.policy_version) into JSON, with the reported mean and whether it runs
 * long; finalizes s. NULL on a store error. */
static json_t *items_json(db_stmt *s)
{
    if (!s)
        return NULL;
    json_t *arr = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        json_int_t id = db_next_int64(&row), class_id = db_next_int64(&row);
        json_t *o = json_pack("{s:I,s:I}", "id", id, "class_id", class_id);
        static const char *const texts[] = {"class_name", "date", "subject", "title",
                                            "content",    "kind", "tier"};
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
            json_object_set_new(o, texts[i], json_string(db_next_text_ref(&row)));
        int minutes = (int)db_next_int64(&row);
        json_object_set_new(o, "minutes", json_integer(minutes));
        json_object_set_new(o, "teacher_id", json_integer(db_next_int64(&row)));
        json_object_set_new(o, "teacher_name", json_string(db_next_text_ref(&row)));
        json_object_set_new(o, "marked", json_boolean(!db_next_isnull(&row)));
        db_next_skip(&row);
        int64_t fbc = db_next_int64(&row), fbm = db_next_int64(&row);
        json_t *fb = json_pack("{s:I,s:I}", "count", (json_int_t)fbc, "unfinished",
                               (json_int_t)db_next_int64(&row));
        json_object_set_new(o, "policy_version", json_string(db_next_text_ref(&row)));
        if (fbc > 0) {
            int rep = homework_reported_minutes(minutes, fbc, fbm);
            json_object_set_new(fb, "avg_minutes", json_integer(rep));
            json_object_set_new(fb, "longer_than_estimate", json_boolean(rep * 4 >= minutes * 5));
        } else {
            json_object_set_new(fb, "avg_minutes", json_null());
            json_object_set_new(fb, "longer_than_estimate", json_false());
        }
        json_object_set_new(o, "feedback", fb);
        json_array_append_new(arr, o);
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* {"items","total"} from an item query and its count (rc of db_query_int64); NULL on an error. */
static json_t *items_page(json_t *items, int count_rc, int64_t total)
{
    if (!items || count_rc != DB_ROW) {
        json_decref(items);
        return NULL;
    }
    return list_json(items, total);
}

json_t *hw_store_item_json(db_conn *c, int64_t id)
{
    json_t *items = items_json(db_query(
        c,
        "SELECT h.id, h.class_id, c.name, h.date, h.subject, h.title, h.content, h.kind, h.tier,"
        " h.minutes, h.teacher_id, u.name, h.marked_at, h.fb_count, h.fb_minutes, h.fb_unfinished,"
        " h.policy_version FROM homework h JOIN classes c ON c.id = h.class_id"
        " JOIN users u ON u.id = h.teacher_id WHERE h.id = $1",
        id));
    json_t *o = json_array_size(items) == 1 ? json_incref(json_array_get(items, 0)) : NULL;
    json_decref(items);
    return o;
}

json_t *hw_store_items(db_conn *c, const hw_items_q *q, int64_t limit, int64_t offset)
{
    int64_t total = 0;
    json_t *items;
    int rc;
    /* items reach the class-day index through a class: the one asked for, or the classes the
     * teacher teaches (their own items are in those) */
    if (q->teacher_id) {
        items = items_json(db_query(
            c,
            "SELECT h.id, h.class_id, c.name, h.date, h.subject, h.title, h.content, h.kind, "
            "h.tier,"
            " h.minutes, h.teacher_id, u.name, h.marked_at, h.fb_count, h.fb_minutes,"
            " h.fb_unfinished, h.policy_version FROM homework h JOIN classes c ON c.id = h.class_id"
            " JOIN users u ON u.id = h.teacher_id"
            " WHERE h.class_id IN (SELECT t.class_id FROM teaching t WHERE t.user_id = $4)"
            " AND h.teacher_id = $4 AND ($3 = 0 OR h.class_id = $3)"
            " AND h.withdrawn_at IS NULL AND h.date >= $1 AND h.date <= $2"
            " AND ($5 = 0 OR (h.marked_at IS NULL AND h.kind = 'written'))"
            " ORDER BY h.date DESC, h.class_id, h.id LIMIT $6 OFFSET $7",
            q->from, q->to, q->class_id, q->teacher_id, q->unmarked, limit, offset));
        rc = db_query_int64(
            c, &total,
            "SELECT COUNT(*) FROM homework h"
            " WHERE h.class_id IN (SELECT t.class_id FROM teaching t WHERE t.user_id = $4)"
            " AND h.teacher_id = $4 AND ($3 = 0 OR h.class_id = $3)"
            " AND h.withdrawn_at IS NULL AND h.date >= $1 AND h.date <= $2"
            " AND ($5 = 0 OR (h.marked_at IS NULL AND h.kind = 'written'))",
            q->from, q->to, q->class_id, q->teacher_id, q->unmarked);
    } else {
        items = items_json(db_query(
            c,
            "SELECT h.id, h.class_id, c.name, h.date, h.subject, h.title, h.content, h.kind, "
            "h.tier,"
            " h.minutes, h.teacher_id, u.name, h.marked_at, h.fb_count, h.fb_minutes,"
            " h.fb_unfinished, h.policy_version FROM homework h JOIN classes c ON c.id = h.class_id"
            " JOIN users u ON u.id = h.teacher_id"
            " WHERE h.class_id = $3 AND h.withdrawn_at IS NULL AND h.date >= $1 AND h.date <= $2"
            " AND ($4 = 0 OR (h.marked_at IS NULL AND h.kind = 'written'))"
            " ORDER BY h.date DESC, h.class_id, h.id LIMIT $5 OFFSET $6",
            q->from, q->to, q->class_id, q->unmarked, limit, offset));
        rc = db_query_int64(
            c, &total,
            "SELECT COUNT(*) FROM homework h"
            " WHERE h.class_id = $3 AND h.withdrawn_at IS NULL AND h.date >= $1 AND h.date <= $2"
            " AND ($4 = 0 OR (h.marked_at IS NULL AND h.kind = 'written'))",
            q->from, q->to, q->class_id, q->unmarked);
    }
    return items_page(items, rc, total);
}

json_t *hw_store_unmarked(db_conn *c, int64_t school_id, const char *since, const char *until,
                          int64_t limit, int64_t offset)
{
    int64_t total = 0;
    json_t *items = items_json(db_query(
        c,
        "SELECT h.id, h.class_id, c.name, h.date, h.subject, h.title, h.content, h.kind, h.tier,"
        " h.minutes, h.teacher_id, u.name, h.marked_at, h.fb_count, h.fb_minutes, h.fb_unfinished,"
        " h.policy_version FROM homework h JOIN classes c ON c.id = h.class_id"
        " JOIN users u ON u.id = h.teacher_id"
        " WHERE h.class_id IN (SELECT id FROM classes WHERE school_id = $1)"
        " AND h.date <= $2 AND h.date >= $3"
        " AND h.kind = 'written' AND h.marked_at IS NULL AND h.withdrawn_at IS NULL"
        " ORDER BY h.date, c.grade, c.name, h.id LIMIT $4 OFFSET $5",
        school_id, until, since, limit, offset));
    int rc = db_query_int64(c, &total,
                            "SELECT COUNT(*) FROM homework h"
                            " WHERE h.class_id IN (SELECT id FROM classes WHERE school_id = $1)"
                            " AND h.date <= $2 AND h.date >= $3 AND h.kind = 'written'"
                            " AND h.marked_at IS NULL AND h.withdrawn_at IS NULL",
                            school_id, until, since);
    return items_page(items, rc, total);
}

json_t *hw_store_changes(db_conn *c, int64_t teacher_id, bool unread_only, int64_t limit,
                         int64_t offset)
{
    return db_list_page(
        c,
        "SELECT x.id, x.homework_id, h.title, h.subject, h.class_id, c.name, x.from_date,"
        " x.to_date, x.from_minutes, x.to_minutes, x.reason, u.name, x.created_at,"
        " CASE WHEN x.read_at IS NULL THEN 0 ELSE 1 END"
        " FROM homework_changes x JOIN homework h ON h.id = x.homework_id"
        " JOIN classes c ON c.id = h.class_id JOIN users u ON u.id = x.by_user"
        " WHERE x.teacher_id = $1 AND ($2 = 0 OR x.read_at IS NULL) ORDER BY x.id DESC",
        "SELECT COUNT(*) FROM homework_changes x WHERE x.teacher_id = $1"
        " AND ($2 = 0 OR x.read_at IS NULL)",
        "id:i,homework_id:i,title:s,subject:s,class_id:i,class_name:s,from_date:s,to_date:s,"
        "from_minutes:i,to_minutes:i,reason:s,by_name:s,at_unix:i,read:b",
        limit, offset, teacher_id, unread_only);
}

json_t *hw_store_unmarked_teachers(db_conn *c, int64_t school_id, const char *since,
                                   const char *until, int64_t limit, int64_t offset)
{
    return db_list_page(
        c,
        "SELECT h.teacher_id, u.name, COUNT(*), MIN(h.date), COUNT(DISTINCT h.class_id)"
        " FROM homework h JOIN users u ON u.id = h.teacher_id"
        " WHERE h.class_id IN (SELECT id FROM classes WHERE school_id = $1)"
        " AND h.date <= $2 AND h.date >= $3"
        " AND h.kind = 'written' AND h.marked_at IS NULL AND h.withdrawn_at IS NULL"
        " GROUP BY h.teacher_id, u.name ORDER BY COUNT(*) DESC, MIN(h.date), h.teacher_id",
        "SELECT COUNT(DISTINCT h.teacher_id) FROM homework h"
        " WHERE h.class_id IN (SELECT id FROM classes WHERE school_id = $1)"
        " AND h.date <= $2 AND h.date >= $3"
        " AND h.kind = 'written' AND h.marked_at IS NULL AND h.withdrawn_at IS NULL",
        "teacher_id:i,teacher_name:s,items:i,oldest_date:s,classes:i", limit, offset, school_id,
        until, since);
}

json_t *hw_store_bedtime(db_conn *c, int64_t teacher_id, const char *date, int64_t limit,
                         int64_t offset)
{
    return db_list_page(
        c,
        "SELECT f.id, h.id, h.class_id, c.name, h.date, h.subject, h.title, h.kind, h.minutes,"
        " f.student_id, s.name, f.minutes_spent"
        " FROM homework_feedback f JOIN homework h ON h.id = f.homework_id"
        " JOIN classes c ON c.id = h.class_id JOIN students s ON s.id = f.student_id"
        " WHERE h.teacher_id = $1 AND h.date = $2 AND f.bedtime = 1 AND h.withdrawn_at IS NULL"
        " ORDER BY c.grade, c.name, h.id, s.student_no",
        "SELECT COUNT(*) FROM homework_feedback f JOIN homework h ON h.id = f.homework_id"
        " WHERE h.teacher_id = $1 AND h.date = $2 AND f.bedtime = 1 AND h.withdrawn_at IS NULL",
        "id:i,homework_id:i,class_id:i,class_name:s,date:s,subject:s,title:s,kind:s,minutes:i,"
        "student_id:i,student_name:s,minutes_spent:i",
        limit, offset, teacher_id, date);
}

/* The class-day's reported time: per reported item of any kind its families' mean, rounded
 * half up as homework_reported_minutes does. The HAVING clause is homework_relabel_suspect's
 * comparison, with its policy number passed in. */
#define HW_REPORTED_MEAN "(2 * h.fb_minutes + h.fb_count) / (2 * h.fb_count)"

json_t *hw_store_relabel(db_conn *c, int64_t school_id, const char *from, const char *to,
                         int64_t excess, int64_t limit, int64_t offset)
{
    return db_list_page(
        c,
        "SELECT h.class_id, c.name, c.grade, h.date,"
        " SUM(CASE WHEN h.kind = 'written' THEN h.minutes ELSE 0 END),"
        " SUM(CASE WHEN h.kind <> 'written' THEN h.minutes ELSE 0 END),"
        " SUM(CASE WHEN h.fb_count > 0 THEN " HW_REPORTED_MEAN " ELSE 0 END),"
        " SUM(CASE WHEN h.fb_count > 0 THEN 1 ELSE 0 END)"
        " FROM homework h JOIN classes c ON c.id = h.class_id"
        " WHERE c.school_id = $1 AND h.date >= $2 AND h.date <= $3 AND h.withdrawn_at IS NULL"
        " GROUP BY h.class_id, c.name, c.grade, h.date"
        " HAVING SUM(CASE WHEN h.fb_count > 0 THEN " HW_REPORTED_MEAN " ELSE 0 END)"
        " - SUM(CASE WHEN h.kind = 'written' THEN h.minutes ELSE 0 END) > $4"
        " ORDER BY h.date DESC, c.grade, c.name",
        "SELECT COUNT(*) FROM (SELECT h.class_id FROM homework h JOIN classes c"
        " ON c.id = h.class_id"
        " WHERE c.school_id = $1 AND h.date >= $2 AND h.date <= $3 AND h.withdrawn_at IS NULL"
        " GROUP BY h.class_id, h.date"
        " HAVING SUM(CASE WHEN h.fb_count > 0 THEN " HW_REPORTED_MEAN " ELSE 0 END)"
        " - SUM(CASE WHEN h.kind = 'written' THEN h.minutes ELSE 0 END) > $4) t",
        "class_id:i,class_name:s,grade:i,date:s,written_minutes:i,other_minutes:i,"
        "reported_minutes:i,reported_items:i",
        limit, offset, school_id, from, to, excess);
}
