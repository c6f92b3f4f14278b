/*
 * store_enrol.c: enrolment with wait lists, leaving with the wait list moving up, ranked
 * choices and their lottery allocation, and the lists of enrolments and choices.
 *
 * Concurrency (DESIGN.md "writes that check a limit"): an enrolment locks the pupil
 * (DB_LOCK_STUDENT: two enrolments of one pupil cannot both miss a clash) and then the program
 * (DB_LOCK_PROGRAM: the count of seats and the insert are one step); every writer that moves
 * seats of a program (enrol, leaving with promotion, allocation, roll) takes that program's
 * lock, pupils before programs, programs in id order, so no two writers wait on each other in
 * a circle. The wait list is the program's waitlisted rows in id order.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afterschool_int.h"

/* ---------- reads ---------- */

int as_store_enrolment(db_conn *c, int64_t id, as_enrolment_ref *out)
{
    db_stmt *s = db_query(c,
                          "SELECT id, program_id, student_id, school_id, district_id"
                          " FROM afterschool_enrolments"
                          " WHERE id = $1 AND status IN ('enrolled', 'waitlisted')",
                          id);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        out->id = db_next_int64(&row);
        out->program_id = db_next_int64(&row);
        out->student_id = db_next_int64(&row);
        out->school_id = db_next_int64(&row);
        out->district_id = db_next_int64(&row);
    }
    db_finalize(s);
    return rc;
}

json_t *as_store_program_enrolments(db_conn *c, int64_t program_id, int64_t limit, int64_t offset)
{
    return db_list_page(
        c,
        "SELECT e.id, e.student_id, e.status,"
        " CASE WHEN e.status = 'waitlisted' THEN"
        " ROW_NUMBER() OVER (PARTITION BY e.status ORDER BY e.id) END,"
        " s.name, c.name, c.grade, e.seat_from, e.source"
        " FROM afterschool_enrolments e JOIN students s ON s.id = e.student_id"
        " JOIN classes c ON c.id = s.class_id"
        " WHERE e.program_id = $1 AND e.status IN ('enrolled', 'waitlisted')"
        " ORDER BY CASE WHEN e.status = 'enrolled' THEN 0 ELSE 1 END, e.id",
        "SELECT COUNT(*) FROM afterschool_enrolments WHERE program_id = $1"
        " AND status IN ('enrolled', 'waitlisted')",
        "id:i,student_id:i,status:s,position:I,student_name:s,class_name:s,grade:i,seat_from:S,"
        "source:s",
        limit, offset, program_id);
}

json_t *as_store_student_enrolments(db_conn *c, int64_t student_id, const char *term, int64_t limit,
                                    int64_t offset)
{
    return db_list_page(
        c,
        "SELECT e.id, e.program_id, p.name, p.kind, p.term, e.status,"
        " CASE WHEN e.status = 'waitlisted' THEN (SELECT COUNT(*) FROM"
        " afterschool_enrolments w WHERE w.program_id = e.program_id"
        " AND w.status = 'waitlisted' AND w.id <= e.id) END,"
        " e.seat_from, e.left_on, p.start_time, p.end_time, p.weekdays,"
        " p.fee_per_hour_fen, p.place"
        " FROM afterschool_enrolments e JOIN afterschool_programs p ON p.id = e.program_id"
        " WHERE e.student_id = $1 AND ($2 = '' OR p.term = $2)"
        " ORDER BY p.term DESC, p.kind, p.start_min, e.id",
        "SELECT COUNT(*) FROM afterschool_enrolments e JOIN afterschool_programs p"
        " ON p.id = e.program_id WHERE e.student_id = $1 AND ($2 = '' OR p.term = $2)",
        "id:i,program_id:i,program_name:s,kind:s,term:s,status:s,position:I,"
        "seat_from:S,left_on:S,start:s,end:s,weekdays_mask:i,fee_per_hour_fen:i,place:S",
        limit, offset, student_id, term ? term : "");
}

json_t *as_store_choices(db_conn *c, int64_t student_id, const char *term, int64_t limit,
                         int64_t offset)
{
    return db_list_page(c,
                        "SELECT c.rank, c.program_id, p.name, p.kind FROM afterschool_choices c"
                        " JOIN afterschool_programs p ON p.id = c.program_id"
                        " WHERE c.student_id = $1 AND c.term = $2 ORDER BY c.rank",
                        "SELECT COUNT(*) FROM afterschool_choices WHERE student_id = $1"
                        " AND term = $2",
                        "rank:i,program_id:i,name:s,kind:s", limit, offset, student_id, term);
}

/* ---------- enrolment ---------- */

