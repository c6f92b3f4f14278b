/*
 * clock.h: the district's one clock. Every date and every timestamp the program stores or
 * compares comes from these functions; nothing else reads the system clock for a date
 * (CLOCK_MONOTONIC for durations is not a date and stays where it is used).
 *
 * The district keeps China Standard Time: UTC+8 all year, no daylight saving. "Today" is the
 * calendar day in CST whatever the machine's time zone is (servers run in UTC: between 16:00
 * and 24:00 UTC the district is already on the next day). Timestamps are Unix seconds and are
 * written as RFC 3339 with +08:00.
 *
 * The test clock. With both
 *     SJ_TEST_CLOCK=1  SJ_TODAY=YYYY-MM-DD  [SJ_TODAY_TIME=HH:MM, CST, default 10:00]
 * in the environment, the clock starts at that moment when the program starts and runs on from
 * there at the machine's pace (a request a minute later is stamped a minute later). Every
 * subcommand reads it (demo, serve, verify...), so a demo made under a test clock holds "this
 * week" of the test day. One of these settings without the others is refused: clock_init fails
 * and main exits 2, so the test clock cannot be switched on by a stray variable; when it is on,
 * main prints a banner on standard error at every start and GET /api/v1/health says so.
 *
 * State: one offset, set by clock_init in main before any thread starts and read-only after
 * (handlers read it from libmicrohttpd's threads without a lock). Before clock_init (unit
 * tests) the clock is the real one.
 */
#ifndef SJ_CLOCK_H
#define SJ_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLOCK_UTC_OFFSET_S (8 * 3600) /* China Standard Time */
#define CLOCK_UTC_OFFSET   "+08:00"
#define CLOCK_TIME_ZONE    "Asia/Shanghai"

/* Reads SJ_TEST_CLOCK, SJ_TODAY and SJ_TODAY_TIME once. 0 on success (test clock on or off);
 * -1 with the reason in err when the settings are incomplete or malformed. Call once, from
 * main, before any other thread exists. */
int clock_init(char *err, size_t errlen);
/* Whether the test clock is on. */
bool clock_is_test(void);
/* Writes the test clock's banner to standard error; nothing when the clock is the real one. */
void clock_banner(void);

/* Now, as Unix seconds. */
int64_t now_unix(void);
/* Now as YYYY-MM-DDTHH:MM:SS+08:00. */
void now_rfc3339(char out[32]);
/* A moment as YYYY-MM-DDTHH:MM:SS+08:00. */
void unix_rfc3339(int64_t t, char out[32]);
/* Today in CST, YYYY-MM-DD. */
void today_local(char out[11]);
/* The CST calendar day a moment falls on, YYYY-MM-DD. */
void unix_date(int64_t t, char out[11]);
/* The moment `minutes` after CST midnight starting `date` (a valid YYYY-MM-DD). */
int64_t date_unix(const char *date, int minutes);

#endif
