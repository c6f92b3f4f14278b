#!/usr/bin/env bash
# Every test of shuangjian, as `make check` runs them (the builds are done by make first):
#   1. unit tests (cmocka) in the release build and under ASan+UBSan
#   2. valgrind: the unit tests and a short server life (init, requests, SIGTERM): no leaks
#   3. API tests on SQLite (ASan+UBSan server) and on a throw-away PostgreSQL 15
#   3b. API tests on SQLite against a ThreadSanitizer server (build-tsan/, built here as fuzz
#       builds build-fuzz/): handlers run on libmicrohttpd's thread pool; any TSan report fails
#   3c. failover: a three-node Patroni cluster (scripts/ha-up.sh) loses its primary to SIGKILL
#       under a stream of payments (tests/ha/); the restore drill (scripts/restore-drill.sh):
#       a base backup and archived WAL replayed to a moment, checked
#   4. fuzz: the request-body parser and router under libFuzzer, for a bounded time
#   5. the web app's unit tests (vitest), its typecheck (vue-tsc) and lint (ESLint), and the web
#      app installed, built, tested, typechecked and linted with Debian 12's own npm 9 and
#      Node.js 18 (scripts/node18.sh: unpacked from Debian's packages)
#   6. browser tests: Playwright driving Debian's chromium against the built web app
#   7. `make run` as a user meets it (tests/run/): one screen of output ending with the address
#      and the logins, LISTEN and DB honoured, Ctrl+C stops it
# Each step prints its own result; the last line sums them up.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# node's test runner with --test-concurrency: Node.js 18.19 or newer (Debian 12 has 18.20).
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 18 || (a === 18 && b >= 19) ? 0 : 1)' \
  || { echo "check: node $(node --version) is too old; the tests need Node.js >= 18.19"; exit 1; }
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
passed=0; failed=0; failures=()
step() { # name, command...
  local name=$1; shift
  echo "==> $name"
  local t0=$SECONDS
  if "$@"; then passed=$((passed + 1)); echo "<== $name: ok ($((SECONDS - t0)) s)"
  else failed=$((failed + 1)); failures+=("$name"); echo "<== $name: FAILED ($((SECONDS - t0)) s)"; fi
}

