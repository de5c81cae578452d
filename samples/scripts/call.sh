#!/usr/bin/env bash
# Sends any request, read verbatim from stdin, to the hub.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<'USAGE'
usage: call.sh < request.json

POSTs stdin byte for byte to $B0_HUB_URL/control and prints the hub's JSON reply.
Use it for any request the other scripts do not build, e.g.
  printf '%s' '{"host_name":"lab-3","start_process":{"path":"/bin/sleep","args":["60"],"env":{"A":"1"}}}' | call.sh
  jq -n '{host_name: "lab-3", stop_process: {name: "123", wait: true}}' | call.sh

Environment: B0_HUB_URL (default http://127.0.0.1:8080), B0_TOKEN, B0_TIMEOUT (default 30).

Exit: 0 success, 1 hub said success:false, 2 usage, 3 hub unreachable.
USAGE
}

b0_help "$@"
(($# == 0)) || b0_usage_error "expected no arguments; the request comes on stdin"
[[ ! -t 0 ]] || b0_usage_error "stdin is a terminal; redirect the request from a file or a pipe"
b0_preflight
b0_control
