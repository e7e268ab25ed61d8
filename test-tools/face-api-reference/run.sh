#!/usr/bin/env bash
# Runs face-api.js (pure-JS tfjs CPU backend) on its demo photos and writes reference outputs.
# Usage: test-tools/face-api-reference/run.sh OUTDIR
set -euo pipefail

if [ "$#" -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "face-api reference: node/npm not found; skipping"
  exit 0
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$1"
out="$(cd "$1" && pwd)"

cd "$here"
# (re)install exactly what package-lock.json pins when node_modules is missing or stale
marker="node_modules/.package-lock.json"
if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
  npm ci --ignore-scripts --no-audit --no-fund
  touch "$marker"
fi

# outputs newer than the script and the lock file are current: nothing to redo
if [ -f "$out/reference.json" ] && [ "$out/reference.json" -nt reference.mjs ] && [ "$out/reference.json" -nt package-lock.json ]; then
  echo "face-api reference: $out is up to date"
  exit 0
fi
exec node reference.mjs "$out"
