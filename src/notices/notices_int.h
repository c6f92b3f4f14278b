/*
 * notices_int.h: inside the notices module: the reads store.c and store_eval.c give the
 * handlers (api.c, api_eval.c, api_public.c), and the handlers the route table (api.c) names.
 * Other modules include notices.h.
 */
#ifndef SJ_NOTICES_INT_H
#define SJ_NOTICES_INT_H

#include "notices/notices.h"

/* ---------- notices (store.c) ---------- */

typedef struct {
    int64_t id, district_id, school_id, sender_id;
    int64_t recipients, read_count, reminders, reminded_at, created_at;
    bool public_;
    char title[256];
} nt_notice;

int nt_store_notice(db_conn *c, int64_t id, nt_notice *out); /* DB_ROW / DB_DONE */
/* The notice as its reader sees it: {"id","title","body","from","at","public","attachments"};
 * NULL on a store error. */
json_t *nt_store_notice_json(db_conn *c, int64_t id);
/* DB_ROW when the user is a recipient (OUT: *read), DB_DONE when not. */
int nt_store_recipient(db_conn *c, int64_t notice_id, int64_t user_id, bool *read);
/* The facts of a class: DB_ROW with *out and *district_id, DB_DONE when none. */
int nt_store_class(db_conn *c, int64_t class_id, nt_class *out, int64_t *district_id);
/* The classes a user teaches (any subject), at most cap. OUT: n. */
int nt_store_taught(db_conn *c, int64_t user_id, nt_class *out, size_t cap, size_t *n);
/* DB_ROW when the school is in the district, DB_DONE when not. */
int nt_store_school_in(db_conn *c, int64_t school_id, int64_t district_id);

/* Pages {"items","total"}; NULL on a store error. */
json_t *nt_store_inbox(db_conn *c, int64_t user_id, bool unread_only, int64_t limit,
                       int64_t offset);
int nt_store_unread(db_conn *c, int64_t user_id, int64_t *n);
/* Notices sent: by one sender (sender_id > 0), or of one school (school_id > 0), or all the
 * district's. */
json_t *nt_store_sent(db_conn *c, int64_t district_id, int64_t sender_id, int64_t school_id,
                      int64_t limit, int64_t offset);
/* The unread of a notice, a page in user order ({"items":[{"user_id","name",...}],"total"}),
 * optionally of one class only; `unread` is the notice's own count (its counters), the total
 * unless a class is asked for. */
json_t *nt_store_unread_page(db_conn *c, int64_t notice_id, int64_t class_id, int64_t unread,
                             int64_t limit, int64_t offset);
/* Read and unread per class ([{"class_id","grade","class_name","recipients","read"}]). */
json_t *nt_store_by_class(db_conn *c, int64_t notice_id);
json_t *nt_store_reminders(db_conn *c, int64_t notice_id); /* [{"day","unread","at"}] */
/* The audience as the sender asked for it (JSON), or NULL. */
json_t *nt_store_audience(db_conn *c, int64_t notice_id);

/* Attachments: metadata [{"id","name","type","size"}] of a notice; one file's bytes. */
json_t *nt_store_attachments(db_conn *c, int64_t notice_id);
typedef struct {
    int64_t id, notice_id, size;
    char name[256], type[32];
    char *data; /* decoded bytes, malloc'd: the caller frees */
} nt_file;
int nt_store_attachment(db_conn *c, int64_t id, nt_file *out); /* DB_ROW / DB_DONE */

/* ---------- the public page (store.c) ---------- */

/* DB_ROW with the district's name (district_id 0: the first district; OUT: *district_id). */
int nt_store_district(db_conn *c, int64_t *district_id, char *name, size_t n);
json_t *nt_store_public_notices(db_conn *c, int64_t district_id, int64_t limit, int64_t offset);

/* ---------- evaluations (store_eval.c) ---------- */

typedef struct {
    int64_t id, district_id, school_id;
    char term[16], name[160], status[12];
} nt_program;

int nt_store_program(db_conn *c, int64_t id, nt_program *out); /* DB_ROW / DB_DONE */
/* A pupil enrolled in the program (enrolled now, or enrolled and since left). */
bool nt_store_enrolled(db_conn *c, int64_t program_id, int64_t student_id);
/* The guardian has a child enrolled in the program (now, or enrolled and since left). */
bool nt_store_family_in_program(db_conn *c, int64_t program_id, int64_t guardian_id);
/* A program's evaluations without names: {"count","sum","items":[{"score","text","at"}],"total"}.
 */
json_t *nt_store_program_evaluations(db_conn *c, int64_t program_id, const char *term,
                                     int64_t limit, int64_t offset, int64_t *count, int64_t *sum);
/* Per program of a school (school_id > 0) or of the district: rows of count and sum. */
typedef struct {
    int64_t program_id, school_id, count, sum;
    char name[160], school_name[160];
} nt_eval_row;
/* Calls fn for each row in school, then program order; flagged_only keeps the flagged ones
 * (min and below: NT-2's numbers). DB_DONE or an error. OUT: total rows matched. */
int nt_store_program_summaries(db_conn *c, int64_t district_id, int64_t school_id, const char *term,
                               bool flagged_only, int64_t min, int64_t below, int64_t limit,
                               int64_t offset, void (*fn)(void *, const nt_eval_row *), void *arg,
                               int64_t *total);
typedef struct {
    int64_t school_id, programs, count, sum, flagged;
    char name[160];
} nt_school_row;
int nt_store_school_summaries(db_conn *c, int64_t district_id, const char *term, int64_t min,
                              int64_t below, void (*fn)(void *, const nt_school_row *), void *arg);
/* A guardian's children's programs of the term and what each family said:
 * {"items":[{"program_id","program_name","student_id","student_name","school_id","term",
 *   "evaluation":{"score","text","at"}|null}],"total"}. */
json_t *nt_store_family_programs(db_conn *c, int64_t guardian_id, const char *term);

/* The demo's families to evaluate: for each enrolled pupil of the term's programs, in program
 * order, fn(arg, program, pupil, guardian, school). DB_DONE or an error. */
int nt_store_demo_enrolments(db_conn *c, int64_t district_id, const char *term,
                             void (*fn)(void *, int64_t, int64_t, int64_t, int64_t), void *arg);

/* ---------- handlers (api_eval.c, api_public.c) named by the route table (api.c) ---------- */

void notices_h_evaluate(req *r);
void notices_h_program_evaluations(req *r);
void notices_h_family_evaluations(req *r);
void notices_h_eval_programs(req *r);
void notices_h_eval_schools(req *r);
void notices_h_publicity(req *r);
void notices_h_public_notice(req *r);
void notices_h_public_attachment(req *r);

/* Shared by the handlers: an attachment as a download (api.c). */
void nt_reply_file(req *r, const nt_file *f);
/* An average of sum over count with two decimals, 0 when count is 0. */
json_t *nt_average_json(int64_t count, int64_t sum);

#endif
