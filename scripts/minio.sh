#!/usr/bin/env bash
# Start a MinIO server for the storage tests, unless one already answers.
#
# Usage:
#   eval "$(scripts/minio.sh)"      # start or find MinIO, export IGNY8_TEST_S3_*
#   scripts/minio.sh stop           # stop the server this script started
#
# Everything for people goes to stderr; stdout carries only the export lines,
# so the output can be eval'd. Idempotent: a server already answering at
# IGNY8_MINIO_ADDR (default 127.0.0.1:9000) is reused as it is, and bin/minio
# is built only when missing. Credentials come from MINIO_ROOT_USER and
# MINIO_ROOT_PASSWORD, or dev defaults; they are never real secrets.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

# Pinned in shared/DESIGN.md; the first build takes about 8 minutes.
MINIO_MODULE=github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c
addr=${IGNY8_MINIO_ADDR:-127.0.0.1:9000}
user=${MINIO_ROOT_USER:-igny8dev}
pass=${MINIO_ROOT_PASSWORD:-igny8dev-secret}
region=${IGNY8_TEST_S3_REGION:-us-east-1}
bin=$repo/bin/minio
data=$repo/data/minio
log=$repo/data/minio.log
pidfile=$repo/data/minio.pid

say() { echo "minio.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

live() { curl -fsS -o /dev/null --max-time 2 "http://$addr/minio/health/live" 2>/dev/null; }

print_env() {
  echo "export IGNY8_TEST_S3_ENDPOINT=http://$addr"
  echo "export IGNY8_TEST_S3_ACCESS_KEY=$user"
  echo "export IGNY8_TEST_S3_SECRET_KEY=$pass"
  echo "export IGNY8_TEST_S3_REGION=$region"
}

command -v curl > /dev/null || die "curl is needed for the health check (apt-get install curl)"

if [[ ${1:-} == stop ]]; then
  if [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2> /dev/null; then
    kill "$(cat "$pidfile")"
    rm -f "$pidfile"
    say "stopped"
  else
    say "no server started by this script is running"
  fi
  exit 0
elif [[ $# -gt 0 ]]; then
  die "unknown argument $1 (usage: minio.sh [stop])"
fi

if live; then
  say "reusing the server at $addr (credentials from MINIO_ROOT_USER/MINIO_ROOT_PASSWORD or the dev defaults)"
  print_env
  exit 0
fi

if [[ ! -x $bin ]]; then
  command -v go > /dev/null || die "go is not on PATH; cannot build $bin"
  say "building $MINIO_MODULE into bin/ (first time only, takes minutes)"
  mkdir -p "$repo/bin"
  GOTOOLCHAIN=local GOBIN=$repo/bin nice -n 10 go install "$MINIO_MODULE" >&2 ||
    die "go install $MINIO_MODULE failed"
fi

mkdir -p "$data"
# data/ is a module of its own, so that go ./... never walks MinIO's files.
[[ -f $repo/data/go.mod ]] || printf 'module igny8.local/data\n' > "$repo/data/go.mod"
say "starting $bin on $addr (data in data/minio, log in data/minio.log)"
MINIO_ROOT_USER=$user MINIO_ROOT_PASSWORD=$pass MINIO_BROWSER=off \
  setsid nohup "$bin" server "$data" --address "$addr" --quiet > "$log" 2>&1 < /dev/null &
echo $! > "$pidfile"

for _ in $(seq 120); do
  if live; then
    say "ready"
    print_env
    exit 0
  fi
  if ! kill -0 "$(cat "$pidfile")" 2> /dev/null; then
    tail -n 20 "$log" >&2 || true
    die "minio exited during start-up (see data/minio.log)"
  fi
  sleep 0.5
done
tail -n 20 "$log" >&2 || true
die "minio did not answer http://$addr/minio/health/live within 60s (see data/minio.log)"
