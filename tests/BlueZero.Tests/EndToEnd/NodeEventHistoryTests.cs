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

    private Task<ScriptResult> B0(params string[] args) =>
        new B0Runner(Mesh.Hub.BaseUrl).Run(args, new Dictionary<string, string> { ["B0_TOKEN"] = NodeEventsFixture.AdminToken });

    [Fact]
    public async Task B0_events_shows_the_newest_events_of_the_filters_oldest_first()
    {
        await Start("nev-b0", "exit 3", JObject.Parse("""{"policy":"on-failure","max_restarts":1,"backoff":{"initial_ms":50}}"""));
        await EventsOf("nev-b0", 1, "process_failed");

        var listed = await B0("events", "--host", Node, "--name", "nev-b0", "--type", "process_exited", "--type", "process_failed", "--limit", "2");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        var rows = listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains("process_exited", rows[0]);
        Assert.Contains("exit 3, exited", rows[0]);
        Assert.Contains("process_failed", rows[1]);
    }

    [Fact]
    public async Task B0_events_json_is_the_rows_the_hub_stored()
    {
        await Start("nev-b0-json", "exit 8");
        var stored = await EventsOf("nev-b0-json", 2);

        var listed = await B0("events", "--json", "--host", Node, "--name", "nev-b0-json");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Equal(stored.Select(e => (long)e["seq"]!), JArray.Parse(listed.Stdout).Select(e => (long)e["seq"]!));
    }

    [Fact]
    public async Task B0_events_follow_prints_the_page_then_a_live_event_from_the_node_once()
    {
        await Start("nev-b0-f", "sleep 5; exit 6");
        await EventsOf("nev-b0-f", 1, "process_started");

        // Ended by SIGINT, as Ctrl-C ends it; the process exits while b0 follows the stream.
        var followed = await ScriptRunner.RunProgram("/usr/bin/timeout", "b0 events -f",
            ["-s", "INT", "10", TestPaths.B0, "events", "-f", "--host", Node, "--name", "nev-b0-f"], Mesh.Hub.BaseUrl,
            new Dictionary<string, string> { ["B0_TOKEN"] = NodeEventsFixture.AdminToken });

        var lines = followed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 2, followed.ToString());
        Assert.Contains("process_started", lines[0]);
        Assert.Contains("process_exited", lines[1]);
        Assert.Contains("exit 6, exited", lines[1]);
    }
}
