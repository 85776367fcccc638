#!/usr/bin/env bash
# Start a Redis for the tests (the live-deploy bus), unless one answers.
#
# Usage:
#   eval "$(scripts/redis.sh)"     # start or find Redis, export IGNY8_TEST_REDIS_URL
#   scripts/redis.sh stop          # stop the server this script started
#
# Messages go to stderr; stdout carries only the export line. A Redis
# already answering at IGNY8_REDIS_ADDR (default 127.0.0.1:6379) is reused.
# Otherwise redis-server comes from Debian's packages (installed when
# missing, as root) and runs with its files in data/redis.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
addr=${IGNY8_REDIS_ADDR:-127.0.0.1:6379}
host=${addr%:*}
port=${addr##*:}
dir=$repo/data/redis
pidfile=$dir/redis.pid

say() { echo "redis.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

# answers: does a Redis at $host:$port reply PONG? (bash's /dev/tcp: no client needed)
# It runs in a subshell: exec's redirections must not outlive the probe.
answers() (
  exec 2>/dev/null 3<>"/dev/tcp/$host/$port" || exit 1
  printf 'PING\r\n' >&3
  IFS= read -r -t 2 reply <&3 || reply=
  [[ $reply == +PONG* ]]
)

if [ "${1:-}" = stop ]; then
  if [ -f "$pidfile" ]; then
    kill "$(cat "$pidfile")" 2>/dev/null && say "stopped" || say "not running"
    rm -f "$pidfile"
  else
    say "no server started by this script"
  fi
  exit 0
fi

if answers; then
  say "reusing the server at $addr"
else
  if ! command -v redis-server >/dev/null; then
    [ "$(id -u)" -eq 0 ] || die "redis-server is not installed; run: sudo apt-get install -y redis-server"
    say "installing redis-server from Debian's packages"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
  fi
  mkdir -p "$dir"
  say "starting redis-server on $addr (files in data/redis)"
  redis-server --daemonize yes --bind "$host" --port "$port" --save "" --appendonly no \
    --dir "$dir" --logfile "$dir/redis.log" --pidfile "$pidfile" >&2
  for _ in $(seq 50); do answers && break; sleep 0.1; done
  answers || die "redis-server did not answer at $addr; see data/redis/redis.log"
fi
echo "export IGNY8_TEST_REDIS_URL=redis://$addr/0"
