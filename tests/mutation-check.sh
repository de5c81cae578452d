#!/usr/bin/env bash
# Mutation check: breaks the product on purpose, one documented promise at a time, and runs the test classes that
# should notice. Every mutant must turn at least one test red ("killed"); one that stays green ("SURVIVED") marks a
# promise the suite does not hold. Not part of `dotnet test`: it rebuilds once per mutant (about 10 minutes in all).
#
#   tests/mutation-check.sh            every mutant
#   tests/mutation-check.sh NAME...    only these (names: --list)
#
# It works on a fresh clone of the committed HEAD in a temporary folder, so commit first; the working tree is never
# touched. Exit code: 0 when every mutant was killed, 1 when one survived or could not be applied, 2 for usage.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)

names=() files=() froms=() tos=() filters=()
# mutant NAME FILE TEXT REPLACEMENT TEST-FILTER; TEXT must occur exactly once in FILE.
mutant() { names+=("$1"); files+=("$2"); froms+=("$3"); tos+=("$4"); filters+=("$5"); }

mutant read-set-drops-read_output src/Hub/Security/BearerAuthentication.cs \
    'WireOperations.ReadOutput, ' '' \
    'FullyQualifiedName~ReadTokenTableTests|FullyQualifiedName~FrontDoorSecurityTests'
mutant no-SIGKILL-step src/ProcessManager/Actors/ProcessActor.cs \
    'StopStep.Terminate => (LibC.SIGTERM, new EscalateStop(StopStep.Kill), _options.KillGrace),' \
    'StopStep.Terminate => (LibC.SIGTERM, (object?)null, _options.KillGrace),' \
    'FullyQualifiedName~ProcessStopTests'
mutant exit-code-not-recorded src/ProcessManager/Actors/ProcessActor.cs \
    'Ended(exited.Exit, lost: false);' 'Ended(ProcessExit.Unknown, lost: false);' \
    'FullyQualifiedName~ProcessQueryTests|FullyQualifiedName~ProcessStopTests'
mutant router-never-says-unreachable src/Hub/Actors/RequestRouter.cs \
    'if (entry.Status != NodeStatus.Up)' 'if (false && entry.Status != NodeStatus.Up)' \
    'FullyQualifiedName~NodeCrashTests|FullyQualifiedName~HubRoutingSpec'
mutant no-body-cap src/Hub/Http/FrontDoor.cs \
    'private static async Task<BodyRead> ReadCappedBody(HttpContext context, long limit)
    {' \
    'private static async Task<BodyRead> ReadCappedBody(HttpContext context, long limit)
    {
        limit = long.MaxValue;' \
    'FullyQualifiedName~HostileClientTests|FullyQualifiedName~HostileHttpTests'
mutant nodes-stay-when-hub-leaves src/ProcessManager/Actors/NodeRegistrar.cs \
    'LeaveToRejoin(NodeShutdownReasons.HubLost.Instance);' '' \
    'FullyQualifiedName~HubRestartTests'
mutant ignored-SIGINT-kept src/ProcessManager/Program.cs \
    'InterruptSignal.RestoreDefault();' '' \
    'FullyQualifiedName~NodeStartupTests'
mutant refused-node-keeps-running src/ProcessManager/Actors/NodeRegistrar.cs \
    'if (_listeners is { } listeners)' 'if (_listeners is { } listeners && false)' \
    'FullyQualifiedName~NodeStartupTests'

case ${1:-} in
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --list) printf '%s\n' "${names[@]}"; exit 0 ;;
esac
for wanted in "$@"; do
    [[ " ${names[*]} " == *" $wanted "* ]] || { echo "mutation-check: no mutant named $wanted (see --list)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/bluezero-mutation-XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone --quiet "$repo" "$work/repo" || exit 1
cd "$work/repo" || exit 1
echo "mutation check of $(git rev-parse --short HEAD) in $work/repo"

# Replaces the one occurrence of TEXT by REPLACEMENT in FILE; fails when TEXT does not occur exactly once (a stale mutant).
apply() {
    python3 - "$1" "$2" "$3" <<'PY'
import sys
path, old, new = sys.argv[1:4]
text = open(path, encoding="utf-8").read()
if text.count(old) != 1:
    sys.exit(f"expected the text once in {path}, found it {text.count(old)} times")
open(path, "w", encoding="utf-8").write(text.replace(old, new))
PY
}

failures=0 ran=0
for i in "${!names[@]}"; do
    name=${names[$i]} file=${files[$i]} filter=${filters[$i]}
    if (($#)) && [[ " $* " != *" $name "* ]]; then continue; fi
    ran=$((ran + 1))
    started=$SECONDS
    log="$work/$name.log"
    if ! apply "$file" "${froms[$i]}" "${tos[$i]}" 2>"$log"; then
        result="NOT APPLIED: $(cat "$log") (update the mutant)"
        failures=$((failures + 1))
    elif ! dotnet build tests/BlueZero.Tests -c Debug >>"$log" 2>&1; then
        result="NOT BUILT: $(grep -m1 ' error ' "$log")"
        failures=$((failures + 1))
    elif dotnet test tests/BlueZero.Tests --no-build --filter "$filter" >>"$log" 2>&1; then
        result="SURVIVED: every test of '$filter' stayed green"
        failures=$((failures + 1))
    else
        result="killed: $(grep -cE '^\s+Failed ' "$log") failing test(s), e.g. $(grep -m1 -E '^\s+Failed ' "$log" | sed -E 's/^\s+Failed //; s/ \[[^]]*\]$//')"
    fi
    printf '%-32s %s (%d s)\n' "$name" "$result" $((SECONDS - started))
    git checkout --quiet -- "$file"
done

echo "mutants run: $ran; survived or not applicable: $failures"
((failures == 0))