int as_enrolment_insert(db_conn *c, const as_enrolment_row *e, int64_t *id)
{
    int64_t ignored = 0;
    return db_insert_id(c, id ? id : &ignored,
                        "INSERT INTO afterschool_enrolments (district_id, school_id, program_id,"
                        " student_id, status, seat_from, source, created_at, created_by,"
                        " updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$8) RETURNING id",
                        e->district_id, e->school_id, e->program_id, e->student_id,
                        e->seat ? "enrolled" : "waitlisted", e->seat ? e->seat_from : NULL,
                        e->source, e->at, e->actor);
}

/* Another program of the pupil that clashes with p (AS-7 lets care and a course overlap).
 * OUT: *clash_id, name (may be NULL). DB_DONE when none, DB_ROW when one, or an error. */
static int find_clash(db_conn *c, int64_t student_id, const as_program_row *p, int64_t *clash_id,
                      char *name, size_t namelen)
{
    db_stmt *s = db_query(c,
                          "SELECT " AS_PROGRAM_FIELDS AS_PROGRAM_FROM
                          " JOIN afterschool_enrolments e ON e.program_id = p.id"
                          " WHERE e.student_id = $1 AND e.status IN ('enrolled', 'waitlisted')"
                          " AND p.term = $2 AND p.id <> $3",
                          student_id, p->term, p->p.id);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        as_program_row other;
        db_row row = db_row_at(s, 0);
        as_program_read(&row, &other);
        if (afterschool_clash(&p->p, &other.p)) {
            *clash_id = other.p.id;
            if (name)
                snprintf(name, namelen, "%s", other.name);
            break;
        }
    }
    db_finalize(s);
    return rc;
}

static int count_enrolled(db_conn *c, int64_t program_id, int64_t *n)
{
    return db_query_int64(c, n,
                          "SELECT COUNT(*) FROM afterschool_enrolments WHERE program_id = $1"
                          " AND status = 'enrolled'",
                          program_id);
}

static verdict enrol_tx(db_conn *c, const as_enrol_in *in, as_enrol_out *out)
{
    int rc = db_lock(c, DB_LOCK_STUDENT, in->student_id);
    if (rc == DB_OK)
        rc = db_lock(c, DB_LOCK_PROGRAM, in->program_id);
    if (rc != DB_OK)
        return verdict_db(rc);
    as_program_row p;
    rc = as_program_load(c, in->program_id, &p);
    if (rc != DB_ROW)
        return rc == DB_DONE ? verdict_err(SJ_ERR_NOT_FOUND, NULL) : verdict_db(rc);
    if (!p.open || strcmp(p.p.last_day, in->today) < 0)
        return verdict_err(SJ_ERR_PROGRAM_CLOSED, NULL);
    int64_t existing = 0;
    rc = db_query_int64(c, &existing,
                        "SELECT id FROM afterschool_enrolments WHERE program_id = $1"
                        " AND student_id = $2 AND status IN ('enrolled', 'waitlisted')",
                        in->program_id, in->student_id);
    if (rc == DB_ROW) {
        verdict v = verdict_err(SJ_ERR_ALREADY_ENROLLED, NULL);
        verdict_num(&v, "enrolment_id", existing);
        return v;
    }
    int64_t clash = 0, enrolled = 0;
    if (rc == DB_DONE)
        rc = find_clash(c, in->student_id, &p, &clash, out->clash_name, sizeof out->clash_name);
    if (rc == DB_ROW) {
        verdict v = verdict_err(SJ_ERR_TIME_CLASH, NULL);
        verdict_num(&v, "program_id", clash);
        verdict_str(&v, "program_name", out->clash_name);
        return v;
    }
    if (rc == DB_DONE)
        rc = count_enrolled(c, in->program_id, &enrolled);
    if (rc != DB_ROW)
        return verdict_db(rc == DB_DONE ? DB_ERROR : rc);
    out->seat = enrolled < p.capacity;
    as_date_max(p.p.first_day, in->today, out->seat_from);
    as_enrolment_row e = {.district_id = in->district_id,
                          .school_id = p.school_id,
                          .program_id = in->program_id,
                          .student_id = in->student_id,
                          .actor = in->actor,
                          .at = in->at,
                          .seat = out->seat,
                          .seat_from = out->seat_from,
                          .source = "guardian"};
    rc = as_enrolment_insert(c, &e, &out->id);
    if (rc == DB_DONE && !out->seat)
        rc = db_query_int64(c, &out->position,
                            "SELECT COUNT(*) FROM afterschool_enrolments WHERE program_id = $1"
                            " AND status = 'waitlisted' AND id <= $2",
                            in->program_id, out->id) == DB_ROW
                 ? DB_DONE
                 : DB_ERROR;
    if (rc == DB_CONSTRAINT)
        return verdict_err(SJ_ERR_ALREADY_ENROLLED, NULL);
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc);
}

