#!/usr/bin/env bash
# Tests bin/finetoon's staleness logic without Maven or Java: a temp dir mimics the repo's layout, and fake `mvn`
# and `java` first on PATH record their arguments (the fake mvn makes the jar). Run from anywhere:
#   .ci/test-launcher.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf -- "$tmp"' EXIT

root="$tmp/repo"
jar="$root/finetoon-examples/target/finetoon.jar"
src="$root/finetoon-core/src/main/java/A.java"
mkdir -p "$root/bin" "$root/finetoon-core/src/main/java" "$root/finetoon-examples/target" "$tmp/fakebin"
cp "$repo/bin/finetoon" "$root/bin/finetoon"
chmod +x "$root/bin/finetoon"
echo '<project/>' >"$root/pom.xml"
echo '<project/>' >"$root/finetoon-core/pom.xml"
echo 'class A {}' >"$src"

cat >"$tmp/fakebin/mvn" <<'EOF'
#!/usr/bin/env bash
printf '%s\n' "$@" >"$FAKE_LOG/mvn.args"
[[ "${FAKE_MVN_FAIL:-}" == 1 ]] && { echo "fake mvn: failing" >&2; exit 3; }
mkdir -p finetoon-examples/target && touch finetoon-examples/target/finetoon.jar
EOF
cat >"$tmp/fakebin/java" <<'EOF'
#!/usr/bin/env bash
printf '%s\n' "$@" >"$FAKE_LOG/java.args"
EOF
chmod +x "$tmp/fakebin/mvn" "$tmp/fakebin/java"
export PATH="$tmp/fakebin:$PATH"
export FAKE_LOG="$tmp/log"
mkdir -p "$FAKE_LOG"

passed=0
failed=0
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok   $what"
  else
    failed=$((failed + 1))
    echo "FAIL $what"
  fi
}
# Runs the launcher with stdout/stderr redirected to files (so neither is a terminal); sets $rc.
launch() {
  rm -f "$FAKE_LOG"/*
  rc=0
  (cd "$tmp" && "$root/bin/finetoon" "$@") >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
}
ran() { [[ -f "$FAKE_LOG/$1.args" ]]; }
not_ran() { ! ran "$1"; }
has_arg() { grep -qxF -- "$2" "$FAKE_LOG/$1.args"; }
err_has() { grep -qF -- "$1" "$tmp/err"; }
# java's arguments end with: -jar JAR ARGS...
java_tail_is() { [[ "$(tail -n $(($# + 2)) "$FAKE_LOG/java.args" | tr '\n' ' ')" == "-jar $jar $* " ]]; }

# (a) missing jar: mvn builds it, then java runs.
launch generate --help
check "(a) exit status 0" test "$rc" -eq 0
check "(a) missing jar -> mvn runs" ran mvn
check "(a) mvn runs 'package' with -DskipTests -Dinvoker.skip=true" \
  bash -c 'grep -qxF package "$1" && grep -qxF -- -DskipTests "$1" && grep -qxF -- -Dinvoker.skip=true "$1"' _ "$FAKE_LOG/mvn.args"
check "(a) stderr says first run" err_has "first run"
check "(a) stderr says built" err_has "finetoon: built finetoon-examples/target/finetoon.jar in"
check "(a) java ran after the build" ran java
# (d) neither stdout nor stderr is a terminal here.
check "(d) mvn got -Dstyle.color=never" has_arg mvn -Dstyle.color=never
check "(d) java got -Dpicocli.ansi=false" has_arg java -Dpicocli.ansi=false
check "(d) java keeps -Djava.awt.headless=true" has_arg java -Djava.awt.headless=true

# (b) fresh jar: no mvn; java gets -jar JAR ARGS (arguments with spaces kept whole).
touch -d '-2 hours' "$root/pom.xml" "$root/finetoon-core/pom.xml" "$src" "$root/finetoon-core/src/main/java" \
  "$root/finetoon-core/src/main" "$root/finetoon-core/src"
touch -d '-1 hour' "$jar"
launch toonify --in "a b.jpg"
check "(b) exit status 0" test "$rc" -eq 0
check "(b) fresh jar -> mvn does not run" not_ran mvn
check "(b) java gets -jar .../finetoon.jar ARGS" java_tail_is toonify --in "a b.jpg"
check "(b) stderr is quiet" test ! -s "$tmp/err"

# JAVA_OPTS words go before -jar.
JAVA_OPTS="-Xmx1g -Dx=y" launch run
check "JAVA_OPTS passed to java" bash -c 'grep -qxF -- -Xmx1g "$1" && grep -qxF -- -Dx=y "$1"' _ "$FAKE_LOG/java.args"
check "JAVA_OPTS keeps -jar JAR ARGS last" java_tail_is run

# (c) a source newer than the jar: mvn runs again and says why.
touch "$src"
launch x
check "(c) exit status 0" test "$rc" -eq 0
check "(c) touched source -> mvn runs" ran mvn
check "(c) stderr says sources changed" err_has "sources changed"
check "(c) stderr names the changed file" err_has "finetoon-core/src/main/java/A.java"
launch x
check "(c) after the rebuild -> no mvn" not_ran mvn

# A module pom newer than the jar counts too; a target/ folder under src/ does not.
touch -d '-1 hour' "$jar"
touch "$root/finetoon-core/pom.xml"
launch x
check "module pom.xml newer -> mvn runs" ran mvn
touch -d '-2 hours' "$root/finetoon-core/pom.xml" "$src"
mkdir -p "$root/finetoon-core/src/it/app/target"
touch "$root/finetoon-core/src/it/app/target/out.class"
touch -d '-2 hours' "$root/finetoon-core/src/it/app" "$root/finetoon-core/src/it" "$root/finetoon-core/src"
touch -d '-1 hour' "$jar"
launch x
check "file under src/**/target newer -> no mvn" not_ran mvn

# (e) FINETOON_NO_BUILD=1 with a stale jar: no mvn, the jar is used as it is.
touch "$src"
FINETOON_NO_BUILD=1 launch x
check "(e) exit status 0" test "$rc" -eq 0
check "(e) FINETOON_NO_BUILD=1, stale jar -> no mvn" not_ran mvn
check "(e) java still runs" java_tail_is x
rm -f "$jar"
FINETOON_NO_BUILD=1 launch x
check "(e) FINETOON_NO_BUILD=1, missing jar -> fails" test "$rc" -ne 0
check "(e) ... without mvn or java" bash -c '! [[ -f "$1/mvn.args" || -f "$1/java.args" ]]' _ "$FAKE_LOG"
check "(e) ... in one stderr line saying so" bash -c '[[ $(wc -l <"$1") -eq 1 ]] && grep -q missing "$1"' _ "$tmp/err"

# A failed build exits non-zero, says so, and does not run java.
FAKE_MVN_FAIL=1 launch x
check "failed build -> non-zero exit" test "$rc" -ne 0
check "failed build -> stderr says so" err_has "finetoon: the build failed; run 'mvn -B -DskipTests package' to see why"
check "failed build -> mvn's own output stays on stderr" err_has "fake mvn: failing"
check "failed build -> java does not run" not_ran java

echo "launcher: $passed passed, $failed failed"
((failed == 0))