tmp=$(mktemp -d /tmp/sj-check-XXXXXX)
chmod 755 "$tmp"
cleanup() { scripts/pg-test.sh stop "$tmp/pg" >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT

unit() { ctest --test-dir "$1" -L unit --output-on-failure -j 2; }

valgrind_units() {
  local ok=0
  for t in $(ctest --test-dir build -L unit -N | awk '/Test +#/ {print $3}'); do
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
      "build/$t" >"$tmp/vg-$t.log" 2>&1 || { echo "valgrind: $t"; tail -40 "$tmp/vg-$t.log"; ok=1; }
  done
  return $ok
}

# A whole server life under valgrind: no leak at exit, clean SIGTERM.
valgrind_server() {
  local db="sqlite:$tmp/vg.db" port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  echo "valgrind-pass-1" | SJ_DATA_KEY=$(printf 'cd%.0s' {1..32}) build/shuangjian init --db "$db" --admin admin || return 1
  SJ_DATA_KEY=$(printf 'cd%.0s' {1..32}) valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --error-exitcode=9 build/shuangjian serve --db "$db" --listen "127.0.0.1:$port" --threads 2 --quiet \
    >"$tmp/vg-serve.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/api/v1/me" >/dev/null && break; sleep 0.2; done
  local tok
  tok=$(curl -s -XPOST "http://127.0.0.1:$port/api/v1/session" -d '{"username":"admin","password":"valgrind-pass-1"}' \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') || { kill $pid; return 1; }
  curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$port/api/v1/me" >/dev/null
  curl -s -H "Authorization: Bearer $tok" -XPOST "http://127.0.0.1:$port/api/v1/schools" \
    -d '{"name":"valgrind 小学","kind":"primary"}' >/dev/null
  curl -s -XPOST "http://127.0.0.1:$port/api/v1/schools" -d '{bad' >/dev/null
  kill -TERM $pid; wait $pid; local rc=$?
  [ $rc = 0 ] || { cat "$tmp/vg-serve.log"; return 1; }
}

# detect_stack_use_after_return: a pointer into a handler's stack kept past its return (a
# response header named from a local) is an error, not silent garbage on the wire
api_sqlite() {
  ASAN_OPTIONS=detect_stack_use_after_return=1 SJ_BIN=build-asan/shuangjian \
    node --test --test-concurrency=2 tests/api/
}
# ThreadSanitizer: the same API tests on SQLite against a TSan server. A report in a server's
# stderr fails its test at stop() (tests/api/lib.mjs); one in a command's (init, demo) makes
# the command exit 66. Library false positives go to tests/tsan.supp, each with its reason.
api_tsan() {
  make --no-print-directory server-tsan || return 1
  TSAN_OPTIONS="suppressions=$ROOT/tests/tsan.supp halt_on_error=0 exitcode=66 second_deadlock_stack=1" \
    SJ_BIN=build-tsan/shuangjian node --test --test-concurrency=2 tests/api/
}
api_pg() {
  local url
  url=$(scripts/pg-test.sh start "$tmp/pg") || return 1
  SJ_PG_URL=$url SJ_BIN=build/shuangjian node --test --test-concurrency=2 tests/api/
}

ha_failover() { SJ_BIN=build/shuangjian node --test tests/ha/; }

fuzz() {
  ls tests/fuzz/fuzz_*.c >/dev/null 2>&1 || { echo "no fuzz targets"; return 1; }
  CC=clang cmake -S . -B build-fuzz -G Ninja -DSJ_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null || return 1
  cmake --build build-fuzz -j 2 >/dev/null || cmake --build build-fuzz -j 1 || return 1
  local ok=0
  for f in build-fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    local corpus="$tmp/corpus-$(basename "$f")"
    mkdir -p "$corpus"
    cp tests/fuzz/corpus/$(basename "$f")/* "$corpus"/ 2>/dev/null || true
    "$f" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -print_final_stats=0 "$corpus" \
      >"$tmp/$(basename "$f").log" 2>&1 || { tail -60 "$tmp/$(basename "$f").log"; ok=1; }
    grep -E "^(#[0-9]+.*DONE|Done)" "$tmp/$(basename "$f").log" | tail -1
  done
  return $ok
}

e2e() {
  [ -d web/dist ] || { echo "web/dist is missing: make build first"; return 1; }
  [ -d tests/e2e ] && ls tests/e2e/*.test.mjs >/dev/null 2>&1 || { echo "no browser tests"; return 1; }
  SJ_BIN=build/shuangjian node --test --test-concurrency=1 tests/e2e/
}

web_unit() { [ -f web/package.json ] || return 0; (cd web && npm test --silent); }
web_lint() { [ -f web/package.json ] || return 0; (cd web && npm run --silent typecheck && npm run --silent lint); }

step "style checker (banned calls, SQL from strings)" scripts/lint.sh
step "unit tests" unit build
step "unit tests (ASan+UBSan)" unit build-asan
step "valgrind: unit tests" valgrind_units
step "valgrind: server life" valgrind_server
step "API tests on SQLite (ASan+UBSan)" api_sqlite
step "API tests on SQLite (ThreadSanitizer)" api_tsan
step "API tests on PostgreSQL" api_pg
step "failover: the primary killed under writes (Patroni, 3 nodes)" ha_failover
step "restore drill: base backup, WAL, point-in-time recovery" scripts/restore-drill.sh
step "fuzz (${FUZZ_SECONDS}s per target)" fuzz
step "web unit tests" web_unit
step "web typecheck and lint (vue-tsc, eslint)" web_lint
step "web app on Debian 12's Node.js 18 (npm ci, vite build, vitest, vue-tsc, eslint)" scripts/node18.sh check
step "browser tests" e2e
step "make run: quiet, ends with the address and the logins" node --test tests/run/

echo
echo "check: $passed passed, $failed failed"
((failed == 0)) || { printf '  failed: %s\n' "${failures[@]}"; exit 1; }
