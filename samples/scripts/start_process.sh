#!/usr/bin/env bash
# Starts PATH with ARGs on HOST through the BlueZero hub.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<'USAGE'
usage: start_process.sh HOST PATH [ARG...]

Starts the absolute PATH on HOST with the given arguments, passed exactly as given (no shell).
Sends {"host_name":HOST,"start_process":{"path":PATH,"args":[ARG...]}} to POST $B0_HUB_URL/control.
The node does no PATH lookup, so a bare command name such as "sleep" is refused here (exit 2) with
the path it has on this machine as a hint; HOST may keep it elsewhere.

Optional environment:
  B0_NAME     adds "name": a handle unique among HOST's running processes
  B0_CWD      adds "cwd": the absolute working directory of the new process
  B0_HUB_URL  hub base URL (default http://127.0.0.1:8080)
  B0_TOKEN    sent as "Authorization: Bearer $B0_TOKEN" when set
  B0_TIMEOUT  seconds to wait for the reply (default 30)

Prints the hub's JSON reply. Exit: 0 success, 1 the hub or the node said no (HTTP 4xx/5xx, including
422 for a start the node refused), 2 usage (or a PATH that is not absolute), 3 hub unreachable.
Example: B0_NAME=web start_process.sh lab-3 /usr/bin/python3 -m http.server 8000
USAGE
}

b0_help "$@"
(($# >= 2)) || b0_usage_error "expected HOST and PATH"
b0_preflight
host=$1 path=$2
shift 2
if [[ $path != /* ]]; then
    # Resolving it here would guess at HOST's PATH; say what this machine has instead and let the user decide.
    hint="give an absolute path"
    if [[ $path != */* ]] && found=$(command -v -- "$path" 2>/dev/null) && [[ $found == /* ]]; then
        hint="here '$path' is $found, so if $host has it there too: ${B0_PROG} $host $found ..."
    fi
    b0_config_error "PATH must be absolute, the node does no PATH lookup: $hint"
fi

# shellcheck disable=SC2016 # $host, $path, ... are jq variables
b0_send_json --arg host "$host" --arg path "$path" --arg name "${B0_NAME-}" --arg cwd "${B0_CWD-}" \
    '{host_name: $host,
      start_process: ({path: $path, args: $ARGS.positional}
                      + (if $name != "" then {name: $name} else {} end)
                      + (if $cwd != "" then {cwd: $cwd} else {} end))}' \
    --args -- "$@"
