/*
 * training.h: the training module's contract: the registry of off-campus tutoring
 * institutions (TR-1, TR-7), their staff (TR-6) and courses (TR-2..TR-5, FU-1).
 *
 * The module's parts: rules.c (pure: policy and data in, verdict out, no I/O), store.c (all of
 * its SQL; each write is one training_<action>() that owns its transaction and returns a
 * verdict), api.c (handlers: parse, authorise, call the store, reply), demo.c (the demo
 * district's registry, written through the same store functions).
 *
 * API:
 *   Pure rules (rules.c):
 *     training_subject_kind        TR-1: is a subject name subject-based or not
 *     training_course_category     TR-1: a course's category inside its institution
 *     training_price_cap_fen       FU-1: the highest price of one lesson
 *     training_course_check        TR-2 (weekdays), TR-3, TR-4, FU-1 over a whole course
 *     training_lesson_day_check    TR-2 for a dated lesson (the district's calendar)
 *     training_staff_check         TR-6: certificates, in-service teachers, the black list
 *     training_institution_open    TR-7: may the institution take new courses or contracts
 *     training_inspection_overdue  TR-7: is the last annual inspection too old
 *   Writes (store.c), each a verdict: training_institution_register, _update, _list_set,
 *     training_inspection_add, training_staff_add, training_staff_remove,
 *     training_blacklist_add, training_course_add, training_course_review.
 *   Reads (store.c): training_institution_get, training_course_get,
 *     training_institution_district.
 *   Routes (api.c): training_routes.
 *
 * A refusal is a verdict (core/verdict.h) with its rule ID and numbers; its words are rows of
 * core/messages.c keyed by the rule ID ("TR-3.gap") or "training.<what>".
 *
 * TRANSACTIONS: a write owns its transaction: begin, lock, check with the pure rule, write,
 * commit; on a refusal or a failure it rolls back and nothing is written. Its _in_tx twin
 * runs the same steps inside the caller's write transaction and neither commits nor rolls
 * back (on a refusal or a failure the caller rolls back): the demo writes a new database in
 * one transaction. An _in_tx twin takes no lock: its caller holds what the owning version
 * takes, or writes a database nobody else sees.
 */
#ifndef SJ_TRAINING_H
#define SJ_TRAINING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "core/calendar.h"
#include "core/policy.h"

/* ---------- TR-1 ---------- */

typedef enum {
    TRAINING_SUBJECT_UNKNOWN = 0,
    TRAINING_SUBJECT_BASED,
    TRAINING_NON_SUBJECT
} training_kind;

training_kind training_subject_kind(const policy *pol, const char *subject);
/*
 * The category of a course on `subject` offered by an institution of category
 * `institution_subject_based`: a listed subject-based subject is subject-based, a listed
 * non-subject one is not, and an unlisted name (奥数, 钢琴) takes the institution's category.
 * A non-subject institution may not teach a subject-based subject: subject_course_not_allowed
 * (TR-1) with "subject". OUT: *subject_based.
 */
verdict training_course_category(const policy *pol, const char *subject,
                                 bool institution_subject_based, bool *subject_based);

/* ---------- courses ---------- */

typedef struct {
    int weekday; /* 1 Monday .. 7 Sunday */
    int start;   /* minutes since midnight */
    int end;
    int lessons; /* lessons the slot holds; 0 = as many whole lessons as fit */
} training_slot;

typedef struct {
    bool subject_based;
    bool online;
    int lesson_minutes;
    int64_t price_per_lesson_fen;
    const training_slot *slots;
    size_t nslots;
} training_course;

/*
 * FU-1: base price of the standard lesson (online 30 / offline 45 minutes) pro rata to
 * `lesson_minutes`, times (100 + float_max_percent) / 100, rounded down to a whole fen (the
 * family's side): cap = floor(base * minutes * (100 + float) / (standard * 100)).
 */
int64_t training_price_cap_fen(const policy *pol, bool online, int lesson_minutes);

/*
 * The lessons a slot holds: `lessons` when given, otherwise as many whole lessons as fit
 * (floor(length / lesson_minutes)); 0 when not even one fits.
 */
