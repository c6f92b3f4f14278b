/*
 * policy.h: the numbers of POLICY.md, typed, by rule ID.
 *
 * The national defaults are compiled in (policy/national.json); a district's overrides (a JSON
 * file, or the stored version in force: policy_store.c) replace values key by key. Every key
 * a policy may hold is declared once, in POLICY_FIELDS below: its rule, its key, its type and
 * the C field that holds it. A document is validated against that table when it is loaded and
 * when a district changes it: an unknown rule or key, or a value of the wrong type, is
 * refused with the rule and key named. national.json must hold every key of the table, so
 * code reads a number as `policy_v(pol)->hw2_written_minutes_per_day` with no fallback: the
 * numbers live in the policy files, never in C.
 *
 * Every decision a rule makes stores policy_version() with it. A policy is immutable once
 * built; lookups are borrowed and safe from any thread.
 */
#ifndef SJ_POLICY_H
#define SJ_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct policy policy;

/* The value kinds of a policy key and their C types:
 *   INT     a non-negative integer             int64_t
 *   OPT     a non-negative integer or null     int64_t, POLICY_UNSET for null
 *   BOOL    true or false                      bool
 *   HHMM    "HH:MM"                            int, minutes since midnight
 *   MMDD    "MM-DD"                            int, month * 100 + day
 *   GRADES  a list of grades 1..9              unsigned, bit g set for grade g
 *   STRS    a list of strings                  policy_strs
 *   BANDS   [{"band","min"}...], min falling   policy_bands
 *   JSON    any JSON value, checked by its user  const json_t *
 */
#define POLICY_UNSET     (-1)
#define POLICY_MAX_STRS  24
#define POLICY_MAX_BANDS 8

typedef struct {
    int n;
    const char *v[POLICY_MAX_STRS];
} policy_strs;

typedef struct {
    int n;
    struct {
        const char *band; /* borrowed from the policy's document */
        int min;
    } v[POLICY_MAX_BANDS];
} policy_bands;

#define POLICY_CTYPE_INT    int64_t
#define POLICY_CTYPE_OPT    int64_t
#define POLICY_CTYPE_BOOL   bool
#define POLICY_CTYPE_HHMM   int
#define POLICY_CTYPE_MMDD   int
#define POLICY_CTYPE_GRADES unsigned
#define POLICY_CTYPE_STRS   policy_strs
#define POLICY_CTYPE_BANDS  policy_bands
#define POLICY_CTYPE_JSON   const json_t *

