#!/usr/bin/env bash
# The restore drill of docs/operations.md ("Backups and point-in-time recovery"), done from
# start to end on a throw-away PostgreSQL 15 and checked: what an operator does each quarter
# on a scratch machine, in about half a minute.
#   1. a database server that archives its WAL (archive_mode, archive_command into ARCHIVE/),
#      holding the small demo district (`shuangjian demo`);
#   2. a base backup (pg_basebackup);
#   3. more writes after the backup: rows of phase A; then the moment T to restore to; then
#      rows of phase B and the mistake (every homework row deleted);
#   4. the backup restored into a scratch directory and replayed from the archive up to T
#      (recovery_target_time), started on a port of its own and promoted;
#   5. checked: phase A's rows are there, phase B's are not, the homework is back as it was at
#      T, and `shuangjian serve` on the restored database verifies the escrow ledger's hash
#      chain (GET /api/v1/funds/verify answers ok).
#   scripts/restore-drill.sh [WORKDIR]   (default: a new /tmp/sj-drill-XXXXXX, removed after)
# SJ_BIN picks the binary (default build/shuangjian). Exit 0 and a last line
# `restore drill: ok ...` when every check holds. As root, PostgreSQL runs as `postgres`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SJ_BIN:-$ROOT/build/shuangjian}
PGBIN=/usr/lib/postgresql/15/bin
[ -x "$BIN" ] || { echo "restore drill: $BIN is missing: make build" >&2; exit 1; }
keep=1
if [ -n "${1:-}" ]; then work=$1; mkdir -p "$work"; else work=$(mktemp -d /tmp/sj-drill-XXXXXX); keep=0; fi
work=$(cd "$work" && pwd)
chmod 755 "$work"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export SJ_DATA_KEY=${SJ_DATA_KEY:-$(printf 'd1%.0s' {1..32})}

serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  for d in "$work/primary" "$work/restored"; do
    [ -f "$d/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1
  done
  ((keep)) || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "restore drill: FAILED: $*" >&2; exit 1; }
step() { echo "restore drill: $*"; }

# 1. the server that archives its WAL (fsync off: a throw-away server; the drill is about the
#    archive and the replay, which do not depend on it)
as_pg mkdir -p "$work/archive"
port=$(free_port)
as_pg "$PGBIN/initdb" -D "$work/primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log" >&2; fail initdb; }
cat <<EOF | as_pg tee -a "$work/primary/postgresql.conf" >/dev/null
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$work'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $work/archive/%f && cp %p $work/archive/%f'
archive_timeout = 60
fsync = off
EOF
as_pg "$PGBIN/pg_ctl" -D "$work/primary" -l "$work/primary.log" -w -t 60 start >/dev/null || { cat "$work/primary.log" >&2; fail "start"; }
maint="postgresql://postgres@127.0.0.1:$port/postgres"
url="postgresql://postgres@127.0.0.1:$port/shuangjian"
q() { psql "$1" -v ON_ERROR_STOP=1 -qAtc "$2"; }
q "$maint" "CREATE DATABASE shuangjian"
step "filling the demo district"
"$BIN" demo --db "$url" --scale small >"$work/demo.log" 2>&1 || { tail "$work/demo.log" >&2; fail demo; }
password=$(sed -n 's/.*密码均为 \([^)]*\)).*/\1/p' "$work/demo.log" | head -1)
q "$url" "CREATE TABLE restore_drill (n INTEGER PRIMARY KEY, phase TEXT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now())"

# 2. the base backup
step "base backup"
as_pg "$PGBIN/pg_basebackup" -d "$maint" -D "$work/base" -X stream -c fast >/dev/null 2>&1 || fail pg_basebackup

# 3. more writes, the moment T, then the mistake
q "$url" "INSERT INTO restore_drill (n, phase) SELECT g, 'A' FROM generate_series(1, 500) g"
homework=$(q "$url" "SELECT COUNT(*) FROM homework")
ledger=$(q "$url" "SELECT COUNT(*) FROM ledger_entries")
[ "$homework" -gt 0 ] && [ "$ledger" -gt 0 ] || fail "the demo wrote no homework ($homework) or no ledger ($ledger)"
sleep 1.1
target=$(q "$url" "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
sleep 1.1
q "$url" "INSERT INTO restore_drill (n, phase) SELECT g, 'B' FROM generate_series(501, 800) g"
q "$url" "DELETE FROM homework_feedback" 2>/dev/null || true
q "$url" "DELETE FROM homework"
# the WAL up to here into the archive (recovery must see a commit past T to know it reached T)
last=$(q "$url" "SELECT pg_walfile_name(pg_switch_wal())")
for _ in $(seq 100); do
  [ -f "$work/archive/$last" ] && break; sleep 0.1
done
[ -f "$work/archive/$last" ] || fail "WAL segment $last was not archived"
step "mistake made after $target: homework deleted; restoring to $target"

# 4. restore into a scratch directory and replay to T
as_pg cp -a "$work/base" "$work/restored"
port2=$(free_port)
cat <<EOF | as_pg tee -a "$work/restored/postgresql.conf" >/dev/null
port = $port2
archive_mode = off
restore_command = 'cp $work/archive/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
EOF
as_pg touch "$work/restored/recovery.signal"
as_pg "$PGBIN/pg_ctl" -D "$work/restored" -l "$work/restored.log" -w -t 120 start >/dev/null || { cat "$work/restored.log" >&2; fail "restored server did not start"; }
rurl="postgresql://postgres@127.0.0.1:$port2/shuangjian"
for _ in $(seq 200); do
  [ "$(q "$rurl" "SELECT pg_is_in_recovery()" 2>/dev/null)" = f ] && break; sleep 0.1
done
[ "$(q "$rurl" "SELECT pg_is_in_recovery()")" = f ] || fail "the restored server is still recovering"

# 5. the checks
a=$(q "$rurl" "SELECT COUNT(*) FROM restore_drill WHERE phase = 'A'")
b=$(q "$rurl" "SELECT COUNT(*) FROM restore_drill WHERE phase = 'B'")
h=$(q "$rurl" "SELECT COUNT(*) FROM homework")
l=$(q "$rurl" "SELECT COUNT(*) FROM ledger_entries")
[ "$a" = 500 ] || fail "phase A: $a rows of 500"
[ "$b" = 0 ] || fail "phase B (after T): $b rows, expected none"
[ "$h" = "$homework" ] || fail "homework: $h rows, $homework at T"
[ "$l" = "$ledger" ] || fail "ledger: $l entries, $ledger at T"
sport=$(free_port)
"$BIN" serve --db "$rurl" --listen "127.0.0.1:$sport" --quiet 2>"$work/serve.log" &
serve_pid=$!
for _ in $(seq 100); do curl -s "http://127.0.0.1:$sport/api/v1/me" >/dev/null && break; sleep 0.1; done
tok=$(curl -s -XPOST "http://127.0.0.1:$sport/api/v1/session" -d "{\"username\":\"admin\",\"password\":\"$password\"}" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') || fail "no login on the restored database"
verify=$(curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$sport/api/v1/funds/verify")
echo "$verify" | python3 -c 'import json,sys; v=json.load(sys.stdin); sys.exit(0 if v.get("ok") is True else 1)' \
  || fail "the restored ledger does not verify: $verify"
step "ok: restored to $target: phase A $a rows, phase B $b, homework $h (as at T), ledger $l entries, funds/verify ok"