verdict afterschool_enrol(db_conn *c, const as_enrol_in *in, as_enrol_out *out)
{
    memset(out, 0, sizeof *out);
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return as_finish(c, verdict_db(rc));
    return as_finish(c, enrol_tx(c, in, out));
}

/* Gives free seats to the wait list in order, from `from`. Inside the program's lock. */
static int promote_waitlist(db_conn *c, const as_program_row *p, const char *from, int64_t at)
{
    for (;;) {
        int64_t enrolled = 0, next = 0;
        int rc = count_enrolled(c, p->p.id, &enrolled);
        if (rc != DB_ROW)
            return rc;
        if (enrolled >= p->capacity)
            return DB_DONE;
        rc = db_query_int64(c, &next,
                            "SELECT id FROM afterschool_enrolments WHERE program_id = $1"
                            " AND status = 'waitlisted' ORDER BY id LIMIT 1",
                            p->p.id);
        if (rc == DB_DONE)
            return DB_DONE;
        if (rc != DB_ROW)
            return rc;
        rc = db_run(c,
                    "UPDATE afterschool_enrolments SET status = 'enrolled', seat_from = $2,"
                    " updated_at = $3 WHERE id = $1",
                    next, from, at);
        if (rc != DB_DONE)
            return rc;
    }
}

static verdict withdraw_tx(db_conn *c, int64_t id, const char *left_on, const char *today,
                           int64_t at)
{
    int64_t program_id = 0;
    int rc = db_query_int64(c, &program_id,
                            "SELECT program_id FROM afterschool_enrolments WHERE id = $1", id);
    if (rc == DB_ROW)
        rc = db_lock(c, DB_LOCK_PROGRAM, program_id);
    as_program_row p;
    if (rc == DB_OK)
        rc = as_program_load(c, program_id, &p);
    if (rc != DB_ROW)
        return rc == DB_DONE ? verdict_err(SJ_ERR_NOT_FOUND, NULL) : verdict_db(rc);
    db_stmt *s =
        db_query(c, "SELECT status, seat_from FROM afterschool_enrolments WHERE id = $1", id);
    rc = s ? db_step(s) : DB_ERROR;
    char status[16] = "", seat_from[AS_DATE_LEN] = "";
    if (rc == DB_ROW) {
        DB_COL_COPY(s, 0, status);
        DB_COL_COPY(s, 1, seat_from);
    }
    db_finalize(s);
    if (rc != DB_ROW)
        return verdict_db(rc == DB_DONE ? DB_ERROR : rc);
    bool had_seat = strcmp(status, "enrolled") == 0;
    if (!had_seat && strcmp(status, "waitlisted") != 0)
        return verdict_err(SJ_ERR_NOT_FOUND, NULL); /* someone else cancelled it a moment ago */
    const char *new_status = had_seat && strcmp(seat_from, left_on) < 0 ? "left" : "cancelled";
    rc = db_run(c,
                "UPDATE afterschool_enrolments SET status = $2, left_on = $3, updated_at = $4"
                " WHERE id = $1",
                id, new_status, had_seat ? left_on : NULL, at);
    if (rc == DB_DONE && had_seat) {
        char from[AS_DATE_LEN];
        as_date_max(p.p.first_day, today, from);
        as_date_max(from, left_on, from);
        rc = promote_waitlist(c, &p, from, at);
    }
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc);
}

verdict afterschool_withdraw(db_conn *c, int64_t enrolment_id, const char *left_on,
                             const char *today, int64_t at)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return as_finish(c, verdict_db(rc));
    return as_finish(c, withdraw_tx(c, enrolment_id, left_on, today, at));
}

/* ---------- ranked choices ---------- */

static verdict choices_tx(db_conn *c, const as_choices_in *in, char (*names)[256])
{
    for (size_t i = 0; i < in->n; i++) {
        as_program_row p;
        int rc = as_program_load(c, in->program_ids[i], &p);
        if (rc != DB_ROW && rc != DB_DONE)
            return verdict_db(rc);
        if (rc == DB_DONE || p.school_id != in->school_id || strcmp(p.term, in->term) != 0 ||
            !p.open) {
            verdict v = verdict_err(SJ_ERR_BAD_FIELD, "afterschool.choice_not_open");
            verdict_str(&v, "field", "program_ids");
            verdict_num(&v, "index", (int64_t)i);
            return v;
        }
        snprintf(names[i], 256, "%s", p.name);
    }
    int rc = db_run(c, "DELETE FROM afterschool_choices WHERE student_id = $1 AND term = $2",
                    in->student_id, in->term);
    for (size_t i = 0; rc == DB_DONE && i < in->n; i++)
        rc = db_run(c,
                    "INSERT INTO afterschool_choices (district_id, school_id, term, student_id,"
                    " program_id, rank, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
                    in->district_id, in->school_id, in->term, in->student_id, in->program_ids[i],
                    (int64_t)i + 1, in->at, in->actor);
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc);
}

