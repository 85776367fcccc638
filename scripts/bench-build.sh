#!/usr/bin/env bash
# make bench-build: igny8 build vs the hugo CLI on the same 1,000-page site.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./internal/cmd/benchbuild -igny8 "${1:?igny8 binary}" -hugo "${2:?hugo binary}" -pages "${PAGES:-1000}" -runs "${RUNS:-7}"
