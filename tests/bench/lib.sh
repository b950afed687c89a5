# Shared by tests/bench/run.sh and tests/bench/bench-images.sh (sourced, not run).
# Starts the reference daemon (Debian's dockerd) and our engine side by side on temporary sockets
# and roots, and undoes everything it did on exit (trap), success or failure.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)

RUNS=${RUNS:-20}
WARMUP=${WARMUP:-3}
REFERENCE_ONLY=${REFERENCE_ONLY:-0}
# Both daemons are driven by the same client at the same API version (the engine serves v1.19).
export DOCKER_API_VERSION=${DOCKER_API_VERSION:-1.19}
DOCKER=${DOCKER:-$(command -v docker || true)}
ENGINE_STARTUP_TIMEOUT=${ENGINE_STARTUP_TIMEOUT:-60}
ENGINE_EXTRA_ARGS=${ENGINE_EXTRA_ARGS:-}

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

parse_common_args() {
    while [ $# -gt 0 ]; do
        case "$1" in
            --runs) RUNS=$2; shift 2 ;;
            --warmup) WARMUP=$2; shift 2 ;;
            --reference-only) REFERENCE_ONLY=1; shift ;;
            -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
            *) die "unknown argument: $1 (see --help)" ;;
        esac
    done
}

require_root() {
    [ "$(id -u)" -eq 0 ] || die "must run as root (it starts dockerd and the engine): sudo $0"
}

# Debian packages: dpkg -s first, apt-get update once only if something is missing.
ensure_packages() {
    local missing=() p
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
    [ -n "$DOCKER" ] || DOCKER=$(command -v docker) || die "no docker CLI on PATH"
}

# ---------------------------------------------------------------- temp state and cleanup
WORK=""            # everything lives under here
REF_PID="" OURS_PID=""
REF_SOCK="" OURS_SOCK=""
CGROUP_PARENT=""   # the reference daemon's containers' cgroup parent (removed at exit)
NETDEVS_BEFORE=""
RUN_DOCKER_IS_OURS=0

make_workdir() {
    WORK=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/engine-bench.XXXXXX")
    chmod 755 "$WORK"
    CGROUP_PARENT="/$(basename "$WORK")"
    NETDEVS_BEFORE=$(netdevs)
    [ -e /run/docker ] || RUN_DOCKER_IS_OURS=1   # dockerd makes /run/docker/plugins even so
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    log "temporary state in $WORK"
}

netdevs() { ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | sort; }

mounts_under() {  # mount points under $1, deepest first
    awk -v w="$1" '$2 == w || index($2, w "/") == 1 {print $2}' /proc/mounts | sort -r
}

