#!/usr/bin/env bash
# make bench-deploy: the deployer vs a naive uploader on MinIO, 10,000 files.
# Uses the MinIO in IGNY8_TEST_S3_* when IGNY8_TEST_S3_ENDPOINT is set, else
# starts (or reuses) one with scripts/minio.sh. FILES, RUNS, HISTORY and SWAPS
# tune it; extra arguments go to bin/benchdeploy.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z ${IGNY8_TEST_S3_ENDPOINT:-} ]]; then
  eval "$(scripts/minio.sh)"
fi
go build -o bin/benchdeploy ./internal/cmd/benchdeploy
exec bin/benchdeploy -files "${FILES:-10000}" -runs "${RUNS:-6}" -history "${HISTORY:-1000}" -swaps "${SWAPS:-200}" "$@"
