/*
 * notices.h: the notices module's contract: notices to staff and families with read receipts
 * and reminders (NT-1), the district's public page (宣传), and families' evaluations of
 * after-school programs (NT-2).
 *
 * The module's parts: rules.c (pure: who may reach whom, the reminder and score rules, the
 * low-score flag, an attachment's type by its content), store.c (the notices' SQL; each write
 * is one notices_<action>() that owns its transaction and returns a verdict), store_eval.c (the
 * evaluations' SQL), api.c, api_eval.c, api_public.c (handlers: parse, authorise, call the
 * store, reply) and demo.c (its part of `shuangjian demo`).
 *
 * DESIGN
 *   A notice is sent to an audience: some schools, grades or one class, and some roles
 *   (guardians of the pupils there, their teachers, grade leaders, school admins). The sender's
 *   roles bound the audience (notices_audience_resolve): the district anywhere in it, a school
 *   admin inside their school, a grade leader inside their grade, a teacher only to the
 *   guardians of the classes they teach. The resolved audience is stored as target rows
 *   (notice_targets: school, grade, class, each possibly "any"), and the recipients are written
 *   from them by one INSERT ... SELECT per notice (notice_recipients: one row per person, never
 *   a statement a row), so a notice to a million guardians is one statement. The notice row
 *   keeps the number of recipients and of those who read it (read_count, moved by the one
 *   UPDATE that flips a recipient's read_at from NULL), so the receipt summary never counts a
 *   million rows; the unread names are a page of the recipients' primary key.
 *   A reminder (at most NT-1.reminders_per_day a day in the district's time) stamps the notice;
 *   the unread recipients' inboxes show it as reminded.
 *   An evaluation is one per pupil per program per term (the program's term), by a guardian of
 *   a pupil enrolled in it; the school and the district see counts, averages and comments, never
 *   who wrote them. A program is flagged when it has at least NT-2.flag_min_evaluations
 *   evaluations averaging under NT-2.flag_average_below.
 *
 * Lock order: a notice (DB_LOCK_NOTICE, its id) for reminders; a pupil (DB_LOCK_STUDENT) for an
 * evaluation. Neither write takes a second lock.
 */
#ifndef SJ_NOTICES_H
#define SJ_NOTICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "core/policy.h"

/* ---------- audiences (rules.c) ---------- */

/* The roles a notice may be addressed to, as bits; notices_roles[i] is bit i's name. */
enum {
    NT_TO_GUARDIAN = 1u << 0,
    NT_TO_TEACHER = 1u << 1,
    NT_TO_GRADE_LEADER = 1u << 2,
    NT_TO_SCHOOL_ADMIN = 1u << 3,
};
#define NT_TO_ALL 0xFu
extern const char
    *const notices_roles[]; /* "guardian", "teacher", "grade_leader", "school_admin", NULL */

#define NT_MAX_SCHOOLS 1000 /* schools one notice may name */
#define NT_MAX_TAUGHT  256  /* classes of one teacher that count */

/* A class the caller knows the facts of. */
typedef struct {
    int64_t class_id, school_id;
    int grade;
} nt_class;

/* The audience as asked, with the facts of its class (loaded by the caller). */
typedef struct {
    const int64_t *schools; /* the schools named; nschools == 0: not narrowed by school */
    size_t nschools;
    unsigned grades; /* bit g for grade g (1..9); 0: not narrowed by grade */
    nt_class cls;    /* cls.class_id == 0: not narrowed to a class */
    unsigned roles;  /* NT_TO_* bits; 0 only for a public notice with no recipients */
    bool public_;    /* shown on the district's public page */
} nt_audience;

/* One target row: the pupils and staff of a school, grade or class (0 = any). */
typedef struct {
    int64_t school_id, class_id;
    int grade;
} nt_target;

typedef struct {
    nt_target *targets; /* caller's storage of `cap` rows */
    size_t cap, ntargets;
    unsigned roles;
    int64_t school_id; /* the school whose admins follow the notice; 0: the district's */
    role_kind as;      /* the sender's role that allowed it */
} nt_resolved;

/* The room nt_resolved.targets needs for an audience of nschools schools. */
static inline size_t notices_targets_cap(size_t nschools)
{
    return (nschools ? nschools : 1) * 9 + NT_MAX_TAUGHT + 1;
}

