#!/usr/bin/env bash
# Image benchmark, our engine against the reference daemon (Debian's dockerd) in one run, reported
# as ratios ours/reference of hyperfine medians. Same harness as run.sh (lib.sh).
#
# Usage: sudo tests/bench/bench-images.sh [--runs N] [--warmup N] [--reference-only] [--only LIST]
#   --only LIST        comma-separated subset of load,save,export,commit (default all; env ONLY)
#   --runs N           timed runs per command (default 10 here, env RUNS)
#   --warmup N         warm-up runs per command (default 1 here, env WARMUP)
#   --reference-only   start and measure only dockerd (ratios n/a); for checking the harness
# Env: IMAGE_MB (size of the generated random data, default 300), plus those of run.sh.
#
# Generates locally, once per run, a docker-save tarball (manifest.json, config, repositories and
# legacy per-layer folders) of `bench/big:latest`: layer 1 the busybox rootfs, layer 2 IMAGE_MB of
# random, incompressible files from /dev/urandom (8 MiB files plus 512 files of 4 KiB). Then, with
# the same docker CLI against each daemon:
#   image-load        docker load -i big.tar   (before each run: docker rmi bench/big, no container
#                     holds it, so the layers are really deleted and loaded again)
#   image-save        docker save -o FILE bench/big:latest (before each run: rm FILE)
#   container-export  docker export -o FILE C   (C created from bench/big, never started)
#   container-commit  docker commit C2 bench/committed  (C2 ran once and wrote 32 MiB and deleted
#                                                       a directory; before each run: docker rmi)
# Page cache is not dropped: all runs are warm-cache numbers for both daemons.
# Peak memory: each daemon's VmHWM is reset (clear_refs 5) before the load benchmark and read after it,
# so the reported peak is that of loading the image (memory.txt and summary.txt).
set -euo pipefail
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-1}
IMAGE_MB=${IMAGE_MB:-300}
ONLY=${ONLY:-load,save,export,commit}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --only) ONLY=$2; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done
parse_common_args "${args[@]+"${args[@]}"}"
for b in ${ONLY//,/ }; do
    case "$b" in load|save|export|commit) ;; *) die "--only: unknown benchmark $b (load,save,export,commit)" ;; esac
done
wanted() { [[ ",$ONLY," == *",$1,"* ]]; }

# peak_kb PID: the process's peak resident set (VmHWM) in kB; reset_peak PID starts a new peak.
peak_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo "?"; }
reset_peak() { [ -n "$1" ] && echo 5 >"/proc/$1/clear_refs" 2>/dev/null || true; }

require_root
ensure_packages docker.io containerd runc busybox-static hyperfine curl jq iproute2 tar coreutils
make_workdir
new_results_dir images
echo "image: bench/big:latest, ${IMAGE_MB} MiB random data + busybox; benchmarks: $ONLY" >>"$RESULTS/environment.txt"

# ------------------------------------------------------------ the image, built by hand
# docker-save layout (as Docker 20.10 writes it, which also carries the v1.19 legacy layout).
make_image_tarball() {  # out.tar
    local out=$1 img="$WORK/img" r1="$WORK/layer1" r2="$WORK/layer2" i n created
    mkdir -p "$img"
    make_busybox_rootfs "$r1"
    tar_rootfs "$r1" "$WORK/layer1.tar"

    log "generating ${IMAGE_MB} MiB of random files"
    n=$((IMAGE_MB / 8))
    for ((i = 0; i < n; i++)); do
        mkdir -p "$r2/data/d$((i % 10))"
        head -c $((8 << 20)) /dev/urandom >"$r2/data/d$((i % 10))/f$i.bin"
    done
    mkdir -p "$r2/data/small"
    for ((i = 0; i < 512; i++)); do head -c 4096 /dev/urandom >"$r2/data/small/s$i"; done
    tar_rootfs "$r2" "$WORK/layer2.tar"

    local d1 d2 c1 c2 id1 id2 cfg cid
    d1=$(sha256sum "$WORK/layer1.tar" | cut -d' ' -f1)
    d2=$(sha256sum "$WORK/layer2.tar" | cut -d' ' -f1)
    created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    # legacy v1 layer ids: derived from the chain, like Docker's save does (any stable hex will do)
    id1=$(printf 'sha256:%s' "$d1" | sha256sum | cut -d' ' -f1)
    id2=$(printf '%s sha256:%s' "$id1" "$d2" | sha256sum | cut -d' ' -f1)
    cfg=$(jq -cn --arg d1 "sha256:$d1" --arg d2 "sha256:$d2" --arg created "$created" '{
        architecture: "amd64", os: "linux", created: $created,
        config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"]},
        rootfs: {type: "layers", diff_ids: [$d1, $d2]},
        history: [{created: $created, created_by: "tests/bench: busybox rootfs"},
                  {created: $created, created_by: "tests/bench: random data"}]}')
    printf '%s' "$cfg" >"$img/config.tmp"
    cid=$(sha256sum "$img/config.tmp" | cut -d' ' -f1)
    mv "$img/config.tmp" "$img/$cid.json"
    for i in 1 2; do
        local id; id=$([ $i = 1 ] && echo "$id1" || echo "$id2")
        mkdir -p "$img/$id"
        echo -n "1.0" >"$img/$id/VERSION"
        mv "$WORK/layer$i.tar" "$img/$id/layer.tar"
        jq -cn --arg id "$id" --arg parent "$([ $i = 2 ] && echo "$id1")" --arg created "$created" \
            '{id: $id, created: $created, os: "linux", architecture: "amd64",
              container_config: {Cmd: null}} + (if $parent == "" then {} else {parent: $parent} end)' \
            >"$img/$id/json"
    done
    jq -cn --arg cfg "$cid.json" --arg l1 "$id1/layer.tar" --arg l2 "$id2/layer.tar" \
        '[{Config: $cfg, RepoTags: ["bench/big:latest"], Layers: [$l1, $l2]}]' >"$img/manifest.json"
    jq -cn --arg id "$id2" '{"bench/big": {latest: $id}}' >"$img/repositories"
    tar -C "$img" --numeric-owner --owner=0 --group=0 --sort=name -cf "$out" .
    rm -rf "$img" "$r1" "$r2"
    log "image tarball: $(du -h "$out" | cut -f1), image id sha256:$cid"
}