verdict afterschool_choices_put(db_conn *c, const as_choices_in *in, char (*names)[256])
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return as_finish(c, verdict_db(rc));
    return as_finish(c, choices_tx(c, in, names));
}

/* ---------- the fair allocation ---------- */

enum { ALLOC_MAX_PROGRAMS = 500, ALLOC_MAX_PUPILS = 20000 };

typedef struct {
    int64_t student_id;
    int nchoices;
    int64_t program[AS_MAX_CHOICES];
} alloc_row;

/* Everything one run holds in memory, freed at its end. */
typedef struct {
    as_program_row *progs;
    size_t np;
    int64_t *seats;
    alloc_row *rows;
    size_t nrows;
    as_alloc_pupil *pupils;
    int *assign;
    size_t *order;
} alloc_run;

static void alloc_free(alloc_run *a)
{
    free(a->progs);
    free(a->seats);
    free(a->rows);
    free(a->pupils);
    free(a->assign);
    free(a->order);
}

static void *alloc_or_abort(size_t n)
{
    void *p = calloc(n ? n : 1, 1);
    if (!p)
        abort();
    return p;
}

/* The programs (locked in id order) and their free seats. */
static int alloc_programs(db_conn *c, const as_alloc_in *in, alloc_run *a)
{
    a->progs = alloc_or_abort(sizeof *a->progs * ALLOC_MAX_PROGRAMS);
    int rc =
        as_store_open_programs(c, in->school_id, in->term, a->progs, ALLOC_MAX_PROGRAMS, &a->np);
    for (size_t i = 0; rc == DB_OK && i < a->np; i++)
        rc = db_lock(c, DB_LOCK_PROGRAM, a->progs[i].p.id);
    a->seats = alloc_or_abort(sizeof *a->seats * (a->np + 1));
    for (size_t i = 0; rc == DB_OK && i < a->np; i++) {
        int64_t enrolled = 0;
        rc = count_enrolled(c, a->progs[i].p.id, &enrolled);
        rc = rc == DB_ROW ? DB_OK : rc == DB_DONE ? DB_ERROR : rc;
        a->seats[i] = a->progs[i].capacity > enrolled ? a->progs[i].capacity - enrolled : 0;
    }
    return rc;
}

/* The choices, pupil by pupil, of pupils without a seat in any of them. */
static int alloc_choices(db_conn *c, const as_alloc_in *in, alloc_run *a)
{
    a->rows = alloc_or_abort(sizeof *a->rows * ALLOC_MAX_PUPILS);
    db_stmt *s = db_query(c,
                          "SELECT c.student_id, c.program_id FROM afterschool_choices c"
                          " WHERE c.school_id = $1 AND c.term = $2 AND NOT EXISTS (SELECT 1 FROM"
                          " afterschool_enrolments e JOIN afterschool_choices c2 ON c2.program_id ="
                          " e.program_id AND c2.student_id = e.student_id AND c2.term = c.term"
                          " WHERE e.student_id = c.student_id AND e.status = 'enrolled')"
                          " ORDER BY c.student_id, c.rank",
                          in->school_id, in->term);
    int rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        int64_t sid = db_next_int64(&row), pid = db_next_int64(&row);
        if (a->nrows == 0 || a->rows[a->nrows - 1].student_id != sid) {
            if (a->nrows == ALLOC_MAX_PUPILS)
                break;
            a->rows[a->nrows++].student_id = sid;
        }
        alloc_row *ar = &a->rows[a->nrows - 1];
        if (ar->nchoices < AS_MAX_CHOICES)
            ar->program[ar->nchoices++] = pid;
    }
    db_finalize(s);
    return rc == DB_DONE || rc == DB_ROW ? DB_OK : rc;
}

