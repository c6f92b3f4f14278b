#!/usr/bin/env bash
# Installs what shuangjian needs and is missing: Debian packages, then the npm packages of web/
# and tests/ from their lock files. Quiet and quick when everything is already there.
#   scripts/deps.sh            everything (`make deps`)
#   scripts/deps.sh npm DIR... only the npm packages of those folders (`make web`: npm web)
#   scripts/deps.sh run        only what running needs (`make run`, scripts/run.sh): the
#                              compiler, the server's libraries, Node.js and the web app's npm
#                              packages; not the tests' (cmocka, PostgreSQL, chromium, nginx,
#                              wrk, valgrind, clang, clang-format, tests/ npm packages)
#   scripts/deps.sh ha         only what the failover test adds (`make check`, `make check-ha`;
#                              not `make run`): etcd-server, patroni
set -euo pipefail
cd "$(dirname "$0")/.."

# npm packages, from the lock file, only when the lock file changed since the last install.
npm_ci() {
  local d stamp
  for d in "$@"; do
    [ -f "$d/package-lock.json" ] || continue
    stamp="$d/node_modules/.deps-stamp"
    if [ ! -f "$stamp" ] || ! cmp -s "$d/package-lock.json" "$stamp"; then
      command -v npm >/dev/null || { echo "deps: npm is missing: run make deps" >&2; return 1; }
      echo "deps: npm ci in $d"
      (cd "$d" && npm ci --no-audit --no-fund --loglevel=error)
      cp "$d/package-lock.json" "$stamp"
    fi
  done
}

node_version_ok() {
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 18 || (a === 18 && b >= 19) ? 0 : 1)' || {
    echo "deps: node $(node --version) is too old: the web app and the tests need Node.js >= 18.19" \
         "(Debian 12's nodejs 18.20 will do)"; return 1; }
}


if [ "${1:-}" = npm ]; then
  shift
  command -v node >/dev/null && node_version_ok
  npm_ci "$@"
  exit 0
fi

pkgs=(build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev clang-format
      libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libpq-dev postgresql-15
      libsodium-dev libxlsxwriter-dev libzip-dev libexpat1-dev libcmocka-dev uthash-dev
      curl chromium wrk nginx-light valgrind nodejs npm)
# Running alone (`make run`): the server's build and libraries, Node.js for the web app.
[ "${1:-}" = run ] && pkgs=(build-essential cmake ninja-build pkg-config
      libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libsodium-dev libxlsxwriter-dev
      libzip-dev libexpat1-dev uthash-dev nodejs npm)
# The failover test's cluster (scripts/ha-up.sh): `scripts/deps.sh ha`.
[ "${1:-}" = ha ] && pkgs=(etcd-server patroni python3-etcd)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node may come from elsewhere than Debian's package (it does on the developers' machines);
# any from 18.19 on will do: Debian 12's own nodejs 18.20 and npm 9 build the web app and run
# the tests (scripts/node18.sh checks it in `make check`).
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts a cluster, nginx, etcd and Patroni on install; shuangjian starts its own when
  # it needs one.
  $sudo systemctl disable --now postgresql nginx etcd patroni >/dev/null 2>&1 || true
fi
[ "${1:-}" = ha ] && exit 0

node_version_ok
if [ "${1:-}" = run ]; then npm_ci web; else npm_ci web tests; fi
