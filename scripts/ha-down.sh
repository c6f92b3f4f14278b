#!/usr/bin/env bash
# Stops what scripts/ha-up.sh DIR started, leaves no process of it behind, and removes DIR
# (HA_KEEP=1 keeps DIR: its logs and data). Quiet and successful when nothing runs there.
#   1. Patroni on every node gets SIGTERM: it stops its PostgreSQL (fast) and exits;
#   2. after 8 s whatever is left of the nodes' process groups (Patroni's, and each
#      postmaster's: Patroni starts it in a session of its own) gets SIGKILL;
#   3. then etcd, the same way;
#   4. a process still running with DIR in its command line would be this script's bug: it is
#      named on standard error and killed.
set -uo pipefail
dir=${1:?usage: scripts/ha-down.sh DIR}
[ -d "$dir" ] || exit 0
dir=$(cd "$dir" && pwd)

pid_of() { [ -f "$1" ] && head -1 "$1" | tr -dc 0-9; }
# The process group of a live pid (field 5 of /proc/PID/stat, after the parenthesised name).
pgid_of() { [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] && sed -E 's/^.*\) [A-Za-z] [0-9]+ ([0-9]+) .*$/\1/' "/proc/$1/stat"; }
group_alive() { [ -n "${1:-}" ] && kill -0 -- "-$1" 2>/dev/null; }

# The groups of the pids in these files: only those still running and still ours (DIR in
# their command line: a pid file outlives its process, and pids are reused).
ours() { [ -n "${1:-}" ] && tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF "$dir/"; }
groups_of() {
  local f p g
  for f in "$@"; do
    p=$(pid_of "$f") || continue
    ours "$p" || continue
    g=$(pgid_of "$p") && [ -n "$g" ] && echo "$g"
  done | sort -u
}

stop_groups() { # seconds to wait after SIGTERM before SIGKILL; the groups follow
  local wait=$1 g i any; shift
  (($#)) || return 0
  for g in "$@"; do kill -TERM -- "-$g" 2>/dev/null; done
  for ((i = 0; i < wait * 10; i++)); do
    any=0
    for g in "$@"; do group_alive "$g" && any=1; done
    ((any)) || return 0
    sleep 0.1
  done
  for g in "$@"; do kill -KILL -- "-$g" 2>/dev/null; done
  sleep 0.2
}

# Patroni first (it stops its PostgreSQL cleanly). The postmasters' groups are read before and
# after: a node may have restarted its postmaster meanwhile.
pm_before=$(groups_of "$dir"/node*/data/postmaster.pid)
# shellcheck disable=SC2046
stop_groups 8 $(groups_of "$dir"/node*.pid)
# shellcheck disable=SC2046,SC2086
stop_groups 5 $(printf '%s\n' $pm_before $(groups_of "$dir"/node*/data/postmaster.pid) | sort -u)
# shellcheck disable=SC2046
stop_groups 5 $(groups_of "$dir/etcd.pid")

stray=()
mine=" $$ "; a=$$
while [ "$a" -gt 1 ] 2>/dev/null; do a=$(awk '/^PPid:/ {print $2}' "/proc/$a/status" 2>/dev/null) || break; mine+="$a "; done
for p in /proc/[0-9]*; do
  [[ $mine == *" ${p#/proc/} "* ]] && continue # this script and its callers
  cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
  [[ $cmd == *"$dir/"* ]] && stray+=("${p#/proc/}")
done
if ((${#stray[@]})); then
  echo "ha-down: killing left-over processes ${stray[*]}" >&2
  kill -KILL "${stray[@]}" 2>/dev/null
fi
[ "${HA_KEEP:-0}" = 1 ] || rm -rf "$dir"
exit 0
