#!/usr/bin/env bash
# Fetches face-api.js's original weights for the finetoon-faceapi-weights jar, at build time only (never at run time).
#
#   build-tools/face-api-weights/fetch.sh OUTDIR
#
# Takes the npm package @vladmandic/face-api (MIT) through `npm pack`, so npm's configured registry is used, checks
# the tarball's sha256, keeps it in ${FINETOON_CACHE:-$HOME/.cache/finetoon}/npm/, and extracts into OUTDIR only the
# tiny face detector, 68-point landmark and face recognition models (tfjs manifests and .bin shards) and LICENSE.
# Nothing half-written is ever left in the cache or in OUTDIR: files are written to temporary directories beside
# their targets and renamed into place once verified. When OUTDIR already holds exactly these files (checked by
# sha256) nothing is done, and npm is only needed when the cache lacks the tarball.
set -euo pipefail

readonly PACKAGE='@vladmandic/face-api'
readonly VERSION='1.7.15'
readonly TARBALL="vladmandic-face-api-${VERSION}.tgz"
readonly TARBALL_SHA256='0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031'
# The files taken from the tarball (under package/) and the sha256 of each, for the completeness check.
readonly FILES=(
  'model/tiny_face_detector_model-weights_manifest.json 5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5'
  'model/tiny_face_detector_model.bin b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871'
  'model/face_landmark_68_model-weights_manifest.json ca4886639f86e99b39fed0c155f81b63317225773bd9616716e887b0153389c9'
  'model/face_landmark_68_model.bin 4611ef65c87d836d03d684b30eec4d195d8b219fa1dd58fc58945831c6b9299b'
  'model/face_recognition_model-weights_manifest.json cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b'
  'model/face_recognition_model.bin b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589'
  'LICENSE 9a3442b79acaf4fbc7c2e07b7e2d8f84af9bb3871bf08a69d80304ab00640e9a'
)

fail() {
  echo "fetch.sh: $*" >&2
  exit 1
}

sha256() {
  sha256sum "$1" | cut -d' ' -f1
}

[[ $# -eq 1 && -n $1 ]] || fail "usage: fetch.sh OUTDIR"
outdir=$1

# True when OUTDIR already holds every file with the expected content.
complete() {
  local entry path hash
  for entry in "${FILES[@]}"; do
    read -r path hash <<<"$entry"
    [[ -f $outdir/$(basename "$path") && $(sha256 "$outdir/$(basename "$path")") == "$hash" ]] || return 1
  done
}

# Leftovers of a run that was killed before its trap could clean up.
rm -rf -- "$(dirname "$outdir")/.$(basename "$outdir").partial."*

if complete; then
  exit 0
fi

temps=()
cleanup() {
  if ((${#temps[@]})); then rm -rf -- "${temps[@]}"; fi
}
trap cleanup EXIT

# The tarball, from the cache or fetched into it.
cache_dir="${FINETOON_CACHE:-$HOME/.cache/finetoon}/npm"
cached="$cache_dir/$TARBALL"
if [[ -f $cached && $(sha256 "$cached") != "$TARBALL_SHA256" ]]; then
  echo "fetch.sh: cached $cached has sha256 $(sha256 "$cached"), expected $TARBALL_SHA256; fetching it again" >&2
  rm -f -- "$cached"
fi
if [[ ! -f $cached ]]; then
  command -v npm >/dev/null ||
    fail "npm not found: install Node.js and npm to build finetoon-faceapi-weights (Debian: apt-get install nodejs npm)"
  mkdir -p "$cache_dir"
  rm -rf -- "$cache_dir/.partial."*
  download=$(mktemp -d "$cache_dir/.partial.XXXXXX")
  temps+=("$download")
  echo "fetch.sh: npm pack $PACKAGE@$VERSION" >&2
  npm pack "$PACKAGE@$VERSION" --pack-destination "$download" --ignore-scripts --silent >/dev/null ||
    fail "npm pack $PACKAGE@$VERSION failed"
  [[ -f $download/$TARBALL ]] || fail "npm pack did not produce $TARBALL"
  actual=$(sha256 "$download/$TARBALL")
  [[ $actual == "$TARBALL_SHA256" ]] ||
    fail "$PACKAGE@$VERSION tarball has sha256 $actual, expected $TARBALL_SHA256; not caching it"
  mv -f -- "$download/$TARBALL" "$cached"
fi

# Extract beside OUTDIR, verify, then rename each file into place.
mkdir -p "$outdir"
staging=$(mktemp -d "$(dirname "$outdir")/.$(basename "$outdir").partial.XXXXXX")
temps+=("$staging")
members=()
for entry in "${FILES[@]}"; do
  read -r path hash <<<"$entry"
  members+=("package/$path")
done
tar -xzf "$cached" -C "$staging" --no-same-owner --no-same-permissions -- "${members[@]}" ||
  fail "could not extract the weights from $cached"
for entry in "${FILES[@]}"; do
  read -r path hash <<<"$entry"
  actual=$(sha256 "$staging/package/$path")
  [[ $actual == "$hash" ]] || fail "package/$path in $cached has sha256 $actual, expected $hash"
done
for entry in "${FILES[@]}"; do
  read -r path hash <<<"$entry"
  mv -f -- "$staging/package/$path" "$outdir/$(basename "$path")"
done
echo "fetch.sh: face-api $VERSION weights in $outdir" >&2
