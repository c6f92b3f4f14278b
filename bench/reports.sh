#!/bin/sh
# reports.sh: the half-monthly report (RP-1) and its workbook on the city-scale demo district
# (500 schools, 24,000 classes, 1,008,000 pupils) with a full autumn term of homework, on SQLite.
# usage: bench/reports.sh [DIR]   DIR keeps city.db between runs (made when missing)
# Two rounds: the term as homework_city_fill.sqlite.sql makes it (the families' times as sums on
# the items only), then with three families' rows per reported item of the measured half-month
# (bench/reports_feedback.sqlite.sql, 0.7 million rows, and the per-family roll-up of them that
# the families' median reads).
# Needs: build/shuangjian (or SJ_BIN), sqlite3, curl.
set -eu
cd "$(dirname "$0")/.."
BIN=${SJ_BIN:-build/shuangjian}
DIR=${1:-/tmp/sj-rpcity}
PORT=$((20000 + $$ % 20000))
P=2026-11-2
mkdir -p "$DIR"
if [ ! -f "$DIR/city.db" ]; then
    echo "# making the city: demo, then a term of homework (the demo's own week of homework goes first)"
    /usr/bin/time -f "# demo: %e s" "$BIN" demo --db "sqlite:$DIR/city.db" --scale city >/dev/null
    sqlite3 "$DIR/city.db" "DELETE FROM homework_feedback; DELETE FROM homework_changes; DELETE FROM homework;
        DELETE FROM homework_days; DELETE FROM homework_school_days; DELETE FROM homework_subject_totals;
        DELETE FROM homework_family_days;"
    /usr/bin/time -f "# fill: %e s" sqlite3 "$DIR/city.db" < bench/homework_city_fill.sqlite.sql >/dev/null
fi
"$BIN" migrate --db "sqlite:$DIR/city.db" >/dev/null
sqlite3 "$DIR/city.db" "INSERT INTO report_settings (district_id, since, updated_at) VALUES (1, '2026-09-01', 0)
    ON CONFLICT (district_id) DO UPDATE SET since = '2026-09-01';
    DELETE FROM report_submissions WHERE period = '$P';"
echo "# data: $(sqlite3 "$DIR/city.db" "SELECT (SELECT COUNT(*) FROM schools) || ' schools, ' ||
    (SELECT COUNT(*) FROM classes) || ' classes, ' || (SELECT COUNT(*) FROM students) || ' pupils, ' ||
    (SELECT COUNT(*) FROM homework) || ' items, ' || (SELECT COUNT(*) FROM homework_days) || ' class-days, ' ||
    (SELECT COUNT(*) FROM afterschool_enrolments) || ' seats, ' || (SELECT COUNT(*) FROM ledger_entries) || ' ledger entries'"),
    $(du -m "$DIR/city.db" | cut -f1) MB"

round() {
    "$BIN" serve --db "sqlite:$DIR/city.db" --listen 127.0.0.1:$PORT --quiet 2>/dev/null &
    SRV=$!
    until curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/me"; do sleep 0.1; done
    TOKEN=$(curl -s -XPOST "http://127.0.0.1:$PORT/api/v1/session" -d '{"username":"admin","password":"shuangjian2026"}' |
        sed 's/.*"token":"\([^"]*\)".*/\1/')
    # the server's CPU time (user + system, clock ticks) so far: on a machine shared with other
    # work the wall time says more about the neighbours than about the server
    ticks() { awk '{print $14 + $15}' /proc/$SRV/stat; }
    timed() {
        name=$1; url=$2
        curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$url"
        t0=$(ticks)
        for i in 1 2 3 4 5 6 7; do
            curl -s -o /dev/null -w "%{time_total} %{http_code} %{size_download}\n" -H "Authorization: Bearer $TOKEN" "$url"
        done | sort -n | awk -v n="$name" '{t[NR] = $1; c = $2; b = $3} END {printf "%-48s median %6.0f ms  worst %6.0f ms  (HTTP %s, %d bytes)", n, t[4] * 1000, t[7] * 1000, c, b}'
        t1=$(ticks)
        awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "  CPU %5.0f ms a request\n", (b - a) * 1000 / hz / 7}'
    }
    B="http://127.0.0.1:$PORT/api/v1/reports/half-monthly"
    timed "half-monthly report $P (draft, live data)" "$B/$P"
    timed "its workbook $P.xlsx" "$B/$P.xlsx"
    timed "one school's breakdown" "$B/$P/schools/$(sqlite3 "$DIR/city.db" "SELECT id FROM schools ORDER BY id LIMIT 1 OFFSET 10")"
    kill $SRV; wait $SRV 2>/dev/null || true
}
echo "# round 1: the term as filled (families' times as sums on the items, no rows)"
sqlite3 "$DIR/city.db" "DELETE FROM homework_feedback; DELETE FROM homework_family_days"
round
echo "# round 2: with the families' rows of $P ($(/usr/bin/time -f '%e s' sqlite3 "$DIR/city.db" < bench/reports_feedback.sqlite.sql 2>&1 >/dev/null | tail -1) to add)"
echo "#   $(sqlite3 "$DIR/city.db" "SELECT COUNT(*) FROM homework_feedback") feedback rows"
round
