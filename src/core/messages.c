/*
 * messages.c: the one table of what the server says, and its placeholders. See messages.h.
 *
 * Rows are grouped by module below (a module's rows stay together so that two people adding
 * sentences to two modules never touch the same lines); the order inside the file does not
 * matter: the table is sorted by key once, on first use, and a duplicate key aborts then.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "messages.h"

typedef struct {
    const char *key, *zh, *en;
} msg;

static msg table[] = {
    /* ---------- core ---------- */
    {"core.field_not_allowed", "{field} 的取值不在允许范围内", "{field}: not an allowed value"},
    {"core.field_range", "{field} 必须是 {min} 到 {max} 之间的整数",
     "{field} must be an integer from {min} to {max}"},
    {"core.grade_not_in_school", "该学校没有这个年级(小学 1-6 年级,初中 7-9 年级)",
     "This grade does not exist in a school of this kind (primary 1-6, junior 7-9)"},
    {"core.import_class_missing", "本校没有班级“{class}”(请先导入学生或建班)",
     "This school has no class “{class}” (import the pupils or create the class first)"},
    {"core.import_class_unreadable", "无法识别班级“{class}”", "Cannot read the class “{class}”"},
    {"core.import_no_grade", "本校没有这个年级", "This school has no such grade"},
    {"core.import_no_pupils", "文件中没有学生", "The file has no pupils"},
    {"core.import_no_teachers", "文件中没有教师", "The file has no teachers"},
    {"core.import_staff_no_taken", "工号已被其他账号使用", "The staff number is taken"},
    {"core.import_student_no_taken", "学籍辅号已存在(该学生已导入)",
     "This student number is already registered"},
    {"core.locked_out", "登录失败次数过多,请 {minutes} 分钟后再试",
     "Too many failed logins; try again in {minutes} minutes"},
    {"core.locked_out.one_minute", "登录失败次数过多,请 1 分钟后再试",
     "Too many failed logins; try again in 1 minute"},
    {"core.not_school_teacher", "该用户不是本校教师", "This user is not a teacher of this school"},
    {"core.password_short", "密码至少 8 位", "The password needs at least 8 characters"},
    {"core.policy_in_past", "政策生效日期不能早于今天(已作出的决定保持原版本)",
     "A policy version cannot take effect in the past (decisions already made keep theirs)"},
    {"core.workday_outside_term", "调休上班日必须在学期内(寒暑假期间不能设为上课日)",
     "A make-up workday must fall inside a term"},
    /* failover (db_pg.c, http.c) */
    {"core.db_unavailable",
     "数据库正在切换或暂时无法连接,本次操作未生效,请 {retry_after_s} 秒后重试",
     "The database is failing over or out of reach; nothing was done. Try again in "
     "{retry_after_s} seconds"},
    {"core.outcome_unknown",
     "保存时与数据库的连接中断,无法确认本次操作是否已生效;请先查看结果,再决定是否重新提交",
     "The connection to the database broke while saving: it is not known whether this was "
     "done. Look before you send it again"},

    /* ---------- homework (HW-*) ---------- */
    {"HW-1", "{grade:grade}不布置书面家庭作业(HW-1),可布置口头、阅读或实践作业",
     "No written homework in {grade:grade} (HW-1); oral, reading or practical work is allowed"},
    {"HW-2",
     "超出{grade:grade}每日书面作业 {limit_minutes} 分钟上限(HW-2):当天已布置 {written_minutes} "
     "分钟,本次 {requested_minutes} 分钟",
     "Over the {limit_minutes}-minute daily cap on written homework for {grade:grade} (HW-2): "
     "{written_minutes} set that day, {requested_minutes} requested"},
    {"HW-3",
     "超出{grade:grade}每日书面作业 {limit_minutes} 分钟上限(HW-3):当天已布置 {written_minutes} "
     "分钟,本次 {requested_minutes} 分钟",
     "Over the {limit_minutes}-minute daily cap on written homework for {grade:grade} (HW-3): "
     "{written_minutes} set that day, {requested_minutes} requested"},
    {"HW-4.holiday",
     "超出{grade:grade}节假日每日书面作业 {limit_minutes} 分钟上限(HW-4):当天已布置 "
     "{written_minutes} 分钟,本次 {requested_minutes} 分钟",
     "Over the {limit_minutes}-minute daily cap on written homework for {grade:grade} on a "
     "holiday (HW-4): {written_minutes} set that day, {requested_minutes} requested"},
    {"HW-4.vacation",
     "超出{grade:grade}假期书面作业总量 {limit_minutes} 分钟上限(HW-4):假期已布置 "
     "{written_minutes} 分钟,本次 {requested_minutes} 分钟",
     "Over the vacation total of {limit_minutes} minutes of written homework for {grade:grade} "
     "(HW-4): {written_minutes} set, {requested_minutes} requested"},
    {"HW-4.vacation_none",
     "{date} 在假期中({period_from} 至 "
     "{period_to}),本区未设定假期书面作业总量,不能布置书面作业(HW-4)",
     "{date} falls in the vacation ({period_from} to {period_to}) and the district has set no "
     "vacation total for written homework (HW-4)"},
    {"HW-4.weekend",
     "超出{grade:grade}周末每日书面作业 {limit_minutes} 分钟上限(HW-4):当天已布置 "
     "{written_minutes} 分钟,本次 {requested_minutes} 分钟",
     "Over the {limit_minutes}-minute daily cap on written homework for {grade:grade} on a "
     "weekend day (HW-4): {written_minutes} set that day, {requested_minutes} requested"},
    {"HW-6", "不得给家长布置作业,不得要求家长检查、批改作业(HW-6)",
     "Homework may not be assigned to parents, nor may parents be asked to check or mark it "
     "(HW-6)"},
    {"HW-9", "不得布置需要使用手机或应用程序完成的作业(HW-9)",
     "Homework may not be set through, or require, a phone or app (HW-9)"},
    {"HW-11",
     "{grade:grade}每天至多 {limit_subjects} 个学科布置书面作业(HW-11),加上本学科将有 {subjects} "
     "个学科",
     "At most {limit_subjects} subjects with written homework a day in {grade:grade} (HW-11); "
     "this one would make {subjects}"},
    {"homework.adjust_longer", "只能缩短用时,不能延长", "Minutes can only be shortened"},
    {"homework.adjust_nothing", "请给出新的日期或新的用时", "Give a new date or new minutes"},
    {"homework.bedtime_completed", "已完成的作业不是“到就寝时间未完成”",
     "A finished item was not stopped at bedtime"},
    {"homework.date_far", "日期太远(至多一年以后)", "The date is too far ahead (at most a year)"},
    {"homework.date_past", "不能为已经过去的日期布置作业",
     "Homework cannot be set for a day that has passed"},
    {"homework.feedback_early", "作业日期未到,还不能反馈用时",
     "The homework's day has not come yet"},
    {"homework.mark_early", "作业日期未到,还不能批改", "The homework's day has not come yet"},
    {"homework.not_guardian", "只有该学生的家长可以反馈", "Only this pupil's guardian may report"},
    {"homework.not_in_class", "这份作业不是该学生所在班级的作业",
     "This item is not homework of the pupil's class"},
    {"homework.not_teaching", "你没有在该班任教这个学科,不能布置作业",
     "You do not teach this subject in this class"},

    /* ---------- exams (EX-*) ---------- */
    {"EX-1", "一、二年级不进行纸笔考试(EX-1)", "No paper-and-pencil exams in grades 1-2 (EX-1)"},
    {"EX-2.final", "本学期该年级已有 {existing} 次期末考试,至多 {limit} 次(EX-2)",
     "This grade already has {existing} final exam(s) this term; at most {limit} (EX-2)"},
    {"EX-2.midterm", "本学期该年级已有 {existing} 次期中考试,至多 {limit} 次(EX-2)",
     "This grade already has {existing} midterm exam(s) this term; at most {limit} (EX-2)"},
    {"EX-2.no_midterm",
     "{grade:grade}不安排期中考试,每学期只进行一次期末考试;期中考试仅限初中年级(EX-2)",
     "No midterm exam in {grade:grade}: one final a term; a midterm only in grades 7-9 (EX-2)"},
    {"EX-3", "不得组织月考等考试,不得组织非毕业年级的区域性或跨校考试(EX-3)",
     "No monthly exams, and no regional or cross-school exams for non-graduating grades (EX-3)"},
    {"EX-3.scope", "非毕业年级不得组织区域性或跨校考试(EX-3)",
     "No regional or cross-school exams for non-graduating grades (EX-3)"},
    {"exams.cancel_scored", "已录入成绩的考试不能取消", "A plan with scores cannot be cancelled"},
    {"exams.date_outside_term", "考试日期不在该学期内({term_first_day} 至 {term_last_day})",
     "The date is not inside the term ({term_first_day} to {term_last_day})"},
    {"exams.no_student", "缺少学生编号", "student_id is missing"},
    {"exams.not_in_grade", "该学生不是本次考试年级的学生", "This pupil is not in the exam's grade"},
    {"exams.not_teaching", "你没有在该学生的班级任教", "You do not teach this pupil's class"},
    {"exams.score_range", "成绩须是 0 到 {full_marks} 之间的数,至多一位小数",
     "A score is a number from 0 to {full_marks} with at most one decimal"},
    {"exams.twice", "同一学生出现了两次", "The same pupil appears twice"},

    /* ---------- after-school (AS-*) ---------- */
    {"AS-2.summer", "{date} 的课后服务 {end} 结束,早于当地夏季下班时间 {off_work}(AS-2)",
     "On {date} the service ends at {end}, before the summer off-work time {off_work} (AS-2)"},
    {"AS-2.winter", "{date} 的课后服务 {end} 结束,早于当地冬季下班时间 {off_work}(AS-2)",
     "On {date} the service ends at {end}, before the winter off-work time {off_work} (AS-2)"},
    {"AS-3", "课后服务自愿参加,只有学生的监护人可以报名(AS-3)",
     "After-school service is voluntary: only the pupil's guardian may enrol the pupil (AS-3)"},
    {"AS-4.exited", "该机构已退出区遴选名单(AS-4)",
     "The provider has left the district's vetted list (AS-4)"},
    {"AS-4.fee",
     "收费 {fee_per_hour_fen:yuan}/小时,超过区里核定的该机构收费标准 "
     "{standard_fen:yuan}/小时(AS-4)",
     "The fee of {fee_per_hour_fen:yuan} an hour is above the provider's approved standard of "
     "{standard_fen:yuan} (AS-4)"},
    {"AS-4.not_listed", "第三方机构不在区教育局遴选名单中(AS-4)",
     "The third party is not on the district's vetted list (AS-4)"},
    {"AS-4.out_of_period", "项目日期超出该机构的遴选有效期({vetted_from} 至 {vetted_to})(AS-4)",
     "The program's days are outside the provider's vetted period ({vetted_from} to "
     "{vetted_to}) (AS-4)"},
    {"AS-6", "每生每小时收费 {fee_per_hour_fen:yuan},超过收费上限 {cap_fen:yuan}(AS-6)",
     "The fee of {fee_per_hour_fen:yuan} per pupil-hour is above the cap of {cap_fen:yuan} (AS-6)"},
    {"AS-9.duty_overlap",
     "该教师 {date} 已登记 {other_start}-{other_end}「{program_name}」的值班,与本次 {start}-{end} "
     "重叠 {overlap_minutes} 分钟;同一时间只能记一份值班(AS-9)",
     "This teacher already has duty on {date} from {other_start} to {other_end} ({program_name}), "
     "which overlaps this one ({start}-{end}) by {overlap_minutes} minutes; one duty at a time "
     "(AS-9)"},
    {"AS-9.insufficient", "时间银行余额 {minutes} 分钟,半天假需要 {required} 分钟(AS-9)",
     "The time bank holds {minutes} minutes; half a day needs {required} (AS-9)"},
    {"AS-9.week_full", "每周最多调休 {limit} 个半天,本周已用 {used} 个(AS-9)",
     "At most {limit} half-days a week; {used} used this week (AS-9)"},
    {"afterschool.b_post_other", "B 岗须是另一位老师", "The B post needs another teacher"},
    {"afterschool.bill.amount", " × {rate_fen:yuan}/小时 = {amount_fen:yuan}",
     " x {rate_fen:yuan}/hour = {amount_fen:yuan}"},
    {"afterschool.bill.overlap",
     ",其中 {overlap} 分钟与课程重叠,只按课程收费一次(AS-7),计费 {billable} 分钟",
     "; {overlap} min overlap a course and are charged once, by the course (AS-7); {billable} min "
     "billed"},
    {"afterschool.bill.refund",
     ";中途退出:全期应收 {full_fen:yuan},未上的 {missed} 次按比例退还 {refund_fen:yuan}",
     "; left mid-term: the whole term would be {full_fen:yuan}, the {missed} sessions not taken "
     "are refunded pro rata: {refund_fen:yuan}"},
    {"afterschool.bill.sessions", "{name}:{sessions} 次 × {session_minutes} 分钟 = {minutes} 分钟",
     "{name}: {sessions} sessions x {session_minutes} min = {minutes} min"},
    {"afterschool.bill.term_cap",
     "每学期收费上限 {term_cap_fen:yuan}(AS-6):超出的 {cap_reduction_fen:yuan}不收取",
     "Term cap {term_cap_fen:yuan} (AS-6): {cap_reduction_fen:yuan} above it is not charged"},
    {"afterschool.bill.waiver", "家庭经济困难学生免收(AS-5):减免 {waiver_fen:yuan}",
     "Family in hardship: exempt (AS-5), {waiver_fen:yuan} waived"},
    {"afterschool.choice_not_open", "不是该学生学校本学期开放的项目",
     "Not an open program of the pupil's school in this term"},
    {"afterschool.credit_code", "统一社会信用代码无效(GB 32100 校验位不符)",
     "The unified social credit code is invalid (GB 32100 check)"},
    {"afterschool.credit_code_taken", "该统一社会信用代码已在遴选名单中",
     "This unified social credit code is on the list already"},
    {"afterschool.duty_for_others", "只有本校管理员可以为其他教师登记值班",
     "Only the school's admin records duty for someone else"},
    {"afterschool.duty_future", "不能登记还没到的值班", "A duty cannot be recorded before its day"},
    {"afterschool.duty_minutes", "值班分钟数超过该项目一次服务的时长({max} 分钟)",
     "More minutes than the session lasts ({max})"},
    {"afterschool.duty_not_own_post",
     "只能为自己担任 A 岗或 B 岗的课后服务项目登记值班;代班由学校管理员登记",
     "Duty is recorded only on a program where you hold the A or B post; the school's admin "
     "records a stand-in's duty"},
    {"afterschool.duty_twice", "这次值班已经登记过", "This duty is already recorded"},
    {"afterschool.end_before_start", "结束时间必须晚于开始时间",
     "The end must come after the start"},
    {"afterschool.last_before_first", "结束日期不能早于开始日期",
     "The last day cannot come before the first day"},
    {"afterschool.leave_decided", "这条请假已经处理过", "This leave has already been decided"},
    {"afterschool.leave_not_workday", "这一天不是工作日,无需请假", "That day is not a working day"},
    {"afterschool.leave_past", "不能为已经过去的日期请假", "Leave cannot be asked for a past day"},
    {"afterschool.leave_twice", "这个半天已经请过假",
     "Leave for this half-day is already asked for"},
    {"afterschool.no_session_days", "这些日期中没有一天是上课日,项目不会开展",
     "None of these days is a school day on the program's weekdays"},
    {"afterschool.not_at_school", "该学生不在这个项目所在的学校",
     "The pupil is not at this program's school"},
    {"afterschool.not_teacher", "该用户不是本校教师", "This user is not a teacher of this school"},
    {"afterschool.outside_term", "项目日期必须在本学期之内({term_first_day} 至 {term_last_day})",
     "The program's days must lie inside the term ({term_first_day} to {term_last_day})"},
    {"afterschool.period_reversed", "有效期结束不能早于开始", "The period ends before it starts"},
    {"afterschool.school_no_vendor", "学校自办项目不填第三方机构",
     "A program the school runs itself has no third party"},
    {"afterschool.service_items", "服务项目为 1-20 个名称", "Service items: 1 to 20 names"},
    {"afterschool.subsidy",
     "{duty_minutes} 分钟 ÷ 每课时 {class_hour_minutes} 分钟 × {rate_fen:yuan}(AS-8)= "
     "{amount_fen:yuan}",
     "{duty_minutes} min / {class_hour_minutes} min per class-hour x {rate_fen:yuan} (AS-8) = "
     "{amount_fen:yuan}"},
    {"afterschool.term_format", "学期格式为 YYYY-autumn 或 YYYY-spring",
     "A term is YYYY-autumn or YYYY-spring"},
    {"afterschool.weekdays", "课后服务在周一至周五开展:weekdays 取 1-5,不能重复",
     "After-school service runs Monday to Friday: weekdays are 1-5, each once"},

    /* ---------- training and funds (TR-*, FU-*) ---------- */
    {"TR-1", "非学科类培训机构不得开展学科类培训(“{subject}”属学科类)(TR-1)",
     "A non-subject institution may not teach a subject-based course ({subject} is one) (TR-1)"},
    {"TR-2.weekend", "学科类培训不得在周末开展:{weekday:weekday} {start}-{end} 的时段须调整(TR-2)",
     "Subject-based training may not take place at weekends: the slot on {weekday:weekday}"
     " {start}-{end} (TR-2)"},
    {"TR-2.weekend_day", "学科类培训不得在周末开展:{date} 是周末(TR-2)",
     "Subject-based training may not take place at weekends: {date} is a weekend day (TR-2)"},
    {"TR-2.holiday", "学科类培训不得在法定节假日开展:{date} 是节假日(TR-2)",
     "Subject-based training may not take place on public holidays: {date} is one (TR-2)"},
    {"TR-2.vacation", "学科类培训不得在寒暑假开展:{date} 在假期内(TR-2)",
     "Subject-based training may not take place in the school vacations: {date} is in one"
     " (TR-2)"},
    {"TR-3.lesson_minutes",
     "线上培训每课时不得超过 {limit_minutes} 分钟,本课程每课时 {lesson_minutes} 分钟(TR-3)",
     "An online lesson may last at most {limit_minutes} minutes; this course's last"
     " {lesson_minutes} (TR-3)"},
    {"TR-3.slot_too_short",
     "{weekday:weekday} {start}-{end} 的时段容不下所排课时(每课时 {lesson_minutes} 分钟)(TR-3)",
     "The slot on {weekday:weekday} {start}-{end} is too short for its lessons of"
     " {lesson_minutes} minutes (TR-3)"},
    {"TR-3.end_by",
     "线上培训结束时间不得晚于 {end_by}:{weekday:weekday} {start}-{end} 的时段须提前(TR-3)",
     "Online training ends by {end_by}: the slot on {weekday:weekday} {start}-{end} ends later"
     " (TR-3)"},
    {"TR-3.gap",
     "线上培训课次间隔不得少于 {gap_min_minutes} 分钟:{weekday:weekday} {start}-{end} 的 {lessons} "
     "课时之间仅隔 {gap_minutes} 分钟(TR-3)",
     "Online lessons need {gap_min_minutes} minutes between them: the {lessons} lessons on"
     " {weekday:weekday} {start}-{end} leave {gap_minutes} (TR-3)"},
    {"TR-4", "线下培训结束时间不得晚于 {end_by}:{weekday:weekday} {start}-{end} 的时段须提前(TR-4)",
     "Offline training ends by {end_by}: the slot on {weekday:weekday} {start}-{end} ends later"
     " (TR-4)"},
    {"TR-6.blacklisted", "该人员在本区培训机构从业人员黑名单中,不得聘用(TR-6)",
     "This person is on the district's staff black list and may not be employed (TR-6)"},
    {"TR-6.in_service", "在职中小学教师不得从事学科类校外培训(TR-6)",
     "Serving school teachers may not teach subject-based training (TR-6)"},
    {"TR-6.certificate_required", "从事学科类培训的教师须持有相应的教师资格证(TR-6)",
     "Subject-based teachers need a teacher qualification certificate (TR-6)"},
    {"TR-6.certificate_type", "该教师资格证类别不适用于义务教育阶段(TR-6)",
     "The certificate's type does not cover grades 1-9 (TR-6)"},
    {"TR-7.blacklisted", "该机构已列入黑名单,不得开设新课程或签订新合同(TR-7)",
     "The institution is on the black list: no new courses or contracts (TR-7)"},
    {"FU-1",
     "课时价格 {price_per_lesson_fen:yuan} 超过政府指导价上浮上限 {limit_fen:yuan}(基准价 "
     "{base_price_fen:yuan},上浮不超过 {float_max_percent}%)(FU-1)",
     "The price per lesson, {price_per_lesson_fen:yuan}, is above the guided price's ceiling of"
     " {limit_fen:yuan} (base {base_price_fen:yuan}, at most {float_max_percent}% above) (FU-1)"},
    {"FU-2.class_hours",
     "预收费不得超过 {limit_class_hours} 课时:该学生在本机构的未结合同已有 {used_class_hours} "
     "课时,本次又预收 {requested_class_hours} 课时(FU-2)",
     "Prepayment may cover at most {limit_class_hours} class-hours: the pupil's open contracts"
     " with this institution hold {used_class_hours}, this one asks {requested_class_hours}"
     " (FU-2)"},
    {"FU-2.months",
     "预收费时间跨度不得超过 {limit_months} 个月:自 {start_date} 起,结束日期最晚为 "
     "{latest_end_date}(FU-2)",
     "Prepayment may span at most {limit_months} months: from {start_date}, the latest end date"
     " is {latest_end_date} (FU-2)"},
    {"FU-3", "非学科类培训一次收费不得超过 {limit_fen:yuan},本次合同金额 {amount_fen:yuan}(FU-3)",
     "A non-subject charge may be at most {limit_fen:yuan}; this contract comes to"
     " {amount_fen:yuan} (FU-3)"},
    {"funds.contract_closed", "合同已终止,不能再付款、消课或退费",
     "The contract is closed: no more payments, lessons or refunds"},
    {"funds.end_before_start", "结束日期早于开始日期", "The end date comes before the start date"},
    {"funds.institution_closed", "该机构已停业,办学状态不能再变更",
     "The institution is closed; its state can no longer change"},
    {"funds.insufficient_escrow",
     "监管账户余额 {escrow_fen:yuan} 不足一课时费用 {price_per_lesson_fen:yuan}",
     "The escrow holds {escrow_fen:yuan}, less than one lesson's price of"
     " {price_per_lesson_fen:yuan}"},
    {"funds.no_lessons_left", "合同的 {lessons} 课时已全部消课",
     "All {lessons} lessons of the contract are delivered"},
    {"funds.overpayment",
     "付款超过合同金额:本次付款 {requested_fen:yuan},合同尚欠 {owed_fen:yuan}(合同金额 "
     "{amount_fen:yuan},已付 {paid_fen:yuan})",
     "The payment exceeds what is owed: {requested_fen:yuan} paid, {owed_fen:yuan} still owed"
     " (contract {amount_fen:yuan}, paid {paid_fen:yuan})"},
    {"training.cert_no_invalid", "教师资格证书编号应为 17 位数字(旧版 15 位)",
     "A teacher certificate number is 17 digits (or the older 15)"},
    {"training.id_no_invalid", "居民身份证号码校验不通过", "The identity card number is not valid"},
    {"training.inspection_twice", "该机构 {year} 年度的年检已经登记",
     "The institution's inspection of {year} is recorded already"},
    {"training.institution_closed", "该机构已停业,不得开设新课程或签订新合同",
     "The institution is closed: no new courses or contracts"},
    {"training.institution_suspended", "该机构已被暂停办学,不得开设新课程或签订新合同",
     "The institution is suspended: no new courses or contracts"},
    {"training.schedule_slot", "每个上课时段需要星期(1-7)和开始、结束时间(HH:MM,开始早于结束)",
     "Each slot needs a weekday 1-7 and a start before its end (HH:MM)"},
    {"training.uscc_invalid", "统一社会信用代码校验不通过",
     "The unified social credit code is not valid"},

    /* ---------- cases (CS-*, PN-*) ---------- */
    {"CS-1.reopen_late",
     "答复已超过 {reopen_within_days} 天(已 {days} 天),不能再申请重新办理(CS-1)",
     "More than {reopen_within_days} days have passed since the answer ({days}); it can no "
     "longer be reopened (CS-1)"},
    {"CS-1.reopen_times", "该投诉已申请重新办理 {reopened} 次,至多 {reopen_times} 次(CS-1)",
     "This complaint was reopened already ({reopened}); at most {reopen_times} reopenings (CS-1)"},
    {"CS-2.reward_not_allowed", "只有经查属实并已办结的举报才能给予奖励(CS-2)",
     "Only a tip-off closed as substantiated may be rewarded (CS-2)"},
    {"CS-2.reward_range", "举报奖励金额须在 {min_fen:yuan} 至 {max_fen:yuan} 之间(CS-2)",
     "A reward is between {min_fen:yuan} and {max_fen:yuan} (CS-2)"},
    {"CS-2.too_many",
     "提交过于频繁:同一网络或手机号每小时至多举报 {limit} 次,请 {retry_after_s} 秒后再试(CS-2)",
     "Too many tip-offs: at most {limit} an hour from one address or phone; try again in "
     "{retry_after_s} seconds (CS-2)"},
    {"CS-3.not_open", "该整改事项当前不是待整改状态,不能提交整改报告(CS-3)",
     "This rectification is not open; no report can be sent now (CS-3)"},
    {"CS-3.not_submitted", "该整改事项尚未提交整改报告,不能复核(CS-3)",
     "No report has been sent for this rectification; it cannot be reviewed (CS-3)"},
    {"CS-3.passed", "该整改事项已复核通过,不能再上传材料(CS-3)",
     "This rectification has passed review; nothing more can be added (CS-3)"},
    {"CS-3.unknown_rule",
     "第 {index} 条问题引用的条款 {cited} 不存在,请引用政策规定中的条款编号(CS-3)",
     "Finding {index} cites {cited}, which is not a rule of the policy (CS-3)"},
    {"CS-4.unknown", "联合执法部门“{department}”不在本区的部门名单中(CS-4)",
     "\"{department}\" is not one of the district's joint enforcement departments (CS-4)"},
    {"PN-1",
     "罚款金额应为违法所得的 {multiple_min} 至 {multiple_max} 倍,即 {min_fen:yuan} 至 "
     "{max_fen:yuan}(PN-1)",
     "The fine is {multiple_min} to {multiple_max} times the illegal income: {min_fen:yuan} to "
     "{max_fen:yuan} (PN-1)"},
    {"PN-2", "隐形变异培训一般情节罚款不得超过 {max_fen:yuan};情节严重的请按严重情节处理(PN-2)",
     "A fine for disguised training is at most {max_fen:yuan}; mark a serious case as serious "
     "(PN-2)"},
    {"PN-2.serious", "情节严重的罚款应在 {min_fen:yuan} 至 {max_fen:yuan} 之间(PN-2)",
     "A fine for a serious case is between {min_fen:yuan} and {max_fen:yuan} (PN-2)"},
    {"cases.anonymous", "该举报为匿名举报,没有举报人信息", "This tip-off is anonymous"},
    {"cases.assign_one", "请指定承办学校(school_id)或承办人(user_id)其中之一",
     "Give either school_id or user_id"},
    {"cases.assign_user", "承办人须是本区的督查人员或教体局管理员",
     "The user must be an inspector or district admin of this district"},
    {"cases.category.afterschool_fee", "课后服务乱收费", "After-school fees"},
    {"cases.category.disguised_training", "隐形变异培训", "Disguised training"},
    {"cases.category.exam_ranking", "考试排名或违规考试", "Exam ranking or banned exams"},
    {"cases.category.homework_overload", "作业负担过重", "Homework overload"},
    {"cases.category.off_hours_training", "违规时间培训", "Training at banned times"},
    {"cases.category.other", "其他", "Other"},
    {"cases.category.prepaid_over_limit", "超期超额预收费", "Prepaid fees over the limit"},
    {"cases.category.refund_refused", "拒不退费", "Refund refused"},
    {"cases.category.unlicensed_training", "无证办学培训", "Unlicensed training"},
    {"cases.category.wage_arrears", "培训机构拖欠教师工资", "Teachers' wages unpaid"},
    {"cases.closed", "该事项已办结;如需继续办理请先重新办理",
     "The case is closed; reopen it first"},
    {"cases.contract_institution", "所选合同不是该机构的合同",
     "The contract is not with that institution"},
    {"cases.department_bad", "第 {index} 个部门的名称、任务或答复填写有误",
     "Department {index}: its name, task or answer is invalid"},
    {"cases.department_not_in_action", "部门“{department}”未参加本次联合执法",
     "\"{department}\" did not take part in this action"},
    {"cases.department_twice", "部门“{department}”重复填写", "\"{department}\" is listed twice"},
    {"cases.finding_bad", "第 {index} 条问题的 {field} 填写有误",
     "Finding {index}: {field} is invalid"},
    {"cases.inspect_one", "请指定被督查的学校(school_id)或机构(institution_id)其中之一",
     "Give either school_id or institution_id"},
    {"cases.measure_institution", "退还预收费和列入黑名单须指定登记在册的培训机构",
     "Refunds and the black list need a registered institution"},
    {"cases.no_institution", "本区没有该培训机构", "No such institution in this district"},
    {"cases.no_school", "本区没有该学校", "No such school in this district"},
    {"cases.not_answered", "该事项尚未答复,不需要重新办理",
     "The case has not been answered; there is nothing to reopen"},
    {"cases.outcome.referred", "已转办", "Referred"},
    {"cases.outcome.substantiated", "属实", "Substantiated"},
    {"cases.outcome.unsubstantiated", "不属实", "Unsubstantiated"},
    {"cases.penalty_party", "请指定被处罚的机构(institution_id)或当事人名称(party)",
     "Give the institution_id or the party's name"},
    {"cases.phone", "手机号码格式不正确", "The mobile phone number is not valid"},
    {"cases.photo_broken", "图片文件已损坏或格式不完整", "The picture is damaged or incomplete"},
    {"cases.photo_kind", "只能上传 JPEG 或 PNG 格式的照片", "Only JPEG or PNG photos"},
    {"cases.photo_too_large", "照片不能超过 5 MB", "A photo may not exceed 5 MB"},
    {"cases.rect.open", "待整改", "Open"},
    {"cases.rect.passed", "已通过复核", "Passed"},
    {"cases.rect.submitted", "已提交整改", "Submitted"},
    {"cases.rectify_by", "第 {index} 条问题的整改期限不能早于督查日期",
     "Finding {index}: the deadline is before the inspection"},
    {"cases.reward_exists", "该举报已发放过奖励", "This tip-off was rewarded already"},
    {"cases.source.complaint", "家长投诉", "Complaint"},
    {"cases.source.inspector", "督查发现", "Inspection"},
    {"cases.source.tip", "群众举报", "Tip-off"},
    {"cases.status.answered", "已答复", "Answered"},
    {"cases.status.assigned", "办理中", "Assigned"},
    {"cases.status.closed", "已办结", "Closed"},
    {"cases.status.open", "待分派", "Open"},
    {"cases.tip_districts", "所选学校、机构不在同一个区",
     "The school and institution are in different districts"},
    {"cases.tip_where", "请选择涉及的学校、培训机构,或填写地点",
     "Name a school or institution, or a place"},
    {"cases.too_many_photos", "每件最多上传 {limit} 张照片", "At most {limit} photos"},
    {"cases.xlsx.institution", "培训机构", "Institution"},
    {"cases.xlsx.no", "否", "No"},
    {"cases.xlsx.school", "学校", "School"},
    {"cases.xlsx.yes", "是", "Yes"},

    /* ---------- reports (RP-*) ---------- */
    {"reports.bad_period", "报送期格式应为 年-月-1(1日至15日)或 年-月-2(16日至月末),例如 2026-11-2",
     "A period is YYYY-MM-1 (the 1st to the 15th) or YYYY-MM-2 (the 16th to the month's end), e.g. "
     "2026-11-2"},
    {"reports.period_not_started", "报送期 {period} 尚未开始({first_day} 起),不能统计或报送(RP-1)",
     "The period {period} has not begun (it starts on {first_day}) (RP-1)"},
    {"reports.period_before_district",
     "报送期 {period} 早于本区开始报送的日期 {since},没有可报送的数据(RP-1)",
     "The period {period} ends before the district began reporting on {since} (RP-1)"},
    {"reports.already_submitted",
     "报送期 {period} 已报送(第 {revision} 版);如需更正,请填写修订原因后重新报送(RP-1)",
     "The period {period} has been submitted (revision {revision}); give revision_reason to submit "
     "a revision (RP-1)"},
    {"reports.revision_race", "另一位同事刚刚报送了该期修订版,请刷新后再试",
     "Someone else has just submitted a revision of this period; reload and try again"},
    {"reports.no_revision", "该报送期没有这一版报送记录", "This period has no such revision"},
    {"reports.since_future", "开始报送日期不能晚于今天",
     "The first reporting day cannot be in the future"},
    {"reports.baseline_needs_date", "填写基准日机构数时须同时填写基准日期",
     "A baseline count needs its baseline date"},
    {"reports.case_locked_school", "案例已被区教体局选用,学校不能再修改(当前状态:{status})",
     "The district has taken this case up; the school can no longer change it (status: {status})"},
    {"reports.case_published", "案例已发布,不能再修改(RP-2)",
     "The case is published and can no longer change (RP-2)"},
    {"reports.case_not_submitted", "只有待审核的案例可以选用(当前状态:{status})",
     "Only a submitted case can be selected (status: {status})"},
    {"reports.case_not_selected", "只有已选用的案例可以发布或退回(当前状态:{status})",
     "Only a selected case can be published or sent back (status: {status})"},
    {"reports.too_many_photos", "每个案例至多 {max} 张照片", "A case has at most {max} photos"},
    {"reports.photo_size", "照片不能为空,且不超过 {max_bytes} 字节",
     "A photo is not empty and at most {max_bytes} bytes"},
    {"reports.photo_type", "照片须为 JPEG 或 PNG 图片", "A photo is a JPEG or PNG image"},

    /* ---------- notices (NT-*) ---------- */
    {"NT-1.remind",
     "今天已经提醒过了:每条通知每天最多提醒 {reminders_per_day} 次,请明天再提醒(NT-1)",
     "Already reminded today: a notice may be reminded at most {reminders_per_day} times a day; "
     "try again tomorrow (NT-1)"},
    {"NT-2.once", "本学期已经评价过该项目:每名学生每学期对同一项目只能评价一次(NT-2)",
     "This program was already evaluated for this pupil this term: once a term (NT-2)"},
    {"NT-2.score", "评分须为 {min} 到 {max} 之间的整数(NT-2)",
     "The score is a whole number from {min} to {max} (NT-2)"},
    {"notices.all_read", "所有接收人都已阅读,无需提醒",
     "Everyone has read it; there is nobody to remind"},
    {"notices.attachment_count", "每条通知最多附带 {max} 个附件",
     "A notice takes at most {max} attachments"},
    {"notices.attachment_size", "附件不能超过 {max_mb} MB",
     "An attachment may not exceed {max_mb} MB"},
    {"notices.attachment_type", "附件只能是 PDF 文件或图片(PNG、JPEG),以文件内容为准",
     "An attachment must be a PDF or an image (PNG, JPEG), judged by its content"},
    {"notices.attachment_unknown", "附件不存在,或不是您上传的",
     "No such attachment among your uploads"},
    {"notices.audience_bad", "接收范围填写有误:学校、年级、班级须为有效编号",
     "The audience is not valid: schools, grades and classes are ids"},
    {"notices.audience_roles", "请选择接收对象(家长、教师、年级组长、学校管理员)",
     "Choose who receives it (guardians, teachers, grade leaders, school admins)"},
    {"notices.class_mismatch", "所选班级不在所选学校或年级内",
     "The class is not in the schools or grades chosen"},
    {"notices.no_recipients", "所选范围内没有接收人,通知未发送",
     "Nobody is in this audience; nothing was sent"},
    {"notices.not_enrolled", "只有在该项目就读学生的家长才能评价",
     "Only the guardian of a pupil in this program may evaluate it"},
    {"notices.scope.district", "超出发送范围:只能向本区的学校和班级发送通知",
     "Outside your scope: only schools and classes of your district"},
    {"notices.scope.grade", "超出发送范围:年级组长只能向本年级的家长和教师发送通知",
     "Outside your scope: a grade leader sends to the guardians and teachers of their grade"},
    {"notices.scope.none", "您没有发送通知的权限", "You may not send notices"},
    {"notices.scope.public", "只有区教体局和学校管理员可以发布公开宣传内容",
     "Only the district and school admins may publish to the public page"},
    {"notices.scope.school", "超出发送范围:学校管理员只能向本校发送通知",
     "Outside your scope: a school admin sends within their school"},
    {"notices.scope.teacher", "超出发送范围:任课教师只能向自己任教班级的家长发送通知",
     "Outside your scope: a teacher sends to the guardians of the classes they teach"},
};

