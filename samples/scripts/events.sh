#!/usr/bin/env bash
# Prints the hub's event history, one JSON event per line, and with --follow keeps printing new events as they happen.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<'USAGE'
usage: events.sh [--follow] [--host H]... [--type T]... [--name N]... [--pid P] [--since-seq N]
                 [--from TIME] [--to TIME] [--limit N] [--order asc|desc]

Prints events from the hub's history, one compact JSON object per line, e.g.
  {"seq":12,"time":"2026-12-06T03:00:00.123Z","host_name":"lab-2","type":"process_exited","pid":4242,"exit_code":3,...}
--host, --type and --name may repeat (any of them matches); different filters must all match. TIME is ISO 8601
(2026-12-06T03:00:00Z); --from is inclusive, --to exclusive. Without --follow it prints one page (--limit, default
100; --order asc, the default, gives the oldest first from --since-seq on) and then, on stderr, the next_seq to pass
as --since-seq for the next page. With --follow it prints the matching events stored after --since-seq (default: all),
then each new one as it is stored, until Ctrl-C; --limit and --order do not apply.
Sends GET $B0_HUB_URL/events?... or, with --follow, GET $B0_HUB_URL/events/stream?... (docs/PROTOCOL.md, "Events").

Environment: B0_HUB_URL (default http://127.0.0.1:8080), B0_TOKEN, B0_TIMEOUT (default 30; not with --follow).

Exit: 0 the events were printed, 1 the hub refused (its JSON error is printed), 2 usage, 3 hub unreachable.
USAGE
}

b0_help "$@"
follow=false
params=()
while (($# > 0)); do
    case $1 in
        --follow) follow=true ;;
        --host | --type | --name | --pid | --since-seq | --from | --to | --limit | --order)
            (($# >= 2)) || b0_usage_error "$1 needs a value"
            name=${1#--}
            params+=("${name//-/_}=$(jq -rn --arg v "$2" '$v|@uri')")
            shift
            ;;
        *) b0_usage_error "unknown option: $1" ;;
    esac
    shift
done
b0_preflight
query=$(IFS='&'; printf '%s' "${params[*]}")

if [[ $follow == false ]]; then
    b0_request GET "/events${query:+?$query}"
    if [[ $B0_STATUS == 200 ]]; then
        printf '%s' "$B0_BODY" | jq -c '.events[]'
        printf '%s' "$B0_BODY" | jq -r '"next_seq: \(.next_seq)"' >&2
        exit 0
    fi
    b0_print_reply
    exit 1
fi

# Server-sent events: each "data: " line holds one event's JSON; ids, types and comments are left out. A refusal
# (HTTP 400, 401) comes as one JSON body without "data: ", and is printed as it is.
curl -sS -N -H @<(b0_auth_header) -- "$B0_HUB_URL/events/stream${query:+?$query}" | while IFS= read -r line || [[ -n $line ]]; do
    case $line in
        data:\ *) printf '%s\n' "${line#data: }" ;;
        '{'*) printf '%s\n' "$line"; exit 1 ;;
    esac
done
pipe=("${PIPESTATUS[@]}")
# 23: curl could not write because the loop ended after a refusal.
if ((pipe[0] != 0 && pipe[0] != 23)); then
    printf '%s: cannot reach the hub at %s (curl exit %d)\n' "$B0_PROG" "$B0_HUB_URL" "${pipe[0]}" >&2
    exit 3
fi
exit "${pipe[1]}"
