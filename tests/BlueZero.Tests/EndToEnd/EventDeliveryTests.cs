using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// Nothing is lost (issue 14): events a real node records while the hub is down, or before the node itself is killed,
/// reach GET /events once the hub and the node run again, exactly once. Each test has a mesh of its own: a hub without
/// a local node, and one real node.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EventDeliveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string HubHost = "dlv-hub";
    private const string Node = "dlv-node";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    /// <summary>Longer than a few of the node's resend intervals (1 s): time for a duplicate to show if one were sent.</summary>
    private static readonly TimeSpan DuplicateWindow = TimeSpan.FromSeconds(3);

    private readonly LocalMesh _mesh = LocalMesh.Create();
    private MeshProcess _node = null!;

    public async Task InitializeAsync()
    {
        await _mesh.StartHub(HubHost, localNode: false);
        _node = await _mesh.StartNode(Node);
        await _mesh.AwaitHeartbeatHistory(_node);
    }

    public Task DisposeAsync() => _mesh.DisposeAsync().AsTask();

    private string Trigger(string name) => Path.Combine(_mesh.WorkDir, name + ".go");

    /// <summary>Starts a shell on the node that exits with <paramref name="code"/> once <see cref="Trigger"/> exists.</summary>
    private async Task<int> StartWaiting(string name, int code)
    {
        var script = $"while [ ! -e '{Trigger(name)}' ]; do sleep 0.05; done; exit {code}";
        var reply = await _mesh.Hub.Routed(Node, "start_process",
            new JObject { ["path"] = "/bin/sh", ["args"] = new JArray("-c", script), ["name"] = name });
        Assert.True(reply["success"]?.Value<bool>() == true, reply.ToString());
        return _mesh.Track(reply["pid"]!.Value<int>());
    }

    private async Task Release(string name, int pid)
    {
        File.WriteAllText(Trigger(name), "");
        await Polling.Until(() => !OsProcesses.IsAlive(pid), Within, $"{name} (pid {pid}) exits");
    }

    private async Task StopHub(PosixSignal signal)
    {
        var hub = _mesh.HubProcess;
        hub.Signal(signal);
        Assert.True(await hub.WaitForExit(TimeSpan.FromSeconds(20)), $"the hub survived {signal}\n{hub.OutputTail()}");
    }

    private async Task RestartHub()
    {
        var dead = _mesh.HubProcess;
        await _mesh.StartHub(HubHost, dead.Ready.HttpPort, dead.Ready.ClusterPort, localNode: false);
    }

    private async Task AssertStoredExactlyOnce(string query, TimeSpan within)
    {
        var took = await Polling.Until(async () => (await MeshEvents.Query(_mesh, query)).Count > 0, within, query, _mesh.Diagnostics);
        output.WriteLine($"{query}: in GET /events {took.TotalSeconds:0.00} s after the restarted hub's ready line");
        await Task.Delay(DuplicateWindow);
        Assert.Single(await MeshEvents.Query(_mesh, query));
    }

    [Theory]
    [InlineData(PosixSignal.SIGKILL)]
    [InlineData(PosixSignal.SIGTERM)]
    public async Task An_exit_while_the_hub_is_down_is_in_get_events_within_15_s_of_its_restart_exactly_once(PosixSignal signal)
    {
        var name = $"dlv-seven-{signal}";
        var pid = await StartWaiting(name, 7);
        await MeshEvents.AwaitCount(_mesh, $"host={Node}&name={name}&type=process_started", 1, Within);

        await StopHub(signal);
        await Release(name, pid);
        await RestartHub();

        await AssertStoredExactlyOnce($"host={Node}&name={name}&type=process_exited", Within);
        var exited = (JObject)(await MeshEvents.Query(_mesh, $"host={Node}&name={name}&type=process_exited"))[0];
        Assert.Equal(7, (int)exited["exit_code"]!);
        Assert.Empty(await MeshEvents.Query(_mesh, $"host={Node}&type=node_removed")); // the hub went away, not the node
    }

    [Fact]
    public async Task A_node_killed_and_restarted_ships_its_unshipped_events_and_records_readopted_and_lost_processes()
    {
        var survivor = _mesh.Track(await _mesh.Hub.StartProcess(Node, "/bin/sleep", "300"));
        var unshipped = await StartWaiting("dlv-unshipped", 5);
        var lost = await StartWaiting("dlv-lost", 6);
        await MeshEvents.AwaitCount(_mesh, $"host={Node}&type=process_started", 3, Within);

        await StopHub(PosixSignal.SIGKILL);
        await Release("dlv-unshipped", unshipped); // journaled by the node, not shipped: no hub
        _node.Signal(PosixSignal.SIGKILL);
        Assert.True(await _node.WaitForExit(TimeSpan.FromSeconds(20)), _node.OutputTail());
        await Release("dlv-lost", lost); // while no node watches it
        await RestartHub();
        _node = await _mesh.StartNode(Node);

        await AssertStoredExactlyOnce($"host={Node}&name=dlv-unshipped&type=process_exited", Within);
        var readopted = (JObject)Assert.Single(await MeshEvents.AwaitCount(_mesh, $"host={Node}&type=process_readopted", 1, Within));
        Assert.Equal(survivor, (int)readopted["pid"]!);
        var gone = (JObject)Assert.Single(await MeshEvents.AwaitCount(_mesh, $"host={Node}&type=process_lost", 1, Within));
        Assert.Equal("dlv-lost", (string?)gone["name"]);
    }
}
