using Akka.Actor;
using Akka.Cluster;
using BlueZero.ProcessManager.Launching;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;
using BlueZero.Mesh.Hosting;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// The operations that reach every host, and the hub's own failure answers, against a running mesh of real
/// executables: cluster-wide list_processes and kill_all, the request timeout (504) for a node that does not answer,
/// and the hub's exit code when the cluster downs it. The mesh is the class's; the test that downs a hub has one of its own.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterWideOperationsTests(TwoNodeMeshFixture fixture) : IClassFixture<TwoNodeMeshFixture>, IAsyncLifetime
{
    private static readonly string[] Nodes = TwoNodeMeshFixture.Nodes;
    private static readonly TimeSpan RequestTimeout = TwoNodeMeshFixture.RequestTimeout;
    private LocalMesh Mesh => fixture.Mesh;

    /// <summary>No test sees another's processes (entries that ended stay listed; the list test compares before and after).</summary>
    public Task InitializeAsync() => Mesh.KillAll(Nodes);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Dictionary<string, JObject>> ListProcesses()
    {
        var reply = await Mesh.Hub.Control("""{"list_processes":{}}""");
        Assert.True(reply.Status == 200, reply.ToString());
        return ((JArray)reply.Json["list_processes"]!["hosts"]!).Cast<JObject>().ToDictionary(h => (string)h["host_name"]!);
    }

    [Fact]
    public async Task Cluster_wide_list_processes_lists_every_host_with_its_entries()
    {
        var before = await ListProcesses();
        var sleepers = new Dictionary<string, int>();
        foreach (var node in Nodes) sleepers[node] = await Mesh.StartSleep(node);

        var hosts = await ListProcesses();

        Assert.Equal(Nodes.Order(), hosts.Keys.Order());
        foreach (var (node, pid) in sleepers)
        {
            // Every entry the host listed before, and the new one.
            var earlier = before[node]["processes"]!.Select(e => (int)e["pid"]!).ToHashSet();
            var entries = (JArray)hosts[node]["processes"]!;
            Assert.Equal(earlier, entries.Select(e => (int)e["pid"]!).Where(earlier.Contains).ToHashSet());
            var entry = Assert.Single(entries, e => !earlier.Contains((int)e["pid"]!));
            Assert.Equal(pid, (int)entry["pid"]!);
            Assert.Equal("running", (string?)entry["state"]);
        }
    }

    [Fact]
    public async Task Kill_all_on_all_hosts_stops_every_managed_process_on_every_host()
    {
        var sleepers = new Dictionary<string, int>();
        foreach (var node in Nodes) sleepers[node] = await Mesh.StartSleep(node);

        var reply = await Mesh.Hub.Control("""{"kill_all":{"all_hosts":true}}""");

        Assert.Equal(200, reply.Status);
        var hosts = ((JArray)reply.Json["kill_all"]!["hosts"]!).Cast<JObject>().ToDictionary(h => (string)h["host_name"]!);
        foreach (var (node, pid) in sleepers)
        {
            Assert.Equal([pid], hosts[node]["pids"]!.Values<int>());
            await Polling.Until(() => !OsProcesses.IsAlive(pid), TimeSpan.FromSeconds(5), $"the sleep {pid} on {node} ends");
        }
        // A process can be gone from /proc a moment before its node has reaped it and updated its table.
        foreach (var node in Nodes)
            await Polling.Until(async () => (await Mesh.Hub.ActivePids(node)).Count == 0, TimeSpan.FromSeconds(5),
                $"{node} lists no active process after kill_all", Mesh.Diagnostics);
    }

    [Fact]
    public async Task A_node_that_does_not_answer_gets_504_timeout_after_the_request_timeout_and_the_hub_keeps_serving()
    {
        // A mesh of its own: once on the class's shared mesh a request to the frozen node was answered 200 at once
        // (cause not found; see the stop's closing note). The node is checked to be stopped before the request.
        var own = new TwoNodeMeshFixture();
        await own.InitializeAsync();
        try
        {
            var frozen = own.Mesh.Processes.Single(p => p.Label == $"node {Nodes[0]}");
            Assert.True(frozen.Signal(PosixSignal.SIGSTOP), $"SIGSTOP not sent: {frozen.OutputTail(5)}");
            await Polling.Until(() => ProcStat.Read(frozen.Pid)?.State == 'T', TimeSpan.FromSeconds(5), $"node {Nodes[0]} is stopped");

            var reply = await own.Mesh.Hub.Control($$$"""{"host_name":"{{{Nodes[0]}}}","list_active_processes":{}}""");

            Assert.True(reply.Status == 504, reply.ToString());
            Assert.Equal("timeout", (string?)reply.Json["error_message"]);
            // Answered at the timeout: not before it, and not much after (the node is frozen, not gone); 3 s of slack for a loaded machine.
            Assert.InRange(reply.Elapsed, RequestTimeout - TimeSpan.FromMilliseconds(100), RequestTimeout + TimeSpan.FromSeconds(3));
            Assert.Empty(await own.Mesh.Hub.ActivePids(Nodes[1]));
            frozen.Signal(PosixSignal.SIGCONT);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task Hub_downed_by_the_cluster_exits_with_code_3_and_says_why()
    {
        await using var mesh = LocalMesh.Create();
        var hub = await mesh.StartHub(TwoNodeMeshFixture.HubHost, localNode: false);
        using var bystander = InProcessMesh.JoinAsBystander(mesh.Seed);
        var cluster = Cluster.Get(bystander);
        await Polling.Until(() => cluster.SelfMember.Status == MemberStatus.Up, TimeSpan.FromSeconds(20), "the bystander is up");

        cluster.Down(Address.Parse(mesh.Seed));

        Assert.True(await hub.WaitForExit(TimeSpan.FromSeconds(20)), $"the downed hub kept running\n{hub.OutputTail()}");
        Assert.True(hub.ExitCode == ExitCodes.HubDowned, $"exit code {hub.ExitCode}\n{hub.OutputTail()}");
        Assert.Contains(hub.Output, l => l.Contains($"error: the cluster downed hub {TwoNodeMeshFixture.HubHost}", StringComparison.Ordinal));
        await bystander.Terminate();
    }
}