/* X(field, rule, key, KIND): every key of every rule, in POLICY.md's order. */
#define POLICY_FIELDS(X)                                                                           \
    X(hw1_grades, "HW-1", "grades", GRADES)                                                        \
    X(hw1_written_minutes_per_day, "HW-1", "written_minutes_per_day", INT)                         \
    X(hw2_grades, "HW-2", "grades", GRADES)                                                        \
    X(hw2_written_minutes_per_day, "HW-2", "written_minutes_per_day", INT)                         \
    X(hw3_grades, "HW-3", "grades", GRADES)                                                        \
    X(hw3_written_minutes_per_day, "HW-3", "written_minutes_per_day", INT)                         \
    X(hw4_weekend_day_same_as_weekday, "HW-4", "weekend_day_same_as_weekday", BOOL)                \
    X(hw4_holiday_day_same_as_weekday, "HW-4", "holiday_day_same_as_weekday", BOOL)                \
    X(hw4_weekend_minutes_grades_3_6, "HW-4", "weekend_minutes_grades_3_6", OPT)                   \
    X(hw4_weekend_minutes_grades_7_9, "HW-4", "weekend_minutes_grades_7_9", OPT)                   \
    X(hw4_holiday_minutes_grades_3_6, "HW-4", "holiday_minutes_grades_3_6", OPT)                   \
    X(hw4_holiday_minutes_grades_7_9, "HW-4", "holiday_minutes_grades_7_9", OPT)                   \
    X(hw4_vacation_total_minutes, "HW-4", "vacation_total_minutes", OPT)                           \
    X(hw5_board_per_class_per_day, "HW-5", "board_per_class_per_day", BOOL)                        \
    X(hw6_refused_targets, "HW-6", "refused_targets", STRS)                                        \
    X(hw7_tiers, "HW-7", "tiers", STRS)                                                            \
    X(hw8_unmarked_after_days, "HW-8", "unmarked_after_days", INT)                                 \
    X(hw9_refused_kinds, "HW-9", "refused_kinds", STRS)                                            \
    X(hw10_bedtime_primary, "HW-10", "bedtime_primary", HHMM)                                      \
    X(hw10_bedtime_junior, "HW-10", "bedtime_junior", HHMM)                                        \
    X(hw11_enabled, "HW-11", "enabled", BOOL)                                                      \
    X(hw11_max_subjects_primary, "HW-11", "max_subjects_primary", INT)                             \
    X(hw11_max_subjects_junior, "HW-11", "max_subjects_junior", INT)                               \
    X(ex1_grades, "EX-1", "grades", GRADES)                                                        \
    X(ex1_paper_exams, "EX-1", "paper_exams", INT)                                                 \
    X(ex2_finals_per_term, "EX-2", "finals_per_term", INT)                                         \
    X(ex2_midterms_per_term_grades_7_9, "EX-2", "midterms_per_term_grades_7_9", INT)               \
    X(ex2_midterms_per_term_other, "EX-2", "midterms_per_term_other", INT)                         \
    X(ex3_refused_kinds, "EX-3", "refused_kinds", STRS)                                            \
    X(ex3_graduating_grades, "EX-3", "graduating_grades", GRADES)                                  \
    X(ex4_bands, "EX-4", "bands", BANDS)                                                           \
    X(as1_days, "AS-1", "days", INT)                                                               \
    X(as1_min_minutes_per_day, "AS-1", "min_minutes_per_day", INT)                                 \
    X(as2_summer_from, "AS-2", "summer_from", MMDD)                                                \
    X(as2_summer_to, "AS-2", "summer_to", MMDD)                                                    \
    X(as2_summer_off_work, "AS-2", "summer_off_work", HHMM)                                        \
    X(as2_winter_off_work, "AS-2", "winter_off_work", HHMM)                                        \
    X(as3_enrolment_by, "AS-3", "enrolment_by", JSON)                                              \
    X(as4_third_party_must_be_vetted, "AS-4", "third_party_must_be_vetted", BOOL)                  \
    X(as5_hardship_waiver, "AS-5", "hardship_waiver", BOOL)                                        \
    X(as6_care_fee_per_hour_fen, "AS-6", "care_fee_per_hour_fen", INT)                             \
    X(as6_course_fee_per_hour_fen, "AS-6", "course_fee_per_hour_fen", INT)                         \
    X(as6_rural_fee_per_hour_fen, "AS-6", "rural_fee_per_hour_fen", INT)                           \
    X(as6_term_cap_fen, "AS-6", "term_cap_fen", OPT)                                               \
    X(as6_refund_pro_rata_days, "AS-6", "refund_pro_rata_days", INT)                               \
    X(as7_no_double_charge, "AS-7", "no_double_charge", BOOL)                                      \
    X(as8_subsidy_per_hour_fen, "AS-8", "subsidy_per_hour_fen", INT)                               \
    X(as8_subsidy_per_hour_fen_min, "AS-8", "subsidy_per_hour_fen_min", INT)                       \
    X(as8_subsidy_per_hour_fen_max, "AS-8", "subsidy_per_hour_fen_max", OPT)                       \
    X(as8_class_hour_minutes, "AS-8", "class_hour_minutes", INT)                                   \
    X(as9_half_days_per_week_max, "AS-9", "half_days_per_week_max", INT)                           \
    X(as9_minutes_per_half_day, "AS-9", "minutes_per_half_day", INT)                               \
    X(as10_rural_gap_filled_by_district, "AS-10", "rural_gap_filled_by_district", BOOL)            \
    X(tr1_subject, "TR-1", "subject", STRS)                                                        \
    X(tr1_non_subject, "TR-1", "non_subject", STRS)                                                \
    X(tr2_subject_banned_on, "TR-2", "subject_banned_on", STRS)                                    \
    X(tr3_online_lesson_max_minutes, "TR-3", "online_lesson_max_minutes", INT)                     \
    X(tr3_online_gap_min_minutes, "TR-3", "online_gap_min_minutes", INT)                           \
    X(tr3_online_end_by, "TR-3", "online_end_by", HHMM)                                            \
    X(tr4_offline_end_by, "TR-4", "offline_end_by", HHMM)                                          \
    X(tr5_review_states, "TR-5", "review_states", STRS)                                            \
    X(tr6_subject_teachers_need_certificate, "TR-6", "subject_teachers_need_certificate", BOOL)    \
    X(tr7_inspection_every_months, "TR-7", "inspection_every_months", INT)                         \
    X(fu1_base_price_online_fen, "FU-1", "base_price_online_fen", INT)                             \
    X(fu1_base_price_offline_fen, "FU-1", "base_price_offline_fen", INT)                           \
    X(fu1_online_standard_minutes, "FU-1", "online_standard_minutes", INT)                         \
    X(fu1_offline_standard_minutes, "FU-1", "offline_standard_minutes", INT)                       \
    X(fu1_float_max_percent, "FU-1", "float_max_percent", INT)                                     \
    X(fu2_max_months, "FU-2", "max_months", INT)                                                   \
    X(fu2_max_class_hours, "FU-2", "max_class_hours", INT)                                         \
    X(fu3_non_subject_max_charge_fen, "FU-3", "non_subject_max_charge_fen", INT)                   \
    X(fu4_escrow, "FU-4", "escrow", BOOL)                                                          \
    X(fu4_warn_escrow_to_monthly_release, "FU-4", "warn_escrow_to_monthly_release", INT)           \
    X(fu4_warn_escrow_min_fen, "FU-4", "warn_escrow_min_fen", INT)                                 \
    X(fu5_release_per_lesson, "FU-5", "release_per_lesson", BOOL)                                  \
    X(fu5_warn_no_lesson_days, "FU-5", "warn_no_lesson_days", INT)                                 \
    X(fu6_refund_within_days, "FU-6", "refund_within_days", INT)                                   \
    X(pn1_fine_multiple_min, "PN-1", "fine_multiple_min", INT)                                     \
    X(pn1_fine_multiple_max, "PN-1", "fine_multiple_max", INT)                                     \
    X(pn2_fine_max_fen, "PN-2", "fine_max_fen", INT)                                               \
    X(pn2_serious_fine_min_fen, "PN-2", "serious_fine_min_fen", INT)                               \
    X(pn2_serious_fine_max_fen, "PN-2", "serious_fine_max_fen", INT)                               \
    X(cs1_working_days, "CS-1", "working_days", INT)                                               \
    X(cs1_reopen_within_days, "CS-1", "reopen_within_days", INT)                                   \
    X(cs1_reopen_times, "CS-1", "reopen_times", INT)                                               \
    X(cs2_tips_per_hour, "CS-2", "tips_per_hour", INT)                                             \
    X(cs2_address_keep_days, "CS-2", "address_keep_days", INT)                                     \
    X(cs2_reward_min_fen, "CS-2", "reward_min_fen", INT)                                           \
    X(cs2_reward_max_fen, "CS-2", "reward_max_fen", INT)                                           \
    X(cs3_rectify_days_default, "CS-3", "rectify_days_default", INT)                               \
    X(cs4_departments, "CS-4", "departments", STRS)                                                \
    X(rp1_due_days, "RP-1", "due_days", JSON)                                                      \
    X(rp1_median_tolerance_minutes, "RP-1", "median_tolerance_minutes", INT)                       \
    X(rp2_ledgers, "RP-2", "ledgers", BOOL)                                                        \
    X(rp3_coverage, "RP-3", "coverage", BOOL)                                                      \
    X(nt1_read_receipts, "NT-1", "read_receipts", BOOL)                                            \
    X(nt1_reminders_per_day, "NT-1", "reminders_per_day", INT)                                     \
    X(nt2_score_min, "NT-2", "score_min", INT)                                                     \
    X(nt2_score_max, "NT-2", "score_max", INT)                                                     \
    X(nt2_flag_average_below, "NT-2", "flag_average_below", INT)                                   \
    X(nt2_flag_min_evaluations, "NT-2", "flag_min_evaluations", INT)