start_daemons
make_image_tarball "$WORK/big.tar"
mkdir -p "$WORK/out"

# bench NAME PREPARE COMMAND: templates with {SOCK} and {NAME}; one hyperfine for both daemons.
bench() {
    local name=$1 prepare=$2 command=$3 args=() preps=() tname tsock c p
    while read -r tname tsock; do
        c=${command//\{SOCK\}/$tsock}; c=${c//\{NAME\}/$tname}
        p=${prepare//\{SOCK\}/$tsock}; p=${p//\{NAME\}/$tname}
        args+=(-n "$tname" "DOCKER_HOST=unix://$tsock $c")
        preps+=(--prepare "DOCKER_HOST=unix://$tsock $p")
    done < <(targets)
    log "benchmark $name"
    hyperfine --warmup "$WARMUP" --runs "$RUNS" --style basic \
        --export-json "$RESULTS/$name.json" "${preps[@]}" "${args[@]}" >&2
}

D="'$DOCKER'"
O="$WORK/out"
# Load first, while no container holds the image: `rmi` then really deletes its layers.
while read -r name sock; do
    log "checking docker load into $name"
    DOCKER_HOST="unix://$sock" "$DOCKER" load -i "$WORK/big.tar" >/dev/null
done < <(targets)
MEM_BEFORE_OURS=$(peak_kb "$OURS_PID") MEM_BEFORE_REF=$(peak_kb "$REF_PID")
reset_peak "$OURS_PID"; reset_peak "$REF_PID"
if wanted load; then
    bench image-load "$D rmi bench/big:latest >/dev/null 2>&1 || true" \
        "$D load -i '$WORK/big.tar' >/dev/null"
fi
{
    echo "IMAGE_MB=$IMAGE_MB"
    echo "ours      VmHWM before load: ${MEM_BEFORE_OURS} kB, peak during load: $(peak_kb "$OURS_PID") kB"
    echo "reference VmHWM before load: ${MEM_BEFORE_REF} kB, peak during load: $(peak_kb "$REF_PID") kB (dockerd only; its containerd not counted)"
} | tee "$RESULTS/memory.txt" >&2

# The containers that export and commit use.
while read -r name sock; do
    export DOCKER_HOST="unix://$sock"
    log "preparing containers in $name"
    "$DOCKER" create --name bench-export --net none bench/big:latest true >/dev/null
    "$DOCKER" run --name bench-commit --net none bench/big:latest \
        sh -c 'head -c 33554432 /dev/urandom >/new-data && rm -rf /data/d0' >/dev/null
    unset DOCKER_HOST
done < <(targets)
if wanted save; then
    bench image-save "rm -f '$O/save-{NAME}.tar'" \
        "$D save -o '$O/save-{NAME}.tar' bench/big:latest"
fi
if wanted export; then
    bench container-export "rm -f '$O/export-{NAME}.tar'" \
        "$D export -o '$O/export-{NAME}.tar' bench-export"
fi
if wanted commit; then
    bench container-commit "$D rmi bench/committed:latest >/dev/null 2>&1 || true" \
        "$D commit bench-commit bench/committed:latest >/dev/null"
fi

echo
report_header
for b in image-load image-save container-export container-commit; do
    if [ -f "$RESULTS/$b.json" ]; then report_row "$b" "$RESULTS/$b.json"; fi
done
cat "$RESULTS/memory.txt" >>"$RESULTS/summary.txt"
echo "results: $RESULTS"
