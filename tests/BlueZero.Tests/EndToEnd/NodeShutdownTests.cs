using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>A node asked to stop (SIGTERM) stops its managed processes by the escalation, then leaves the cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeShutdownTests : IAsyncLifetime
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

        node.Signal(PosixSignal.SIGTERM);

        Assert.True(await node.WaitForExit(TimeSpan.FromSeconds(20)), "the node did not exit after SIGTERM\n" + node.OutputTail());
        Assert.True(node.ExitCode == 0, $"the node exited with {node.ExitCode}\n{node.OutputTail()}");
        Assert.False(OsProcesses.IsAlive(sleeper), $"the node's sleep {sleeper} outlived the node's graceful shutdown");
        await _mesh.WaitForStatus(Node, "left", TimeSpan.FromSeconds(10));
    }
}
