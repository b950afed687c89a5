#!/usr/bin/env bash
# One container life cycle through the Remote API v1.19 with curl: create, start, wait, remove.
# Usage: api-cycle.sh SOCKET [IMAGE]   (fails if any call fails or the exit code is not 0)
set -euo pipefail
sock=$1 image=${2:-busybox:latest}
api() { curl -sSf --unix-socket "$sock" "$@"; }
base=http://localhost/v1.19
id=$(api -H 'Content-Type: application/json' \
    -d "{\"Image\":\"$image\",\"Cmd\":[\"true\"],\"HostConfig\":{\"NetworkMode\":\"none\"}}" \
    "$base/containers/create" | sed -n 's/.*"Id" *: *"\([0-9a-f]*\)".*/\1/p')
[ -n "$id" ] || { echo "api-cycle: create returned no Id" >&2; exit 1; }
api -X POST "$base/containers/$id/start" >/dev/null
status=$(api -X POST "$base/containers/$id/wait" | sed -n 's/.*"StatusCode" *: *\([0-9-]*\).*/\1/p')
api -X DELETE "$base/containers/$id" >/dev/null
[ "$status" = 0 ] || { echo "api-cycle: container exited with '$status'" >&2; exit 1; }