#define NROWS (sizeof table / sizeof table[0])

static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

static int cmp_msg(const void *a, const void *b)
{
    return strcmp(((const msg *)a)->key, ((const msg *)b)->key);
}

static void sort_table(void)
{
    qsort(table, NROWS, sizeof table[0], cmp_msg);
    for (size_t i = 1; i < NROWS; i++)
        if (strcmp(table[i - 1].key, table[i].key) == 0) {
            fprintf(stderr, "messages.c: the key %s is in the table twice\n", table[i].key);
            abort();
        }
}

static const msg *find(const char *key)
{
    pthread_once(&sorted_once, sort_table);
    msg probe = {key, NULL, NULL};
    return key ? bsearch(&probe, table, NROWS, sizeof table[0], cmp_msg) : NULL;
}

const char *msg_template(const char *key, int english)
{
    const msg *m = find(key);
    return m ? (english ? m->en : m->zh) : NULL;
}

int msg_row(size_t i, const char **key, const char **zh, const char **en)
{
    pthread_once(&sorted_once, sort_table);
    if (i >= NROWS)
        return 0;
    *key = table[i].key;
    *zh = table[i].zh;
    *en = table[i].en;
    return 1;
}

/* Appends to out[*len..n) what fits, always NUL-terminated. */
static void put(char *out, size_t n, size_t *len, const char *s, size_t slen)
{
    if (*len + 1 >= n)
        return;
    size_t room = n - 1 - *len;
    if (slen > room)
        slen = room;
    memcpy(out + *len, s, slen);
    *len += slen;
    out[*len] = 0;
}

