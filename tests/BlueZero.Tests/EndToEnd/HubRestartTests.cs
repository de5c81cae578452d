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
public sealed class HubRestartTests(HubRestartMesh fixture, ITestOutputHelper output) : IClassFixture<HubRestartMesh>
{
    private static readonly TimeSpan SeenWithin = TimeSpan.FromSeconds(10);
    private LocalMesh Mesh => fixture.Mesh;

    [Theory]
    [InlineData(PosixSignal.SIGTERM)]
    [InlineData(PosixSignal.SIGINT)]
    [InlineData(PosixSignal.SIGKILL)]
    public async Task Restarted_hub_sees_every_live_node_up_within_10_s_and_their_processes_are_untouched(PosixSignal signal)
    {
        await RestartHub(signal);

        await AssertEveryNodeUpAndSleepersUntouched();
    }

    [Fact]
    public async Task Two_clean_hub_restarts_in_a_row_each_see_every_node_again()
    {
        var warnedBefore = fixture.Nodes.ToDictionary(n => n.Key, n => LostHubWarnings(n.Value));

        await RestartHub(PosixSignal.SIGTERM);
        await AssertEveryNodeUpAndSleepersUntouched();
        await RestartHub(PosixSignal.SIGTERM);
        await AssertEveryNodeUpAndSleepersUntouched();

        // Each node said once per lost hub that it lost it, at Warning, and nothing more. Usually it saw the hub leave
        // ("Lost hub"); a node that was still joining when the hub stopped may miss that and learn it from the new hub
        // instead ("was restarted"). Either way: one warning per restart.
        foreach (var (name, node) in fixture.Nodes)
            Assert.True(LostHubWarnings(node) - warnedBefore[name] == 2,
                $"{name} should log the loss of the hub once per clean hub stop\n{node.OutputTail(60)}");
    }

    private static int LostHubWarnings(MeshProcess node) =>
        node.Output.Count(l => l.Contains(" warn: ", StringComparison.Ordinal)
            && (l.Contains("Lost hub", StringComparison.Ordinal) || l.Contains("was restarted", StringComparison.Ordinal)));

    private async Task RestartHub(PosixSignal signal)
    {
        // A SIGKILLed hub is found by failure detection, which judges a member that joined within the last second
        // later than one with a heartbeat history; the nodes rejoined the hub the test before restarted. A hub that
        // stops cleanly says so itself.
        if (signal == PosixSignal.SIGKILL)
            await Mesh.AwaitHeartbeatHistory(fixture.HubStartedAt, fixture.Nodes.Values.ToArray());
        var hub = Mesh.HubProcess;
        hub.Signal(signal);
        Assert.True(await hub.WaitForExit(TimeSpan.FromSeconds(20)), $"the hub survived {signal}\n{hub.OutputTail()}");
        fixture.HubStartedAt = DateTime.Now;
        await Mesh.StartHub(HubRestartMesh.HubName, hub.Ready.HttpPort, hub.Ready.ClusterPort);
    }

    private async Task AssertEveryNodeUpAndSleepersUntouched()
    {
        var seen = await Polling.Until(async () =>
        {
            var hosts = await Mesh.Hub.Hosts();
            return HubRestartMesh.NodeNames.All(n => hosts.Any(h => (string?)h["host_name"] == n && (string?)h["status"] == "up"));
        }, TimeSpan.FromSeconds(30), "the restarted hub lists every node up", Mesh.Diagnostics, Polling.FinePollInterval);
        output.WriteLine($"every node up {seen.TotalSeconds:0.00} s after the restarted hub's ready line");
        Assert.True(seen <= SeenWithin, $"the restarted hub took {seen.TotalSeconds:0.0} s to see every node (bound: {SeenWithin.TotalSeconds} s)\n{Mesh.Diagnostics()}");

        foreach (var (name, pid) in fixture.Sleepers)
        {
            Assert.True(OsProcesses.IsAlive(pid), $"the sleep {pid} on {name} died during the hub restart");
            Assert.Contains(pid, await Mesh.Hub.ActivePids(name));
            Assert.True((bool)(await Mesh.Hub.QueryStatus(name, pid))["running"]!);
        }
    }
}

/// <summary>
/// One mesh for the class: a hub and two nodes, each with a sleep. Each test restarts the hub the test before left
/// (restarted itself, in its turn), which is what an operator's second and third restarts meet.
/// </summary>
public sealed class HubRestartMesh : IAsyncLifetime
{
    public const string HubName = "hr-hub";
    public static readonly string[] NodeNames = ["hr-node-1", "hr-node-2"];

    public LocalMesh Mesh { get; } = LocalMesh.Create();
    public Dictionary<string, MeshProcess> Nodes { get; } = new();
    public Dictionary<string, int> Sleepers { get; } = new();
    /// <summary>When the running hub was started; the nodes joined it after that.</summary>
    public DateTime HubStartedAt { get; set; } = DateTime.MinValue;

    public async Task InitializeAsync()
    {
        await Mesh.StartHub(HubName);
        // The nodes start side by side: each waits for its own ready line and "up", not for the other.
        var started = await Task.WhenAll(NodeNames.Select(async name => (Name: name, Node: await Mesh.StartNode(name), Sleeper: await Mesh.StartSleep(name))));
        foreach (var (name, node, sleeper) in started)
        {
            Nodes[name] = node;
            Sleepers[name] = sleeper;
        }
    }

    public Task DisposeAsync() => Mesh.DisposeAsync().AsTask();
}
