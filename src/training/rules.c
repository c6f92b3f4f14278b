/*
 * rules.c: the training module's pure decisions (TR-1..TR-4, TR-6, TR-7, FU-1).
 *
 * Every function takes data and the policy in force and answers allowed, or refused with the
 * rule's ID and the numbers involved. No I/O, no clock: the caller passes dates in.
 * Times are minutes since midnight; money is integer fen.
 */
#include <stdio.h>
#include <string.h>

#include "core/ident.h"
#include "training.h"

void training_verdict_init(training_verdict *v) { memset(v, 0, sizeof *v); }

void training_verdict_refuse(training_verdict *v, const char *code, const char *rule,
                             const char *zh, const char *en)
{
    training_verdict_init(v);
    v->code = code;
    v->rule = rule;
    v->zh = zh;
    v->en = en;
}

void training_verdict_num(training_verdict *v, const char *key, int64_t value)
{
    if (v->nnum >= TRAINING_VERDICT_MAX)
        return;
    v->num[v->nnum].key = key;
    v->num[v->nnum].v = value;
    v->nnum++;
}

void training_verdict_str(training_verdict *v, const char *key, const char *value)
{
    if (v->nstr >= TRAINING_VERDICT_MAX)
        return;
    v->str[v->nstr].key = key;
    snprintf(v->str[v->nstr].v, sizeof v->str[v->nstr].v, "%s", value ? value : "");
    v->nstr++;
}

static void hhmm(int minutes, char out[8])
{
    if (minutes < 0)
        minutes = 0;
    snprintf(out, 8, "%02d:%02d", (minutes / 60) % 100, minutes % 60);
}

/* ---------- TR-1 ---------- */

training_kind training_subject_kind(const policy *pol, const char *subject)
{
    if (!subject)
        return TRAINING_SUBJECT_UNKNOWN;
    if (policy_strs_has(&policy_v(pol)->tr1_subject, subject))
        return TRAINING_SUBJECT_BASED;
    if (policy_strs_has(&policy_v(pol)->tr1_non_subject, subject))
        return TRAINING_NON_SUBJECT;
    return TRAINING_SUBJECT_UNKNOWN;
}

bool training_course_category(const policy *pol, const char *subject,
                              bool institution_subject_based, bool *subject_based,
                              training_verdict *v)
{
    training_verdict_init(v);
    training_kind k = training_subject_kind(pol, subject);
    if (k == TRAINING_SUBJECT_BASED && !institution_subject_based) {
        training_verdict_refuse(v, "subject_course_not_allowed", "TR-1",
                                "非学科类培训机构不得开展学科类培训",
                                "A non-subject institution may not teach a subject-based course");
        training_verdict_str(v, "subject", subject);
        *subject_based = true;
        return false;
    }
    *subject_based = k == TRAINING_SUBJECT_BASED ||
                     (k == TRAINING_SUBJECT_UNKNOWN && institution_subject_based);
    return true;
}

/* ---------- courses ---------- */

int64_t training_price_cap_fen(const policy *pol, bool online, int lesson_minutes)
{
    int64_t base = online ? policy_v(pol)->fu1_base_price_online_fen
                          : policy_v(pol)->fu1_base_price_offline_fen;
    int64_t std = online ? policy_v(pol)->fu1_online_standard_minutes
                         : policy_v(pol)->fu1_offline_standard_minutes;
    int64_t fl = policy_v(pol)->fu1_float_max_percent;
    if (std <= 0 || lesson_minutes <= 0 || base < 0)
        return 0;
    /* base ≤ 10^9 fen, minutes ≤ 1440, float ≤ 10^3: the product stays far below 2^63 */
    return base * lesson_minutes * (100 + fl) / (std * 100);
}

int training_slot_lessons(const training_slot *s, int lesson_minutes)
{
    if (lesson_minutes <= 0)
        return 0;
    if (s->lessons > 0)
        return s->lessons;
    return (s->end - s->start) / lesson_minutes;
}

static void slot_refuse(training_verdict *v, size_t i, const training_slot *s, const char *code,
                        const char *rule, const char *zh, const char *en)
{
    char a[8], b[8];
    training_verdict_refuse(v, code, rule, zh, en);
    training_verdict_num(v, "slot", (int64_t)i);
    training_verdict_num(v, "weekday", s->weekday);
    hhmm(s->start, a);
    hhmm(s->end, b);
    training_verdict_str(v, "start", a);
    training_verdict_str(v, "end", b);
}