static const char *const grades_zh[] = {"",       "一年级", "二年级", "三年级", "四年级",
                                        "五年级", "六年级", "七年级", "八年级", "九年级"};
static const char *const weekdays_zh[] = {"",     "周一", "周二", "周三",
                                          "周四", "周五", "周六", "周日"};
static const char *const weekdays_en[] = {"",         "Monday", "Tuesday",  "Wednesday",
                                          "Thursday", "Friday", "Saturday", "Sunday"};

/* One placeholder's text into buf. */
static void render(const verdict_arg *a, const char *fmt, size_t fmtlen, int english, char *buf,
                   size_t n)
{
    if (a->is_str) {
        snprintf(buf, n, "%s", a->s);
        return;
    }
    int64_t v = a->n;
    if (fmtlen == 4 && memcmp(fmt, "yuan", 4) == 0) {
        const char *sign = v < 0 ? "-" : "";
        int64_t m = v < 0 ? -v : v;
        if (english)
            snprintf(buf, n, "%s¥%lld.%02lld", sign, (long long)(m / 100), (long long)(m % 100));
        else
            snprintf(buf, n, "%s%lld.%02lld 元", sign, (long long)(m / 100), (long long)(m % 100));
    } else if (fmtlen == 5 && memcmp(fmt, "grade", 5) == 0 && v >= 1 && v <= 9) {
        if (english)
            snprintf(buf, n, "grade %lld", (long long)v);
        else
            snprintf(buf, n, "%s", grades_zh[v]);
    } else if (fmtlen == 7 && memcmp(fmt, "weekday", 7) == 0 && v >= 1 && v <= 7) {
        snprintf(buf, n, "%s", english ? weekdays_en[v] : weekdays_zh[v]);
    } else {
        snprintf(buf, n, "%lld", (long long)v);
    }
}

