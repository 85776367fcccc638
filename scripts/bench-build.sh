#!/usr/bin/env bash
# make bench-build: igny8 build vs the hugo CLI on the same 1,000-page site.
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/benchbuild ./internal/cmd/benchbuild
exec bin/benchbuild -igny8 "${1:?igny8 binary}" -hugo "${2:?hugo binary}" -pages "${PAGES:-1000}" -runs "${RUNS:-7}"
