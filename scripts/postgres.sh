#!/usr/bin/env bash
# Start a PostgreSQL for the tests, unless one answers.
#
# Usage:
#   eval "$(scripts/postgres.sh)"     # start or find Postgres, export IGNY8_TEST_DATABASE_URL
#   scripts/postgres.sh stop          # stop the server this script started
#
# Messages go to stderr; stdout carries only the export line. A Postgres
# already answering at IGNY8_POSTGRES_ADDR (default 127.0.0.1:5432) that
# lets the superuser postgres in is reused. Otherwise PostgreSQL comes from
# Debian's packages (installed when missing, as root) and a private server
# runs with its files in data/postgres-test, trusting local connections
# (it listens on 127.0.0.1 only). Tests create and drop their own databases,
# so the URL names a superuser.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
addr=${IGNY8_POSTGRES_ADDR:-127.0.0.1:5432}
host=${addr%:*}
port=${addr##*:}
dir=$repo/data/postgres-test
url="postgres://postgres@$addr/postgres?sslmode=disable"

say() { echo "postgres.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

# bin NAME: a PostgreSQL program, on PATH or where Debian puts it.
bin() {
  if command -v "$1" >/dev/null; then command -v "$1"; return; fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n1)
  [ -n "$found" ] && echo "$found"
}

# as_owner CMD...: run as the server's owner (initdb refuses root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# answers: does a server at $addr let postgres in? With psql when there is
# one, else pg_isready (which only checks it accepts connections).
answers() {
  local psql isready
  psql=$(bin psql || true)
  if [ -n "$psql" ]; then
    "$psql" "$url" -Atqc 'SELECT 1' >/dev/null 2>&1
    return
  fi
  isready=$(bin pg_isready || true)
  [ -n "$isready" ] && "$isready" -q -h "$host" -p "$port" -U postgres
}

if [ "${1:-}" = stop ]; then
  if [ -f "$dir/postmaster.pid" ]; then
    as_owner "$(bin pg_ctl)" stop -m fast -D "$dir" >&2 && say "stopped"
  else
    say "no server started by this script"
  fi
  exit 0
elif [ $# -gt 0 ]; then
  die "unknown argument $1 (usage: postgres.sh [stop])"
fi

if answers; then
  say "reusing the server at $addr"
else
  if [ -z "$(bin initdb || true)" ]; then
    [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed; run: sudo apt-get install -y postgresql"
    say "installing PostgreSQL from Debian's packages"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  initdb=$(bin initdb) pg_ctl=$(bin pg_ctl)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    say "initdb in data/postgres-test"
    as_owner "$initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --no-instructions >&2
  fi
  say "starting postgres on $addr (files in data/postgres-test, log in data/postgres-test/postgres.log)"
  as_owner "$pg_ctl" start -w -D "$dir" -l "$dir/postgres.log" \
    -o "-c listen_addresses=$host -p $port -k $dir -c fsync=off -c max_connections=200" >&2 ||
    die "postgres did not start; see data/postgres-test/postgres.log"
  answers || die "postgres started but does not let postgres in at $addr"
fi
echo "export IGNY8_TEST_DATABASE_URL='$url'"
