#!/usr/bin/env bash
# The web app on Debian 12's own Node.js 18, as a fresh Debian 12 machine has it (issue 13):
# Debian's npm 9 installs web/package-lock.json, Debian's node 18 runs `vite build` (into a
# temporary directory), the vitest unit tests, the typecheck (vue-tsc) and the lint (ESLint).
# Run by scripts/check.sh; quick when cached.
#
#   scripts/node18.sh check          the above
#   scripts/node18.sh run CMD ARG... CMD with Debian's node and npm first on PATH
#
# Nothing is installed over the system's node. Debian's packages (nodejs and libnode108 of
# Debian's own 18.x, node-acorn, node-cjs-module-lexer, node-undici, npm, and whatever of their
# dependencies this machine lacks) are fetched with `apt-get download` into a cache
# ($SJ_NODE18_CACHE, default ~/.cache/shuangjian/node18) and unpacked there with `dpkg-deb -x`.
# The version is the highest 18.x Debian itself offers (apt-cache madison, +dfsg versions only:
# another archive's nodejs, e.g. nodesource's, is never taken).
#
# Debian builds node with some of its builtins (acorn, cjs-module-lexer, undici) read at start
# from absolute paths under /usr/share/nodejs, and npm lives there too. So node runs in a
# private mount namespace (unshare; a user namespace when not root) where overlayfs lays the
# unpacked /usr/share over the system's; LD_LIBRARY_PATH points at the unpacked libnode.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT_DIR=$PWD
CACHE=${SJ_NODE18_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shuangjian/node18}
mkdir -p "$CACHE/debs"

say() { echo "node18: $*"; }
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"

# Debian's own nodejs 18.x: the highest +dfsg version the package lists offer.
debian_version() {
  apt-cache madison nodejs 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}' \
    | grep -E '^18\.[0-9.]+\+dfsg' | sort -V | tail -1
}

