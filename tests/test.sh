#!/usr/bin/env bash
# Runs every test of the solution: `sudo tests/test.sh` (from anywhere).
#
# - Must run as root: tests marked [Trait("Category","Root")] create namespaces, mounts, cgroups and
#   network devices, and they are never skipped. This script refuses to run otherwise.
# - Installs the Debian packages the tests need when they are missing (checked with dpkg -s, so a
#   second run does not touch apt).
# - Runs `dotnet test Engine.sln -c Release` with a console logger that lists each test and ends
#   with the usual "Passed!/Failed!" lines, keeps TRX files in artifacts/test-results/, and ends
#   with a "Passed!/Failed!" line per test project and one plain line
#   "N passed, N failed, N skipped" summed over all test projects (what CI reads).
# - Exits with dotnet test's exit code (non-zero if the totals show a failure).
#
# Extra arguments go to dotnet test, e.g. `sudo tests/test.sh --filter Category!=Slow`.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
    echo "tests/test.sh: must run as root: the root-only tests (Category=Root) are part of the suite and are never skipped." >&2
    echo "Run it as: sudo tests/test.sh" >&2
    exit 1
fi

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

# --- Debian packages the tests use (docker.io is only for tests/bench, not here) ---
packages=(busybox-static iproute2 iptables docker-registry)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "tests/test.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v dotnet >/dev/null 2>&1; then
    echo "tests/test.sh: dotnet (the .NET SDK) is not on PATH" >&2
    exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results="$repo/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
log="$results/console.log"

# A hung test is killed after 15 minutes (no dump) so a run always ends with a result.
set +e
dotnet test Engine.sln -c Release \
    --results-directory "$results" \
    --logger "console;verbosity=normal" \
    --logger "trx" \
    --blame-hang-timeout 15m --blame-hang-dump-type none \
    "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# --- One "Passed!/Failed!" line per test project, from its TRX file ---
shopt -s nullglob
for f in "$results"/*.trx; do
    counters=$(grep -o -m1 '<Counters [^>]*>' "$f" || true)
    get() { printf '%s\n' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
    t=$(get total)
    [ "${t:-0}" -gt 0 ] || continue   # a project with no tests ("No test is available")
    x=$(get executed); p=$(get passed)
    fl=$(($(get failed) + $(get error) + $(get timeout) + $(get aborted)))
    dll=$(grep -o -m1 'codeBase="[^"]*"' "$f" | sed 's/codeBase="\(.*\)"/\1/; s#.*/##')
    verdict='Passed!'; [ "$fl" -eq 0 ] || verdict='Failed!'
    printf '%s - Failed: %5d, Passed: %5d, Skipped: %5d, Total: %5d - %s\n' "$verdict" "$fl" "$p" "$((t - x))" "$t" "${dll:-$(basename "$f")}"
done

# --- Totals over all projects, from the console summaries ("Total tests: / Passed: / Failed: /
# Skipped:" block that each test project prints) ---
read -r passed failed skipped < <(awk '
    /^ +Passed: +[0-9]+ *$/  { p += $2 }
    /^ +Failed: +[0-9]+ *$/  { f += $2 }
    /^ +Skipped: +[0-9]+ *$/ { s += $2 }
    END { print p + 0, f + 0, s + 0 }' "$log")

if [ "$rc" -eq 0 ] && [ "$failed" -gt 0 ]; then
    rc=1
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
