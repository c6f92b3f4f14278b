#!/usr/bin/env bash
# The style checker (STYLE.md 12): banned calls, SQL built from strings, the layout of includes
# (scripts/layout.py), the C format (.clang-format), files without the opening comment. Prints each finding as FILE:LINE: RULE and exits 1 when there is any.
set -uo pipefail
cd "$(dirname "$0")/.."
found=0
report() { echo "$1: $2"; found=1; }

# banned calls: unbounded or unchecked
while IFS= read -r hit; do report "${hit%%:*}:$(cut -d: -f2 <<<"$hit")" "banned call ($(grep -oE '\b(sprintf|vsprintf|strcpy|strcat|gets|atoi|atol|atof|strtok)\(' <<<"${hit#*:*:}" | head -1))"
done < <(grep -nE '(^|[^_a-z])(sprintf|vsprintf|strcpy|strcat|gets|atoi|atol|atof|strtok)\(' src -r --include='*.c' --include='*.h' | grep -vE '^\S+:[0-9]+:\s*(/?\*|//)')

# one clock (src/core/clock.c): nothing else reads the system clock for a date or formats one
# with the C library's time zone; CLOCK_MONOTONIC for durations is allowed
while IFS= read -r hit; do report "${hit%%:*}:$(cut -d: -f2 <<<"$hit")" "system clock outside src/core/clock.c (use now_unix, today_local, unix_date)"
done < <(grep -nE '(^|[^_a-zA-Z0-9])(time|gettimeofday|localtime|localtime_r|gmtime|gmtime_r|mktime|timegm|ctime|strftime)\(|CLOCK_REALTIME' src -r --include='*.c' --include='*.h' | grep -v '^src/core/clock\.c:' | grep -vE '^\S+:[0-9]+:\s*(/?\*|//)')

# SQL built with printf-style formatting of values: only %s of a fixed clause (req_printf with
# a WHERE fragment chosen from literals) is allowed, never %d/%lld/%s of user input into SQL.
while IFS= read -r hit; do report "${hit%%:*}:$(cut -d: -f2 <<<"$hit")" "SQL formatted with a number (bind it as \$N)"
done < <(grep -nE '(snprintf|req_printf)\([^;]*"(SELECT|INSERT|UPDATE|DELETE)[^"]*%(l?l?d|I64|zu)' src -r --include='*.c')

# handlers hold no SQL (issue 9): every statement is in the module's store (store*.c), so a
# handler parses, authorises, calls one store function and replies
while IFS= read -r hit; do report "${hit%%:*}:$(cut -d: -f2 <<<"$hit")" "SQL or a store call in a handler file (move it to the module's store)"
done < <(grep -nE '"(SELECT|INSERT|UPDATE|DELETE|WITH) |(^|[^_a-z])(db_query|db_run|db_insert_id|db_query_int64|db_list_page|reply_list)\(' src/*/api*.c | grep -vE '^\S+:[0-9]+:\s*(/?\*|//)')

# SQL parameters: the type string of each store call against its arguments and its $N
python3 scripts/sqlparams.py $(find src -name '*.c') || found=1

# the layout: app -> modules -> core, no include from core upward, no circle
python3 scripts/layout.py src || found=1

# the C format is .clang-format's (Debian's clang-format 14): a file it would change fails;
# `clang-format -i FILE` fixes it
if command -v clang-format >/dev/null; then
  for f in $(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'tests/unit/*.h' 'tests/fuzz/*.c' 2>/dev/null || find src tests/unit tests/fuzz -name '*.[ch]'); do
    [ -f "$f" ] || continue
    clang-format "$f" | cmp -s - "$f" || report "$f:1" "not in .clang-format's format (clang-format -i $f)"
  done
else
  report "scripts/lint.sh:1" "clang-format is missing (scripts/deps.sh installs it)"
fi

# every source file starts with a comment saying what it is
for f in $(find src -name '*.c' -o -name '*.h'); do
  head -c 3 "$f" | grep -q '^/\*' || report "$f:1" "no opening comment"
done
exit $found
