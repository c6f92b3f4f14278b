#!/bin/sh
# bench/cache.sh: the cached reads (issue 15): `GET /api/v1/me` and a class board against nginx
# serving the same bytes, in rounds that put each pair next to each other in one run, with p99
# at CONNECTIONS connections, and the server's memory (VmRSS and its peak VmHWM from /proc).
# usage: bench/cache.sh [SECONDS] [CONNECTIONS] [ROUNDS]
#   DB=sqlite:PATH   serve that database (a `demo --scale city` one for the city-scale memory)
#                    instead of a fresh `demo --scale district`; it must have the demo accounts
#   SPREAD=N         then also N seconds of load spread over every class's board (as the
#                    district admin) and 50 teachers' /me, to fill the caches, before measuring
#                    the memory again
#   LOG=1            keep the server's access log on (to a file); default --quiet, as nginx
#                    runs with access_log off
# Needs: build/shuangjian (or SJ_BIN), node, wrk, nginx.
set -eu
cd "$(dirname "$0")/.."
SECS=${1:-5}; CONNS=${2:-100}; ROUNDS=${3:-3}
BIN=${SJ_BIN:-build/shuangjian}
W=$(mktemp -d /tmp/sj-cache-XXXXXX); chmod 755 "$W"
PORT=$((20000 + $$ % 20000)); NGPORT=$((PORT + 1))
SRV= NGX=
cleanup() {
    [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null || true
    [ -n "$NGX" ] && kill "$NGX" 2>/dev/null && wait "$NGX" 2>/dev/null || true
    rm -rf "$W"
}
trap cleanup EXIT
echo "# machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
if [ -z "${DB:-}" ]; then
    DB=sqlite:$W/d.db
    "$BIN" demo --db "$DB" --scale district >/dev/null 2>&1
fi
QUIET=--quiet; [ -n "${LOG:-}" ] && QUIET=
"$BIN" serve --db "$DB" --listen 127.0.0.1:$PORT $QUIET 2>"$W/access.log" &
SRV=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/me"; do
    i=$((i + 1)); [ $i -gt 600 ] && { echo "server did not start"; exit 1; }; sleep 0.1
done
mem() { echo "# server memory $1: $(awk '/^VmRSS|^VmHWM/ {printf "%s %s MB  ", $1, int($2 / 1024)}' /proc/$SRV/status)"; }
mem "after start"

# a teacher of the demo (src/core/demo.c: s{school}_g{grade}_t{subject}), their class's board today
node - "http://127.0.0.1:$PORT" "$W" <<'JS'
const [url, dir] = process.argv.slice(2);
const fs = await import('node:fs');
const api = async (m, p, b, t) => {
  const h = { 'Content-Type': 'application/json' };
  if (t) h.Authorization = 'Bearer ' + t;
  const r = await fetch(url + p, { method: m, headers: h, body: b ? JSON.stringify(b) : undefined });
  if (!r.ok) throw new Error(`${m} ${p}: ${r.status} ${await r.text()}`);
  return r.json();
};
const login = async (u) => (await api('POST', '/api/v1/session', { username: u, password: 'shuangjian2026' })).token;
const A = await login('admin');
const schools = (await api('GET', '/api/v1/schools?limit=500', undefined, A)).items.filter((s) => s.kind === 'primary');
const sc = schools[0];
const cls = (await api('GET', `/api/v1/schools/${sc.id}/classes?limit=500`, undefined, A)).items.find((c) => c.grade === 4);
const T = await login(`s${sc.id}_g4_t2`);
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
fs.writeFileSync(dir + '/env', `TOKEN=${T}\nADMIN=${A}\nBOARD=/api/v1/classes/${cls.id}/homework?date=${today}\n`);
if (process.env.SPREAD) { // every class's board today and tomorrow (admin) and 50 teachers' /me
  const lines = [];
  for (const s of (await api('GET', '/api/v1/schools?limit=500', undefined, A)).items)
    for (let off = 0; ; off += 500) {
      const page = (await api('GET', `/api/v1/schools/${s.id}/classes?limit=500&offset=${off}`, undefined, A)).items;
      for (const c of page) lines.push(`${A} /api/v1/classes/${c.id}/homework?date=${today}`);
      if (page.length < 500) break;
    }
  for (let k = 0; k < 50; k++) lines.push(`${await login(`s${schools[k % schools.length].id}_g${3 + (k % 4)}_t${2 + (k % 3)}`)} /api/v1/me`);
  fs.writeFileSync(dir + '/spread.txt', lines.join('\n') + '\n');
  console.log(`# spread: ${lines.length - 50} boards, 50 sessions`);
}
JS
. "$W/env"
mkdir -p "$W/www"
curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/me" > "$W/www/me.json"
curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$BOARD" > "$W/www/board.json"
echo "# /me $(wc -c < "$W/www/me.json") bytes; board $BOARD $(wc -c < "$W/www/board.json") bytes, $(grep -o '"id":' "$W/www/board.json" | wc -l) items"
cat > "$W/nginx.conf" <<NGINX
worker_processes auto;
daemon off;
pid $W/nginx.pid;
error_log $W/nginx.err;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    types { application/json json; }
    server { listen 127.0.0.1:$NGPORT; root $W/www; }
}
NGINX
nginx -c "$W/nginx.conf" -p "$W" &
NGX=$!
sleep 0.5
one() { # name, wrk args...
    name=$1; shift
    wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$@" > "$W/out" 2>&1
    awk -v n="$name" '/Requests\/sec/ {r = $2} / 99%/ {p = $2} /Non-2xx/ {e = $NF} END {printf "%s req/s %s p99 %s non2xx %d\n", n, r, p, e + 0}' "$W/out"
}
echo "# wrk -t2 -c$CONNS -d${SECS}s --latency; shuangjian serve with its default threads $QUIET; nginx worker_processes auto"
r=0
while [ $r -lt "$ROUNDS" ]; do
    A1=$(one nginx-me "http://127.0.0.1:$NGPORT/me.json")
    B1=$(one sj-me -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/me")
    A2=$(one nginx-board "http://127.0.0.1:$NGPORT/board.json")
    B2=$(one sj-board -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$BOARD")
    for x in "$A1" "$B1" "$A2" "$B2"; do echo "round $r $x"; done
    echo "$A1 $B1 $A2 $B2" | awk -v r=$r '{printf "round %d ratio me/nginx %.2f board/nginx %.2f\n", r, $10 / $3, $24 / $17}'
    r=$((r + 1))
done
mem "after the rounds"
if [ -n "${SPREAD:-}" ]; then
    cat > "$W/spread.lua" <<'LUA'
local lines, n = {}, 0
function init(args)
  for l in io.lines(os.getenv("SPREAD_FILE")) do
    local t, p = l:match("^(%S+) (%S+)$")
    if t then table.insert(lines, { t = t, p = p }) end
  end
  n = math.random(#lines)
end
function request()
  n = n % #lines + 1
  return wrk.format("GET", lines[n].p, { Authorization = "Bearer " .. lines[n].t })
end
LUA
    SECS=$SPREAD
    export SPREAD_FILE="$W/spread.txt"
    one spread -s "$W/spread.lua" "http://127.0.0.1:$PORT"
    mem "after the spread load"
fi
