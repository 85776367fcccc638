#!/usr/bin/env bash
# make screenshots: each example's home page in both themes, desktop and
# mobile, rendered by headless Chromium into docs/screenshots/.
# Usage: scripts/screenshots.sh path/to/igny8
set -euo pipefail
igny8=${1:?usage: screenshots.sh IGNY8_BINARY}
cd "$(dirname "$0")/.."

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "screenshots need Chromium: sudo apt-get install -y chromium" >&2
    exit 1
  fi
  echo "installing Debian's chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  chromium=$(command -v chromium)
fi

out=docs/screenshots
mkdir -p "$out"
profile=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$profile"' EXIT

shoot() { # url file width height
  "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --force-device-scale-factor=1 \
    --user-data-dir="$profile" --window-size="$3,$4" --virtual-time-budget=3000 \
    --screenshot="$2" "$1" >/dev/null 2>&1
}

port=${SCREENSHOT_PORT:-1390}
for bp in blueprints/examples/*/blueprint.json; do
  name=$(basename "$(dirname "$bp")")
  for theme in studio journal; do
    "$igny8" preview "$bp" --theme "$theme" --reload=false --addr "127.0.0.1:$port" >/dev/null 2>&1 &
    pid=$!
    url="http://127.0.0.1:$port/"
    for _ in $(seq 200); do curl -fsS -o /dev/null "$url" 2>/dev/null && break; sleep 0.1; done
    shoot "$url" "$out/$name-$theme.png" 1440 2400
    shoot "$url" "$out/$name-$theme-mobile.png" 390 1600
    echo "  $out/$name-$theme.png, $out/$name-$theme-mobile.png"
    kill $pid; wait $pid 2>/dev/null || true
    pid=
  done
done
