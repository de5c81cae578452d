#!/usr/bin/env bash
# Shows every host the hub knows, with its address, status and number of running processes.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<'USAGE'
usage: list_hosts.sh

Sends GET $B0_HUB_URL/hosts and prints the reply:
  {"hosts":[{"host_name":H,"address":A,"status":"up"|"unreachable"|"removed"|"left","since":T,"processes":N|null,
             "cpu_percent":P|null,"memory_percent":P|null}]}
processes counts the host's live managed processes; cpu_percent and memory_percent are the host's cpu and
memory use; each is null when the node did not answer. Details: docs/PROTOCOL.md section 9.

Environment: B0_HUB_URL (default http://127.0.0.1:8080), B0_TOKEN, B0_TIMEOUT (default 30).

Exit: 0 HTTP 200, 1 any other HTTP status, 2 usage, 3 hub unreachable.
USAGE
}

b0_help "$@"
(($# == 0)) || b0_usage_error "expected no arguments"
b0_preflight
b0_request GET /hosts
b0_print_reply
if [[ $B0_STATUS == 200 ]]; then
    exit 0
fi
printf '%s: %s answered HTTP %s\n' "$B0_PROG" "$B0_URL" "$B0_STATUS" >&2
exit 1
