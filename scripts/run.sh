#!/usr/bin/env bash
# make run: the whole platform in one process (igny8 dev): a private
# Postgres and Redis under data/ (unless DATABASE_URL / REDIS_URL are set),
# the worker, the scheduler, the edge and the API; the example sites are
# deployed through the job queue and their URLs printed.
# PostgreSQL and redis-server come from the OS packages, installed here
# when missing (as root; otherwise it says what to install).
# Usage: scripts/run.sh path/to/igny8 [igny8 dev flags]
set -euo pipefail
igny8=${1:?usage: run.sh IGNY8_BINARY}
shift
cd "$(dirname "$0")/.."

say() { echo "run.sh: $*" >&2; }
have_pg() { command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }

missing=()
if [ -z "${DATABASE_URL:-}" ] && ! have_pg; then missing+=(postgresql); fi
if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then missing+=(redis-server); fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing: ${missing[*]}; run: sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
  say "installing ${missing[*]} from the OS packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  # Debian starts the packaged services; igny8 dev runs its own.
fi

export IGNY8_EDGE_ADDR=${IGNY8_EDGE_ADDR:-127.0.0.1:8081}
export IGNY8_API_ADDR=${IGNY8_API_ADDR:-127.0.0.1:8080}
exec "$igny8" dev "$@"
