using Akka.Actor;
using Akka.Cluster;
using BlueZero.Messages.Protocol;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// A real hub executable with a 1 s stream heartbeat, and a bare cluster member in this test process that ships event
/// batches to the hub's /user/event-ingest as a node does. Each test uses host names of its own.
/// </summary>
public sealed class EventHubFixture : IAsyncLifetime
{
    public const string HubHost = "ev-hub";
    public LocalMesh Mesh { get; } = LocalMesh.Create();
    public ActorSystem Bystander { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        File.AppendAllText(Path.Combine(Mesh.ConfigDir, "hub.hocon"), "\nbluezero.hub.events.stream-heartbeat = 1s\n");
        await Mesh.StartHub(HubHost);
        Bystander = InProcessMesh.JoinAsBystander(Mesh.Seed);
        var cluster = Cluster.Get(Bystander);
        await Polling.Until(() => cluster.SelfMember.Status == MemberStatus.Up, TimeSpan.FromSeconds(20), "the bystander is up");
    }

    /// <summary>Ships a batch to the hub as a node's journal does, and returns the hub's acknowledgement.</summary>
    public Task<EventsStored> Ship(EventBatch batch) =>
        Bystander.ActorSelection($"{Mesh.Seed}/user/{MeshNames.EventIngestName}").Ask<EventsStored>(batch, TimeSpan.FromSeconds(10));

    public async Task DisposeAsync()
    {
        await CoordinatedShutdown.Get(Bystander).Run(CoordinatedShutdown.ClrExitReason.Instance);
        await Mesh.DisposeAsync();
    }
}

