/*
 * rules.c: the training module's pure decisions (TR-1..TR-4, TR-6, TR-7, FU-1).
 *
 * Every function takes data and the policy in force and returns a verdict: allowed, or refused
 * with the rule's ID and the numbers involved (their words: core/messages.c, the training and
 * funds section). No I/O, no clock: the caller passes dates in. Times are minutes since
 * midnight; money is integer fen.
 */
#include <stdio.h>
#include <string.h>

#include "core/ident.h"
#include "training.h"

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

verdict training_course_category(const policy *pol, const char *subject,
                                 bool institution_subject_based, bool *subject_based)
{
    training_kind k = training_subject_kind(pol, subject);
    if (k == TRAINING_SUBJECT_BASED && !institution_subject_based) {
        verdict v = verdict_rule("subject_course_not_allowed", "TR-1", NULL);
        verdict_str(&v, "subject", subject);
        *subject_based = true;
        return v;
    }
    *subject_based =
        k == TRAINING_SUBJECT_BASED || (k == TRAINING_SUBJECT_UNKNOWN && institution_subject_based);
    return verdict_ok();
}

/* ---------- courses ---------- */

int64_t training_price_cap_fen(const policy *pol, bool online, int lesson_minutes)
{
    const policy_values *pv = policy_v(pol);
    int64_t base = online ? pv->fu1_base_price_online_fen : pv->fu1_base_price_offline_fen;
    int64_t std = online ? pv->fu1_online_standard_minutes : pv->fu1_offline_standard_minutes;
    int64_t fl = pv->fu1_float_max_percent;
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

/* A refusal that names slot i: its index, weekday, start and end. */
static verdict slot_refuse(size_t i, const training_slot *s, const char *code, const char *rule,
                           const char *msg)
{
    char a[8], b[8];
    verdict v = verdict_rule(code, rule, msg);
    verdict_num(&v, "slot", (int64_t)i);
    verdict_num(&v, "weekday", s->weekday);
    hhmm(s->start, a);
    hhmm(s->end, b);
    verdict_str(&v, "start", a);
    verdict_str(&v, "end", b);
    return v;
}

verdict training_course_check(const policy *pol, const training_course *c)
{
    const policy_values *pv = policy_v(pol);
    int max_online = (int)pv->tr3_online_lesson_max_minutes;
    int gap = (int)pv->tr3_online_gap_min_minutes;
    int online_end = pv->tr3_online_end_by;
    int offline_end = pv->tr4_offline_end_by;
    bool weekend_banned = policy_strs_has(&pv->tr2_subject_banned_on, "weekend");
    verdict v;
    char lim[8];

    if (c->online && c->lesson_minutes > max_online) {
        v = verdict_rule("online_lesson_too_long", "TR-3", "TR-3.lesson_minutes");
        verdict_num(&v, "limit_minutes", max_online);
        verdict_num(&v, "lesson_minutes", c->lesson_minutes);
        return v;
    }
    for (size_t i = 0; i < c->nslots; i++) {
        const training_slot *s = &c->slots[i];
        int n = training_slot_lessons(s, c->lesson_minutes);
        if (n < 1 || n * c->lesson_minutes > s->end - s->start) {
            v = slot_refuse(i, s, "slot_too_short", "TR-3", "TR-3.slot_too_short");
            verdict_num(&v, "lesson_minutes", c->lesson_minutes);
            return v;
        }
    }
    for (size_t i = 0; c->subject_based && weekend_banned && i < c->nslots; i++)
        if (c->slots[i].weekday >= 6)
            return slot_refuse(i, &c->slots[i], "subject_on_weekend", "TR-2", "TR-2.weekend");
    for (size_t i = 0; i < c->nslots; i++) {
        const training_slot *s = &c->slots[i];
        if (c->online && s->end > online_end) {
            v = slot_refuse(i, s, "online_ends_too_late", "TR-3", "TR-3.end_by");
            hhmm(online_end, lim);
            verdict_str(&v, "end_by", lim);
            return v;
        }
        int n = training_slot_lessons(s, c->lesson_minutes);
        if (c->online && n > 1) {
            /* the lessons of a slot spread evenly: the gaps share what the lessons leave */
            int left = (s->end - s->start) - n * c->lesson_minutes;
            int each = left / (n - 1);
            if (each < gap) {
                v = slot_refuse(i, s, "online_gap_too_short", "TR-3", "TR-3.gap");
                verdict_num(&v, "gap_min_minutes", gap);
                verdict_num(&v, "gap_minutes", each);
                verdict_num(&v, "lessons", n);
                return v;
            }
        }
        if (!c->online && s->end > offline_end) {
            v = slot_refuse(i, s, "offline_ends_too_late", "TR-4", NULL);
            hhmm(offline_end, lim);
            verdict_str(&v, "end_by", lim);
            return v;
        }
    }
    if (c->subject_based) {
        int64_t cap = training_price_cap_fen(pol, c->online, c->lesson_minutes);
        if (c->price_per_lesson_fen > cap) {
            v = verdict_rule("price_over_cap", "FU-1", NULL);
            verdict_num(&v, "limit_fen", cap);
            verdict_num(&v, "price_per_lesson_fen", c->price_per_lesson_fen);
            verdict_num(&v, "base_price_fen",
                        c->online ? pv->fu1_base_price_online_fen : pv->fu1_base_price_offline_fen);
            verdict_num(&v, "float_max_percent", pv->fu1_float_max_percent);
            return v;
        }
    }
    return verdict_ok();
}

verdict training_lesson_day_check(const policy *pol, bool subject_based, day_kind kind,
                                  const char *date)
{
    if (!subject_based)
        return verdict_ok();
    const char *name = kind == DAY_WEEKEND    ? "weekend"
                       : kind == DAY_HOLIDAY  ? "holiday"
                       : kind == DAY_VACATION ? "vacation"
                                              : NULL;
    if (!name || !policy_strs_has(&policy_v(pol)->tr2_subject_banned_on, name))
        return verdict_ok();
    /* the words say which kind of day: TR-2.weekend_day, TR-2.holiday, TR-2.vacation */
    verdict v = verdict_rule("lesson_on_banned_day", "TR-2",
                             kind == DAY_WEEKEND   ? "TR-2.weekend_day"
                             : kind == DAY_HOLIDAY ? "TR-2.holiday"
                                                   : "TR-2.vacation");
    verdict_str(&v, "date", date);
    verdict_str(&v, "day_kind", name);
    return v;
}

/* ---------- staff ---------- */

verdict training_staff_check(const policy *pol, const training_staff *s)
{
    if (s->blacklisted)
        return verdict_rule("staff_blacklisted", "TR-6", "TR-6.blacklisted");
    if (s->in_service_teacher && s->teaches_subject)
        return verdict_rule("in_service_teacher_barred", "TR-6", "TR-6.in_service");
    if (!s->teaches_subject || !policy_v(pol)->tr6_subject_teachers_need_certificate)
        return verdict_ok();
    if (!s->cert_no || !s->cert_no[0])
        return verdict_rule("certificate_required", "TR-6", "TR-6.certificate_required");
    int type = ident_teacher_cert_type(s->cert_no);
    bool fits = false;
    for (int g = 1; g <= 9 && type >= 0; g++)
        fits |= ident_teacher_cert_fits_grade(type, g);
    if (!fits) {
        verdict v = verdict_rule("certificate_wrong_type", "TR-6", "TR-6.certificate_type");
        verdict_num(&v, "cert_type", type);
        return v;
    }
    return verdict_ok();
}

/* ---------- the registry's state (TR-7) ---------- */

verdict training_institution_open(const training_institution *in)
{
    verdict v;
    if (strcmp(in->list, "black") == 0) {
        v = verdict_rule("institution_blacklisted", "TR-7", "TR-7.blacklisted");
        verdict_num(&v, "institution_id", in->id);
        verdict_str(&v, "list", "black");
        return v;
    }
    return training_institution_teaching(in);
}

verdict training_institution_teaching(const training_institution *in)
{
    if (strcmp(in->state, "active") == 0)
        return verdict_ok();
    verdict v = verdict_err(SJ_ERR_INSTITUTION_INACTIVE, strcmp(in->state, "closed") == 0
                                                             ? "training.institution_closed"
                                                             : "training.institution_suspended");
    verdict_num(&v, "institution_id", in->id);
    verdict_str(&v, "state", in->state);
    return v;
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
