using System.Diagnostics;
using BlueZero.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>A node asked to stop (SIGTERM) stops its managed processes by the escalation, then leaves the cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeShutdownTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Node = "term-node";
    private readonly LocalMesh _mesh = LocalMesh.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _mesh.DisposeAsync().AsTask();

    [Fact]
    public async Task Node_shut_down_with_SIGTERM_stops_its_processes_and_leaves_the_cluster()
    {
        await _mesh.StartHub("term-hub");
        var node = await _mesh.StartNode(Node);
        var sleeper = await _mesh.StartSleep(Node);

        var clock = Stopwatch.StartNew();
        node.Signal(PosixSignal.SIGTERM);

        Assert.True(await node.WaitForExit(TimeSpan.FromSeconds(20)), "the node did not exit after SIGTERM\n" + node.OutputTail());
        var took = clock.Elapsed;
        output.WriteLine($"exited {took.TotalSeconds:0.00} s after SIGTERM");
        // The documented allowance (docs/OPERATIONS.md): stop-grace + kill-grace + 5 s, 9 s with this mesh's 2 s graces.
        var allowed = _mesh.StopGrace + _mesh.KillGrace + TimeSpan.FromSeconds(5);
        Assert.True(took <= allowed, $"the node took {took.TotalSeconds:0.00} s to exit after SIGTERM (bound: {allowed.TotalSeconds} s)");
        Assert.True(node.ExitCode == 0, $"the node exited with {node.ExitCode}\n{node.OutputTail()}");
        Assert.False(OsProcesses.IsAlive(sleeper), $"the node's sleep {sleeper} outlived the node's graceful shutdown");
        await _mesh.WaitForStatus(Node, "left", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Node_stopped_while_it_rejoins_after_the_hub_left_still_stops_its_processes()
    {
        var hub = await _mesh.StartHub("term-hub");
        var node = await _mesh.StartNode(Node);
        var sleeper = await _mesh.StartSleep(Node);

        // A machine going down stops the hub and the node together: the node's SIGTERM lands while it rejoins, between
        // an actor system that ended without stopping processes (a cluster event) and the next one.
        hub.Signal(PosixSignal.SIGTERM);
        await Polling.Until(() => node.Output.Any(l => l.Contains("Lost hub", StringComparison.Ordinal)), TimeSpan.FromSeconds(20),
            "the node sees the hub leave", () => node.OutputTail());
        node.Signal(PosixSignal.SIGTERM);

        Assert.True(await node.WaitForExit(TimeSpan.FromSeconds(20)), "the node did not exit after SIGTERM\n" + node.OutputTail());
        Assert.True(node.ExitCode == 0, $"the node exited with {node.ExitCode}\n{node.OutputTail()}");
        Assert.False(OsProcesses.IsAlive(sleeper), $"the node's sleep {sleeper} outlived the node's graceful shutdown\n{node.OutputTail(60)}");
    }
}
