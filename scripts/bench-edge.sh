#!/usr/bin/env bash
# make bench-edge: the IGNY8 edge vs nginx on the blog example, one core each
# (taskset -c 0), wrk on the other core (taskset -c 1).
# Usage: scripts/bench-edge.sh bin/igny8   (ROUNDS, DURATION, CONNS tune it)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nginx > /dev/null || ! command -v wrk > /dev/null; then
  echo "bench-edge.sh: installing nginx and wrk from Debian" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk > /dev/null
fi
go build -o bin/benchedge ./internal/cmd/benchedge
exec bin/benchedge -igny8 "${1:-bin/igny8}" -rounds "${ROUNDS:-3}" -duration "${DURATION:-10s}" -conns "${CONNS:-32}"