# Ends a process by pid: TERM, up to $2 seconds, then KILL.
stop_pid() {
    local pid=$1 secs=${2:-20} i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < secs * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    log "pid $pid did not stop in ${secs}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

remove_all_containers() {  # best effort, while the daemon still answers
    local sock=$1 ids
    [ -S "$sock" ] || return 0
    ids=$(DOCKER_HOST="unix://$sock" timeout 20 "$DOCKER" ps -aq 2>/dev/null || true)
    [ -z "$ids" ] || DOCKER_HOST="unix://$sock" timeout 60 "$DOCKER" rm -f $ids >/dev/null 2>&1 || true
}

cleanup() {
    local rc=$? m left dev containerd_pid="" d
    trap - EXIT INT TERM
    set +e
    [ -n "$WORK" ] || exit "$rc"
    log "cleaning up"
    [ -n "$OURS_PID" ] && remove_all_containers "$OURS_SOCK"
    [ -n "$REF_PID" ] && remove_all_containers "$REF_SOCK"
    [ -f "$WORK/ref/exec/containerd/containerd.pid" ] && containerd_pid=$(cat "$WORK/ref/exec/containerd/containerd.pid")
    stop_pid "$OURS_PID" 30
    stop_pid "$REF_PID" 30
    save_daemon_logs
    # dockerd stops its containerd; if dockerd had to be killed, containerd may still be there.
    if [ -n "$containerd_pid" ] && kill -0 "$containerd_pid" 2>/dev/null \
        && grep -q "$WORK" "/proc/$containerd_pid/cmdline" 2>/dev/null; then
        stop_pid "$containerd_pid" 10
    fi
    # Mounts left under our temp dir (dockerd bind-mounts its data root, overlay, netns, shm...).
    for m in $(mounts_under "$WORK"); do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"; done
    # cgroups of the reference daemon's containers (ours removes its own).
    if [ -n "$CGROUP_PARENT" ]; then
        for d in /sys/fs/cgroup/*"$CGROUP_PARENT" /sys/fs/cgroup"$CGROUP_PARENT"; do
            [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
        done
    fi
    [ "$RUN_DOCKER_IS_OURS" = 1 ] && rmdir /run/docker/plugins /run/docker 2>/dev/null
    # Network devices that appeared during the run. With --bridge none / --net none neither daemon
    # should make any; remove only bridges a daemon here names, and report anything else.
    for dev in $(comm -13 <(printf '%s\n' "$NETDEVS_BEFORE") <(netdevs)); do
        case "$dev" in
            docker0|"${BENCH_BRIDGE:-engine-bench0}") ip link delete "$dev" && log "removed network device $dev" ;;
            *) log "note: network device $dev appeared during the run (not ours to remove?)" ;;
        esac
    done
    left=$(mounts_under "$WORK")
    if [ -n "$left" ]; then
        log "ERROR: mounts still under $WORK, not deleting it:"; printf '  %s\n' $left >&2
        rc=1
    else
        rm -rf --one-file-system "$WORK"
        if grep -q "$WORK" /proc/mounts || [ -e "$WORK" ]; then
            log "ERROR: $WORK not fully removed"; rc=1
        else
            log "cleanup ok: daemons stopped, no mounts left under $WORK, directory removed"
        fi
    fi
    exit "$rc"
}

# ---------------------------------------------------------------- daemons
wait_ping() {  # sock pid timeout name logfile
    local sock=$1 pid=$2 secs=$3 name=$4 logf=$5 i
    for ((i = 0; i < secs * 10; i++)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            log "$name exited before answering /_ping; last lines of $logf:"
            tail -n 30 "$logf" >&2
            return 1
        fi
        if [ "$(curl -s --max-time 2 --unix-socket "$sock" http://localhost/_ping 2>/dev/null)" = "OK" ]; then
            return 0
        fi
        sleep 0.1
    done
    log "$name did not answer /_ping on $sock within ${secs}s; last lines of $logf:"
    tail -n 30 "$logf" >&2
    return 1
}

start_reference() {
    local d="$WORK/ref"
    mkdir -p "$d/data" "$d/exec"
    echo '{}' > "$d/daemon.json"   # ignore any /etc/docker/daemon.json of the host
    REF_SOCK="$d/docker.sock"
    log "starting reference dockerd ($(dockerd --version))"
    setsid dockerd --config-file "$d/daemon.json" \
        --data-root "$d/data" --exec-root "$d/exec" \
        --host "unix://$REF_SOCK" --pidfile "$d/dockerd.pid" \
        --bridge none --iptables=false --ip6tables=false --ip-masq=false \
        --cgroup-parent "$CGROUP_PARENT" \
        >"$d/dockerd.log" 2>&1 </dev/null &
    REF_PID=$!
    wait_ping "$REF_SOCK" "$REF_PID" 60 "reference dockerd" "$d/dockerd.log" \
        || die "reference dockerd did not start (log: $d/dockerd.log)"
    log "reference dockerd up (pid $REF_PID) on $REF_SOCK"
}

start_ours() {
    local d="$WORK/ours" dll
    mkdir -p "$d/data" "$d/exec"
    OURS_SOCK="$d/engine.sock"
    log "building Engine.Host (Release)"
    export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
    dotnet build "$REPO/Engine.Host/Engine.Host.csproj" -c Release -nologo -v q >"$d/build.log" 2>&1 \
        || { tail -n 40 "$d/build.log" >&2; die "our engine does not build (log above)"; }
    dll=$(dotnet msbuild "$REPO/Engine.Host/Engine.Host.csproj" -nologo -p:Configuration=Release -getProperty:TargetPath)
    [ -f "$dll" ] || die "built engine not found at '$dll'"
    log "starting our engine ($dll)"
    # Run the built assembly directly (not `dotnet run`) so the pid we stop is the daemon itself.
    # shellcheck disable=SC2086
    setsid dotnet "$dll" --host "unix://$OURS_SOCK" --data-root "$d/data" --exec-root "$d/exec" $ENGINE_EXTRA_ARGS \
        >"$d/engine.log" 2>&1 </dev/null &
    OURS_PID=$!
    wait_ping "$OURS_SOCK" "$OURS_PID" "$ENGINE_STARTUP_TIMEOUT" "our engine" "$d/engine.log" \
        || die "OUR ENGINE DID NOT START: no /_ping answer on $OURS_SOCK. The engine is not ready for benchmarking yet (use --reference-only to measure only dockerd)."
    log "our engine up (pid $OURS_PID) on $OURS_SOCK"
}

start_daemons() {
    start_reference
    if [ "$REFERENCE_ONLY" = 1 ]; then
        log "--reference-only: our engine is not started; ratios will be n/a"
    else
        start_ours
    fi
}

# Runs the docker CLI against one daemon: dk ref|ours ARGS...
dk() {
    local which=$1; shift
    local sock=$REF_SOCK; [ "$which" = ours ] && sock=$OURS_SOCK
    DOCKER_HOST="unix://$sock" "$DOCKER" "$@"
}

# Daemons to measure, as "name sock" lines.
targets() {
    [ "$REFERENCE_ONLY" = 1 ] || echo "ours $OURS_SOCK"
    echo "reference $REF_SOCK"
}

# ---------------------------------------------------------------- images
# A busybox root file system tarball from busybox-static: bin/busybox, applet links made by
# `busybox --install -s`, etc/passwd, etc/group. Prints the tarball's path.
make_busybox_rootfs() {  # dir
    local r=$1
    mkdir -p "$r/bin" "$r/sbin" "$r/usr/bin" "$r/usr/sbin" "$r/etc" "$r/tmp" "$r/root"
    chmod 1777 "$r/tmp"
    cp "$(dpkg -L busybox-static | grep -m1 '/bin/busybox$')" "$r/bin/busybox"
    chroot "$r" /bin/busybox --install -s
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
}

tar_rootfs() {  # dir out.tar
    tar -C "$1" --numeric-owner --owner=0 --group=0 --sort=name -cf "$2" .
}

# ---------------------------------------------------------------- reporting
# Prints and appends to $RESULTS/summary.txt one row per benchmark from a hyperfine JSON with
# commands named "ours" and "reference".
report_header() {
    printf '%-28s %14s %16s %12s\n' benchmark "ours (ms)" "reference (ms)" "ours/ref" | tee -a "$RESULTS/summary.txt"
}
report_row() {  # name json
    local name=$1 json=$2 ours ref ratio
    ref=$(jq -r '.results[] | select(.command == "reference") | .median * 1000' "$json")
    ours=$(jq -r '(.results[] | select(.command == "ours") | .median * 1000) // empty' "$json")
    if [ -n "$ours" ]; then
        ratio=$(awk -v a="$ours" -v b="$ref" 'BEGIN { printf "%.2f", a / b }')
        ours=$(printf '%.1f' "$ours")
    else
        ours="n/a"; ratio="n/a"
    fi
    printf '%-28s %14s %16.1f %12s\n' "$name" "$ours" "$ref" "$ratio" | tee -a "$RESULTS/summary.txt"
    jq -c --arg name "$name" --arg ratio "$ratio" \
        '{benchmark: $name, ratio: (if $ratio == "n/a" then null else ($ratio | tonumber) end),
          median_s: ([.results[] | {(.command): .median}] | add),
          mean_s: ([.results[] | {(.command): .mean}] | add),
          stddev_s: ([.results[] | {(.command): .stddev}] | add),
          runs: ([.results[] | {(.command): (.times | length)}] | add)}' \
        "$json" >>"$RESULTS/summary.jsonl"
}

new_results_dir() {  # prefix
    RESULTS="$BENCH_DIR/results/$1-$(date +%Y%m%d-%H%M%S)"
    mkdir -p "$RESULTS"
    {
        echo "date: $(date -Is)"
        echo "host: $(uname -srm), $(nproc) cpus"
        echo "client: $("$DOCKER" --version) at API $DOCKER_API_VERSION"
        echo "reference: $(dockerd --version); runc $(runc --version | head -n1 | awk '{print $3}')"
        echo "engine: $(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)"
        echo "hyperfine: $(hyperfine --version); runs $RUNS, warmup $WARMUP"
        echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    } >"$RESULTS/environment.txt"
    if awk -v n="$(nproc)" '{ exit !($1 > n / 2) }' /proc/loadavg; then
        log "warning: load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cpus: the machine is busy, absolute times will be noisy"
    fi
    log "results in $RESULTS"
}

save_daemon_logs() {
    [ -n "${RESULTS:-}" ] || return 0
    [ -f "$WORK/ref/dockerd.log" ] && cp "$WORK/ref/dockerd.log" "$RESULTS/" || true
    [ -f "$WORK/ours/engine.log" ] && cp "$WORK/ours/engine.log" "$RESULTS/" || true
}
