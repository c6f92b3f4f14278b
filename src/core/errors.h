/*
 * errors.h: the one table of errors the API can answer.
 *
 * Each row gives the enum name, the HTTP status, the snake_case code clients see, and the
 * message in zh-CN and English. Functions return `sj_err`; only the HTTP layer turns one into
 * `{"error":{"code","message",...}}`. Add rows here, never ad-hoc strings in handlers.
 */
#ifndef SJ_ERRORS_H
#define SJ_ERRORS_H

#define SJ_ERRORS(X)                                                                               \
    X(OK, 200, "ok", "成功", "OK")                                                                 \
    X(BAD_JSON, 400, "bad_json", "请求体不是有效的 JSON", "The request body is not valid JSON")    \
    X(BAD_REQUEST, 400, "bad_request", "请求参数有误", "The request is invalid")                   \
    X(BAD_FIELD, 400, "invalid_field", "字段取值无效", "A field has an invalid value")             \
    X(MISSING_FIELD, 400, "missing_field", "缺少必填字段", "A required field is missing")          \
    X(BAD_UTF8, 400, "bad_utf8", "文本不是有效的 UTF-8", "Text is not valid UTF-8")                \
    X(TOO_LARGE, 413, "body_too_large", "请求体过大", "The request body is too large")             \
    X(UNAUTHENTICATED, 401, "unauthenticated", "请先登录", "Please log in")                        \
    X(BAD_CREDENTIALS, 401, "invalid_credentials", "用户名或密码错误",                             \
      "Wrong username or password")                                                                \
    X(LOCKED_OUT, 429, "too_many_attempts", "登录失败次数过多,请稍后再试",                         \
      "Too many failed logins; try again later")                                                   \
    X(FORBIDDEN, 403, "forbidden", "没有权限执行此操作", "You are not allowed to do this")         \
    X(NOT_FOUND, 404, "not_found", "对象不存在", "Not found")                                      \
    X(NO_ROUTE, 404, "no_route", "接口不存在", "No such API route")                                \
    X(METHOD, 405, "method_not_allowed", "不支持该请求方法", "Method not allowed")                 \
    X(USERNAME_TAKEN, 409, "username_taken", "用户名已被使用", "The username is taken")            \
    X(CONFLICT, 409, "conflict", "与已有数据冲突", "Conflicts with existing data")                 \
    X(ALREADY_LINKED, 409, "already_linked", "已经关联过", "Already linked")                       \
    X(NOT_A_GUARDIAN, 409, "not_a_guardian_account",                                               \
      "只能关联家长账号:该账号没有家长身份,或同时拥有教职工、管理员等其他身份,请为家长另建账号",   \
      "Only a family account can be linked: this account is not a guardian's, or it also "         \
      "holds a staff or admin role; make the family an account of its own")                        \
    X(GUARDIAN_ROLE_ALONE, 422, "guardian_role_alone",                                             \
      "家长身份只能单独授予:家长账号不能同时拥有教职工、管理员或机构身份,请分别建立账号",          \
      "The guardian role is granted alone: a family account cannot also hold a staff, admin "      \
      "or institution role; make two accounts")                                                    \
    X(STUDENT_NO_TAKEN, 409, "student_no_taken", "学籍号已存在", "The student number exists")      \
    X(LICENSE_TAKEN, 409, "license_taken", "该办学许可证编号已登记", "This licence is registered") \
    X(INSTITUTION_INACTIVE, 409, "institution_not_active", "该机构已停业或被暂停",                 \
      "The institution is suspended or closed")                                                    \
    X(COURSE_NOT_OPEN, 409, "course_not_open", "该课程未通过审核", "The course was rejected")      \
    X(CONTRACT_CLOSED, 409, "contract_closed", "合同已终止", "The contract is closed")             \
    X(HOMEWORK_PAST, 409, "homework_in_past", "这一天已经过去,作业记录不能再修改",                 \
      "This day has passed; its homework can no longer be changed")                                \
    X(ALREADY_ENROLLED, 409, "already_enrolled", "该学生已报名或已在候补名单中",                   \
      "The pupil is already enrolled or on the wait list")                                         \
    X(TIME_CLASH, 409, "time_clash", "与该学生已报名的项目时间冲突",                               \
      "It clashes with a program the pupil is already in")                                         \
    X(PROGRAM_CLOSED, 409, "program_closed", "该课后服务项目已结束或已关闭",                       \
      "The program has ended or is closed")                                                        \
    X(ROLL_LOCKED, 409, "roll_locked", "该日点名已锁定,修改请提交更正并说明原因",                  \
      "The roll of that day is locked; send a correction with a reason")                           \
    X(ROLL_NOT_OPEN, 409, "roll_not_open", "还没到这一天,不能点名", "That day has not come yet")   \
    X(NO_SESSION, 422, "no_session", "该项目这一天没有课后服务",                                   \
      "The program has no session on that day")                                                    \
    X(NOT_ENROLLED, 422, "not_enrolled", "该学生当天未报名此项目",                                 \
      "The pupil is not enrolled in this program on that day")                                     \
    X(OVERPAYMENT, 422, "overpayment", "付款超过合同金额", "The payment exceeds what is owed")     \
    X(NO_LESSONS_LEFT, 422, "no_lessons_left", "合同课时已全部消课", "No lessons are left")        \
    X(INSUFFICIENT_ESCROW, 422, "insufficient_escrow", "监管账户余额不足一课时费用",               \
      "The escrow does not cover one lesson")                                                      \
    X(IMPORT_REJECTED, 422, "import_rejected", "文件有错误,未导入任何数据",                        \
      "The file has errors; nothing was imported")                                                 \
    X(RULE, 422, "rule_violation", "违反政策规定", "Refused by a policy rule")                     \
    X(UNAVAILABLE, 503, "unavailable", "服务繁忙,请稍后再试", "Service busy; try again")           \
    X(INTERNAL, 500, "internal", "服务器内部错误", "Internal server error")

typedef enum {
#define SJ_ERR_ENUM(name, status, code, zh, en) SJ_ERR_##name,
    SJ_ERRORS(SJ_ERR_ENUM)
#undef SJ_ERR_ENUM
        SJ_ERR__COUNT
} sj_err;

int sj_err_status(sj_err e);
const char *sj_err_code(sj_err e);
const char *sj_err_message(sj_err e, int english);

#endif
