#!/bin/sh
# homework_publish.sh: homework benchmarks (a) and (b) of bench/homework.md, in one run.
#   (a) publish throughput with durable commits, many concurrent teachers on many classes,
#       next to raw single-row SQLite insert transactions on the same machine;
#   (b) GET of a class board next to nginx serving a static file of the same size.
# usage: bench/homework_publish.sh [SECONDS] [CONNECTIONS] [sqlite|pg]
#   pg uses the cluster of SJ_PG_URL (a maintenance URL), in a database made and dropped here.
#   HW_BENCH_PARTS=b runs (b) only (default ab); the board's class-day then gets 4 items by curl,
#   as (a) would have published them. HW_BENCH_SYNCS=1 counts the server's fsync/fdatasync
#   calls in each publish round (perf stat), to show the group commit sharing them.
# Needs: build/shuangjian (or SJ_BIN), cc with libsqlite3, node, wrk, nginx.
set -eu
cd "$(dirname "$0")/.."
SECS=${1:-20}
CONNS=${2:-32}
BACKEND=${3:-sqlite}
BIN=${SJ_BIN:-build/shuangjian}
PARTS=${HW_BENCH_PARTS:-ab}
W=$(mktemp -d /tmp/sj-hwbench-XXXXXX)
chmod 755 "$W"
PORT=$((20000 + $$ % 20000))
NGPORT=$((PORT + 1))
SRV= NGX= PGDB=
cleanup() {
    [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null || true
    [ -n "$NGX" ] && kill "$NGX" 2>/dev/null && wait "$NGX" 2>/dev/null || true
    [ -n "$PGDB" ] && psql "$SJ_PG_URL" -qc "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" || true
    rm -rf "$W"
}
trap cleanup EXIT

echo "# machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# backend $BACKEND, $SECS s per run, $CONNS connections, wrk 2 threads"

cc -O2 -o "$W/raw" bench/homework_raw_insert.c -lsqlite3

if [ "$BACKEND" = pg ]; then
    PGDB=sjbench_$$
    psql "$SJ_PG_URL" -qc "CREATE DATABASE $PGDB"
    DB=$(node -e "const u=new URL(process.argv[1]);u.pathname='/$PGDB';console.log(u.toString())" "$SJ_PG_URL")
    export SJ_DATA_KEY=$(printf 'ab%.0s' $(seq 32))
else
    DB=sqlite:$W/pub.db
fi
"$BIN" demo --db "$DB" --scale district >/dev/null 2>&1
"$BIN" serve --db "$DB" --listen 127.0.0.1:$PORT --quiet 2>/dev/null &
SRV=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/me"; do
    i=$((i + 1)); [ $i -gt 200 ] && { echo "server did not start"; exit 1; }; sleep 0.05
done
INFO=$(node bench/homework_bench_setup.mjs "http://127.0.0.1:$PORT" "$W/data.txt" 100)
echo "# $INFO"

# (a) in rounds, raw and publish one after the other, because this disk's fsync time drifts by
# an order of magnitude within minutes: compare each round's pair, not runs far apart
case $PARTS in *a*) ROUNDS_A="0 1 2" ;; *) ROUNDS_A= ;; esac
[ -n "$ROUNDS_A" ] && echo "## (a) raw single-row SQLite inserts (WAL, synchronous=FULL) vs POST /api/v1/homework"
for round in $ROUNDS_A; do
    rm -f "$W"/raw.db*
    RAW=$("$W/raw" "$W/raw.db" "$SECS")
    # HW_BENCH_SYNCS=1: count the server's fsync and fdatasync calls during the round (perf)
    [ "${HW_BENCH_SYNCS:-0}" = 1 ] && { perf stat -x, -o "$W/syncs.txt" -p "$SRV" \
        -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync -- sleep "$SECS" & PERF=$!; }
    PUB=$(HW_BENCH_DATA="$W/data.txt" HW_BENCH_THREADS=2 HW_BENCH_FIRST=$((round * 100)) HW_BENCH_DAYS=100 \
        wrk -t2 -c"$CONNS" -d"${SECS}s" -s bench/homework_publish.lua "http://127.0.0.1:$PORT" | grep publish_requests)
    echo "round $round: $RAW"
    echo "round $round: $PUB"
    if [ "${HW_BENCH_SYNCS:-0}" = 1 ]; then
        wait "$PERF"
        echo "$PUB" | awk -v s="$(awk -F, '/sys_enter/ {n += $1} END {print n + 0}' "$W/syncs.txt")" \
            '{for (i = 1; i < NF; i++) if ($i == "publish_requests") p = $(i + 1)
              printf "round %s: server syncs %d, %.2f a publish\n", "'$round'", s, s / p}'
    fi
    echo "$RAW $PUB" | awk '{for (i = 1; i < NF; i++) { if ($i == "raw_tx_per_s") r = $(i + 1); if ($i == "accepted_per_s") p = $(i + 1) }
        printf "round %s: ratio publish/raw %.2f\n", "'$round'", p / r}'
done

echo "## (b) GET a class board against nginx serving the same bytes"
CLASS=$(echo "$INFO" | sed 's/.*board_class \([0-9]*\).*/\1/')
TOKEN=$(echo "$INFO" | sed 's/.*board_token \([^ ]*\).*/\1/')
DATE=$(grep '^date ' "$W/data.txt" | head -n 1 | cut -d' ' -f2)
if [ -z "$ROUNDS_A" ]; then
    # the first four (teacher, subject) lines of the board's class, as (a)'s first requests
    grep " $CLASS " "$W/data.txt" | head -n 4 | while read -r tok cls subj; do
        curl -s -o /dev/null -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
            -d "{\"class_id\":$cls,\"date\":\"$DATE\",\"subject\":\"$subj\",\"title\":\"练习 0\",\"kind\":\"written\",\"minutes\":2}" \
            "http://127.0.0.1:$PORT/api/v1/homework"
    done
fi
BOARD="http://127.0.0.1:$PORT/api/v1/classes/$CLASS/homework?date=$DATE"
mkdir -p "$W/www"
curl -s -H "Authorization: Bearer $TOKEN" "$BOARD" > "$W/www/board.json"
echo "# board of class $CLASS on $DATE: $(wc -c < "$W/www/board.json") bytes, $(grep -o '"id":' "$W/www/board.json" | wc -l) items"
cat > "$W/nginx.conf" <<NGINX
worker_processes auto;
daemon off;
pid $W/nginx.pid;
error_log $W/nginx.err;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    types { application/json json; }
    server {
        listen 127.0.0.1:$NGPORT;
        root $W/www;
    }
}
NGINX
nginx -c "$W/nginx.conf" -p "$W" &
NGX=$!
sleep 0.5
curl -s -o /dev/null -w "# nginx answers %{http_code}, %{size_download} bytes\n" "http://127.0.0.1:$NGPORT/board.json"
for round in 0 1 2; do
    B=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" "$BOARD")
    N=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "http://127.0.0.1:$NGPORT/board.json")
    M=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/me")
    for x in "board:$B" "nginx:$N" "me:$M"; do
        echo "round $round ${x%%:*}: $(echo "${x#*:}" | awk '/Requests\/sec/ {r = $2} / 99%/ {p = $2} /Non-2xx/ {e = $NF} END {printf "req/s %s p99 %s non2xx %s", r, p, e + 0}')"
    done
    echo "$B" "$N" | awk '/Requests\/sec/ {v[n++] = $2} END {printf "round '$round': ratio board/nginx %.2f\n", v[0] / v[1]}'
done
