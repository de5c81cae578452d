#!/usr/bin/env bash
# The network of the network-fault tests (tests/BlueZero.Tests/NetworkFaults): a bridge in its own namespace, one
# namespace per member linked to it by a veth pair, and one veth from the test's own namespace into the bridge so the
# test reaches the hub's HTTP. Addresses come from SUBNET.0/24 (a private range) and exist only on these links.
# Every name starts with b0nf-RUN (RUN: the test process's pid), so a run whose process is gone is found and swept.
# Deleting the namespaces deletes every veth with them, the test's one included.
#
#   mesh-network.sh sweep                         remove what runs whose process is gone left behind
#   mesh-network.sh create RUN SUBNET MEMBER...   member i (from 1) gets SUBNET.i, the test SUBNET.254
#   mesh-network.sh destroy RUN
#   mesh-network.sh link RUN MEMBER down|up       the member's cable, pulled at the bridge (its side sees no carrier)
#   mesh-network.sh drop RUN MEMBER in|out|both   nftables in the member's namespace drops what it receives, sends, or
#                                                 both; never the test's own traffic (the test still reaches the hub)
#   mesh-network.sh loss RUN MEMBER PERCENT       nftables drops PERCENT % of what the member sends and of what it receives
#   mesh-network.sh detour RUN MEMBER             takes the member's link off the bridge and gives it a second end,
#                                                 d-MEMBER in the bridge namespace, for delay-relay.py to join the two
#   mesh-network.sh heal RUN MEMBER               undo all of the above for the member
#
# The kernels these tests run on may lack tc's netem qdisc (Firecracker's do): loss is nftables' random numbers, and
# delay is delay-relay.py in the detour.
set -euo pipefail

ns() { echo "b0nf-$1-$2"; }
bridge_ns() { ns "$1" br; }
in_ns() { local n=$1; shift; ip netns exec "$n" "$@"; }

sweep() {
    local run
    for run in $(ip netns list | awk '{print $1}' | sed -n 's/^b0nf-\([0-9]*\)-.*/\1/p' | sort -u); do
        kill -0 "$run" 2>/dev/null && continue
        echo "mesh-network: removing the leftovers of run $run" >&2
        destroy "$run"
    done
}

create() {
    local run=$1 subnet=$2 i=1 member
    shift 2
    local br; br=$(bridge_ns "$run")
    ip netns add "$br"
    in_ns "$br" ip link set lo up
    in_ns "$br" ip link add br0 type bridge
    in_ns "$br" ip link set br0 up
    for member in "$@"; do
        local n; n=$(ns "$run" "$member")
        ip netns add "$n"
        in_ns "$n" ip link set lo up
        ip -n "$br" link add "p-$member" type veth peer name eth0 netns "$n"
        ip -n "$br" link set "p-$member" master br0 up
        in_ns "$n" ip addr add "$subnet.$i/24" dev eth0
        in_ns "$n" ip link set eth0 up
        i=$((i + 1))
    done
    ip link add "b0nf$run" type veth peer name p-test netns "$br"
    ip -n "$br" link set p-test master br0 up
    ip addr add "$subnet.254/24" dev "b0nf$run"
    ip link set "b0nf$run" up
}

destroy() {
    local run=$1 n
    for n in $(ip netns list | awk '{print $1}' | grep "^b0nf-$run-" || true); do
        ip netns delete "$n"
    done
    ip link delete "b0nf$run" 2>/dev/null || true
}

link() { ip -n "$(bridge_ns "$1")" link set "p-$2" "$3"; }

# The address of the test's own veth (SUBNET.254), from the root namespace.
test_address() { ip -o -4 addr show "b0nf$1" | awk '{print $4}' | cut -d/ -f1; }

# Adds a rule to the member's input or output chain: nft_rule NS in|out MATCH... ACTION
nft_rule() {
    local n=$1 hook=input dir=iifname
    [ "$2" = out ] && hook=output dir=oifname
    shift 2
    in_ns "$n" nft add table inet b0nf
    in_ns "$n" nft add chain inet b0nf "$hook" "{ type filter hook $hook priority 0; policy accept; }"
    in_ns "$n" nft add rule inet b0nf "$hook" "$dir" eth0 "$@"
}

drop() {
    local n; n=$(ns "$1" "$2")
    local test; test=$(test_address "$1")
    case $3 in
        in) nft_rule "$n" in ip saddr != "$test" drop ;;
        out) nft_rule "$n" out ip daddr != "$test" drop ;;
        both) drop "$1" "$2" in; drop "$1" "$2" out ;;
    esac
}

loss() {
    local n; n=$(ns "$1" "$2")
    nft_rule "$n" in numgen random mod 100 "<" "$3" drop
    nft_rule "$n" out numgen random mod 100 "<" "$3" drop
}

detour() {
    local br; br=$(bridge_ns "$1")
    local member=$2
    ip -n "$br" link set "p-$member" nomaster
    ip -n "$br" link add "d-$member" type veth peer name "b-$member"
    ip -n "$br" link set "b-$member" master br0 up
    ip -n "$br" link set "d-$member" up
    # The relay carries frames one by one: no segmentation offload, so no frame is larger than the link's MTU.
    local dev
    for dev in "p-$member" "d-$member" "b-$member"; do ip -n "$br" link set "$dev" gso_max_segs 1 gro_max_size 1500 2>/dev/null || ip -n "$br" link set "$dev" gso_max_segs 1; done
    in_ns "$(ns "$1" "$member")" ip link set eth0 gso_max_segs 1
}

heal() {
    local run=$1 member=$2 n; n=$(ns "$1" "$2")
    local br; br=$(bridge_ns "$run")
    if ip -n "$br" link show "d-$member" >/dev/null 2>&1; then
        ip -n "$br" link delete "d-$member"
        ip -n "$br" link set "p-$member" master br0
    fi
    link "$run" "$member" up
    in_ns "$n" nft delete table inet b0nf 2>/dev/null || true
}

command=$1
shift
"$command" "$@"
