using BlueZero.Hub.Events;
using BlueZero.Messages.Protocol;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace BlueZero.Tests.Unit.Events;

/// <summary>The hub's event history in hub.db: dedup, every filter, order, limit, next_seq, retention and the schema at start.</summary>
public sealed class EventStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddHours(-1);
    private readonly string _dir = Directory.CreateTempSubdirectory("bluezero-events-").FullName;
    private EventStore _store = null!;

    public Task InitializeAsync()
    {
        _store = Open();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private EventStore Open(long maxCount = 1_000_000, TimeSpan? maxAge = null) =>
        EventStore.Open(_dir, new EventOptions(maxAge ?? TimeSpan.FromDays(30), maxCount, TimeSpan.FromHours(1), TimeSpan.FromSeconds(15), 100),
            NullLoggerFactory.Instance);

    private static MeshEvent Exited(string host, string name, int pid, int minutes = 0) =>
        new(MeshEventType.ProcessExited, T0.AddMinutes(minutes), host, Pid: pid, Name: name, ExitCode: 3, Reason: ExitReason.Exited);

    private static EventBatch Batch(string host, string journal, params MeshEvent[] events) =>
        new(host, journal, events.Select((e, i) => new JournaledEvent(i + 1, e)).ToList());

    /// <summary>alpha: web (pid 10) at minute 0, db (20) at 1; beta: web (30) at 2 and its start at 3.</summary>
    private async Task StoreSample()
    {
        await _store.Append(Batch("alpha", "ja", Exited("alpha", "web", 10), Exited("alpha", "db", 20, 1)));
        await _store.Append(Batch("beta", "jb", Exited("beta", "web", 30, 2),
            new MeshEvent(MeshEventType.ProcessStarted, T0.AddMinutes(3), "beta", Pid: 31, Name: "web", Path: "/bin/true", Args: ["x"])));
    }

    private IReadOnlyList<long> Seqs(EventQuery query) => _store.Query(query).Events.Select(e => e.Seq).ToList();

    [Fact]
    public async Task A_batch_sent_twice_is_stored_once()
    {
        var batch = Batch("alpha", "journal-1", Exited("alpha", "web", 10), Exited("alpha", "web", 11));

        var first = await _store.Append(batch);
        var again = await _store.Append(batch);

        Assert.Equal(2, first.Count);
        Assert.Empty(again);
        Assert.Equal(2, _store.Count());
    }

    [Fact]
    public async Task The_same_node_seq_from_a_new_journal_is_a_new_event()
    {
        await _store.Append(Batch("alpha", "journal-1", Exited("alpha", "web", 10)));
        var fromWipedNode = await _store.Append(Batch("alpha", "journal-2", Exited("alpha", "web", 10)));

        Assert.Single(fromWipedNode);
        Assert.Equal(2, _store.Count());
    }

    [Fact]
    public async Task Hub_events_have_no_journal_and_are_never_taken_for_duplicates()
    {
        var started = new MeshEvent(MeshEventType.HubStarted, T0, "hub");
        await _store.Append([new EventStore.Incoming(started), new EventStore.Incoming(started)]);

        Assert.Equal(2, _store.Count());
    }

    [Fact]
    public async Task Seq_grows_in_the_order_events_are_stored()
    {
        await StoreSample();

        Assert.Equal([1L, 2, 3, 4], Seqs(new EventQuery()));
    }

    [Fact]
    public async Task Since_seq_is_exclusive()
    {
        await StoreSample();

        Assert.Equal([3L, 4], Seqs(new EventQuery(SinceSeq: 2)));
    }

    [Fact]
    public async Task Hosts_are_ored_within_the_filter()
    {
        await StoreSample();

        Assert.Equal([1L, 2], Seqs(new EventQuery(Hosts: ["alpha"])));
        Assert.Equal([1L, 2, 3, 4], Seqs(new EventQuery(Hosts: ["alpha", "beta"])));
    }

    [Fact]
    public async Task Type_name_and_pid_filter_and_combine_with_and()
    {
        await StoreSample();

        Assert.Equal([4L], Seqs(new EventQuery(Types: [MeshEventType.ProcessStarted])));
        Assert.Equal([1L, 3, 4], Seqs(new EventQuery(Names: ["web"])));
        Assert.Equal([2L], Seqs(new EventQuery(Pid: 20)));
        Assert.Equal([3L], Seqs(new EventQuery(Hosts: ["beta"], Names: ["web"], Types: [MeshEventType.ProcessExited])));
        Assert.Empty(Seqs(new EventQuery(Hosts: ["alpha"], Pid: 30)));
    }

    [Fact]
    public async Task From_is_inclusive_and_to_is_exclusive()
    {
        await StoreSample();

        Assert.Equal([2L, 3], Seqs(new EventQuery(From: T0.AddMinutes(1), To: T0.AddMinutes(3))));
    }

    [Fact]
    public async Task Descending_order_with_a_limit_gives_the_latest_events_and_next_seq_is_the_largest_seq()
    {
        await StoreSample();

        var page = _store.Query(new EventQuery(Limit: 2, Descending: true));

        Assert.Equal([4L, 3], page.Events.Select(e => e.Seq));
        Assert.Equal(4, page.NextSeq);
    }

    [Fact]
    public async Task An_ascending_page_ends_at_its_limit_and_next_seq_continues_from_it()
    {
        await StoreSample();

        var first = _store.Query(new EventQuery(Limit: 3));
        var rest = _store.Query(new EventQuery(SinceSeq: first.NextSeq, Limit: 3));

        Assert.Equal([1L, 2, 3], first.Events.Select(e => e.Seq));
        Assert.Equal([4L], rest.Events.Select(e => e.Seq));
        Assert.Equal(4, rest.NextSeq);
    }

    [Fact]
    public async Task An_empty_page_keeps_next_seq_at_since_seq()
    {
        await StoreSample();

        Assert.Equal(9, _store.Query(new EventQuery(SinceSeq: 9)).NextSeq);
    }

    [Fact]
    public async Task A_stored_event_keeps_every_field_in_its_wire_form()
    {
        await StoreSample();

        var started = Assert.Single(_store.Query(new EventQuery(Types: [MeshEventType.ProcessStarted])).Events);

        Assert.Equal($$"""{"seq":4,"time":"{{T0.AddMinutes(3).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}","host_name":"beta","type":"process_started","pid":31,"name":"web","path":"/bin/true","args":["x"]}""",
            BlueZero.Messages.Wire.WireResponseWriter.Event(started));
    }

    [Fact]
    public async Task Retention_by_age_prunes_events_that_happened_before_it()
    {
        await StoreSample();
        await _store.Append(Batch("alpha", "old", Exited("alpha", "web", 10, minutes: -60 * 24 * 31)));

        var removed = await _store.Prune();

        Assert.Equal(1, removed);
        Assert.Equal([1L, 2, 3, 4], Seqs(new EventQuery()));
    }

    [Fact]
    public async Task Retention_by_count_keeps_the_newest_events()
    {
        await _store.DisposeAsync();
        _store = Open(maxCount: 3);
        await StoreSample();

        await _store.Prune();

        Assert.Equal([2L, 3, 4], Seqs(new EventQuery()));
    }

    [Fact]
    public async Task Seq_never_goes_back_after_everything_was_pruned()
    {
        await StoreSample();
        await _store.DisposeAsync();
        _store = Open(maxAge: TimeSpan.FromMinutes(1));
        await _store.Prune();

        var stored = await _store.Append([new EventStore.Incoming(new MeshEvent(MeshEventType.HubStarted, DateTimeOffset.UtcNow, "hub"))]);

        Assert.Equal(5, Assert.Single(stored).Seq);
    }

    [Fact]
    public async Task Events_survive_a_restart_of_the_store()
    {
        await StoreSample();
        await _store.DisposeAsync();

        _store = Open();

        Assert.Equal(4, _store.Count());
    }

    [Fact]
    public async Task An_empty_file_is_migrated_to_the_current_schema()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(Path.Combine(_dir, HubDatabase.FileName));
        File.WriteAllBytes(Path.Combine(_dir, HubDatabase.FileName), []);

        _store = Open();
        await StoreSample();

        Assert.Equal(4, _store.Count());
        Assert.Equal(HubDatabase.SchemaVersion, UserVersion());
    }

    [Fact]
    public async Task A_corrupt_file_is_moved_aside_and_a_fresh_database_is_made()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_dir)) File.Delete(file);
        var garbage = Enumerable.Range(0, 8192).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(Path.Combine(_dir, HubDatabase.FileName), garbage);

        _store = Open();
        await StoreSample();

        var aside = Assert.Single(Directory.GetFiles(_dir, HubDatabase.FileName + ".corrupt-*"));
        Assert.Equal(garbage, File.ReadAllBytes(aside));
        Assert.Equal(4, _store.Count());
    }

    [Fact]
    public async Task Committed_events_reach_a_live_subscriber_in_seq_order()
    {
        using var live = _store.Feed.Subscribe(capacity: 10);

        await StoreSample();

        var received = new List<long>();
        while (live.Events.TryRead(out var e)) received.Add(e.Seq);
        Assert.Equal([1L, 2, 3, 4], received);
    }

    [Fact]
    public async Task A_subscriber_whose_buffer_is_full_is_cut_off()
    {
        using var live = _store.Feed.Subscribe(capacity: 2);

        await StoreSample();

        Assert.True(live.CutOff);
        Assert.True(live.Events.Completion.IsCompleted || live.Events.Count == 2);
    }

    private long UserVersion()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_dir, HubDatabase.FileName) }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return (long)command.ExecuteScalar()!;
    }
}
