#!/usr/bin/env bash
# wrk against an authenticated GET /api/v1/me, next to nginx serving a static file of the same
# size, in one run on this machine. Usage: bench/me.sh [seconds] [connections]
# Prints both results and the ratio; see bench/README.md for recorded runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}; CONNS=${2:-100}; THREADS=${THREADS:-$((2 * $(nproc)))}
BIN=${SJ_BIN:-build/shuangjian}
tmp=$(mktemp -d /tmp/sj-bench-XXXXXX); chmod 755 "$tmp"
trap 'kill $SPID 2>/dev/null; [ -f $tmp/nginx.pid ] && kill $(cat $tmp/nginx.pid) 2>/dev/null; rm -rf $tmp' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

export SJ_DATA_KEY=$(printf 'ef%.0s' {1..32})
echo "bench-pass-1" | $BIN init --db sqlite:$tmp/b.db --admin admin >/dev/null 2>&1
P1=$(port)
$BIN serve --db sqlite:$tmp/b.db --listen 127.0.0.1:$P1 --threads $THREADS ${QUIET:+--quiet} 2>$tmp/access.log &
SPID=$!
for _ in $(seq 100); do curl -s 127.0.0.1:$P1/api/v1/me >/dev/null && break; sleep 0.1; done
TOKEN=$(curl -s -XPOST 127.0.0.1:$P1/api/v1/session -d '{"username":"admin","password":"bench-pass-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -s -H "Authorization: Bearer $TOKEN" 127.0.0.1:$P1/api/v1/me > $tmp/me.json
SIZE=$(stat -c %s $tmp/me.json)

P2=$(port)
mkdir -p $tmp/www; cp $tmp/me.json $tmp/www/me.json
cat > $tmp/nginx.conf <<CONF
worker_processes auto;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
user root;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 100000;
  server { listen 127.0.0.1:$P2; root $tmp/www; location / { default_type application/json; } }
}
CONF
nginx -c $tmp/nginx.conf
sleep 0.3

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem/ {print $2}') GiB"
echo "body: $SIZE bytes; wrk -t2 -c$CONNS -d${SECS}s --latency; shuangjian --threads $THREADS, SQLite, access log on"
echo "--- nginx static file"
wrk -t2 -c$CONNS -d${SECS}s --latency http://127.0.0.1:$P2/me.json | tee $tmp/nginx.txt | grep -E "Requests/sec|99%|Latency  "
echo "--- shuangjian GET /api/v1/me (authenticated)"
wrk -t2 -c$CONNS -d${SECS}s --latency -H "Authorization: Bearer $TOKEN" http://127.0.0.1:$P1/api/v1/me | tee $tmp/sj.txt | grep -E "Requests/sec|99%|Latency  |Non-2xx"
a=$(awk '/Requests\/sec/ {print $2}' $tmp/sj.txt); b=$(awk '/Requests\/sec/ {print $2}' $tmp/nginx.txt)
python3 -c "print(f'ratio shuangjian/nginx: {float(\"$a\")/float(\"$b\"):.2f}')"