/// <summary>
/// The event history end to end (docs/PROTOCOL.md, "Events"): batches from a cluster member are stored once and
/// acknowledged, GET /events and the events op filter them, the stream resumes with Last-Event-ID without gap or
/// duplicate, and the hub records its own start and a node killed with SIGKILL.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EventHistoryTests(EventHubFixture fixture, ITestOutputHelper output) : IClassFixture<EventHubFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);
    private LocalMesh Mesh => fixture.Mesh;

    private static EventBatch Batch(string host, long firstSeq, params MeshEvent[] events) =>
        new(host, $"journal-of-{host}", events.Select((e, i) => new JournaledEvent(firstSeq + i, e)).ToList());

    private static MeshEvent Exited(string host, string name, int code) =>
        new(MeshEventType.ProcessExited, DateTimeOffset.UtcNow, host, Pid: 4242, Name: name, ExitCode: code, Reason: ExitReason.Exited);

    private Task<JArray> Events(string query) => MeshEvents.Query(Mesh, query);

    [Fact]
    public async Task The_hub_records_that_it_started()
    {
        var started = await Events($"type=hub_started&host={EventHubFixture.HubHost}");

        Assert.Single(started);
    }

    [Fact]
    public async Task A_batch_shipped_twice_is_acknowledged_both_times_and_stored_once()
    {
        var batch = Batch("ev-twice", 1, Exited("ev-twice", "web", 3), Exited("ev-twice", "web", 4));

        var first = await fixture.Ship(batch);
        var second = await fixture.Ship(batch);

        Assert.Equal(new EventsStored("ev-twice", "journal-of-ev-twice", 2), first);
        Assert.Equal(first, second);
        var stored = await Events("host=ev-twice");
        Assert.Equal([3, 4], stored.Select(e => (int)e["exit_code"]!));
        Assert.Equal("process_exited", (string?)stored[0]["type"]);
        Assert.Equal("exited", (string?)stored[0]["reason"]);
    }

    [Fact]
    public async Task Get_events_filters_by_host_type_and_name_and_pages_with_next_seq()
    {
        await fixture.Ship(Batch("ev-f1", 1, Exited("ev-f1", "web", 1), Exited("ev-f1", "db", 2),
            new MeshEvent(MeshEventType.ProcessStarted, DateTimeOffset.UtcNow, "ev-f1", Pid: 5, Name: "web", Path: "/bin/true")));
        await fixture.Ship(Batch("ev-f2", 1, Exited("ev-f2", "web", 3)));

        Assert.Equal([1, 3], (await Events("host=ev-f1&host=ev-f2&type=process_exited&name=web")).Select(e => (int)e["exit_code"]!));
        Assert.Equal([2], (await Events("host=ev-f1&name=db")).Select(e => (int)e["exit_code"]!));
        var latest = await Mesh.Hub.Send(HttpMethod.Get, "/events?host=ev-f1&order=desc&limit=1");
        var only = (JObject)Assert.Single((JArray)latest.Json["events"]!);
        Assert.Equal("process_started", (string?)only["type"]);
        Assert.Equal((long)only["seq"]!, (long)latest.Json["next_seq"]!);
    }

    [Fact]
    public async Task The_events_op_on_post_control_answers_in_the_hub_form()
    {
        await fixture.Ship(Batch("ev-op", 1, Exited("ev-op", "job", 7)));

        var reply = await Mesh.Hub.Control("""{"events":{"since_seq":0,"host":["ev-op"],"type":["process_exited"],"limit":50}}""");

        Assert.True(reply.IsSuccess, reply.ToString());
        var events = (JArray)reply.Json["events"]!["events"]!;
        Assert.Equal(7, (int)Assert.Single(events)["exit_code"]!);
        Assert.Equal((long)events[0]["seq"]!, (long)reply.Json["events"]!["next_seq"]!);
    }

    [Theory]
    [InlineData("type=process_exitted", "invalid value for parameter type: unknown event type \"process_exitted\"; valid types: hub_started,")]
    [InlineData("limit=-5", "invalid value for parameter limit: must be 1 to 10000")]
    [InlineData("from=last-tuesday", "invalid value for parameter from: must be an ISO 8601 time")]
    public async Task A_bad_parameter_gets_400_naming_it(string query, string error)
    {
        var reply = await Mesh.Hub.Send(HttpMethod.Get, "/events?" + query);

        Assert.Equal(400, reply.Status);
        Assert.StartsWith(error, (string?)reply.Json["error_message"]);
    }

    [Fact]
    public async Task A_stream_client_that_reconnects_with_last_event_id_sees_every_event_exactly_once()
    {
        const string host = "ev-sse";
        await fixture.Ship(Batch(host, 1, Exited(host, "a", 1)));
        var seen = new List<long>();
        string lastId;
        await using (var stream = await SseReader.Open(Mesh.Hub.BaseUrl, $"/events/stream?host={host}"))
        {
            seen.Add(long.Parse((await stream.NextEvent(Within))!.Id!)); // from the database
            await fixture.Ship(Batch(host, 2, Exited(host, "a", 2)));
            var live = (await stream.NextEvent(Within))!;
            Assert.Equal("process_exited", live.Event);
            Assert.Equal(2, (int)JObject.Parse(live.Data!)["exit_code"]!);
            seen.Add(long.Parse(live.Id!));
            lastId = live.Id!;
        }
        await fixture.Ship(Batch(host, 3, Exited(host, "a", 3), Exited(host, "a", 4))); // while disconnected

        await using (var stream = await SseReader.Open(Mesh.Hub.BaseUrl, $"/events/stream?host={host}", lastEventId: lastId))
        {
            seen.Add(long.Parse((await stream.NextEvent(Within))!.Id!));
            seen.Add(long.Parse((await stream.NextEvent(Within))!.Id!));
            await fixture.Ship(Batch(host, 5, Exited(host, "a", 5)));
            seen.Add(long.Parse((await stream.NextEvent(Within))!.Id!));
        }

        var stored = (await Events($"host={host}")).Select(e => (long)e["seq"]!).ToList();
        output.WriteLine($"seen {string.Join(",", seen)}; stored {string.Join(",", stored)}");
        Assert.Equal(stored, seen);
        Assert.Equal(5, stored.Count);
    }

    [Fact]
    public async Task A_quiet_stream_gets_a_heartbeat_comment()
    {
        await using var stream = await SseReader.Open(Mesh.Hub.BaseUrl, "/events/stream?host=ev-nobody");

        var heartbeat = await Polling.UntilValue(() => stream.Next(Within), m => m?.Comment == "heartbeat", Within, "a heartbeat comment");

        Assert.Null(heartbeat!.Id);
    }

    [Fact]
    public async Task Events_sh_prints_one_event_a_line_and_exits_1_on_a_bad_filter()
    {
        await fixture.Ship(Batch("ev-script", 1, Exited("ev-script", "job", 9)));

        var listed = await Mesh.Scripts.Run("events.sh", "--host", "ev-script", "--type", "process_exited");
        var refused = await Mesh.Scripts.Run("events.sh", "--type", "bogus");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        var line = Assert.Single(listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(9, (int)JObject.Parse(line)["exit_code"]!);
        Assert.StartsWith("next_seq: ", listed.Stderr);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("invalid value for parameter type", refused.Stdout);
    }

    [Fact]
    public async Task A_node_killed_with_sigkill_appears_as_node_unreachable()
    {
        const string host = "ev-killed";
        var node = await Mesh.StartNode(host);
        await Polling.Until(async () => (await Events($"host={host}&type=node_up")).Count == 1, Within, $"node_up for {host}", Mesh.Diagnostics);

        node.Signal(PosixSignal.SIGKILL);

        await Polling.Until(async () => (await Events($"host={host}&type=node_unreachable")).Count == 1, Within,
            $"node_unreachable for {host}", Mesh.Diagnostics);
    }
}
