using System.Globalization;
using System.Text.RegularExpressions;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// One hub ("left-hub", shipped settings) for the tests that only need a node to leave it; each test's node has a name
/// of its own, so what one test's node did is not what another test looks at.
/// </summary>
public sealed class LeftHostFixture : IAsyncLifetime
{
    public const string HubHost = "left-hub";

    public LocalMesh Mesh { get; } = LocalMesh.Create();

    /// <summary>Far from every other test's name: the hub's "did you mean" hint for an unknown host must find none of them.</summary>
    public static string NewNodeName() => $"leaving-{Guid.NewGuid():N}";

    public Task InitializeAsync() => Mesh.StartHub(HubHost);

    public Task DisposeAsync() => Mesh.DisposeAsync().AsTask();
}

/// <summary>
/// A node stopped on purpose (SIGTERM, SIGINT) said goodbye: the hub lists it "left" with the time, leaves it out of
/// cluster-wide answers, answers a request to it 404 "host left", and forgets it on forget_host or after the
/// retention period. A killed node is still a failure: unreachable, then removed. Most tests share the fixture's hub;
/// the two that change it (a short retention, a removed host in every listing) start a mesh of their own.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LeftHostTests(LeftHostFixture shared) : IClassFixture<LeftHostFixture>, IAsyncLifetime
{
    private static readonly TimeSpan LeftTimeout = TimeSpan.FromSeconds(20);
    private readonly string _node = LeftHostFixture.NewNodeName();
    private LocalMesh _mesh = shared.Mesh;
    private LocalMesh? _own;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _own?.DisposeAsync().AsTask() ?? Task.CompletedTask;

    /// <summary>A mesh of this test's own, with its hub started; <paramref name="hubSettings"/> is added to its hub.hocon first.</summary>
    private async Task OwnMeshWithHub(string hubSettings = "")
    {
        _mesh = _own = LocalMesh.Create();
        File.AppendAllText(Path.Combine(_mesh.ConfigDir, "hub.hocon"), $"\n{hubSettings}\n");
        await _mesh.StartHub(LeftHostFixture.HubHost);
    }

    /// <summary>Starts the node, stops it with the signal, and waits for it to exit and (unless told not to) for the hub to list it left.</summary>
    private async Task<DateTimeOffset> NodeThatLeft(PosixSignal signal, bool awaitLeft = true)
    {
        var node = await _mesh.StartNode(_node);
        var stoppedAt = DateTimeOffset.UtcNow;
        node.Signal(signal);
        Assert.True(await node.WaitForExit(LeftTimeout), $"the node did not exit after {signal}\n{node.OutputTail()}");
        if (awaitLeft) await _mesh.WaitForStatus(_node, "left", LeftTimeout);
        return stoppedAt;
    }

    private async Task<HubReply> Forget(string hostName) =>
        await _mesh.Hub.Control(new JObject { ["forget_host"] = new JObject { ["host_name"] = hostName } });

    private Task<HubReply> ListOn(string hostName) =>
        _mesh.Hub.Control(new JObject { ["host_name"] = hostName, ["list_active_processes"] = new JObject() });

    [Theory]
    [InlineData(PosixSignal.SIGTERM)]
    [InlineData(PosixSignal.SIGINT)]
    public async Task Node_stopped_on_purpose_is_listed_left_with_the_time_it_left_once_its_process_has_exited(PosixSignal signal)
    {
        // No waiting for the status: a script that waited for the node's exit may forget_host it next (README).
        var stoppedAt = await NodeThatLeft(signal, awaitLeft: false);

        var hosts = await _mesh.Hub.Send(HttpMethod.Get, "/hosts");
        var since = Regex.Match(hosts.Body, $"\"host_name\":\"{_node}\"[^}}]*\"status\":\"left\",\"since\":\"([^\"]+)\"");
        Assert.True(since.Success, hosts.Body);
        var leftAt = DateTimeOffset.ParseExact(since.Groups[1].Value, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal);
        Assert.InRange(leftAt, stoppedAt.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Left_host_is_not_an_error_in_a_cluster_wide_listing()
    {
        await NodeThatLeft(PosixSignal.SIGTERM);

        var reply = await _mesh.Hub.Control("""{"list_active_processes":{}}""");

        Assert.Equal(200, reply.Status);
        var hosts = ((JArray)reply.Json["list_active_processes"]!["hosts"]!).Cast<JObject>().ToList();
        Assert.DoesNotContain(hosts, h => (string?)h["host_name"] == _node);
        Assert.All(hosts, h => Assert.Null(h["error_message"]));
        Assert.Contains(hosts, h => (string?)h["host_name"] == LeftHostFixture.HubHost);
    }

    [Fact]
    public async Task Request_to_a_left_host_gets_404_host_left()
    {
        await NodeThatLeft(PosixSignal.SIGTERM);

        var reply = await ListOn(_node);

        Assert.Equal(404, reply.Status);
        Assert.False((bool)reply.Json["success"]!);
        Assert.Equal("host left", (string?)reply.Json["error_message"]);
    }

    [Fact]
    public async Task Forget_host_drops_a_left_host_from_GET_hosts()
    {
        await NodeThatLeft(PosixSignal.SIGTERM);

        var reply = await Forget(_node);

        Assert.Equal(200, reply.Status);
        Assert.Equal($$$"""{"success":true,"forget_host":{"host_name":"{{{_node}}}","status":"left"}}""", reply.Body);
        Assert.Null(await _mesh.Hub.Host(_node));
        var again = await ListOn(_node);
        Assert.Equal((404, "unknown host"), (again.Status, (string?)again.Json["error_message"]));
    }

    [Fact]
    public async Task Forget_host_refuses_an_up_host_with_409_and_an_unknown_host_with_404()
    {
        var up = await Forget(LeftHostFixture.HubHost);
        var unknown = await Forget("no-such-node");

        Assert.Equal((409, "host is up: forget_host drops only a host that is left, removed or unreachable"),
            (up.Status, (string?)up.Json["error_message"]));
        Assert.Equal("up", await _mesh.Hub.StatusOf(LeftHostFixture.HubHost));
        Assert.Equal((404, "unknown host"), (unknown.Status, (string?)unknown.Json["error_message"]));
    }

    [Fact]
    public async Task Left_host_is_forgotten_after_the_configured_retention()
    {
        await OwnMeshWithHub("bluezero.hub.forget-after = 2s");
        await NodeThatLeft(PosixSignal.SIGTERM);

        await Polling.Until(async () => await _mesh.Hub.Host(_node) is null, TimeSpan.FromSeconds(10),
            $"{_node} is no longer listed 2 s after it left", _mesh.Diagnostics);
        Assert.Equal("up", await _mesh.Hub.StatusOf(LeftHostFixture.HubHost));
    }

    [Fact]
    public async Task Node_started_again_under_a_left_host_name_is_up_and_serves()
    {
        await NodeThatLeft(PosixSignal.SIGTERM);

        await _mesh.StartNode(_node); // waits until the hub lists it up

        Assert.Empty(await _mesh.Hub.ActivePids(_node));
    }

    [Fact]
    public async Task Killed_node_is_unreachable_then_removed_never_left()
    {
        await OwnMeshWithHub();
        var node = await _mesh.StartNode(_node);
        await _mesh.AwaitHeartbeatHistory(node);

        node.Signal(PosixSignal.SIGKILL);
        await _mesh.WaitForStatus(_node, "unreachable", TimeSpan.FromSeconds(10));
        var removed = await Polling.UntilValue(() => _mesh.Hub.StatusOf(_node), s => s != "unreachable", TimeSpan.FromSeconds(30),
            $"{_node} is downed after SIGKILL", _mesh.Diagnostics);

        Assert.Equal("removed", removed);
        var reply = await ListOn(_node);
        Assert.Equal((503, "host unreachable"), (reply.Status, (string?)reply.Json["error_message"]));
        var listing = await _mesh.Hub.Control("""{"list_active_processes":{}}""");
        var entry = ((JArray)listing.Json["list_active_processes"]!["hosts"]!).Single(h => (string?)h["host_name"] == _node);
        Assert.Equal("host unreachable", (string?)entry["error_message"]);
    }
}
