#!/usr/bin/env bash
# make run: build every example site, deploy it to local storage, and serve
# them all from the edge at http://<slug>.localhost:8081/.
# Usage: scripts/run.sh path/to/igny8
set -euo pipefail
igny8=${1:?usage: run.sh IGNY8_BINARY}
cd "$(dirname "$0")/.."

export IGNY8_STORAGE=${IGNY8_STORAGE:-fs://./data/objects}
export IGNY8_SITES_DOMAIN=${IGNY8_SITES_DOMAIN:-localhost}
export IGNY8_EDGE_ADDR=${IGNY8_EDGE_ADDR:-127.0.0.1:8081}
port=${IGNY8_EDGE_ADDR##*:}

urls=()
for bp in blueprints/examples/*/blueprint.json; do
  slug=$(basename "$(dirname "$bp")")
  "$igny8" deploy "$bp" --site "$slug"
  urls+=("  $slug: http://$slug.$IGNY8_SITES_DOMAIN:$port/")
done

mkdir -p data
"$igny8" edge > data/edge.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT INT TERM
for _ in $(seq 100); do
  curl -fsS -o /dev/null -H "Host: ${urls[0]##*//}" "http://127.0.0.1:$port/" 2>/dev/null && break
  kill -0 $pid 2>/dev/null || { cat data/edge.log >&2; exit 1; }
  sleep 0.1
done
echo
echo "IGNY8 Sites is running: every example is deployed and served by the edge."
printf '%s\n' "${urls[@]}"
echo "Redeploy after an edit: $igny8 deploy blueprints/examples/<slug>/blueprint.json --site <slug>"
echo "History and rollback:   $igny8 deploys --site <slug>; $igny8 rollback --site <slug>"
echo "Live editing:           $igny8 preview blueprints/examples/<slug>/blueprint.json"
echo "Objects in data/objects, edge log in data/edge.log. Ctrl-C stops."
wait $pid
