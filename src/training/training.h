/*
 * training.h: the training module's contract: the registry of off-campus tutoring
 * institutions (TR-1, TR-7), their staff (TR-6) and courses (TR-2..TR-5, FU-1).
 *
 * API:
 *   Pure rules (rules.c; data and policy in, verdict out, no I/O):
 *     training_subject_kind        TR-1: is a subject name subject-based or not
 *     training_course_category     TR-1: a course's category inside its institution
 *     training_price_cap_fen       FU-1: the highest price of one lesson
 *     training_course_check        TR-2 (weekdays), TR-3, TR-4, FU-1 over a whole course
 *     training_lesson_day_check    TR-2 for a dated lesson (the district's calendar)
 *     training_staff_check         TR-6: certificates, in-service teachers, the black list
 *     training_inspection_overdue  TR-7: is the last annual inspection too old
 *   Store (store.c): training_institution_get, training_course_get.
 *   Routes (api.c): training_routes; training_reply_verdict turns a verdict into a 422.
 *
 * A verdict is a refusal with its rule and the numbers involved; `code == NULL` means the
 * thing is allowed. Strings in a verdict are static or held inside it.
 */
#ifndef SJ_TRAINING_H
#define SJ_TRAINING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "core/calendar.h"
#include "core/policy.h"

#define TRAINING_VERDICT_MAX 5

typedef struct {
    const char *code;  /* snake_case error code; NULL = allowed */
    const char *rule;  /* POLICY.md ID */
    const char *zh;    /* message */
    const char *en;
    int nnum;
    struct {
        const char *key;
        int64_t v;
    } num[TRAINING_VERDICT_MAX];
    int nstr;
    struct {
        const char *key;
        char v[24];
    } str[TRAINING_VERDICT_MAX];
} training_verdict;

void training_verdict_init(training_verdict *v);
/* Sets the refusal (code, rule, messages); the numbers are added with the two below. */
void training_verdict_refuse(training_verdict *v, const char *code, const char *rule,
                             const char *zh, const char *en);
void training_verdict_num(training_verdict *v, const char *key, int64_t value);
void training_verdict_str(training_verdict *v, const char *key, const char *value);

/* ---------- TR-1 ---------- */

typedef enum { TRAINING_SUBJECT_UNKNOWN = 0, TRAINING_SUBJECT_BASED, TRAINING_NON_SUBJECT } training_kind;

training_kind training_subject_kind(const policy *pol, const char *subject);
/*
 * The category of a course on `subject` offered by an institution of category
 * `institution_subject_based`: a listed subject-based subject is subject-based, a listed
 * non-subject one is not, and an unlisted name (奥数, 钢琴) takes the institution's category.
 * A non-subject institution may not teach a subject-based subject (TR-1): false with *v set.
 * OUT: *subject_based.
 */
bool training_course_category(const policy *pol, const char *subject,
                              bool institution_subject_based, bool *subject_based,
                              training_verdict *v);

/* ---------- courses ---------- */

typedef struct {
    int weekday;  /* 1 Monday .. 7 Sunday */
    int start;    /* minutes since midnight */
    int end;
    int lessons;  /* lessons the slot holds; 0 = as many whole lessons as fit */
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
 * time and gaps (online), TR-4 end time (offline), FU-1 price (subject-based only). True when
 * allowed; otherwise false with *v holding the first refusal (the slot's index in "slot").
 */
bool training_course_check(const policy *pol, const training_course *c, training_verdict *v);

/* TR-2 for a lesson on `date`: a subject-based lesson on a weekend, holiday or vacation day. */
bool training_lesson_day_check(const policy *pol, bool subject_based, day_kind kind,
                               const char *date, training_verdict *v);

/* ---------- staff (TR-6) ---------- */

typedef struct {
    bool teaches_subject;     /* teaches subject-based training */
    const char *cert_no;      /* NULL or "" when none */
    bool in_service_teacher;  /* a serving school teacher */
    bool blacklisted;         /* matches the district's staff black list */
} training_staff;

/*
 * TR-6: a black-listed person is refused; a serving school teacher may not teach
 * subject-based training; a subject-based teacher needs a certificate of a type that covers
 * compulsory-education grades. The certificate's form is checked by the caller (400).
 */
bool training_staff_check(const policy *pol, const training_staff *s, training_verdict *v);

/* ---------- annual inspection (TR-7) ---------- */

/* True when `last_date` (NULL: never inspected) is older than inspection_every_months before
 * `today`, or missing for an institution registered before that. */
bool training_inspection_overdue(const policy *pol, const char *last_date, const char *registered,
                                 const char *today);

/* ---------- store ---------- */

typedef struct {
    int64_t id;
    int64_t district_id;
    char name[256];
    bool subject_based;
    bool online;
    char state[16];   /* active | suspended | closed */
    char list[8];     /* none | white | black */
} training_institution;

/* DB_ROW with *out, DB_DONE when there is none, or an error. */
int training_institution_get(db_conn *c, int64_t id, training_institution *out);

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

/* ---------- HTTP ---------- */

/* Replies 422 with the verdict's code, rule and numbers. */
void training_reply_verdict(req *r, const training_verdict *v);
/* Replies 409 institution_not_active or 422 institution_blacklisted (TR-7) and returns false
 * when the institution may not take new courses or contracts. */
bool training_institution_open_or_reply(req *r, const training_institution *in);

const route *training_routes(size_t *n);

#endif