bool training_course_check(const policy *pol, const training_course *c, training_verdict *v)
{
    training_verdict_init(v);
    int max_online = (int)policy_v(pol)->tr3_online_lesson_max_minutes;
    int gap = (int)policy_v(pol)->tr3_online_gap_min_minutes;
    int online_end = policy_v(pol)->tr3_online_end_by;
    int offline_end = policy_v(pol)->tr4_offline_end_by;
    bool weekend_banned = policy_strs_has(&policy_v(pol)->tr2_subject_banned_on, "weekend");

    if (c->online && c->lesson_minutes > max_online) {
        training_verdict_refuse(v, "online_lesson_too_long", "TR-3",
                                "线上培训每课时不得超过规定时长",
                                "An online lesson is longer than allowed");
        training_verdict_num(v, "limit_minutes", max_online);
        training_verdict_num(v, "lesson_minutes", c->lesson_minutes);
        return false;
    }
    for (size_t i = 0; i < c->nslots; i++) {
        const training_slot *s = &c->slots[i];
        int n = training_slot_lessons(s, c->lesson_minutes);
        int need = n * c->lesson_minutes;
        if (n < 1 || need > s->end - s->start) {
            slot_refuse(v, i, s, "slot_too_short", "TR-3", "上课时段容不下所排课时",
                        "The slot is too short for its lessons");
            training_verdict_num(v, "lesson_minutes", c->lesson_minutes);
            return false;
        }
    }
    for (size_t i = 0; c->subject_based && weekend_banned && i < c->nslots; i++) {
        const training_slot *s = &c->slots[i];
        if (s->weekday >= 6) {
            slot_refuse(v, i, s, "subject_on_weekend", "TR-2", "学科类培训不得在周末开展",
                        "Subject-based training may not take place at weekends");
            return false;
        }
    }
    for (size_t i = 0; i < c->nslots; i++) {
        const training_slot *s = &c->slots[i];
        char lim[8];
        if (c->online && s->end > online_end) {
            slot_refuse(v, i, s, "online_ends_too_late", "TR-3", "线上培训结束时间不得晚于规定时间",
                        "Online training ends later than allowed");
            hhmm(online_end, lim);
            training_verdict_str(v, "end_by", lim);
            return false;
        }
        int n = training_slot_lessons(s, c->lesson_minutes);
        if (c->online && n > 1) {
            /* the lessons of a slot spread evenly: the gaps share what the lessons leave */
            int left = (s->end - s->start) - n * c->lesson_minutes;
            int each = left / (n - 1);
            if (each < gap) {
                slot_refuse(v, i, s, "online_gap_too_short", "TR-3", "线上培训课次间隔不得少于规定时长",
                            "Online lessons need a longer break between them");
                training_verdict_num(v, "gap_min_minutes", gap);
                training_verdict_num(v, "gap_minutes", each);
                training_verdict_num(v, "lessons", n);
                return false;
            }
        }
        if (!c->online && s->end > offline_end) {
            slot_refuse(v, i, s, "offline_ends_too_late", "TR-4", "线下培训结束时间不得晚于规定时间",
                        "Offline training ends later than allowed");
            hhmm(offline_end, lim);
            training_verdict_str(v, "end_by", lim);
            return false;
        }
    }
    if (c->subject_based) {
        int64_t cap = training_price_cap_fen(pol, c->online, c->lesson_minutes);
        if (c->price_per_lesson_fen > cap) {
            training_verdict_refuse(v, "price_over_cap", "FU-1", "课时价格超过政府指导价上浮上限",
                                    "The price per lesson is above the guided price's ceiling");
            training_verdict_num(v, "limit_fen", cap);
            training_verdict_num(v, "price_per_lesson_fen", c->price_per_lesson_fen);
            training_verdict_num(v, "base_price_fen",
                                 c->online ? policy_v(pol)->fu1_base_price_online_fen
                                           : policy_v(pol)->fu1_base_price_offline_fen);
            training_verdict_num(v, "float_max_percent", policy_v(pol)->fu1_float_max_percent);
            return false;
        }
    }
    return true;
}

bool training_lesson_day_check(const policy *pol, bool subject_based, day_kind kind,
                               const char *date, training_verdict *v)
{
    training_verdict_init(v);
    if (!subject_based)
        return true;
    const char *name = kind == DAY_WEEKEND ? "weekend" : kind == DAY_HOLIDAY ? "holiday"
                       : kind == DAY_VACATION ? "vacation" : NULL;
    if (!name || !policy_strs_has(&policy_v(pol)->tr2_subject_banned_on, name))
        return true;
    training_verdict_refuse(v, "lesson_on_banned_day", "TR-2",
                            "学科类培训不得在周末、法定节假日和寒暑假开展",
                            "Subject-based training may not take place at weekends, on holidays"
                            " or in vacations");
    training_verdict_str(v, "date", date);
    training_verdict_str(v, "day_kind", name);
    return false;
}

/* ---------- staff ---------- */

bool training_staff_check(const policy *pol, const training_staff *s, training_verdict *v)
{
    training_verdict_init(v);
    if (s->blacklisted) {
        training_verdict_refuse(v, "staff_blacklisted", "TR-6", "该人员在从业人员黑名单中",
                                "This person is on the staff black list");
        return false;
    }
    if (s->in_service_teacher && s->teaches_subject) {
        training_verdict_refuse(v, "in_service_teacher_barred", "TR-6",
                                "在职中小学教师不得从事学科类校外培训",
                                "Serving school teachers may not teach subject-based training");
        return false;
    }
    if (!s->teaches_subject || !policy_v(pol)->tr6_subject_teachers_need_certificate)
        return true;
    if (!s->cert_no || !s->cert_no[0]) {
        training_verdict_refuse(v, "certificate_required", "TR-6",
                                "学科类培训教师须持有教师资格证",
                                "Subject-based teachers need a teacher qualification certificate");
        return false;
    }
    int type = ident_teacher_cert_type(s->cert_no);
    bool fits = false;
    for (int g = 1; g <= 9 && type >= 0; g++)
        fits |= ident_teacher_cert_fits_grade(type, g);
    if (!fits) {
        training_verdict_refuse(v, "certificate_wrong_type", "TR-6",
                                "教师资格证类别不适用于义务教育阶段",
                                "The certificate's type does not cover grades 1-9");
        training_verdict_num(v, "cert_type", type);
        return false;
    }
    return true;
}

/* ---------- annual inspection ---------- */

bool training_inspection_overdue(const policy *pol, const char *last_date, const char *registered,
                                 const char *today)
{
    int months = (int)policy_v(pol)->tr7_inspection_every_months;
    char due[11];
    const char *from = last_date && last_date[0] ? last_date : registered;
    if (!from || !valid_date(from) || !valid_date(today))
        return false;
    date_add_months(from, months, due);
    return strcmp(today, due) > 0;
}
