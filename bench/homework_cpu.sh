#!/bin/sh
# homework_cpu.sh: the server's CPU time per publish and per class-board GET, for two builds in
# turn (A B A B ...), on a database in /dev/shm (no fsync: the disk's drift, which dominates
# bench/homework_publish.sh, is out of the figure). On a machine shared with other work the
# throughput swings with the load; the CPU the server itself spent per answered request swings
# much less, so this is the comparison to read for a change that should not cost CPU.
# usage: bench/homework_cpu.sh BIN_A BIN_B [SECONDS] [ROUNDS]
# Each round per build: demo --scale district, 100 teachers logged in
# (bench/homework_bench_setup.mjs), wrk -t2 -c32 publishing (bench/homework_publish.lua) for
# SECONDS, then wrk -t2 -c32 on one 6-item board for SECONDS; the server's utime+stime from
# /proc before and after each, divided by the requests answered 2xx.
# Needs: node, wrk, /dev/shm.
set -eu
cd "$(dirname "$0")/.."
A=$1
B=$2
SECS=${3:-5}
ROUNDS=${4:-3}
W=$(mktemp -d /dev/shm/sj-hwcpu-XXXXXX)
PORT=$((20000 + $$ % 20000))
SRV=
cleanup() {
    [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null || true
    rm -rf "$W"
}
trap cleanup EXIT
TICK=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

echo "# $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# A $A"
echo "# B $B"
for round in $(seq 1 "$ROUNDS"); do
    for side in A B; do
        eval BIN=\$$side
        rm -f "$W"/db*
        "$BIN" demo --db "sqlite:$W/db" --scale district >/dev/null 2>&1
        "$BIN" serve --db "sqlite:$W/db" --listen 127.0.0.1:$PORT --quiet 2>/dev/null &
        SRV=$!
        i=0
        until curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/me"; do
            i=$((i + 1)); [ $i -gt 200 ] && { echo "server did not start"; exit 1; }; sleep 0.05
        done
        INFO=$(node bench/homework_bench_setup.mjs "http://127.0.0.1:$PORT" "$W/data.txt" 100)
        c0=$(cpu $SRV)
        PUB=$(HW_BENCH_DATA="$W/data.txt" HW_BENCH_THREADS=2 HW_BENCH_FIRST=0 HW_BENCH_DAYS=100 \
            wrk -t2 -c32 -d"${SECS}s" -s bench/homework_publish.lua "http://127.0.0.1:$PORT" | grep publish_requests)
        c1=$(cpu $SRV)
        CLASS=$(echo "$INFO" | sed 's/.*board_class \([0-9]*\).*/\1/')
        TOKEN=$(echo "$INFO" | sed 's/.*board_token \([^ ]*\).*/\1/')
        DATE=$(grep '^date ' "$W/data.txt" | head -n 1 | cut -d' ' -f2)
        BOARD=$(wrk -t2 -c32 -d"${SECS}s" -H "Authorization: Bearer $TOKEN" \
            "http://127.0.0.1:$PORT/api/v1/classes/$CLASS/homework?date=$DATE")
        c2=$(cpu $SRV)
        kill "$SRV"; wait "$SRV" 2>/dev/null || true; SRV=
        echo "$PUB" "$BOARD" | awk -v side=$side -v round=$round -v t=$TICK -v c0=$c0 -v c1=$c1 -v c2=$c2 '
            /publish_requests/ { for (i = 1; i < NF; i++) { if ($i == "publish_requests") pr = $(i + 1); if ($i == "non_2xx_or_errors") pe = $(i + 1); if ($i == "accepted_per_s") ps = $(i + 1) } }
            / requests in / { br = $1 }
            /Non-2xx/ { be = $NF }
            /Requests\/sec/ { bs = $2 }
            END { printf "round %d %s: publish %d/s, %.0f us CPU each; board %s/s, %.1f us CPU each\n", round, side,
                  ps, (c1 - c0) / t * 1e6 / (pr - pe), bs, (c2 - c1) / t * 1e6 / (br - be) }'
    done
done
echo "# load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