/* The choices as program indexes, without programs that are closed or would clash. */
static int alloc_pupils(db_conn *c, alloc_run *a)
{
    a->pupils = alloc_or_abort(sizeof *a->pupils * (a->nrows + 1));
    for (size_t i = 0; i < a->nrows; i++) {
        for (int k = 0; k < a->rows[i].nchoices; k++) {
            int idx = -1;
            for (size_t j = 0; j < a->np; j++)
                if (a->progs[j].p.id == a->rows[i].program[k])
                    idx = (int)j;
            if (idx < 0)
                continue;
            int64_t clash = 0;
            int rc = find_clash(c, a->rows[i].student_id, &a->progs[idx], &clash, NULL, 0);
            if (rc != DB_ROW && rc != DB_DONE)
                return rc;
            if (!clash)
                a->pupils[i].choice[a->pupils[i].nchoices++] = idx;
        }
    }
    return DB_OK;
}

/* In lottery order: a seat from the pupil's best choice with one left, else the wait list of
 * their first choice (unless they wait there already). */
static int alloc_write(db_conn *c, const as_alloc_in *in, alloc_run *a, as_alloc_out *out)
{
    int rc = DB_DONE;
    for (size_t k = 0; rc == DB_DONE && k < a->nrows; k++) {
        size_t i = a->order[k];
        if (a->pupils[i].nchoices == 0)
            continue;
        bool seat = a->assign[i] >= 0;
        const as_program_row *p = &a->progs[seat ? a->assign[i] : a->pupils[i].choice[0]];
        char from[AS_DATE_LEN];
        as_date_max(p->p.first_day, in->today, from);
        int64_t existing = 0;
        rc = db_query_int64(c, &existing,
                            "SELECT id FROM afterschool_enrolments WHERE program_id = $1"
                            " AND student_id = $2 AND status = 'waitlisted'",
                            p->p.id, a->rows[i].student_id);
        if (rc == DB_ROW && seat) {
            rc = db_run(c,
                        "UPDATE afterschool_enrolments SET status = 'enrolled', seat_from = $2,"
                        " source = 'allocation', updated_at = $3 WHERE id = $1",
                        existing, from, in->at);
            out->placed++;
        } else if (rc == DB_ROW) {
            rc = DB_DONE; /* already waiting there */
        } else if (rc == DB_DONE) {
            as_enrolment_row e = {.district_id = in->district_id,
                                  .school_id = in->school_id,
                                  .program_id = p->p.id,
                                  .student_id = a->rows[i].student_id,
                                  .actor = in->actor,
                                  .at = in->at,
                                  .seat = seat,
                                  .seat_from = from,
                                  .source = "allocation"};
            rc = as_enrolment_insert(c, &e, NULL);
            out->placed += seat;
            out->waitlisted += !seat;
        }
    }
    return rc;
}

/*
 * Every pupil of the school with choices for the term and no seat yet in any of them takes
 * part. Choices that would clash with what the pupil already has are dropped first. A lottery
 * (afterschool_allocate, seeded from libsodium's random bytes and stored) orders the pupils;
 * each gets the best choice with a seat left. A pupil left without a seat goes on the wait
 * list of their first choice, in lottery order.
 */
static verdict allocation_tx(db_conn *c, const as_alloc_in *in, as_alloc_out *out)
{
    alloc_run a = {0};
    int rc = alloc_programs(c, in, &a);
    if (rc == DB_OK)
        rc = alloc_choices(c, in, &a);
    if (rc == DB_OK)
        rc = alloc_pupils(c, &a);
    if (rc == DB_OK) {
        randombytes_buf(&out->seed, sizeof out->seed);
        out->seed &= 0x7FFFFFFFFFFFFFFFULL; /* stored as a signed BIGINT */
        a.assign = alloc_or_abort(sizeof *a.assign * (a.nrows + 1));
        a.order = alloc_or_abort(sizeof *a.order * (a.nrows + 1));
        afterschool_allocate(a.pupils, a.nrows, a.seats, a.np, out->seed, a.assign, a.order);
        out->pupils = (int64_t)a.nrows;
        rc = alloc_write(c, in, &a, out);
    }
    if (rc == DB_DONE)
        rc = db_insert_id(c, &out->id,
                          "INSERT INTO afterschool_allocations (district_id, school_id, term, seed,"
                          " pupils, placed, waitlisted, ran_at, ran_by)"
                          " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id",
                          in->district_id, in->school_id, in->term, (int64_t)out->seed, out->pupils,
                          out->placed, out->waitlisted, in->at, in->actor);
    alloc_free(&a);
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc == DB_OK ? DB_ERROR : rc);
}

verdict afterschool_allocation_run(db_conn *c, const as_alloc_in *in, as_alloc_out *out)
{
    memset(out, 0, sizeof *out);
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return as_finish(c, verdict_db(rc));
    return as_finish(c, allocation_tx(c, in, out));
}
