using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// A node starts another node as an ordinary managed process (docs/ARCHITECTURE.md, "Nodes spawning nodes"): the child
/// joins the same cluster with nothing but --host-id, serves requests, and leaves cleanly when stopped.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ChildNodeTests : IAsyncLifetime
{
    private const string Parent = "parent-node";
    private const string Child = "child-x";

    // Default graces: the child node's own graceful shutdown (stop its processes, leave the cluster) must finish
    // before the parent's escalation reaches SIGTERM.
    private readonly LocalMesh _mesh = LocalMesh.Create(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _mesh.DisposeAsync().AsTask();

    [Fact]
    public async Task Child_node_joins_runs_processes_and_leaves_cleanly_when_stopped()
    {
        await _mesh.StartHub("child-hub");
        await _mesh.StartNode(Parent);

        var childNode = _mesh.Track(await _mesh.Hub.StartProcess(Parent, TestPaths.DotnetHost, TestPaths.NodeDll, "--host-id", Child));
        await _mesh.WaitForStatus(Child, "up", LocalMesh.UpTimeout);
        var grandchild = await _mesh.StartSleep(Child);
        Assert.True(OsProcesses.IsAlive(grandchild));
        Assert.Equal(["/bin/sleep", "300"], OsProcesses.CommandLine(grandchild));
        Assert.Contains(grandchild, await _mesh.Hub.ActivePids(Child));

        var stop = await _mesh.Hub.StopProcess(Parent, childNode, wait: true);

        Assert.True((bool)stop["success"]!, stop.ToString());
        Assert.Equal(0, (int?)stop["exit_code"]);
        Assert.Null(stop["signal"]);
        await Polling.Until(() => !OsProcesses.IsAlive(grandchild), TimeSpan.FromSeconds(3), $"the child node's sleep {grandchild} is gone");
        var status = await Polling.UntilValue(() => _mesh.Hub.StatusOf(Child), s => s == "left", TimeSpan.FromSeconds(10),
            $"{Child} is listed left after it left", _mesh.Diagnostics);
        Assert.Equal("left", status);
    }
}
