using Xunit;
using BlueZero.Hub.Actors;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using BlueZero.Tests.Support;

namespace BlueZero.Tests.Integration;

/// <summary>A hub and several process-manager nodes, each its own actor system, on loopback.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HubRoutingSpec : IDisposable
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(20);
    private readonly InProcessMesh _mesh = new();

    public void Dispose() => _mesh.Dispose();

    private async Task AwaitStatus(string host, NodeStatus status, TimeSpan within)
    {
        await Polling.Until(async () =>
        {
            var snapshot = await _mesh.Snapshot();
            return snapshot.Nodes.TryGetValue(host, out var entry) && entry.Status == status;
        }, within, $"{host} to be {status}");
    }

    private async Task<int> StartSleep(string host, string seconds = "60")
    {
        var outcome = await _mesh.Send($$$"""{"host_name":"{{{host}}}","start_process":{"path":"/bin/sleep","args":["{{{seconds}}}"]}}""");
        var started = Assert.IsType<ProcessStarted>(Assert.IsType<NodeAnswered>(outcome).Reply);
        Assert.True(OsProcesses.IsAlive(started.Pid));
        return started.Pid;
    }

    [Fact]
    public async Task Hub_discovers_every_node_and_routes_each_request_to_the_named_host()
    {
        _mesh.StartNode("node-a");
        _mesh.StartNode("node-b");
        await AwaitStatus("node-a", NodeStatus.Up, JoinTimeout);
        await AwaitStatus("node-b", NodeStatus.Up, JoinTimeout);

        var onA = await StartSleep("node-a");
        var onB = await StartSleep("node-b");

        var listA = Assert.IsType<ActiveProcesses>(Assert.IsType<NodeAnswered>(await _mesh.Send("""{"host_name":"node-a","list_active_processes":{}}""")).Reply);
        Assert.Equal([onA], listA.Pids);
        var queryB = Assert.IsType<ProcessStatus>(Assert.IsType<NodeAnswered>(await _mesh.Send($$$"""{"host_name":"node-b","query_process_status":{"pid":{{{onB}}}}}""")).Reply);
        Assert.True(queryB.Info.Running);
        var wrongHost = Assert.IsType<CommandFailed>(Assert.IsType<NodeAnswered>(await _mesh.Send($$$"""{"host_name":"node-a","query_process_status":{"pid":{{{onB}}}}}""")).Reply);
        Assert.Equal(ErrorTexts.NoSuchPid, wrongHost.ErrorMessage);

        var stopped = Assert.IsType<ProcessStopped>(Assert.IsType<NodeAnswered>(await _mesh.Send($$$"""{"host_name":"node-b","stop_process":{"pid":{{{onB}}},"wait":true}}""")).Reply);
        Assert.Equal(2, stopped.Exit!.Signal);
        Assert.False(OsProcesses.IsAlive(onB));
        Assert.True(OsProcesses.IsAlive(onA));
    }

    [Fact]
    public async Task Cluster_wide_listing_returns_every_host_in_order()
    {
        _mesh.StartNode("node-b");
        _mesh.StartNode("node-a");
        await AwaitStatus("node-a", NodeStatus.Up, JoinTimeout);
        await AwaitStatus("node-b", NodeStatus.Up, JoinTimeout);
        var pid = await StartSleep("node-b");

        var listing = Assert.IsType<ClusterWideAnswered>(await _mesh.Send("""{"list_active_processes":{}}"""));

        Assert.Equal(["node-a", "node-b"], listing.Hosts.Select(h => h.HostName));
        Assert.Empty(Assert.IsType<ActiveProcesses>(listing.Hosts[0].Reply).Pids);
        Assert.Equal([pid], Assert.IsType<ActiveProcesses>(listing.Hosts[1].Reply).Pids);
    }

    [Fact]
    public async Task Unknown_host_and_missing_host_name_are_answered_at_once()
    {
        var unknown = Assert.IsType<RouteFailed>(await _mesh.Send("""{"host_name":"nowhere","list_active_processes":{}}""", TimeSpan.FromSeconds(2)));
        Assert.Equal((ErrorCode.UnknownHost, ErrorTexts.UnknownHost), (unknown.Code, unknown.ErrorMessage));

        var missing = Assert.IsType<RouteFailed>(await _mesh.Send("""{"query_process_status":{"pid":1}}""", TimeSpan.FromSeconds(2)));
        Assert.Equal((ErrorCode.BadRequest, ErrorTexts.MissingHostName), (missing.Code, missing.ErrorMessage));
    }

    [Fact]
    public async Task Unknown_host_close_to_a_known_one_suggests_it()
    {
        _mesh.StartNode("Lab-Node");
        await AwaitStatus("Lab-Node", NodeStatus.Up, JoinTimeout);

        var otherCase = Assert.IsType<RouteFailed>(await _mesh.Send("""{"host_name":"lab-node","list_active_processes":{}}"""));
        var typo = Assert.IsType<RouteFailed>(await _mesh.Send("""{"host_name":"Lab-Nod","list_active_processes":{}}"""));
        var far = Assert.IsType<RouteFailed>(await _mesh.Send("""{"host_name":"elsewhere","list_active_processes":{}}"""));

        Assert.Equal("unknown host (did you mean Lab-Node?)", otherCase.ErrorMessage);
        Assert.Equal("unknown host (did you mean Lab-Node?)", typo.ErrorMessage);
        Assert.Equal(ErrorTexts.UnknownHost, far.ErrorMessage);
        Assert.Equal(ErrorCode.UnknownHost, otherCase.Code);
    }

    [Fact]
    public async Task Crashed_node_becomes_unreachable_within_5_seconds_and_its_processes_survive()
    {
        var node = _mesh.StartNode("node-a");
        await AwaitStatus("node-a", NodeStatus.Up, JoinTimeout);
        var pid = await StartSleep("node-a");

        await InProcessMesh.Crash(node);
        await AwaitStatus("node-a", NodeStatus.Unreachable, TimeSpan.FromSeconds(5));

        var started = DateTime.UtcNow;
        var refused = Assert.IsType<RouteFailed>(await _mesh.Send("""{"host_name":"node-a","list_active_processes":{}}"""));
        Assert.Equal(ErrorTexts.HostUnreachable, refused.ErrorMessage);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1), "an unreachable host must be refused at once");

        var listing = Assert.IsType<ClusterWideAnswered>(await _mesh.Send("""{"list_active_processes":{}}"""));
        var entry = Assert.Single(listing.Hosts, h => h.HostName == "node-a");
        Assert.Null(entry.Reply);
        Assert.Equal(ErrorTexts.HostUnreachable, entry.ErrorMessage);

        Assert.True(OsProcesses.IsAlive(pid), "cluster events must never kill managed processes");
    }

    [Fact]
    public async Task Request_in_flight_to_a_node_that_crashes_is_answered_host_unreachable_before_its_timeout()
    {
        var node = _mesh.StartNode("node-a");
        await AwaitStatus("node-a", NodeStatus.Up, JoinTimeout);
        // Ignores SIGINT and SIGTERM, so a stop with wait takes both 5 s grace periods.
        var start = await _mesh.Send("""{"host_name":"node-a","start_process":{"path":"/bin/sh","args":["-c","trap '' INT TERM; while :; do sleep 1; done"]}}""");
        var pid = Assert.IsType<ProcessStarted>(Assert.IsType<NodeAnswered>(start).Reply).Pid;

        var began = DateTime.UtcNow;
        var pending = _mesh.Send($$$"""{"host_name":"node-a","stop_process":{"pid":{{{pid}}},"wait":true}}""");
        await InProcessMesh.Crash(node);
        var outcome = Assert.IsType<RouteFailed>(await pending);

        Assert.Equal(ErrorTexts.HostUnreachable, outcome.ErrorMessage);
        Assert.True(DateTime.UtcNow - began < TimeSpan.FromSeconds(8), $"answered after {DateTime.UtcNow - began}");
    }

    [Fact]
    public async Task Node_that_leaves_has_left_and_a_new_node_under_the_same_host_name_replaces_it()
    {
        var first = _mesh.StartNode("node-a");
        await AwaitStatus("node-a", NodeStatus.Up, JoinTimeout);
        var pid = await StartSleep("node-a");
        var firstAddress = (await _mesh.Snapshot()).Nodes["node-a"].Address;

        await InProcessMesh.Leave(first);
        await AwaitStatus("node-a", NodeStatus.Left, TimeSpan.FromSeconds(15));
        Assert.False(OsProcesses.IsAlive(pid), "a node shut down gracefully stops its processes");
        var refused = Assert.IsType<RouteFailed>(await _mesh.Send("""{"host_name":"node-a","list_active_processes":{}}"""));
        Assert.Equal((ErrorCode.HostLeft, ErrorTexts.HostLeft), (refused.Code, refused.ErrorMessage));

        _mesh.StartNode("node-a");
        await AwaitStatus("node-a", NodeStatus.Up, JoinTimeout);
        Assert.NotEqual(firstAddress, (await _mesh.Snapshot()).Nodes["node-a"].Address);
        await StartSleep("node-a");
    }

    [Fact]
    public async Task Duplicate_host_name_from_a_second_live_node_is_refused_and_the_first_stays()
    {
        var warnings = _mesh.CollectWarnings();
        var first = _mesh.StartNode("node-a");
        await AwaitStatus("node-a", NodeStatus.Up, JoinTimeout);
        var firstAddress = (await _mesh.Snapshot()).Nodes["node-a"].Address;

        var second = _mesh.StartNode("node-a");
        var secondAddress = Akka.Cluster.Cluster.Get(second.System).SelfAddress;
        await Polling.Until(() => Task.FromResult(Akka.Cluster.Cluster.Get(second.System).SelfMember.Status == Akka.Cluster.MemberStatus.Up),
            JoinTimeout, "the second node to join");
        var pid = await StartSleep("node-a");

        var entry = (await _mesh.Snapshot()).Nodes["node-a"];
        Assert.Equal(firstAddress, entry.Address);
        Assert.NotEqual(secondAddress, entry.Address);
        Assert.Contains(pid, first.Table.RunningPids());
        Assert.Empty(second.Table.RunningPids());
        // The refused registrar retries every 2 s; the refusal is one warning, not one per retry.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Single(warnings, w => w.StartsWith("Refused registration of node-a from " + secondAddress, StringComparison.Ordinal));
    }
}