char *msg_format(const char *key, int english, const verdict_arg *args, int nargs, char *out,
                 size_t n)
{
    const char *t = msg_template(key, english);
    return msg_render(t ? t : key ? key : "", english, args, nargs, out, n);
}

char *msg_render(const char *t, int english, const verdict_arg *args, int nargs, char *out,
                 size_t n)
{
    if (n == 0)
        return out;
    out[0] = 0;
    size_t len = 0;
    while (*t) {
        const char *open = strchr(t, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            put(out, n, &len, t, strlen(t));
            break;
        }
        put(out, n, &len, t, (size_t)(open - t));
        const char *name = open + 1;
        const char *colon = memchr(name, ':', (size_t)(close - name));
        size_t namelen = (size_t)((colon ? colon : close) - name);
        const verdict_arg *a = NULL;
        for (int i = 0; i < nargs && !a; i++)
            if (strlen(args[i].key) == namelen && memcmp(args[i].key, name, namelen) == 0)
                a = &args[i];
        if (a) {
            char buf[VERDICT_STR_MAX + 32];
            render(a, colon ? colon + 1 : "", colon ? (size_t)(close - colon - 1) : 0, english, buf,
                   sizeof buf);
            put(out, n, &len, buf, strlen(buf));
        } else {
            put(out, n, &len, name, namelen); /* a missing number shows its name, not garbage */
        }
        t = close + 1;
    }
    return out;
}
