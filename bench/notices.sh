#!/usr/bin/env bash
# bench/notices.sh [DIR] [ROUNDS]: a notice to every guardian of the city-scale demo (about a
# million) and its receipt summary (issue 12; bench/notices.md). Builds DIR/city.db once with
# `shuangjian demo --scale city` (about two minutes), serves it, and in each round
#   - sends POST /api/v1/notices as the district admin to every guardian of the district, timed
#     from the request to the 201 (the notice, its target rows and every recipient row, one
#     INSERT ... SELECT, durable commit);
#   - asks GET /api/v1/notices/{id}/receipts of that notice ten times (the counts, the first
#     page of unread names), and the same after 1,000 of its recipients have read it.
# Reference in the same run: the sqlite3 shell writing the same rows into a scratch table of the
# same shape (WITHOUT ROWID, the same key and index) with the same statement, in one transaction.
# PostgreSQL: SJ_PG_URL=postgresql://.../DB (a database holding the city demo, made with
# `shuangjian demo --db URL --scale city`) and SJ_DATA_KEY its key: the same rounds against it.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-/tmp/sj-ntcity}
ROUNDS=${2:-3}
BIN=${SJ_BIN:-build/shuangjian}
PORT=${PORT:-18097}
mkdir -p "$DIR"

if [ -n "${SJ_PG_URL:-}" ]; then
  DB=$SJ_PG_URL
else
  DB=sqlite:$DIR/city.db
  if [ ! -f "$DIR/city.db" ]; then
    echo "building the city-scale demo in $DIR/city.db (once) ..." >&2
    "$BIN" demo --db "$DB" --scale city >/dev/null
  fi
  "$BIN" migrate --db "$DB"
fi

"$BIN" serve --db "$DB" --listen 127.0.0.1:$PORT --quiet >"$DIR/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:$PORT/api/v1/health && break; sleep 0.1; done

api() { curl -s -H 'Content-Type: application/json' -H "Authorization: Bearer ${TOKEN:-}" "$@"; }
TOKEN=$(api -X POST http://127.0.0.1:$PORT/api/v1/session -d '{"username":"admin","password":"shuangjian2026"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
GUARDIANS=$(api -X POST http://127.0.0.1:$PORT/api/v1/notices/preview -d '{"audience":{"roles":["guardian"]}}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["recipients"])')
echo "backend: ${SJ_PG_URL:+postgresql}${SJ_PG_URL:-sqlite}; guardians in the district: $GUARDIANS"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for r in $(seq "$ROUNDS"); do
  out=$(api -w ' %{time_total}' -X POST http://127.0.0.1:$PORT/api/v1/notices \
    -d "{\"title\":\"寒假安全告家长书(第 $r 轮)\",\"body\":\"各位家长:\\n寒假将至,请注意安全。\",\"audience\":{\"roles\":[\"guardian\"]}}")
  id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1].rsplit(" ",1)[0])["id"])' "$out")
  n=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1].rsplit(" ",1)[0])["recipients"])' "$out")
  send=${out##* }
  fresh=$(for _ in $(seq 10); do api -o /dev/null -w '%{time_total}\n' http://127.0.0.1:$PORT/api/v1/notices/$id/receipts; done | median)
  # the first 1,000 recipients read it (their own tokens are not needed for the cost being
  # measured: the rows and the counter move as POST /read moves them); a range of the primary
  # key, so that neither backend needs statistics of the fresh rows to find them
  if [ -z "${SJ_PG_URL:-}" ]; then
    sqlite3 "$DIR/city.db" "PRAGMA busy_timeout=10000; BEGIN; UPDATE notice_recipients SET read_at = 1 WHERE notice_id = $id AND user_id <= (SELECT user_id FROM notice_recipients WHERE notice_id = $id ORDER BY user_id LIMIT 1 OFFSET 999); UPDATE notices SET read_count = read_count + 1000 WHERE id = $id; COMMIT;"
  else
    psql -q "$SJ_PG_URL" -c "BEGIN; UPDATE notice_recipients SET read_at = 1 WHERE notice_id = $id AND user_id <= (SELECT user_id FROM notice_recipients WHERE notice_id = $id ORDER BY user_id LIMIT 1 OFFSET 999); UPDATE notices SET read_count = read_count + 1000 WHERE id = $id; COMMIT;"
  fi
  read1k=$(for _ in $(seq 10); do api -o /dev/null -w '%{time_total}\n' http://127.0.0.1:$PORT/api/v1/notices/$id/receipts; done | median)
  ref=""
  if [ -z "${SJ_PG_URL:-}" ]; then
    t0=$(date +%s.%N)
    sqlite3 "$DIR/city.db" "PRAGMA busy_timeout=10000; PRAGMA synchronous=FULL; BEGIN;
      CREATE TABLE bench_recipients (notice_id BIGINT NOT NULL, user_id BIGINT NOT NULL, district_id BIGINT NOT NULL,
        school_id BIGINT, class_id BIGINT, student_id BIGINT, read_at BIGINT, PRIMARY KEY (notice_id, user_id)) WITHOUT ROWID;
      CREATE INDEX bench_recipients_user ON bench_recipients (user_id, notice_id);
      INSERT INTO bench_recipients (notice_id, user_id, district_id, school_id, class_id, student_id)
        SELECT $id, g.user_id, c.district_id, c.school_id, c.id, p.id FROM classes c
        JOIN students p ON p.class_id = c.id JOIN guardianships g ON g.student_id = p.id
        WHERE c.district_id = 1 ON CONFLICT (notice_id, user_id) DO NOTHING;
      COMMIT;"
    ref=$(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))" "$t0" "$(date +%s.%N)")
    sqlite3 "$DIR/city.db" "PRAGMA busy_timeout=10000; DROP TABLE bench_recipients;"
  fi
  printf 'round %d: notice %d to %d recipients in %.3f s; receipts %.1f ms fresh, %.1f ms after 1,000 read%s\n' \
    "$r" "$id" "$n" "$send" "$(python3 -c "print($fresh*1000)")" "$(python3 -c "print($read1k*1000)")" \
    "${ref:+; reference (sqlite3 shell, the same rows into a bare table, committed): $ref s}"
done
