using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// A real hub started with a token file (admin "ops") and a second real node, <see cref="Node"/>; every request
/// carries the admin token. Each test uses process names of its own.
/// </summary>
public sealed class NodeEventsFixture : IAsyncLifetime
{
    public const string HubHost = "nev-hub";
    public const string Node = "nev-node";
    public const string AdminName = "ops";
    public const string AdminToken = "admin-nev-51c7e0a9";

    public LocalMesh Mesh { get; } = LocalMesh.Create();

    public async Task InitializeAsync()
    {
        var tokens = Path.Combine(Mesh.WorkDir, "tokens");
        File.WriteAllLines(tokens, [$"{AdminName}:admin:{AdminToken}"]);
        await Mesh.StartHub(HubHost, extraArgs: ["--token-file", tokens], token: AdminToken);
        await Mesh.StartNode(Node);
    }

    public Task DisposeAsync() => Mesh.DisposeAsync().AsTask();
}

/// <summary>
/// Events recorded by a real node's journal, shipped to a real hub and read back with GET /events and the stream
/// (docs/PROTOCOL.md §13): exits, the restart policy's steps, who asked for a stop, and a live event.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeEventHistoryTests(NodeEventsFixture fixture) : IClassFixture<NodeEventsFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);
    private const string Node = NodeEventsFixture.Node;
    private LocalMesh Mesh => fixture.Mesh;

    private Task<JArray> Events(string query) => MeshEvents.Query(Mesh, query);

    private Task<JArray> EventsOf(string name, int count, string? type = null) =>
        MeshEvents.AwaitCount(Mesh, $"host={Node}&name={name}" + (type is null ? "" : $"&type={type}"), count, Within);

    private async Task<int> Start(string name, string script, JObject? restart = null)
    {
        var spec = new JObject { ["path"] = "/bin/sh", ["args"] = new JArray("-c", script), ["name"] = name };
        if (restart is not null) spec["restart"] = restart;
        var reply = await Mesh.Hub.Routed(Node, "start_process", spec);
        Assert.True(reply["success"]?.Value<bool>() == true, reply.ToString());
        return Mesh.Track(reply["pid"]!.Value<int>());
    }

    [Fact]
    public async Task A_process_that_exits_with_3_is_recorded_as_process_exited_with_exit_code_3_and_reason_exited()
    {
        var pid = await Start("nev-three", "exit 3");

        var exited = (JObject)Assert.Single(await EventsOf("nev-three", 1, "process_exited"));

        Assert.Equal(3, (int)exited["exit_code"]!);
        Assert.Equal("exited", (string?)exited["reason"]);
        Assert.Equal(pid, (int)exited["pid"]!);
        Assert.Equal(["process_started", "process_exited"], (await Events($"host={Node}&name=nev-three")).Select(e => (string?)e["type"]));
    }

    [Fact]
    public async Task A_restart_policy_records_backing_off_with_growing_delays_then_process_failed()
    {
        var restart = JObject.Parse("""{"policy":"on-failure","max_restarts":3,"backoff":{"initial_ms":100,"jitter":0}}""");
        await Start("nev-flaky", "exit 2", restart);

        await EventsOf("nev-flaky", 1, "process_failed");

        var story = await Events($"host={Node}&name=nev-flaky");
        var backoffs = story.Where(e => (string?)e["type"] == "process_backing_off").ToList();
        Assert.Equal([100, 200, 400], backoffs.Select(e => (int)e["delay_ms"]!));
        Assert.Equal(4, story.Count(e => (string?)e["type"] == "process_started"));
        Assert.Equal("process_failed", (string?)story.Last()["type"]);
    }

    [Fact]
    public async Task A_stop_asked_for_with_an_admin_token_records_stop_requested_by_the_token_name()
    {
        var pid = await Start("nev-stopped", "exec sleep 300");

        await Mesh.Hub.StopProcess(Node, pid, wait: true);

        var requested = (JObject)Assert.Single(await EventsOf("nev-stopped", 1, "stop_requested"));
        Assert.Equal(NodeEventsFixture.AdminName, (string?)requested["by"]);
        var exited = (JObject)Assert.Single(await EventsOf("nev-stopped", 1, "process_exited"));
        Assert.Equal("stopped", (string?)exited["reason"]);
    }

    [Fact]
    public async Task A_live_event_from_a_real_node_reaches_a_stream_subscriber()
    {
        await using var stream = await SseReader.Open(Mesh.Hub.BaseUrl, $"/events/stream?host={Node}&name=nev-live&type=process_exited",
            token: NodeEventsFixture.AdminToken);

        await Start("nev-live", "exit 4");

        var live = await stream.NextEvent(Within);
        Assert.NotNull(live);
        Assert.Equal("process_exited", live.Event);
        Assert.Equal(4, (int)JObject.Parse(live.Data!)["exit_code"]!);
    }
}
