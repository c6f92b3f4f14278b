#!/usr/bin/env bash
# `make run`: installs what running needs and is missing (scripts/deps.sh run: the compiler,
# the server's libraries, Node.js for the web app; not the tests' chromium, nginx, wrk,
# valgrind, clang nor the tests' npm packages), builds the server and the web app, creates a
# demo district in a new database, serves it, and ends with the address and the demo logins.
#
# Quiet: each step is one line; what the steps print goes to data/run.log, shown (its last
# lines) only when a step fails. The server runs with --quiet (no access log); its start banner
# and any error it prints later are shown.
#
#   LISTEN  HOST:PORT to serve on (default 127.0.0.1:8080)
#   DB      the database: a SQLite file (PATH or sqlite:PATH, default data/shuangjian.db; the
#           demo is created when the file does not exist yet) or a postgresql:// URL (the demo
#           is created when the database has no school yet; SJ_DATA_KEY must hold the data key,
#           docs/operations.md)
#
# Ctrl+C (SIGINT) or SIGTERM stops the server cleanly. Exit 0 after a clean stop, 1 when a step
# or the server fails.
set -euo pipefail
cd "$(dirname "$0")/.."

LISTEN=${LISTEN:-127.0.0.1:8080}
DB=${DB:-data/shuangjian.db}
case $DB in
  postgres://* | postgresql://*) url=$DB; sqlite_path= ;;
  sqlite:*) url=$DB; sqlite_path=${DB#sqlite:} ;;
  *) url=sqlite:$DB; sqlite_path=$DB ;;
esac
mkdir -p data
log=$PWD/data/run.log
: >"$log"

# step WHAT COMMAND...: one line on the screen, the command's output in the log.
step() {
  local what=$1; shift
  printf '%s ... ' "$what"
  if "$@" >>"$log" 2>&1; then
    echo 完成
  else
    echo 失败
    tail -n 15 "$log"
    echo "(完整输出见 $log)"
    exit 1
  fi
}

build_server() {
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
    cmake --build build -j "${JOBS:-2}" --target shuangjian
}

# The web app is built again only when a file it is built from is newer than the last build.
build_web() {
  if [ -f web/dist/index.html ] &&
     [ -z "$(find web/src web/public web/index.html web/package.json web/package-lock.json \
               web/vite.config.ts web/precompress.mjs -newer web/dist/index.html -print -quit)" ]; then
    echo "web/dist is up to date"
    return 0
  fi
  scripts/deps.sh npm web && (cd web && npm run --silent build)
}

step "安装运行所需的软件包 (缺少时)" scripts/deps.sh run
step "构建服务器 build/shuangjian" build_server
step "构建网页 web/dist" build_web

# The demo district, once per database.
if [ -n "$sqlite_path" ]; then
  if [ ! -f "$sqlite_path" ]; then
    mkdir -p "$(dirname "$sqlite_path")"
    printf '%s ... ' "创建演示数据库 $sqlite_path"
    if ./build/shuangjian demo --db "$url" --scale small >>"$log" 2>&1; then echo 完成
    else
      echo 失败; rm -f "$sqlite_path" "$sqlite_path.key"; tail -n 15 "$log"; exit 1
    fi
  fi
else
  printf '%s ... ' "演示数据 (数据库中还没有学校时创建)"
  if ./build/shuangjian demo --db "$url" --scale small >>"$log" 2>&1; then echo 已创建
  elif grep -q "already has schools" "$log"; then echo 已有数据,未改动
  else echo 失败; tail -n 15 "$log"; exit 1
  fi
fi

# The server in the background, so that the address and the logins come last; this script
# passes Ctrl+C and SIGTERM on (a background job of a script would ignore SIGINT).
./build/shuangjian serve --db "$url" --listen "$LISTEN" --web web/dist --quiet &
pid=$!
stop() { kill -TERM "$pid" 2>/dev/null || true; }
trap stop INT TERM
host=${LISTEN%:*}
port=${LISTEN##*:}
case $host in 0.0.0.0 | '' | '[::]' | '::') probe=127.0.0.1 ;; *) probe=$host ;; esac
# Ready when the API answers (the port is bound before the database is opened).
ready=0
for _ in $(seq 300); do
  kill -0 "$pid" 2>/dev/null || break
  # each probe gives up after a second: whatever holds the port may accept and never answer
  if node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(1000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
       "http://$probe:$port/api/v1/health" 2>/dev/null; then ready=1; break; fi
  sleep 0.1
done
if [ $ready = 0 ]; then
  wait "$pid" || true
  echo "shuangjian: 服务器没有启动 (见上面的消息)"
  exit 1
fi
echo
echo "按 Ctrl+C 停止。"
echo "打开 http://$probe:$port"
./build/shuangjian demo-logins --db "$url" 2>>"$log"
set +e
wait "$pid"; rc=$?
# the first wait returns when the trap ran; wait again for the server's own exit
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; rc=$?; done
exit $rc