typedef struct policy_values {
#define POLICY_FIELD_DECL(field, rule, key, kind) POLICY_CTYPE_##kind field;
    POLICY_FIELDS(POLICY_FIELD_DECL)
#undef POLICY_FIELD_DECL
} policy_values;

/* overrides: NULL, or a JSON object {"version", "effective_from", "rules": {"HW-2": {...}}}.
 * NULL with a reason in err when a rule, a key or a value is not what POLICY_FIELDS says. */
policy *policy_new(const json_t *overrides, char *err, size_t errlen);
policy *policy_from_file(const char *path, char *err, size_t errlen); /* NULL path: national */
void policy_free(policy *p);

/* The typed values. */
const policy_values *policy_v(const policy *p);
const char *policy_version(const policy *p);
const json_t *policy_json(const policy *p);      /* the merged document */
const json_t *policy_overrides(const policy *p); /* what was laid over the defaults */

/* Checks rules {"HW-2": {"written_minutes_per_day": 50}, ...} against the table: every rule
 * and key known, every value of its kind. On failure returns false and names the rule and
 * key (OUT, borrowed from the table or the document) and a reason. */
bool policy_check_rules(const json_t *rules, const char **bad_rule, const char **bad_key, char *why,
                        size_t whylen);

/* Small helpers over the typed values. */
static inline bool policy_grade_in(unsigned grades, int grade)
{
    return grade >= 1 && grade <= 9 && (grades >> grade) & 1u;
}
bool policy_strs_has(const policy_strs *list, const char *s);

#endif
