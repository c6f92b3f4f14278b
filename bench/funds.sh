#!/bin/bash
# bench/funds.sh: builds bench/funds_bench against build/libsjcore.a and runs the ledger
# benchmarks of issue 5. Results go to standard output; bench/funds.md records a run.
#   bench/funds.sh                 SQLite: raw inserts vs ledger movements; verify of 1,000,000 entries
#   SJ_PG_URL=postgresql://... bench/funds.sh    the same on PostgreSQL too (a throw-away database)
# Options by environment: THREADS (8), CONTRACTS (64), BENCH_SECONDS (5 per round), ROUNDS (5), ENTRIES (1000000),
# BUILD (build), DATA (a directory on the disk to measure; default /var/tmp/sj-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
THREADS=${THREADS:-8}
CONTRACTS=${CONTRACTS:-64}
SECONDS_=${BENCH_SECONDS:-5}
ROUNDS=${ROUNDS:-5}
ENTRIES=${ENTRIES:-1000000}
DATA=${DATA:-/var/tmp/sj-bench}
mkdir -p "$DATA"
BIN="$DATA/funds_bench"
cmake --build "$BUILD" --target sjcore >/dev/null
cc -std=c17 -O2 -D_GNU_SOURCE -Isrc bench/funds_bench.c "$BUILD/libsjcore.a" \
  $(pkg-config --libs libmicrohttpd jansson sqlite3 libpq libsodium xlsxwriter libzip expat) \
  -lpthread -lm -o "$BIN"

echo "== machine"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') x $(nproc)"
echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB; disk: $(df -h "$DATA" | awk 'NR==2 {print $1, $2}') ($(stat -f -c %T "$DATA"))"
echo "sqlite $(pkg-config --modversion sqlite3), libpq $(pkg-config --modversion libpq); load average before: $(cut -d" " -f1-3 /proc/loadavg)"

echo "== SQLite: movements with durable commits vs raw inserts (same run, same disk)"
rm -f "$DATA"/mv.db*
"$BIN" movements --db "sqlite:$DATA/mv.db" --threads "$THREADS" --contracts "$CONTRACTS" --seconds "$SECONDS_" --rounds "$ROUNDS"
echo "== SQLite: verify of a ${ENTRIES}-entry ledger"
rm -f "$DATA"/vf.db*
"$BIN" verify --db "sqlite:$DATA/vf.db" --entries "$ENTRIES"
ls -la "$DATA"/vf.db | awk '{print "database file:", $5, "bytes"}'
rm -f "$DATA"/mv.db* "$DATA"/vf.db*

if [ -n "${SJ_PG_URL:-}" ]; then
  name=sjbench_$$
  psql "$SJ_PG_URL" -qAtc "CREATE DATABASE $name" >/dev/null
  url=$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path='/'+sys.argv[2]).geturl())" "$SJ_PG_URL" "$name")
  trap 'psql "$SJ_PG_URL" -qAtc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null' EXIT
  echo "== PostgreSQL $(psql "$url" -qAtc 'SHOW server_version'): movements (synchronous_commit=$(psql "$url" -qAtc 'SHOW synchronous_commit'), fsync=$(psql "$url" -qAtc 'SHOW fsync'))"
  "$BIN" movements --db "$url" --threads "$THREADS" --contracts "$CONTRACTS" --seconds "$SECONDS_" --rounds "$ROUNDS"
  psql "$SJ_PG_URL" -qAtc "DROP DATABASE $name WITH (FORCE)" >/dev/null
  psql "$SJ_PG_URL" -qAtc "CREATE DATABASE $name" >/dev/null
  echo "== PostgreSQL: verify of a ${ENTRIES}-entry ledger (loaded with \\copy)"
  "$BIN" verify --db "$url" --entries "$ENTRIES" --csv "$(realpath "$DATA")"
  psql "$url" -qAtc "\\copy ledger_entries (district_id, seq, txn, kind, account, account_id, contract_id, amount_fen, actor, at, prev_hash, hash) FROM '$DATA/ledger_entries.csv' CSV"
  psql "$url" -qAtc "\\copy contract_lessons (contract_id, date, txn, created_at) FROM '$DATA/contract_lessons.csv' CSV"
  psql "$url" -qAtc "ANALYZE"
  "$BIN" verify-only --db "$url"
  rm -f "$DATA"/*.csv
fi