# Fetches and unpacks what is missing; sets NODE18_ROOT. Idempotent, under a lock.
prepare() {
  local ver
  ver=$(debian_version || true)
  if [ -z "$ver" ]; then
    say "no Debian nodejs 18 in the package lists; apt-get update"
    $sudo apt-get update -qq || true
    ver=$(debian_version || true)
  fi
  if [ -z "$ver" ]; then
    # No package lists at all (offline): the last unpacked version still serves.
    [ -x "$CACHE/root/usr/bin/node" ] || { say "Debian's nodejs 18 is not in the package lists (is Debian's archive in sources.list?)"; return 1; }
    NODE18_ROOT=$CACHE/root
    return 0
  fi

  # The packages: the two of node at that version, the builtins and npm, and the dependencies
  # of all of them that the system does not have installed.
  local want=(nodejs libnode108 node-acorn node-cjs-module-lexer node-undici npm) names=()
  local all installed
  all=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
          --no-replaces --no-enhances "${want[@]}" 2>/dev/null | grep -E '^[a-z0-9]' | sort -u)
  installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 2>/dev/null | awk '$1 == "ii" {print $2}' | sort -u)
  mapfile -t names < <(comm -23 <(echo "$all") <(echo "$installed") | grep -vxE 'nodejs|libnode108')
  local uris
  uris=$(apt-get download --print-uris "nodejs=$ver" "libnode108=$ver" "${names[@]}" 2>/dev/null) || {
    say "apt-get cannot find Debian's nodejs $ver and its packages"; return 1; }
  local files
  files=$(awk '{print $2}' <<<"$uris" | sort)
  grep -q "^nodejs_18" <<<"$files" || { say "no Debian nodejs 18 among the packages to fetch"; return 1; }

  local missing=()
  while read -r f; do [ -f "$CACHE/debs/$f" ] || missing+=("$f"); done <<<"$files"
  if ((${#missing[@]})); then
    say "fetching ${#missing[@]} Debian packages for nodejs $ver"
    local tmp log
    tmp=$(mktemp -d "$CACHE/dl-XXXXXX")
    # apt-get download names the packages; the URIs only told which files are missing.
    local pkgs=()
    for f in "${missing[@]}"; do
      p=${f%%_*}
      case $p in nodejs|libnode108) pkgs+=("$p=$ver") ;; *) pkgs+=("$p") ;; esac
    done
    # (as root apt warns that its sandbox user cannot write to the cache: said, not an error)
    log=$(cd "$tmp" && apt-get download -q "${pkgs[@]}" 2>&1) || {
      rm -rf "$tmp"; echo "$log" >&2; say "apt-get download failed"; return 1; }
    mv "$tmp"/*.deb "$CACHE/debs/"
    rm -rf "$tmp"
  fi
  # the cache keeps only this set
  comm -23 <(cd "$CACHE/debs" && ls | sort) <(echo "$files") | while read -r f; do rm -f "$CACHE/debs/$f"; done

  if ! cmp -s <(echo "$files") "$CACHE/root.list" 2>/dev/null || [ ! -x "$CACHE/root/usr/bin/node" ]; then
    say "unpacking $(wc -l <<<"$files") packages"
    rm -rf "$CACHE/root" "$CACHE/root.list"
    mkdir -p "$CACHE/root"
    while read -r f; do dpkg-deb -x "$CACHE/debs/$f" "$CACHE/root"; done <<<"$files"
    echo "$files" >"$CACHE/root.list"
  fi
  NODE18_ROOT=$CACHE/root
  local lib missing_libs
  lib=$(dirname "$(find "$NODE18_ROOT/usr/lib" -name 'libnode.so.*' -print -quit)")
  missing_libs=$(LD_LIBRARY_PATH=$lib ldd "$NODE18_ROOT/usr/bin/node" | grep 'not found' || true)
  [ -z "$missing_libs" ] || { say "Debian's node lacks libraries:"; echo "$missing_libs" >&2; return 1; }
}

# Runs "$@" with Debian's node and npm, in a namespace where the unpacked /usr/share is laid
# over the system's (see the top of this file).
run18() {
  local libdir
  libdir=$(dirname "$(find "$NODE18_ROOT/usr/lib" -name 'libnode.so.*' -print -quit)")
  local ns=(unshare --mount --propagation private)
  [ "$(id -u)" = 0 ] || ns=(unshare --map-root-user --mount --propagation private)
  "${ns[@]}" env NODE18_SHARE="$NODE18_ROOT/usr/share" NODE18_BIN="$NODE18_ROOT/usr/bin" \
    NODE18_LIB="$libdir" sh -c '
      mount -t overlay overlay -o "lowerdir=$NODE18_SHARE:/usr/share" /usr/share || {
        echo "node18: cannot lay the unpacked /usr/share over the system'"'"'s (mount namespace, overlayfs)" >&2
        exit 97; }
      export PATH="$NODE18_BIN:$PATH" LD_LIBRARY_PATH="$NODE18_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      unset NODE18_SHARE NODE18_BIN NODE18_LIB
      exec "$@"' sh "$@"
}

check() {
  local t0=$SECONDS
  local v
  v=$(run18 node --version)
  [[ $v == v18.* ]] || { say "expected Debian's node 18, got $v"; return 1; }
  say "Debian's node $v, npm $(run18 npm --version)"

  # npm ci with Debian's npm into the cache, again only when the lock file changed.
  local deps=$CACHE/web-deps
  mkdir -p "$deps"
  if ! cmp -s web/package-lock.json "$deps/node_modules/.deps-stamp" 2>/dev/null; then
    say "npm ci with Debian's npm"
    rm -rf "$deps/node_modules"
    cp web/package.json web/package-lock.json web/.npmrc "$deps/"
    (cd "$deps" && run18 npm ci --no-audit --no-fund --loglevel=error) || { say "npm ci failed"; return 1; }
    cp web/package-lock.json "$deps/node_modules/.deps-stamp"
  fi

  # The app's sources in a temporary copy, with those packages (and the server's sources
  # beside it, which a unit test compares the permission strings with).
  local tmp
  tmp=$(mktemp -d /tmp/sj-node18-XXXXXX)
  trap 'rm -rf "$tmp"' RETURN
  mkdir "$tmp/web"
  tar -C web --exclude=./node_modules --exclude=./dist -cf - . | tar -C "$tmp/web" -xf -
  ln -s "$deps/node_modules" "$tmp/web/node_modules"
  ln -s "$ROOT_DIR/src" "$tmp/src"

  (cd "$tmp/web" && run18 node node_modules/vite/bin/vite.js build --logLevel warn --outDir "$tmp/out") || { say "vite build failed"; return 1; }
  [ -f "$tmp/out/index.html" ] && ls "$tmp"/out/assets/*.js.br >/dev/null 2>&1 || { say "the build left no index.html or no precompressed scripts"; return 1; }
  (cd "$tmp/web" && run18 node node_modules/vitest/vitest.mjs run --reporter=dot) || { say "vitest failed"; return 1; }
  # package.json's typecheck and lint, by Debian's npm (node_modules/.bin's `env node` finds
  # Debian's node first on PATH)
  (cd "$tmp/web" && run18 npm run --silent typecheck) || { say "typecheck (vue-tsc) failed"; return 1; }
  (cd "$tmp/web" && run18 npm run --silent lint) || { say "lint (eslint) failed"; return 1; }
  say "built, tested, typechecked and linted with Debian's node $v in $((SECONDS - t0)) s"
}

exec 9>"$CACHE/lock"
flock 9
prepare
case ${1:-check} in
  check) check ;;
  run) shift; flock -u 9; run18 "$@" ;;
  *) echo "usage: $0 [check | run CMD ARG...]" >&2; exit 2 ;;
esac
