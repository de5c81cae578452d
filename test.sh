#!/usr/bin/env bash
# Runs every test. First installs the system packages the tests drive, when they are missing and this is root:
# chromium (the dashboard's browser tests), tmux (the CLI's terminal test), iproute2, nftables and python3 (the
# network-fault tests, which build network namespaces and delay a link with tests/netns/delay-relay.py).
# Then: dotnet test BlueZero.sln, with any arguments passed on.
set -uo pipefail
cd "$(dirname "$0")"

needed=()
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
command -v tmux >/dev/null 2>&1 || needed+=(tmux)
command -v ip >/dev/null 2>&1 || needed+=(iproute2)
command -v nft >/dev/null 2>&1 || needed+=(nftables)
command -v python3 >/dev/null 2>&1 || needed+=(python3)
if [ ${#needed[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test.sh: installing ${needed[*]}" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}" >/dev/null \
            || echo "test.sh: could not install ${needed[*]}; the tests that need them will say so" >&2
    else
        echo "test.sh: missing ${needed[*]} (run as root to install them with apt-get); the tests that need them will say so" >&2
    fi
fi

exec dotnet test BlueZero.sln "$@"
