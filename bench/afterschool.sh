#!/bin/sh
# afterschool.sh: the after-school benchmarks of bench/afterschool.md, in one run.
#   (a) N guardians (default 2,000) enrol their children at once into 40 programs of one
#       school: every seat filled exactly once, the wait lists in order;
#   (b) a term's bills for every pupil of the district-scale demo data (about 60,000), then
#       the district's coverage report.
# usage: bench/afterschool.sh [sqlite|pg] [N]
#   pg uses the cluster of SJ_PG_URL (a maintenance URL), in a database made and dropped here.
# Needs: build/shuangjian (or SJ_BIN), python3, node, sqlite3 or psql, curl.
set -eu
cd "$(dirname "$0")/.."
BACKEND=${1:-sqlite}
N=${2:-2000}
BIN=${SJ_BIN:-build/shuangjian}
W=$(mktemp -d /tmp/sj-asbench-XXXXXX)
PORT=$((20000 + $$ % 20000))
SRV= PGDB=
export SJ_DATA_KEY=$(printf 'ab%.0s' $(seq 32))
cleanup() {
    [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null || true
    [ -n "$PGDB" ] && psql "$SJ_PG_URL" -qc "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" || true
    rm -rf "$W"
}
trap cleanup EXIT

echo "# machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# backend $BACKEND, $N guardians"
if [ "$BACKEND" = pg ]; then
    PGDB=sjasbench_$$
    psql "$SJ_PG_URL" -qc "CREATE DATABASE $PGDB"
    DB=$(node -e "const u=new URL(process.argv[1]);u.pathname='/$PGDB';console.log(u.toString())" "$SJ_PG_URL")
    run_sql() { psql "$DB" -v ON_ERROR_STOP=1 -q >/dev/null; }
else
    DB=sqlite:$W/as.db
    run_sql() { sqlite3 -bail "$W/as.db" >/dev/null; }
fi
T0=$(date +%s.%N)
"$BIN" demo --db "$DB" --scale district 2>&1 | tail -n 1
python3 bench/afterschool_seed.py "$N" "$W/seed.sql" "$W/tokens.json"
run_sql < "$W/seed.sql"
echo "# demo data and the bench school: $(echo "$(date +%s.%N) - $T0" | bc) s"
"$BIN" serve --db "$DB" --listen 127.0.0.1:$PORT --quiet &
SRV=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/me"; do
    i=$((i + 1)); [ $i -gt 200 ] && { echo "server did not start"; exit 1; }; sleep 0.05
done
echo "## (a) $N guardians enrol at once into 40 programs of one school"
node bench/afterschool_enrol.mjs "http://127.0.0.1:$PORT" "$W/tokens.json" 40

echo "## (b) a term's bills for the district"
Y=$(($(date -u +%Y) + 1))
sed -e "s/__TERM__/$Y-autumn/g" -e "s/__FIRST__/$Y-09-01/g" -e "s/__LAST__/$((Y + 1))-01-20/g" \
    -e "s/__MID__/$Y-11-02/g" bench/afterschool_bills_seed.sql | run_sql
node bench/afterschool_bills.mjs "http://127.0.0.1:$PORT" "$Y-autumn" 3
