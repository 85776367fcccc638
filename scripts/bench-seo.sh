#!/usr/bin/env bash
# make bench-seo: SEO on a generated site of 1,000 articles of about 1,200
# words. The linker half: linker.LinkSite over the whole site (the
# "seo-linker" section of docs/benchmarks.md). The analyzer half:
# optimizer.Analyze against the yoastseo npm package's analysis of the very
# same articles, in the same run (the "seo-analyzer" section). yoastseo is installed
# with npm into data/bench-seo (git-ignored; data/ is a Go module of its
# own, so go ./... never walks node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
YOASTSEO_VERSION=${YOASTSEO_VERSION:-3.6.0}
dir=data/bench-seo
for tool in node npm; do
	command -v "$tool" >/dev/null || { echo "bench-seo: $tool is needed to run yoastseo (Node 18 or later)" >&2; exit 1; }
done
mkdir -p "$dir"
installed=$(node -p "try { require('./$dir/node_modules/yoastseo/package.json').version } catch { '' }")
if [ "$installed" != "$YOASTSEO_VERSION" ]; then
	[ -f "$dir/package.json" ] || echo '{"name": "igny8-bench-seo", "private": true}' >"$dir/package.json"
	npm install --prefix "$dir" --no-audit --no-fund --save-exact "yoastseo@$YOASTSEO_VERSION"
fi
go run ./internal/cmd/benchseo -articles "${ARTICLES:-1000}" -dir "$dir"
