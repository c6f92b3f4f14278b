#!/usr/bin/env bash
# A highly available PostgreSQL on this machine, for the failover test and for trying it out:
# etcd (Debian's etcd-server 3.4) and three PostgreSQL 15 nodes under Patroni (Debian's patroni
# 3.0), all on free loopback ports, every file under DIR. docs/operations.md says how the same
# pieces run on three real machines.
#
#   scripts/ha-up.sh DIR     starts the cluster and prints, once it takes writes,
#                              DB_URL=postgresql://postgres@127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3/shuangjian?target_session_attrs=read-write&connect_timeout=2
#                              PATRONI_API=127.0.0.1:R1,127.0.0.1:R2,127.0.0.1:R3
#                            (the same lines again, and nothing else done, when DIR's cluster
#                            is already up; a DIR left by a cluster that died is cleared first)
#   scripts/ha-down.sh DIR   stops every process of it and removes DIR
#
# The choices (see docs/operations.md):
#   - synchronous_mode and synchronous_mode_strict: a COMMIT is answered only once the WAL is
#     flushed on the primary and on the synchronous standby, and Patroni promotes only that
#     standby, so an acknowledged write survives the loss of the primary. Strict: with no
#     standby left, writes wait rather than being acknowledged on one node alone.
#   - ttl 8 s, loop_wait 1 s, retry_timeout 3 s (loop_wait + 2 * retry_timeout <= ttl): a dead
#     primary's leader key expires at most 8 s after its last renewal, then the synchronous
#     standby takes it and promotes itself: writes resume about 8-12 s after the loss.
#   - no replication slots (wal_keep_size instead): after a failover a standby streams from the
#     new primary at once instead of waiting for Patroni to create its slot there, and strict
#     synchronous mode holds writes until a standby streams; wal_retrieve_retry_interval 1 s.
#   - trust authentication on 127.0.0.1 only (a throw-away cluster on one machine); the real
#     one uses passwords (scram-sha-256) and TLS between machines.
# PostgreSQL refuses to run as root, so as root every process runs as the `postgres` user.
set -euo pipefail
dir=${1:?usage: scripts/ha-up.sh DIR}
PGBIN=/usr/lib/postgresql/15/bin
ROOT=$(cd "$(dirname "$0")/.." && pwd)
for b in etcd patroni "$PGBIN/postgres"; do
  command -v "$b" >/dev/null || { echo "ha-up: $b is missing: scripts/deps.sh ha (Debian's etcd-server, patroni) and make deps (postgresql-15)" >&2; exit 1; }
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Already up: say it again.
if [ -f "$dir/cluster.env" ]; then
  up=1
  for f in "$dir"/*.pid; do [ -f "$f" ] && alive "$(cat "$f")" || up=0; done
  if ((up)); then cat "$dir/cluster.env"; exit 0; fi
  "$ROOT/scripts/ha-down.sh" "$dir" >/dev/null 2>&1 || true
  mkdir -p "$dir"
fi

# Processes run as postgres when we are root; the files are theirs.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "ha-up: no postgres user (install postgresql-15)" >&2; exit 1; }
  runas=(setpriv --reuid=postgres --regid=postgres --init-groups --reset-env)
  chown postgres:postgres "$dir"
  # the postgres user must be able to reach DIR
  d=$(dirname "$dir"); while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
else
  runas=()
fi
as_pg() { "${runas[@]+"${runas[@]}"}" "$@"; }

# Eight free loopback ports, all held open while they are chosen so none comes out twice.
read -r ETCD_CLIENT ETCD_PEER PG1 PG2 PG3 API1 API2 API3 < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(8)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')

# Each process in a session of its own (setsid), its pid in DIR/NAME.pid: ha-down stops the
# whole process group. Patroni starts each node's postmaster in a session of its own too.
# A simple command sent to the background is exec'd in the child, and setpriv and setsid exec
# in turn (the child leads no group), so $! is the program's own pid.
start() { # name, command...
  local name=$1; shift
  "${runas[@]+"${runas[@]}"}" setsid "$@" >"$dir/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}

as_pg mkdir -p "$dir/etcd"
start etcd etcd --name sj-etcd --data-dir "$dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-cluster "sj-etcd=http://127.0.0.1:$ETCD_PEER" --initial-cluster-state new \
  --heartbeat-interval 100 --election-timeout 1000

for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$ETCD_CLIENT/health" 2>/dev/null | grep -q '"health":"true"' && break
  alive "$(cat "$dir/etcd.pid")" || { cat "$dir/etcd.log" >&2; echo "ha-up: etcd did not start" >&2; exit 1; }
  sleep 0.1
done

node_config() { # n, pg port, api port
  local n=$1 pg=$2 api=$3
  cat <<EOF
scope: shuangjian
namespace: /service/
name: node$n
log:
  level: INFO
restapi:
  listen: 127.0.0.1:$api
  connect_address: 127.0.0.1:$api
etcd3:
  hosts: 127.0.0.1:$ETCD_CLIENT
bootstrap:
  dcs:
    ttl: 8
    loop_wait: 1
    retry_timeout: 3
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    synchronous_mode_strict: true
    synchronous_node_count: 1
    postgresql:
      use_pg_rewind: true
      use_slots: false
      parameters:
        wal_level: replica
        hot_standby: 'on'
        wal_log_hints: 'on'
        max_wal_senders: 10
        max_replication_slots: 10
        max_connections: 200
        synchronous_commit: 'on'
        wal_keep_size: 256MB
        wal_retrieve_retry_interval: 1s
  initdb:
  - encoding: UTF8
  - locale: C.UTF-8
  - data-checksums
postgresql:
  listen: 127.0.0.1:$pg
  connect_address: 127.0.0.1:$pg
  data_dir: $dir/node$n/data
  bin_dir: $PGBIN
  pgpass: $dir/node$n/pgpass
  authentication:
    superuser:
      username: postgres
      password: postgres-local
    replication:
      username: replicator
      password: replicator-local
    rewind:
      username: postgres
      password: postgres-local
  parameters:
    unix_socket_directories: $dir/node$n
  pg_hba:
  - local all all trust
  - host all all 127.0.0.1/32 trust
  - host replication replicator 127.0.0.1/32 trust
watchdog:
  mode: 'off'
tags:
  nofailover: false
  noloadbalance: false
EOF
}

pgs=("$PG1" "$PG2" "$PG3"); apis=("$API1" "$API2" "$API3")
for n in 1 2 3; do
  as_pg mkdir -p "$dir/node$n"
  node_config "$n" "${pgs[n-1]}" "${apis[n-1]}" | as_pg tee "$dir/node$n/patroni.yml" >/dev/null
  start "node$n" patroni "$dir/node$n/patroni.yml"
  # the first node bootstraps alone, so it is the leader; the others copy it
  if [ "$n" = 1 ]; then
    for _ in $(seq 300); do
      curl -fsS "http://127.0.0.1:$API1/primary" >/dev/null 2>&1 && break
      alive "$(cat "$dir/node1.pid")" || { tail -50 "$dir/node1.log" >&2; echo "ha-up: node1 died" >&2; exit 1; }
      sleep 0.2
    done
  fi
done

# Up when the leader runs and both standbys stream, one of them synchronous: before that a
# strict synchronous primary would keep every COMMIT waiting.
ready=0
for _ in $(seq 600); do
  if curl -fsS "http://127.0.0.1:$API1/cluster" 2>/dev/null | python3 -c '
import json, sys
m = json.load(sys.stdin)["members"]
roles = sorted(x["role"] for x in m if x.get("state") in ("running", "streaming"))
sys.exit(0 if roles == ["leader", "replica", "sync_standby"] else 1)' 2>/dev/null; then ready=1; break; fi
  for n in 1 2 3; do
    alive "$(cat "$dir/node$n.pid")" || { tail -50 "$dir/node$n.log" >&2; echo "ha-up: node$n died" >&2; exit 1; }
  done
  sleep 0.2
done
((ready)) || { for n in 1 2 3; do tail -20 "$dir/node$n.log" >&2; done; echo "ha-up: the cluster did not come up in 120 s" >&2; exit 1; }

hosts="127.0.0.1:$PG1,127.0.0.1:$PG2,127.0.0.1:$PG3"
maint="postgresql://postgres@$hosts/postgres?target_session_attrs=read-write&connect_timeout=2"
psql "$maint" -v ON_ERROR_STOP=1 -qAtc "SELECT 1 FROM pg_database WHERE datname = 'shuangjian'" | grep -q 1 \
  || psql "$maint" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE shuangjian" >/dev/null
{
  echo "DB_URL=postgresql://postgres@$hosts/shuangjian?target_session_attrs=read-write&connect_timeout=2"
  echo "PATRONI_API=127.0.0.1:$API1,127.0.0.1:$API2,127.0.0.1:$API3"
} >"$dir/cluster.env"
cat "$dir/cluster.env"