/*
 * Who may reach whom: the sender's roles against the audience, pure. The first of the sender's
 * roles that covers the whole audience allows it (the district admin first, then a school
 * admin, a grade leader, a teacher); `taught` are the classes the sender teaches (for a
 * teacher). Refusals: 400 invalid_field (field "audience") when the class is not in the schools
 * or grades named; 403 forbidden with the words of the narrowest role's scope when no role
 * covers it ("notices.scope.school", ".grade", ".teacher", ".public", ".none"). OUT: *out.
 */
verdict notices_audience_resolve(const user *sender, const nt_audience *a, const nt_class *taught,
                                 size_t ntaught, nt_resolved *out);

/* NT-1: another reminder today, after `today` reminders of this notice today. */
verdict notices_check_remind(const policy *pol, int64_t today);

/* NT-2: a score inside the policy's range (400 invalid_field "score" with min and max). */
verdict notices_check_score(const policy *pol, int64_t score);
/* NT-2: a program with `count` evaluations summing to `sum` is flagged. */
bool notices_eval_flagged(const policy *pol, int64_t count, int64_t sum);

/* An attachment's type by its content: "application/pdf", "image/png", "image/jpeg", or NULL
 * for anything else. */
const char *notices_attachment_type(const char *data, size_t len);

/* ---------- writes (store.c, store_eval.c): each owns its transaction ---------- */

#define NT_MAX_ATTACHMENTS      5
#define NT_ATTACHMENT_MAX_BYTES (5 * 1024 * 1024)

typedef struct {
    int64_t district_id, sender_id;
    const char *title, *body;
    const char *audience_json; /* the audience as asked, kept for the sender */
    const nt_resolved *aud;
    bool public_;               /* on the district's public page too */
    int64_t at;                 /* when it is sent; 0: now (the demo dates its notices) */
    const int64_t *attachments; /* the sender's own uploads, not yet attached */
    size_t nattachments;
} nt_send_in;

/* A notice and its recipients, all or nothing. OUT: id, recipients. 422 no_recipients when the
 * audience holds nobody and the notice is not public; 400 for an attachment that is not the
 * sender's own unattached upload. */
verdict notices_send(db_conn *c, const nt_send_in *in, int64_t *id, int64_t *recipients);
/* The same inside the caller's write transaction (the demo's). */
verdict notices_send_in_tx(db_conn *c, const nt_send_in *in, int64_t *id, int64_t *recipients);
/* How many the audience reaches, without sending anything. */
verdict notices_count(db_conn *c, int64_t district_id, int64_t sender_id, const nt_resolved *aud,
                      int64_t *recipients);

/* Marks the notice read by the user (a no-op when it is read already). */
verdict notices_mark_read(db_conn *c, int64_t notice_id, int64_t user_id);
verdict notices_mark_read_in_tx(db_conn *c, int64_t notice_id, int64_t user_id, int64_t at);

/* NT-1: reminds the unread, at most NT-1.reminders_per_day times on `today`. OUT: unread. */
verdict notices_remind(db_conn *c, const policy *pol, int64_t notice_id, int64_t by,
                       const char *today, int64_t *unread);
verdict notices_remind_in_tx(db_conn *c, const policy *pol, int64_t notice_id, int64_t by,
                             const char *today, int64_t at, int64_t *unread);

/* An upload kept until a notice takes it. OUT: id. */
typedef struct {
    int64_t district_id, uploaded_by;
    const char *name, *type;
    const char *data;
    size_t len;
} nt_upload_in;
verdict notices_attachment_add(db_conn *c, const nt_upload_in *in, int64_t *id);

typedef struct {
    int64_t district_id, school_id, program_id, student_id, guardian_id;
    int64_t score;
    const char *term, *text; /* text may be NULL */
    int64_t at;
} nt_eval_in;

/* NT-2: one evaluation per pupil per program per term (409 already_evaluated). OUT: id. */
verdict notices_evaluate(db_conn *c, const policy *pol, const nt_eval_in *in, int64_t *id);
verdict notices_evaluate_in_tx(db_conn *c, const policy *pol, const nt_eval_in *in, int64_t *id);

const route *notices_routes(size_t *n);

#endif
