#!/usr/bin/env bash
# docker export, our engine against the reference daemon, in one run (for trees without docker load:
# the image is made with `docker import`). Reported as the ratio ours/reference of hyperfine medians.
#
# Usage: sudo tests/bench/bench-export.sh [--runs N] [--warmup N] [--reference-only]
# Env: IMAGE_MB (random data in the image, default 300), plus those of run.sh.
#
# The image: the busybox rootfs plus IMAGE_MB of random files (8 MiB files plus 512 files of 4 KiB),
# imported as one layer into each daemon. A container is created from it (never started) and
# `docker export -o FILE C` is timed (before each run: rm FILE).
set -euo pipefail
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-1}
IMAGE_MB=${IMAGE_MB:-300}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_common_args "$@"

require_root
ensure_packages docker.io containerd runc busybox-static hyperfine curl jq iproute2 tar coreutils
make_workdir
new_results_dir export
echo "image: imported busybox + ${IMAGE_MB} MiB random data" >>"$RESULTS/environment.txt"

r="$WORK/rootfs"
make_busybox_rootfs "$r"
log "generating ${IMAGE_MB} MiB of random files"
for ((i = 0; i < IMAGE_MB / 8; i++)); do
    mkdir -p "$r/data/d$((i % 10))"
    head -c $((8 << 20)) /dev/urandom >"$r/data/d$((i % 10))/f$i.bin"
done
mkdir -p "$r/data/small"
for ((i = 0; i < 512; i++)); do head -c 4096 /dev/urandom >"$r/data/small/s$i"; done
tar_rootfs "$r" "$WORK/big.tar"
rm -rf "$r"

start_daemons
mkdir -p "$WORK/out"
while read -r name sock; do
    log "importing into $name"
    DOCKER_HOST="unix://$sock" "$DOCKER" import "$WORK/big.tar" bench/big:latest >/dev/null
    DOCKER_HOST="unix://$sock" "$DOCKER" create --name bench-export --net none bench/big:latest sh >/dev/null
done < <(targets)

args=() preps=()
while read -r tname tsock; do
    args+=(-n "$tname" "DOCKER_HOST=unix://$tsock '$DOCKER' export -o '$WORK/out/export-$tname.tar' bench-export")
    preps+=(--prepare "rm -f '$WORK/out/export-$tname.tar'")
done < <(targets)
hyperfine --warmup "$WARMUP" --runs "$RUNS" --style basic --export-json "$RESULTS/container-export.json" \
    "${preps[@]}" "${args[@]}" >&2

echo
report_header
report_row container-export "$RESULTS/container-export.json"
