#!/usr/bin/env bash
# Installs what shuangjian needs and is missing: Debian packages, then the web app's npm
# packages from its lock file. Quiet and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
      libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libpq-dev postgresql-15
      libsodium-dev libxlsxwriter-dev libzip-dev libexpat1-dev libcmocka-dev uthash-dev
      curl chromium wrk nginx-light valgrind nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node may come from elsewhere than Debian's package (it does on the developers' machines).
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts a cluster and nginx on install; shuangjian starts its own when it needs one.
  $sudo systemctl disable --now postgresql nginx >/dev/null 2>&1 || true
fi

# npm packages, from the lock file, only when the lock file changed since the last install.
for d in web tests; do
  [ -f "$d/package-lock.json" ] || continue
  stamp="$d/node_modules/.deps-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$d/package-lock.json" "$stamp"; then
    echo "deps: npm ci in $d"
    (cd "$d" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$d/package-lock.json" "$stamp"
  fi
done
