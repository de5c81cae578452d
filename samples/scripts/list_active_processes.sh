#!/usr/bin/env bash
# Lists the running managed processes of one host, or of every host.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<'USAGE'
usage: list_active_processes.sh [HOST]

With HOST: sends {"host_name":HOST,"list_active_processes":{}} and prints HOST's pids.
Without:   sends {"list_active_processes":{}}; the hub answers for every host, listing an
           unreachable host with "error_message" instead of "pids".
Both go to POST $B0_HUB_URL/control.

Environment: B0_HUB_URL (default http://127.0.0.1:8080), B0_TOKEN, B0_TIMEOUT (default 30).

Prints the hub's JSON reply. Exit: 0 success, 1 hub said success:false, 2 usage, 3 hub unreachable.
USAGE
}

b0_help "$@"
(($# <= 1)) || b0_usage_error "expected at most one HOST"
b0_preflight

# shellcheck disable=SC2016 # $host is a jq variable
if (($# == 1)); then
    b0_send_json --arg host "$1" '{host_name: $host, list_active_processes: {}}'
else
    b0_send_json '{list_active_processes: {}}'
fi