int training_slot_lessons(const training_slot *s, int lesson_minutes);

/*
 * Checks a course in this order: TR-3 lesson length (online), each slot's shape (a slot too
 * short for its lessons is `slot_too_short`), TR-2 (subject-based on weekday 6/7), TR-3 end
 * time and gaps (online), TR-4 end time (offline), FU-1 price (subject-based only). The first
 * refusal, with the slot's index ("slot"), weekday, start and end where a slot refused.
 */
verdict training_course_check(const policy *pol, const training_course *c);

/* TR-2 for a lesson on `date`: a subject-based lesson on a weekend, holiday or vacation day is
 * lesson_on_banned_day with "date" and "day_kind". */
verdict training_lesson_day_check(const policy *pol, bool subject_based, day_kind kind,
                                  const char *date);

/* ---------- staff (TR-6) ---------- */

typedef struct {
    bool teaches_subject;    /* teaches subject-based training */
    const char *cert_no;     /* NULL or "" when none */
    bool in_service_teacher; /* a serving school teacher */
    bool blacklisted;        /* matches the district's staff black list */
} training_staff;

/*
 * TR-6: a black-listed person is refused; a serving school teacher may not teach
 * subject-based training; a subject-based teacher needs a certificate of a type that covers
 * compulsory-education grades. The certificate's form is checked by the caller (400).
 */
verdict training_staff_check(const policy *pol, const training_staff *s);

/* ---------- annual inspection (TR-7) ---------- */

/* True when `last_date` (NULL: never inspected) is older than inspection_every_months before
 * `today`, or missing for an institution registered before that. */
bool training_inspection_overdue(const policy *pol, const char *last_date, const char *registered,
                                 const char *today);

/* ---------- reads (store.c) ---------- */

typedef struct {
    int64_t id;
    int64_t district_id;
    char name[256];
    bool subject_based;
    bool online;
    char state[16]; /* active | suspended | closed */
    char list[8];   /* none | white | black */
} training_institution;

/* DB_ROW with *out, DB_DONE when there is none, or an error. */
int training_institution_get(db_conn *c, int64_t id, training_institution *out);

/* TR-7 and the registry's state: may the institution take new courses or contracts? A
 * black-listed one is institution_blacklisted (422, TR-7), a suspended or closed one
 * institution_not_active (409), both with "institution_id". */
verdict training_institution_open(const training_institution *in);

typedef struct {
    int64_t id;
    int64_t institution_id;
    int64_t district_id;
    bool subject_based;
    bool online;
    int lesson_minutes;
    int64_t price_per_lesson_fen;
    char review_state[16];
    char subject[64];
} training_course_row;

int training_course_get(db_conn *c, int64_t id, training_course_row *out);
/* The district of an institution: DB_ROW with *district_id set, DB_DONE when none (core asks
 * through app.institution_district). */
int training_institution_district(db_conn *c, int64_t institution_id, int64_t *district_id);

/* The district's white or black list ("white", "black") of institutions, for the public:
 * {"items":[{"id","name","category","address","online"}],"total"}, NULL on a store error
 * (store_lists.c). */
json_t *training_institutions_listed(db_conn *c, int64_t district_id, const char *list,
                                     int64_t limit, int64_t offset);

/* ---------- writes (store.c) ---------- */

typedef struct {
    int64_t district_id;
    const char *name, *license_no, *address;
    bool subject_based, online, non_profit;
    const char *license_valid_until, *uscc, *contact; /* NULL when not given */
    int64_t at;                                       /* registered at (0: now) */
} training_institution_in;

/* A new institution, active and on no list. 409 license_taken ("field": "license_no") when
 * the licence number is registered already. OUT: *id. */
verdict training_institution_register(db_conn *c, const training_institution_in *in, int64_t *id);
verdict training_institution_register_in_tx(db_conn *c, const training_institution_in *in,
                                            int64_t *id);
/* The registry details a district keeps current; NULL leaves a field as it is. */
verdict training_institution_update(db_conn *c, int64_t id, const char *name, const char *address,
                                    const char *license_valid_until, const char *contact);
