# shellcheck shell=bash
# Shared code of the BlueZero sample scripts. Source it from a script; do not run it.
#
# Environment (read by every script):
#   B0_HUB_URL  base URL of the hub's HTTP front door (default http://127.0.0.1:8080)
#   B0_TOKEN    when set and non-empty, sent as "Authorization: Bearer $B0_TOKEN"
#   B0_TIMEOUT  seconds curl may spend on the whole exchange (default 30)
#
# Exit codes of every script:
#   0  the request worked: top-level "success":true and, where the node answered, its "success":true too
#      (list_hosts.sh: HTTP 200)
#   1  the hub replied, but the request did not work (either "success" is false, or the HTTP status is not 200:
#      422 when the node said no, 4xx/5xx when the hub did; the reply is still printed)
#   2  usage error, bad environment or missing tool (-h/--help prints the usage and exits 0)
#   3  the hub could not be reached (connection refused, DNS failure, curl timeout, ...)
# A top-level "success":true means the hub routed the request and the node answered; the inner
# "success" says whether the operation itself worked (the hub answers HTTP 422 when it did not).
# Scripts exit 0 only when the status is 200 and both hold, so `if stop_process.sh lab-3 42; then ...`
# means what it says.
# Needs curl >= 7.55 (-H @file) and jq >= 1.6 ($ARGS).
#
# The hub's reply goes to stdout exactly as received (the hub sends compact, one-line JSON).
# Request bodies are always built with jq, never by string concatenation, so arguments
# containing spaces, quotes, backslashes or non-ASCII text arrive intact.

B0_HUB_URL="${B0_HUB_URL:-http://127.0.0.1:8080}"
B0_HUB_URL="${B0_HUB_URL%/}"
B0_TIMEOUT="${B0_TIMEOUT:-30}"
B0_PROG="${0##*/}"

# Each script defines usage(), which prints its usage text to stdout.

# b0_help "$@": handles -h/--help as the first argument.
b0_help() {
    case "${1-}" in
        -h | --help) usage; exit 0 ;;
    esac
}

# b0_usage_error MESSAGE: prints MESSAGE and the usage to stderr, exits 2.
b0_usage_error() {
    printf '%s: %s\n' "$B0_PROG" "$1" >&2
    usage >&2
    exit 2
}

# b0_config_error MESSAGE: prints MESSAGE to stderr and exits 2 (bad environment, missing tool).
b0_config_error() {
    printf '%s: %s\n' "$B0_PROG" "$1" >&2
    exit 2
}

# b0_preflight: checks the tools and the environment before anything is sent.
b0_preflight() {
    local tool
    for tool in curl jq; do
        command -v "$tool" >/dev/null 2>&1 || b0_config_error "$tool is required but not installed"
    done
    [[ $B0_TIMEOUT =~ ^[0-9]+([.][0-9]+)?$ ]] || b0_config_error "B0_TIMEOUT must be a number of seconds, got: $B0_TIMEOUT"
    case "${B0_TOKEN-}" in
        *$'\n'* | *$'\r'*) b0_config_error "B0_TOKEN must not contain a line break" ;;
    esac
}

# Prints the Authorization header line, or nothing when no token is set. It reaches curl through
# a pipe (-H @file), so the token never appears in the process list.
b0_auth_header() {
    if [[ -n ${B0_TOKEN-} ]]; then
        printf 'Authorization: Bearer %s\n' "$B0_TOKEN"
    fi
}

# b0_request METHOD PATH: sends the request and sets B0_URL, B0_STATUS (HTTP status) and B0_BODY.
# For POST the body is read from stdin, byte for byte. Exits 3 when curl fails.
b0_request() {
    local method=$1 out rc=0
    B0_URL="$B0_HUB_URL$2"
    if [[ $method == POST ]]; then
        out=$(curl -sS --max-time "$B0_TIMEOUT" -H @<(b0_auth_header) \
            -H 'Content-Type: application/json' -H 'Expect:' --data-binary @- \
            -w '\n%{http_code}' -- "$B0_URL") || rc=$?
    else
        out=$(curl -sS --max-time "$B0_TIMEOUT" -H @<(b0_auth_header) \
            -w '\n%{http_code}' -- "$B0_URL") || rc=$?
    fi
    if ((rc != 0)); then
        if ((rc == 28)); then
            printf '%s: no reply from the hub at %s within %s s (curl exit 28)\n' "$B0_PROG" "$B0_URL" "$B0_TIMEOUT" >&2
        else
            printf '%s: cannot reach the hub at %s (curl exit %d)\n' "$B0_PROG" "$B0_URL" "$rc" >&2
        fi
        exit 3
    fi
    B0_STATUS=${out##*$'\n'}
    B0_BODY=${out%$'\n'*}
    B0_BODY=${B0_BODY%$'\n'}
}

# b0_print_reply: writes the reply body to stdout.
b0_print_reply() {
    if [[ -n $B0_BODY ]]; then
        printf '%s\n' "$B0_BODY"
    fi
}

# b0_control: POSTs stdin to /control, prints the reply, exits 0 when the HTTP status is 200 and the
# top-level "success" and every operation's inner "success" are true, else 1.
b0_control() {
    b0_request POST /control
    b0_print_reply
    if [[ $B0_STATUS == 200 ]] && printf '%s' "$B0_BODY" | jq -e 'type == "object" and .success == true
            and ([.[] | objects | select(has("success")) | .success] | all)' >/dev/null 2>&1; then
        exit 0
    fi
    if ! printf '%s' "$B0_BODY" | jq -e 'type == "object" and (.success | type) == "boolean"' >/dev/null 2>&1; then
        printf '%s: unexpected reply from %s (HTTP %s)\n' "$B0_PROG" "$B0_URL" "$B0_STATUS" >&2
    fi
    exit 1
}

# b0_send_json JQ_ARGS...: builds the request with `jq -cn JQ_ARGS...` and POSTs it to /control.
b0_send_json() {
    local body
    body=$(jq -cn "$@") || b0_config_error "could not build the request with jq"
    b0_control < <(printf '%s' "$body")
}

# b0_send_target OPERATION HOST TARGET [JQ_ARGS...]: sends {host_name: HOST, OPERATION: {pid: N} or {name: TARGET}}.
# A TARGET of ASCII digits only is a pid (sent as a JSON number); anything else is a name. Extra JQ_ARGS may
# define $extra, an object merged into the operation body (it defaults to {}).
b0_send_target() {
    local operation=$1 host=$2 target=$3 kind=name
    shift 3
    [[ -n $target && $target != *[!0123456789]* ]] && kind=pid
    # shellcheck disable=SC2016 # $host, $target, ... are jq variables
    b0_send_json --arg op "$operation" --arg host "$host" --arg target "$target" --arg kind "$kind" "$@" \
        '{host_name: $host}
         + {($op): ((if $kind == "pid" then {pid: ($target | tonumber)} else {name: $target} end)
                    + ($ARGS.named.extra // {}))}'
}
