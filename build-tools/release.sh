#!/usr/bin/env bash
# Releases finetoon to Maven Central in one command (not run in CI; see docs/release.md):
#
#   build-tools/release.sh VERSION
#
# Sets every module's version (finetoon-bom included) and the reproducible-build timestamp, builds and tests
# everything, signs each artifact with GPG and uploads the bundle through the Central Portal, where it waits for a
# person to press "publish". Needs a GPG key and a `central` server with a Portal token in ~/.m2/settings.xml.
set -euo pipefail
[[ $# -eq 1 && $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "usage: $0 VERSION (e.g. 0.1.0)" >&2; exit 2; }
cd "$(dirname "$0")/.."
[[ -z $(git status --porcelain) ]] || { echo "release.sh: the work tree has uncommitted changes" >&2; exit 1; }
mvn -B -q versions:set -DnewVersion="$1" -DprocessAllModules -DgenerateBackupPoms=false
mvn -B -q versions:set-property -Dproperty=project.build.outputTimestamp \
  -DnewVersion="$(git log -1 --format=%cI)" -DgenerateBackupPoms=false
mvn -B -P release deploy
