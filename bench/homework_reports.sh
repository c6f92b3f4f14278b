#!/bin/sh
# homework_reports.sh: benchmark (c) of bench/homework.md: the homework reports on the city-scale
# demo district (500 schools, 24,000 classes) with a full autumn term of homework (90 school
# days, about 4 items a class-day: 8.6 million items), on SQLite.
# usage: bench/homework_reports.sh [DIR]   DIR keeps city.db between runs (made when missing)
# Needs: build/shuangjian (or SJ_BIN), sqlite3, curl.
set -eu
cd "$(dirname "$0")/.."
BIN=${SJ_BIN:-build/shuangjian}
DIR=${1:-/tmp/sj-hwcity}
PORT=$((20000 + $$ % 20000))
mkdir -p "$DIR"
if [ ! -f "$DIR/city.db" ]; then
    echo "# making the city: demo, then a term of homework"
    /usr/bin/time -f "# demo: %e s" "$BIN" demo --db "sqlite:$DIR/city.db" --scale city >/dev/null
    /usr/bin/time -f "# fill: %e s" sqlite3 "$DIR/city.db" < bench/homework_city_fill.sqlite.sql >/dev/null
fi
"$BIN" migrate --db "sqlite:$DIR/city.db" >/dev/null
echo "# data: $(sqlite3 "$DIR/city.db" "SELECT (SELECT COUNT(*) FROM schools) || ' schools, ' ||
    (SELECT COUNT(*) FROM classes) || ' classes, ' || (SELECT COUNT(*) FROM homework) || ' items, ' ||
    (SELECT COUNT(*) FROM homework_days) || ' class-days, ' || (SELECT COUNT(*) FROM homework_school_days) ||
    ' school-grade-days, ' || (SELECT COUNT(*) FROM homework_subject_totals) || ' district subject-days'"),
    $(du -m "$DIR/city.db" | cut -f1) MB"
"$BIN" serve --db "sqlite:$DIR/city.db" --listen 127.0.0.1:$PORT --quiet 2>/dev/null &
SRV=$!
trap 'kill $SRV 2>/dev/null; wait $SRV 2>/dev/null' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/me"; do sleep 0.1; done
TOKEN=$(curl -s -XPOST "http://127.0.0.1:$PORT/api/v1/session" -d '{"username":"admin","password":"shuangjian2026"}' |
    sed 's/.*"token":"\([^"]*\)".*/\1/')
SCHOOL=$(sqlite3 "$DIR/city.db" "SELECT id FROM schools WHERE kind = 'nine_year' ORDER BY id LIMIT 1 OFFSET 10")

# median and worst of 7 timed runs after one warm-up
timed() {
    name=$1; url=$2
    curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$url"
    for i in 1 2 3 4 5 6 7; do
        curl -s -o /dev/null -w "%{time_total} %{http_code} %{size_download}\n" -H "Authorization: Bearer $TOKEN" "$url"
    done | sort -n | awk -v n="$name" '{t[NR] = $1; c = $2; b = $3} END {printf "%-44s median %6.0f ms  worst %6.0f ms  (HTTP %s, %d bytes)\n", n, t[4] * 1000, t[7] * 1000, c, b}'
}
B="http://127.0.0.1:$PORT/api/v1/reports/homework"
TERM="from=2026-09-01&to=2027-01-31"
WEEK="from=2026-11-16&to=2026-11-22"
echo "# school $SCHOOL ($(sqlite3 "$DIR/city.db" "SELECT COUNT(*) FROM classes WHERE school_id = $SCHOOL") classes)"
timed "district report, full term" "$B?$TERM"
timed "district report, one week" "$B?$WEEK"
timed "district report, full term, grade 8" "$B?$TERM&grade=8"
timed "school report, full term" "$B?school_id=$SCHOOL&$TERM"
timed "school report, one week" "$B?school_id=$SCHOOL&$WEEK"
timed "school analysis (estimate vs reported), term" "$B/analysis?school_id=$SCHOOL&$TERM"
timed "district XLSX export, full term" "http://127.0.0.1:$PORT/api/v1/reports/homework.xlsx?$TERM"
timed "grade matrix (one week, grade 4)" "http://127.0.0.1:$PORT/api/v1/schools/$SCHOOL/homework/matrix?grade=4&week=2026-11-18"
