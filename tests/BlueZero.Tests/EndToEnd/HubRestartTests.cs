using BlueZero.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// The hub is the only seed. Stopped in any way a user stops it (SIGTERM as systemctl restart does, SIGINT as Ctrl-C
/// does, or SIGKILL) and started again on the same ports, it sees every live node again within 10 s (docs/ARCHITECTURE.md, "Downing, and why"), and
/// the nodes' processes are untouched. A hub that leaves cleanly is removed by the remaining members; before the fix
/// they lived on as a hub-less cluster of their own that the new hub never saw.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HubRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string HubName = "hr-hub";
    private static readonly string[] Nodes = ["hr-node-1", "hr-node-2"];
    private static readonly TimeSpan SeenWithin = TimeSpan.FromSeconds(10);
    private readonly LocalMesh _mesh = LocalMesh.Create();
    private readonly Dictionary<string, int> _sleepers = new();
    private readonly Dictionary<string, MeshProcess> _nodes = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _mesh.DisposeAsync().AsTask();

    [Theory]
    [InlineData(PosixSignal.SIGTERM)]
    [InlineData(PosixSignal.SIGINT)]
    [InlineData(PosixSignal.SIGKILL)]
    public async Task Restarted_hub_sees_every_live_node_up_within_10_s_and_their_processes_are_untouched(PosixSignal signal)
    {
        await StartMeshWithSleepers();

        await RestartHub(signal);

        await AssertEveryNodeUpAndSleepersUntouched();
    }

    [Fact]
    public async Task Two_clean_hub_restarts_in_a_row_each_see_every_node_again()
    {
        await StartMeshWithSleepers();

        await RestartHub(PosixSignal.SIGTERM);
        await AssertEveryNodeUpAndSleepersUntouched();
        await RestartHub(PosixSignal.SIGTERM);
        await AssertEveryNodeUpAndSleepersUntouched();

        // Each node said once per lost hub that it lost it, at Warning, and nothing more. Usually it saw the hub leave
        // ("Lost hub"); a node that was still joining when the hub stopped may miss that and learn it from the new hub
        // instead ("was restarted"). Either way: one warning per restart.
        foreach (var (name, node) in _nodes)
            Assert.True(node.Output.Count(l => l.Contains(" warn: ", StringComparison.Ordinal)
                    && (l.Contains("Lost hub", StringComparison.Ordinal) || l.Contains("was restarted", StringComparison.Ordinal))) == 2,
                $"{name} should log the loss of the hub once per clean hub stop\n{node.OutputTail(60)}");
    }

    private async Task StartMeshWithSleepers()
    {
        await _mesh.StartHub(HubName);
        // The nodes start side by side: each waits for its own ready line and "up", not for the other.
        var started = await Task.WhenAll(Nodes.Select(async name => (Name: name, Node: await _mesh.StartNode(name), Sleeper: await _mesh.StartSleep(name))));
        foreach (var (name, node, sleeper) in started)
        {
            _nodes[name] = node;
            _sleepers[name] = sleeper;
        }
        // A SIGKILLed hub is found by failure detection, which judges a member that joined within the last second
        // later than one with a heartbeat history; the others need no settling, but one setup serves all three.
        await _mesh.AwaitHeartbeatHistory(_nodes.Values.ToArray());
    }

    private async Task RestartHub(PosixSignal signal)
    {
        var hub = _mesh.HubProcess;
        hub.Signal(signal);
        Assert.True(await hub.WaitForExit(TimeSpan.FromSeconds(20)), $"the hub survived {signal}\n{hub.OutputTail()}");
        await _mesh.StartHub(HubName, hub.Ready.HttpPort, hub.Ready.ClusterPort);
    }

    private async Task AssertEveryNodeUpAndSleepersUntouched()
    {
        var seen = await Polling.Until(async () =>
        {
            var hosts = await _mesh.Hub.Hosts();
            return Nodes.All(n => hosts.Any(h => (string?)h["host_name"] == n && (string?)h["status"] == "up"));
        }, TimeSpan.FromSeconds(30), "the restarted hub lists every node up", _mesh.Diagnostics, Polling.FinePollInterval);
        output.WriteLine($"every node up {seen.TotalSeconds:0.00} s after the restarted hub's ready line");
        Assert.True(seen <= SeenWithin, $"the restarted hub took {seen.TotalSeconds:0.0} s to see every node (bound: {SeenWithin.TotalSeconds} s)\n{_mesh.Diagnostics()}");

        foreach (var (name, pid) in _sleepers)
        {
            Assert.True(OsProcesses.IsAlive(pid), $"the sleep {pid} on {name} died during the hub restart");
            Assert.Contains(pid, await _mesh.Hub.ActivePids(name));
            Assert.True((bool)(await _mesh.Hub.QueryStatus(name, pid))["running"]!);
        }
    }
}
