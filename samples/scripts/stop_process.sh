#!/usr/bin/env bash
# Stops a managed process on HOST (SIGINT, then SIGTERM, then SIGKILL to the whole tree).
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<'USAGE'
usage: stop_process.sh HOST PID_OR_NAME [--wait]

Stops a process on HOST: SIGINT, then SIGTERM after the stop grace, then SIGKILL after the kill grace,
sent to the whole process tree. PID_OR_NAME of digits only is a pid; anything else is a name.
Without --wait the hub replies at once; with --wait it replies once the process has exited,
with its "exit_code" (and "signal" if a signal ended it).
Sends {"host_name":HOST,"stop_process":{"pid":N}} or {..."name":NAME} to POST $B0_HUB_URL/control.
A name made only of digits cannot be given here; send {"name":"123"} with call.sh.

Environment: B0_HUB_URL (default http://127.0.0.1:8080), B0_TOKEN, B0_TIMEOUT (default 30 s;
raise it with --wait, since a stop may take the two grace periods).

Prints the hub's JSON reply. Exit: 0 success, 1 hub said success:false, 2 usage, 3 hub unreachable.
USAGE
}

b0_help "$@"
wait=false
positional=()
for arg in "$@"; do
    case "$arg" in
        --wait) wait=true ;;
        *) positional+=("$arg") ;;
    esac
done
((${#positional[@]} == 2)) || b0_usage_error "expected HOST and PID_OR_NAME"
b0_preflight

if [[ $wait == true ]]; then
    b0_send_target stop_process "${positional[0]}" "${positional[1]}" --argjson extra '{"wait":true}'
else
    b0_send_target stop_process "${positional[0]}" "${positional[1]}"
fi
