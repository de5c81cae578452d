using BlueZero.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// A node cut off from the cluster (here: frozen with SIGSTOP, so its heartbeats stop) and then let back
/// (SIGCONT) is routable again without anyone restarting it, and its processes are untouched (docs/ARCHITECTURE.md, "Downing, and why").
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PartitionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Node = "part-node";
    // Bounds about twice the documented figures (docs/OPERATIONS.md, docs/ARCHITECTURE.md): a frozen node is noticed
    // after 6 to 7 s (1 s heartbeats, 5 s acceptable pause), heals about 1 s after it is let go, is removed about 14 s
    // after the freeze and rejoins about 3 s after it is let go. Never before 4 s: a frozen node keeps its connection
    // open, so only the failure detector can notice, and it tolerates 5 s without heartbeats.
    private static readonly TimeSpan NoticedAfter = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan NoticedWithin = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan HealedWithin = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RemovedWithin = TimeSpan.FromSeconds(22);
    private static readonly TimeSpan RejoinedWithin = TimeSpan.FromSeconds(10);
    /// <summary>Longer than every bound, so a slow step fails the bound with its measured time instead of timing out.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly LocalMesh _mesh = LocalMesh.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _mesh.DisposeAsync().AsTask();

    [Fact]
    public async Task Short_partition_heals_without_a_restart_and_leaves_processes_untouched()
    {
        await _mesh.StartHub("part-hub");
        var node = await _mesh.StartNode(Node);
        var sleeper = await _mesh.StartSleep(Node);
        var addressBefore = (string?)(await _mesh.Hub.Host(Node))!["address"];
        await _mesh.AwaitHeartbeatHistory(node);

        // Frozen until the hub notices (about 6 s: 5 s acceptable heartbeat pause), then let go at once: the hub downs only after 3 s more (stable-after).
        node.Signal(PosixSignal.SIGSTOP);
        var noticed = await _mesh.WaitForStatus(Node, "unreachable", Patience);
        node.Signal(PosixSignal.SIGCONT);

        var healed = await _mesh.WaitForStatus(Node, "up", Patience);
        output.WriteLine($"unreachable after {noticed.TotalSeconds:0.00} s frozen; up again {healed.TotalSeconds:0.00} s after SIGCONT");
        Assert.InRange(noticed, NoticedAfter, NoticedWithin);
        Assert.True(healed <= HealedWithin, $"up again {healed.TotalSeconds:0.00} s after SIGCONT (bound: {HealedWithin.TotalSeconds} s)");
        Assert.Equal(addressBefore, (string?)(await _mesh.Hub.Host(Node))!["address"]);
        Assert.Single(node.ReadyLines); // the same actor system: no rejoin
        Assert.Contains(sleeper, await _mesh.Hub.ActivePids(Node));
        Assert.True((bool)(await _mesh.Hub.QueryStatus(Node, sleeper))["running"]!);
        Assert.True(OsProcesses.IsAlive(sleeper));
    }

    [Fact]
    public async Task Long_partition_gets_the_node_downed_and_it_rejoins_by_itself_with_its_processes()
    {
        var hub = await _mesh.StartHub("part-hub");
        var node = await _mesh.StartNode(Node);
        var sleeper = await _mesh.StartSleep(Node);
        await _mesh.AwaitHeartbeatHistory(node);

        // Frozen until the hub has downed and removed it (unreachable after about 6 s, then 3 s stable-after).
        node.Signal(PosixSignal.SIGSTOP);
        var removed = await _mesh.WaitForStatus(Node, "removed", Patience);
        var reply = await _mesh.Hub.Control($$$"""{"host_name":"{{{Node}}}","list_active_processes":{}}""");
        Assert.Equal(503, reply.Status);
        Assert.Equal("host unreachable", (string?)reply.Json["error_message"]);
        node.Signal(PosixSignal.SIGCONT);

        var rejoined = await _mesh.WaitForStatus(Node, "up", Patience);
        output.WriteLine($"removed after {removed.TotalSeconds:0.00} s frozen; up again {rejoined.TotalSeconds:0.00} s after SIGCONT");
        Assert.True(removed <= RemovedWithin, $"removed {removed.TotalSeconds:0.00} s after the freeze (bound: {RemovedWithin.TotalSeconds} s)");
        Assert.True(rejoined <= RejoinedWithin, $"up again {rejoined.TotalSeconds:0.00} s after SIGCONT (bound: {RejoinedWithin.TotalSeconds} s)\n{node.OutputTail(60)}\n{hub.OutputTail(30)}");
        Assert.False(node.HasExited, "the node process must live on; it only replaces its actor system");
        Assert.True(node.ReadyLines.Count >= 2, "the node should have rejoined with a fresh actor system\n" + node.OutputTail());
        Assert.Contains(sleeper, await _mesh.Hub.ActivePids(Node));
        Assert.True((bool)(await _mesh.Hub.QueryStatus(Node, sleeper))["running"]!);
        Assert.True(OsProcesses.IsAlive(sleeper));
    }
}
