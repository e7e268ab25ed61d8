#!/usr/bin/env bash
# A build from source on a machine without npm must stop at once with one line naming what to install. Runs Maven
# offline (after the main build, every plugin is local) with a PATH and a cache that hold no npm and no tarball.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/cache"
for dir in ${PATH//:/ }; do
  for tool in "$dir"/*; do
    name=$(basename "$tool")
    case $name in npm | npx | node | nodejs) continue ;; esac
    [[ -x $tool && ! -e $tmp/bin/$name ]] && ln -s "$tool" "$tmp/bin/$name"
  done
done
if out=$(FINETOON_CACHE="$tmp/cache" PATH="$tmp/bin" mvn -B -o -Dstyle.color=never validate -pl finetoon-faceapi-weights 2>&1); then
  echo "no-npm: the build went on without npm" >&2
  exit 1
fi
line=$(grep -F 'npm not found: building finetoon from source needs Node.js and npm' <<<"$out" || true)
if [[ -z $line ]]; then
  echo "no-npm: the build failed without saying that npm is missing:" >&2
  echo "$out" >&2
  exit 1
fi
echo "no-npm: a build without npm stops with: ${line#\[ERROR\] }"
