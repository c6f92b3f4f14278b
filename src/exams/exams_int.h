/*
 * exams_int.h: the reads store.c gives api.c inside the exams module (other modules include
 * exams.h; the writes are there).
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

int ex_store_exam(db_conn *c, int64_t id, ex_exam *out); /* DB_ROW / DB_DONE */
json_t *ex_store_exam_json(const ex_exam *e);
int ex_store_student(db_conn *c, int64_t student_id, ex_student *out); /* DB_ROW / DB_DONE */
int64_t ex_store_student_district(db_conn *c, int64_t student_id);     /* 0 when none */
/* A guardian with a child in the plan's school and grade. */
bool ex_store_guardian_in_grade(db_conn *c, int64_t user_id, const ex_exam *e);

/* Pages of {"items","total"}, NULL on a store error. */
json_t *ex_store_plans(db_conn *c, int64_t school_id, int grade, const char *term, int64_t limit,
                       int64_t offset);
json_t *ex_store_student_bands(db_conn *c, int64_t student_id, int64_t limit, int64_t offset);

/* Whose results a caller sees: every pupil of the grade, the classes they teach, or their own
 * children; always in student_no order, bands only (EX-4). */
typedef enum { EX_SEE_GRADE = 0, EX_SEE_TAUGHT, EX_SEE_OWN } ex_see;
json_t *ex_store_results(db_conn *c, const ex_exam *e, ex_see who, int64_t user_id, int64_t limit,
                         int64_t offset);

#endif
