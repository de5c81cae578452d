using System.Diagnostics;
using BlueZero.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// A node killed with SIGKILL (docs/ARCHITECTURE.md, "Downing, and why"): the hub reports it unreachable within a second and answers requests to it
/// at once; its managed processes live on (cluster events never kill them); the same host-id started again is routable.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Node = "crash-node";
    /// <summary>Twice the documented "within a second" (docs/OPERATIONS.md): its kernel closes its sockets, the hub sees the drop.</summary>
    private static readonly TimeSpan NoticedWithin = TimeSpan.FromSeconds(2);
    private readonly LocalMesh _mesh = LocalMesh.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _mesh.DisposeAsync().AsTask();

    [Fact]
    public async Task Killed_node_is_unreachable_within_2_s_fails_fast_keeps_its_processes_and_is_routable_after_a_restart()
    {
        await _mesh.StartHub("crash-hub");
        var node = await _mesh.StartNode(Node);
        var sleeper = await _mesh.StartSleep(Node);
        await _mesh.AwaitHeartbeatHistory(node);

        var clock = Stopwatch.StartNew();
        node.Signal(PosixSignal.SIGKILL);
        var status = await Polling.UntilValue(() => _mesh.Hub.StatusOf(Node), s => s != "up", TimeSpan.FromSeconds(10),
            $"{Node} is no longer up after SIGKILL", _mesh.Diagnostics, Polling.FinePollInterval);
        var detected = clock.Elapsed;
        output.WriteLine($"unreachable after {detected.TotalSeconds:0.00} s");
        Assert.Equal("unreachable", status);
        Assert.True(detected <= NoticedWithin, $"the hub took {detected.TotalSeconds:0.00} s to notice the crash (bound: {NoticedWithin.TotalSeconds} s)");

        var reply = await _mesh.Hub.Control($$$"""{"host_name":"{{{Node}}}","query_process_status":{"pid":{{{sleeper}}}}}""");
        output.WriteLine($"request to the unreachable host: {reply}");
        Assert.Equal(503, reply.Status);
        Assert.False((bool)reply.Json["success"]!);
        Assert.Equal("host unreachable", (string?)reply.Json["error_message"]);
        Assert.True(reply.Elapsed < TimeSpan.FromSeconds(1), $"a request to an unreachable host must fail fast: {reply}");

        Assert.True(await node.WaitForExit(TimeSpan.FromSeconds(5)), "the node survived SIGKILL");
        Assert.True(OsProcesses.IsAlive(sleeper), $"the crashed node's sleep {sleeper} was killed; cluster events must never kill processes");

        var restart = Stopwatch.StartNew();
        await _mesh.StartNode(Node); // waits until the hub lists it up again
        output.WriteLine($"up again {restart.Elapsed.TotalSeconds:0.00} s after the new node was launched");
        var started = await _mesh.StartSleep(Node);
        Assert.Contains(started, await _mesh.Hub.ActivePids(Node));
        Assert.True((bool)(await _mesh.Hub.QueryStatus(Node, started))["running"]!);
    }
}