/* The white or black list (or none), with its reason; at: when (0: now). */
verdict training_institution_list_set(db_conn *c, int64_t id, const char *list, const char *reason,
                                      int64_t at);
verdict training_institution_list_set_in_tx(db_conn *c, int64_t id, const char *list,
                                            const char *reason, int64_t at);

/* The registry's state (active | suspended | closed) with its reason, nothing else: inside the
 * caller's transaction, which holds DB_LOCK_INSTITUTION. Suspending or closing with the
 * families' refunds is funds_institution_state_set (funds.h); a penalty's `stop` is this
 * alone, its `refund` a measure of its own (cases). */
verdict training_institution_state_set_in_tx(db_conn *c, int64_t id, const char *state,
                                             const char *reason, int64_t at);

/* May the institution deliver lessons of its open contracts? A suspended or closed one may
 * not: institution_not_active (409) with "institution_id" and "state". */
verdict training_institution_teaching(const training_institution *in);

typedef struct {
    int64_t institution_id, year, inspector_id;
    const char *date, *result, *note; /* result: pass | rectify | fail; note may be NULL */
    int64_t at;                       /* recorded at (0: now) */
} training_inspection_in;

/* One annual inspection (TR-7); a second one for the same year is 409 conflict ("field":
 * "year"). OUT: *id. */
verdict training_inspection_add(db_conn *c, const training_inspection_in *in, int64_t *id);
verdict training_inspection_add_in_tx(db_conn *c, const training_inspection_in *in, int64_t *id);

typedef struct {
    int64_t district_id, institution_id;
    const char *name, *subjects, *cert_no; /* cert_no: checked for form by the caller */
    const char *id_hash, *id_masked;       /* the identity number hashed and masked, or NULL */
    bool teaches_subject, in_service_teacher;
    int64_t at; /* added at (0: now) */
} training_staff_in;

/* A staff member after TR-6, the district's staff black list looked up in the same
 * transaction. OUT: *id. */
verdict training_staff_add(db_conn *c, const policy *pol, const training_staff_in *in, int64_t *id);
verdict training_staff_add_in_tx(db_conn *c, const policy *pol, const training_staff_in *in,
                                 int64_t *id);
/* Marks a staff member of the institution inactive; 404 when there is none. */
verdict training_staff_remove(db_conn *c, int64_t institution_id, int64_t staff_id);

typedef struct {
    int64_t district_id, actor;
    const char *name, *reason, *cert_no, *id_hash, *id_masked; /* at least one way to match */
    int64_t at;                                                /* 0: now */
} training_blacklist_in;

/* A person on the district's staff black list (TR-6). OUT: *id. */
verdict training_blacklist_add(db_conn *c, const training_blacklist_in *in, int64_t *id);
verdict training_blacklist_add_in_tx(db_conn *c, const training_blacklist_in *in, int64_t *id);

typedef struct {
    int64_t institution_id;
    const char *name, *subject;
    bool online;
    int lesson_minutes;
    int64_t price_per_lesson_fen;
    const training_slot *slots;
    size_t nslots;
    const char *schedule_json; /* the schedule as stored and shown (JSON array) */
    int64_t at;                /* 0: now */
} training_course_in;

/*
 * A course of an institution that may take one (training_institution_open), after TR-1 and
 * training_course_check, stored pending review with the price cap and the policy version in
 * force. Serialises on DB_LOCK_INSTITUTION (a course never lands after a suspension that
 * refused it). OUT: *id.
 */
verdict training_course_add(db_conn *c, const policy *pol, const training_course_in *in,
                            int64_t *id);
verdict training_course_add_in_tx(db_conn *c, const policy *pol, const training_course_in *in,
                                  int64_t *id);
/* TR-5: the district's review of a course's materials (pending | approved | rejected). */
verdict training_course_review(db_conn *c, int64_t course_id, const char *state, const char *note);
verdict training_course_review_in_tx(db_conn *c, int64_t course_id, const char *state,
                                     const char *note);

/* ---------- HTTP ---------- */

const route *training_routes(size_t *n);

#endif
