/*
 * exams_int.h: what store.c gives api.c inside the exams module (other modules include
 * exams.h). Writes run inside the caller's transaction.
 */
#ifndef SJ_EXAMS_INT_H
#define SJ_EXAMS_INT_H

#include "exams/exams.h"

typedef struct {
    int64_t id, district_id, school_id, full_marks;
    int grade;
    bool paper, cancelled;
    char term[16], kind[12], scope[16], date[11], subject[64], name[160], policy_version[128];
} ex_exam;

typedef struct {
    int64_t id, school_id, class_id;
    int grade;
} ex_student;

int ex_store_exam(db_conn *c, int64_t id, ex_exam *out);          /* DB_ROW / DB_DONE */
json_t *ex_store_exam_json(const ex_exam *e);
/* Live plans of `kind` in (school, grade, term) that overlap `subject`. OUT: n. */
int ex_store_count(db_conn *c, int64_t school_id, int grade, const char *term, const char *kind,
                   const char *subject, int *n);
int ex_store_student(db_conn *c, int64_t student_id, ex_student *out); /* DB_ROW / DB_DONE */
int ex_store_score_put(db_conn *c, const ex_exam *e, const ex_student *p, int64_t tenths,
                       const char *band, const char *policy_version, int64_t user_id);

#endif
