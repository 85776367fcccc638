#!/usr/bin/env bash
# make run: build every example site, then serve each with live preview.
# Usage: scripts/run.sh path/to/igny8
set -euo pipefail
igny8=${1:?usage: run.sh IGNY8_BINARY}
cd "$(dirname "$0")/.."

examples=(blueprints/examples/*/blueprint.json)
port=${IGNY8_PREVIEW_PORT:-1313}
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT INT TERM

for bp in "${examples[@]}"; do
  name=$(basename "$(dirname "$bp")")
  "$igny8" build "$bp" -o "data/sites/$name"
done

echo
for bp in "${examples[@]}"; do
  name=$(basename "$(dirname "$bp")")
  "$igny8" preview "$bp" --addr "127.0.0.1:$port" > "data/preview-$name.log" 2>&1 &
  pids+=($!)
  urls+=("  $name: http://127.0.0.1:$port/")
  port=$((port + 1))
done

# Wait until every server answers before printing its URL.
for u in "${urls[@]}"; do
  url=${u##* }
  for _ in $(seq 100); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && break
    sleep 0.1
  done
done
echo "IGNY8 Sites is running. Edit a blueprint.json and the page reloads."
printf '%s\n' "${urls[@]}"
echo "Built copies are in data/sites/. Logs: data/preview-*.log. Ctrl-C stops."
wait
