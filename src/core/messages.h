/*
 * messages.h: every sentence the server says to a user, in zh-CN and English, by key.
 *
 * One table (messages.c) holds them all, so wording is read, reviewed and translated in one
 * place and no handler chooses a language. Keys:
 *   "HW-2"                  a rule's refusal, by its POLICY.md ID;
 *   "HW-4.vacation"         a rule's refusal in one of its cases;
 *   "homework.date_past"    any other sentence, by module and what happened.
 * Templates name their numbers: "{written_minutes}" is the argument of that name as it is;
 * "{fee_fen:yuan}" is fen shown as 元 ("12.50 元" / "¥12.50"); "{grade:grade}" is a grade
 * ("四年级" / "grade 4"); "{weekday:weekday}" is 1..7 ("周一" / "Monday"). An argument that is
 * missing leaves the placeholder's name in the text, and a unit test renders every template.
 *
 * The table is sorted once on first use; lookups are then a binary search, safe from any
 * thread.
 */
#ifndef SJ_MESSAGES_H
#define SJ_MESSAGES_H

#include <stddef.h>

#include "verdict.h"

/* The template for key, or NULL when the table has no such key. */
const char *msg_template(const char *key, int english);
/* The template for key filled from args; an unknown key gives the key itself. Returns out. */
char *msg_format(const char *key, int english, const verdict_arg *args, int nargs, char *out,
                 size_t n);
/* The template t filled from args (what msg_format does once it has the template). */
char *msg_render(const char *t, int english, const verdict_arg *args, int nargs, char *out,
                 size_t n);
/* For tests and docs: the i-th row of the table (in key order); false past the end. */
int msg_row(size_t i, const char **key, const char **zh, const char **en);

#endif
