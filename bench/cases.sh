#!/bin/bash
# bench/cases.sh: the cases module on a city's year of cases (issue 10): a district-scale demo
# (60 schools) with 200,000 complaints and tip-offs and 1,000,000 history rows on top
# (cases_fill.*.sql), then bench/cases_bench.mjs against `shuangjian serve`: the inspector's
# overdue list and a school's list (target: under 50 ms), and 200 clients filing tip-offs at
# once (none lost). bench/README.md records a run.
#   bench/cases.sh                 SQLite
#   bench/cases.sh pg URL          PostgreSQL (a maintenance URL; a throw-away database is made)
# Options by environment: ROUNDS (50), CLIENTS (200), DATA (/var/tmp/sj-bench-cases).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SJ_BIN:-build/shuangjian}
DATA=${DATA:-/var/tmp/sj-bench-cases}
export SJ_DATA_KEY=${SJ_DATA_KEY:-$(printf 'ab%.0s' {1..32})}
mkdir -p "$DATA"
echo "== machine"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') x $(nproc); memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${1:-sqlite}" = pg ]; then
  name=sjbench_cases_$$
  psql "$2" -qAtc "CREATE DATABASE $name" >/dev/null
  DB=$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path='/'+sys.argv[2]).geturl())" "$2" "$name")
  trap 'kill $SERVER 2>/dev/null || true; psql "$2" -qAtc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null' EXIT
  echo "== PostgreSQL $(psql "$DB" -qAtc 'SHOW server_version')"
else
  rm -f "$DATA"/cases.db*
  DB="sqlite:$DATA/cases.db"
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  echo "== SQLite $(pkg-config --modversion sqlite3)"
fi
SECONDS=0
"$BIN" demo --db "$DB" --scale district >/dev/null 2>&1
echo "demo (district scale): ${SECONDS} s"
SECONDS=0
if [ "${1:-sqlite}" = pg ]; then psql "$DB" -q -v ON_ERROR_STOP=1 -f bench/cases_fill.pg.sql >/dev/null
else sqlite3 "$DATA/cases.db" < bench/cases_fill.sqlite.sql; fi
echo "fill: ${SECONDS} s"
count() { if [ "${1:-sqlite}" = pg ]; then psql "$DB" -qAtc "$2"; else sqlite3 "$DATA/cases.db" "$2"; fi; }
echo "cases: $(count "${1:-sqlite}" 'SELECT COUNT(*) FROM cases'), history rows: $(count "${1:-sqlite}" 'SELECT COUNT(*) FROM case_history')"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --quiet --trust-proxy 127.0.0.1 &
SERVER=$!
for _ in $(seq 100); do curl -s "http://127.0.0.1:$PORT/api/v1/me" >/dev/null && break; sleep 0.1; done
before=$(count "${1:-sqlite}" 'SELECT COUNT(*) FROM cases')
URL="http://127.0.0.1:$PORT" node bench/cases_bench.mjs
after=$(count "${1:-sqlite}" 'SELECT COUNT(*) FROM cases')
echo "cases stored by the tip rounds: $((after - before))"
