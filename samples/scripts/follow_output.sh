#!/usr/bin/env bash
# Prints a managed process's captured output, and with --follow keeps printing it like tail -f.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<'USAGE'
usage: follow_output.sh HOST PID_OR_NAME [--follow] [--stream stdout|stderr|both] [--tail N]

Prints the output HOST captured from a process, one line per line. With --follow it keeps the
connection open and prints lines as they are written, ending with
"[bluezero] pid N exited: exit_code=C" once the process is over (Ctrl-C stops following early).
--tail N starts with the last N lines kept (default 10 with --follow, else all); --stream picks one
stream (default both). PID_OR_NAME of digits only is a pid; anything else is a name.
Sends GET $B0_HUB_URL/hosts/HOST/processes/PID_OR_NAME/output?follow=...&stream=...&tail=...

Environment: B0_HUB_URL (default http://127.0.0.1:8080), B0_TOKEN. B0_TIMEOUT does not apply with --follow.

Exit: 0 the output was printed, 1 the hub refused (its JSON error is printed), 2 usage, 3 hub unreachable.
USAGE
}

b0_help "$@"
(($# >= 2)) || b0_usage_error "expected HOST and PID_OR_NAME"
host=$1 target=$2
shift 2
follow=false stream=both tail=
while (($# > 0)); do
    case $1 in
        --follow) follow=true ;;
        --stream) (($# >= 2)) || b0_usage_error "--stream needs a value"; stream=$2; shift ;;
        --tail) (($# >= 2)) || b0_usage_error "--tail needs a value"; tail=$2; shift ;;
        *) b0_usage_error "unknown option: $1" ;;
    esac
    shift
done
[[ $stream =~ ^(stdout|stderr|both)$ ]] || b0_usage_error "--stream must be stdout, stderr or both"
[[ -z $tail || $tail =~ ^[0-9]+$ ]] || b0_usage_error "--tail must be a number of lines"
b0_preflight

query="follow=$follow&stream=$stream${tail:+&tail=$tail}"
path="/hosts/$(jq -rn --arg v "$host" '$v|@uri')/processes/$(jq -rn --arg v "$target" '$v|@uri')/output?$query"
max_time=()
[[ $follow == true ]] || max_time=(--max-time "$B0_TIMEOUT")

# The text streams straight to stdout (through fd 3, a duplicate, so appending to a file works too); the
# HTTP status comes back on curl's stderr, with curl's own error text if the hub cannot be reached.
exec 3>&1
rc=0
status=$(curl -sS -N "${max_time[@]}" -H @<(b0_auth_header) -o - -w '%{stderr}%{http_code}' -- "$B0_HUB_URL$path" 2>&1 >&3) || rc=$?
if ((rc != 0)); then
    message=${status%???}
    printf '%s: %s\n' "$B0_PROG" "${message%$'\n'}" >&2
    exit 3
fi
if [[ $status != 200 ]]; then
    printf '\n'
    exit 1
fi
