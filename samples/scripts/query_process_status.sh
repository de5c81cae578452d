#!/usr/bin/env bash
# Asks HOST whether a managed process still runs, and with what exit code it ended.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<'USAGE'
usage: query_process_status.sh HOST PID_OR_NAME

Asks HOST for the status of a process: "running":true, or "running":false with "exit_code"
(and "signal" if a signal ended it) while the exit is retained. PID_OR_NAME of digits only is a pid;
anything else is a name. A name made only of digits cannot be given here; use call.sh.
Sends {"host_name":HOST,"query_process_status":{"pid":N}} or {..."name":NAME} to POST $B0_HUB_URL/control.

Environment: B0_HUB_URL (default http://127.0.0.1:8080), B0_TOKEN, B0_TIMEOUT (default 30).

Prints the hub's JSON reply. Exit: 0 success, 1 hub said success:false, 2 usage, 3 hub unreachable.
USAGE
}

b0_help "$@"
(($# == 2)) || b0_usage_error "expected HOST and PID_OR_NAME"
b0_preflight
b0_send_target query_process_status "$1" "$2"
