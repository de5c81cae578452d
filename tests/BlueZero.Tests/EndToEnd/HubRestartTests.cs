using BlueZero.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// The hub is the only seed. Killed with SIGKILL and started again on the same ports, it sees every live node again
/// within 10 s (DESIGN.md §5), and the nodes' processes are untouched.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HubRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Nodes = ["hr-node-1", "hr-node-2"];
    private readonly LocalMesh _mesh = LocalMesh.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _mesh.DisposeAsync().AsTask();

    [Fact]
    public async Task Restarted_hub_sees_every_live_node_up_within_10_s_and_their_processes_are_untouched()
    {
        var hub = await _mesh.StartHub("hr-hub");
        var sleepers = new Dictionary<string, int>();
        foreach (var name in Nodes)
        {
            await _mesh.StartNode(name);
            sleepers[name] = await _mesh.StartSleep(name);
        }
        await LocalMesh.LetHeartbeatsSettle();

        hub.Signal(PosixSignal.SIGKILL);
        Assert.True(await hub.WaitForExit(TimeSpan.FromSeconds(5)), "the hub survived SIGKILL");
        await _mesh.StartHub("hr-hub", hub.Ready.HttpPort, hub.Ready.ClusterPort);

        var seen = await Polling.Until(async () =>
        {
            var hosts = await _mesh.Hub.Hosts();
            return Nodes.All(n => hosts.Any(h => (string?)h["host_name"] == n && (string?)h["status"] == "up"));
        }, TimeSpan.FromSeconds(20), "the restarted hub lists every node up", _mesh.Diagnostics, Polling.FinePollInterval);
        output.WriteLine($"every node up {seen.TotalSeconds:0.00} s after the restarted hub's ready line");
        Assert.True(seen <= TimeSpan.FromSeconds(10), $"the restarted hub took {seen.TotalSeconds:0.0} s to see every node (bound: 10 s)");

        foreach (var (name, pid) in sleepers)
        {
            Assert.True(OsProcesses.IsAlive(pid), $"the sleep {pid} on {name} died during the hub restart");
            Assert.Contains(pid, await _mesh.Hub.ActivePids(name));
            Assert.True((bool)(await _mesh.Hub.QueryStatus(name, pid))["running"]!);
        }
    }
}
