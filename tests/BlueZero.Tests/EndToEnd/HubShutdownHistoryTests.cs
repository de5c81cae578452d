using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Events;
using BlueZero.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// Nothing of a hub's own shutdown is lost from its history (docs/ARCHITECTURE.md, "Shutdown order"): a real hub
/// with its local node, stopped with SIGTERM and started again on the same data directory, has its host's node_left and
/// the exits of the processes its shutdown stopped in GET /events, each exactly once. Each test has a mesh of its own.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HubShutdownHistoryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string HubName = "hsh-hub";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);
    private readonly LocalMesh _mesh = LocalMesh.Create();

    public Task InitializeAsync() => _mesh.StartHub(HubName);

    public Task DisposeAsync() => _mesh.DisposeAsync().AsTask();

    private Task<JArray> Events(string query) => MeshEvents.Query(_mesh, $"host={HubName}&{query}");

    private Task<JArray> AwaitEvents(string query, int count) => MeshEvents.AwaitCount(_mesh, $"host={HubName}&{query}", count, Within);

    /// <summary>The hub host's data directory: the local node's journal and hub.db (LocalMesh sets XDG_STATE_HOME).</summary>
    private string DataDirectory => Path.Combine(_mesh.WorkDir, "state", "bluezero", HubName);

    private async Task StopHubWithSigterm()
    {
        var hub = _mesh.HubProcess;
        var stopping = DateTime.UtcNow;
        hub.Signal(PosixSignal.SIGTERM);
        Assert.True(await hub.WaitForExit(TimeSpan.FromSeconds(30)), $"the hub survived SIGTERM\n{hub.OutputTail()}");
        output.WriteLine($"the hub exited {(DateTime.UtcNow - stopping).TotalSeconds:0.00} s after SIGTERM");
    }

    /// <summary>
    /// The journal ships in NodeSeq order, so once an exit recorded after the restart is stored, everything the journal
    /// kept from before the restart has been shipped (and stored, or found stored already).
    /// </summary>
    private async Task AwaitJournalShippedAfterRestart()
    {
        var marker = _mesh.Track(await _mesh.Hub.StartProcess(HubName, "/bin/true"));
        await AwaitEvents($"pid={marker}&type=process_exited", 1);
    }

    [Fact]
    public async Task The_hub_hosts_node_left_is_stored_once_when_the_hub_is_stopped_with_SIGTERM()
    {
        await AwaitEvents("type=node_up", 1);

        await StopHubWithSigterm();
        await _mesh.StartHub(HubName);
        await AwaitJournalShippedAfterRestart();

        Assert.Single(await Events("type=node_left"));
    }

    [Fact]
    public async Task The_exits_of_the_processes_a_SIGTERM_of_the_hub_stopped_are_stored_before_it_exits_and_once_each()
    {
        int[] sleepers = [await _mesh.StartSleep(HubName), await _mesh.StartSleep(HubName)];
        await AwaitEvents("type=process_started", 2);

        await StopHubWithSigterm();
        using (var journal = EventJournal.Open(DataDirectory, HubName, 1000, NullLogger.Instance))
            Assert.True(journal.Count == 0, $"the local node's journal kept {journal.Count} events the hub had not acknowledged when it exited");
        await _mesh.StartHub(HubName);
        await AwaitJournalShippedAfterRestart();

        foreach (var pid in sleepers)
        {
            var exited = (JObject)Assert.Single(await Events($"pid={pid}&type=process_exited"));
            Assert.Equal("stopped", (string?)exited["reason"]);
            Assert.Single(await Events($"pid={pid}&type=stop_requested"));
        }
    }

    [Fact]
    public async Task An_event_the_hub_stored_but_never_acknowledged_is_not_stored_again_when_the_journal_resends_it()
    {
        var pid = await _mesh.StartSleep(HubName);
        await AwaitEvents($"pid={pid}&type=process_started", 1);
        await StopHubWithSigterm();
        // Leave the journal as a lost acknowledgement does: its last event (the sleep's exit), stored by the hub,
        // unacknowledged again, so the restarted node sends it a second time.
        WindBackTheJournalsTrimPointByOne();

        await _mesh.StartHub(HubName);
        await AwaitJournalShippedAfterRestart();

        var exited = (JObject)Assert.Single(await Events($"pid={pid}&type=process_exited"));
        Assert.Equal("stopped", (string?)exited["reason"]);
    }

    /// <summary>
    /// Turns the journal's trim point back by one: the last event it had, with the journal id and NodeSeq the hub
    /// stored already, is unacknowledged again, as if the hub's acknowledgement had never arrived. (The segment being
    /// written is kept after its events are acknowledged, so the event is still on disk.)
    /// </summary>
    private void WindBackTheJournalsTrimPointByOne()
    {
        var metaPath = Path.Combine(DataDirectory, EventJournal.DirectoryName, "journal.json");
        var meta = JObject.Parse(File.ReadAllText(metaPath));
        var trimmedThrough = (long)meta["TrimmedThrough"]!;
        Assert.True(trimmedThrough > 0, $"the journal acknowledged nothing: {meta}");
        meta["TrimmedThrough"] = trimmedThrough - 1;
        File.WriteAllText(metaPath, meta.ToString());
        using var journal = EventJournal.Open(DataDirectory, HubName, 1000, NullLogger.Instance);
        var resent = Assert.Single(journal.Read(1000));
        Assert.Equal(trimmedThrough, resent.NodeSeq);
        Assert.Equal(MeshEventType.ProcessExited, resent.Event.Type);
    }
}
