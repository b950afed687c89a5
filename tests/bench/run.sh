#!/usr/bin/env bash
# Container start-up benchmark, our engine against the reference daemon (Debian's dockerd) in one
# run, reported as ratios ours/reference of hyperfine medians.
#
# Usage: sudo tests/bench/run.sh [--runs N] [--warmup N] [--reference-only]
#   --runs N           timed runs per command (default 20, env RUNS)
#   --warmup N         warm-up runs per command (default 3, env WARMUP)
#   --reference-only   start and measure only dockerd (ratios n/a); for checking the harness
# Env: DOCKER (client, default the docker on PATH), DOCKER_API_VERSION (default 1.19),
#      ENGINE_EXTRA_ARGS (more flags for our host), BENCH_TMPDIR (default /tmp).
#
# Measures, against each daemon, with the same docker CLI and the same imported busybox image:
#   docker-run-true : `docker run --rm --net none busybox true`
#   api-cycle       : create, start, wait, remove through curl --unix-socket (api-cycle.sh)
# Writes tests/bench/results/run-DATE/: hyperfine JSON per benchmark, summary.txt, summary.jsonl,
# environment.txt and both daemons' logs. Everything it starts or mounts is removed on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_common_args "$@"
[ "$RUNS" -ge 20 ] || log "warning: --runs $RUNS is below 20; medians are less stable"

require_root
ensure_packages docker.io containerd runc busybox-static hyperfine curl jq iproute2 tar
make_workdir
new_results_dir run
start_daemons

# The same rootfs tarball imported into both as busybox:latest.
make_busybox_rootfs "$WORK/rootfs"
tar_rootfs "$WORK/rootfs" "$WORK/busybox.tar"
while read -r name sock; do
    log "importing busybox:latest into $name"
    DOCKER_HOST="unix://$sock" "$DOCKER" import "$WORK/busybox.tar" busybox:latest >/dev/null
    # One checked run before timing: the container really runs and exits 0.
    out=$(DOCKER_HOST="unix://$sock" "$DOCKER" run --rm --net none busybox sh -c 'echo ok')
    [ "$out" = ok ] || die "$name: docker run busybox printed '$out', expected 'ok'"
done < <(targets)

bench() {  # name, then a command template with {SOCK}
    local name=$1 template=$2 args=() tname tsock
    while read -r tname tsock; do
        args+=(-n "$tname" "${template//\{SOCK\}/$tsock}")
    done < <(targets)
    log "benchmark $name"
    hyperfine --warmup "$WARMUP" --runs "$RUNS" --style basic \
        --export-json "$RESULTS/$name.json" "${args[@]}" >&2
}

bench docker-run-true "DOCKER_HOST=unix://{SOCK} '$DOCKER' run --rm --net none busybox true"
bench api-cycle "'$BENCH_DIR/api-cycle.sh' {SOCK} busybox:latest"

echo
report_header
report_row docker-run-true "$RESULTS/docker-run-true.json"
report_row api-cycle "$RESULTS/api-cycle.json"
echo "results: $RESULTS"
