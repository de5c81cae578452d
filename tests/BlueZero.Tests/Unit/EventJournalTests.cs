using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Events;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>
/// The node's event journal: events come back in order with consecutive NodeSeqs, an acknowledgement trims them (on
/// disk too), numbering never restarts, the bound drops the oldest visibly, and a crash mid-write is survived.
/// </summary>
public sealed class EventJournalTests : IDisposable
{
    private const string Host = "node-a";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"bz-events-{Guid.NewGuid():N}");
    private readonly List<EventJournal> _opened = new();

    public void Dispose()
    {
        foreach (var journal in _opened) journal.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private EventJournal Open(int maxEvents = 1000)
    {
        var journal = EventJournal.Open(_directory, Host, maxEvents, NullLogger.Instance);
        _opened.Add(journal);
        return journal;
    }

    private EventJournal Reopen(EventJournal journal, int maxEvents = 1000)
    {
        journal.Dispose();
        return Open(maxEvents);
    }

    private static MeshEvent Exited(int pid, int code = 0) =>
        new(MeshEventType.ProcessExited, DateTimeOffset.UtcNow, Host, Pid: pid, ExitCode: code, Reason: ExitReason.Exited);

    private string EventsDirectory => Path.Combine(_directory, EventJournal.DirectoryName);

    private IEnumerable<string> Segments => Directory.EnumerateFiles(EventsDirectory, "*.jsonl");

    [Fact]
    public void Appended_events_are_read_back_in_order_with_consecutive_node_seqs()
    {
        var journal = Open();

        for (var pid = 1; pid <= 3; pid++) journal.Append(Exited(pid));

        var read = journal.Read(10);
        Assert.Equal([1L, 2L, 3L], read.Select(e => e.NodeSeq));
        Assert.Equal([1, 2, 3], read.Select(e => e.Event.Pid!.Value));
    }

    [Fact]
    public void Read_gives_at_most_the_batch_size_from_the_oldest_unacknowledged()
    {
        var journal = Open();
        for (var pid = 1; pid <= 5; pid++) journal.Append(Exited(pid));
        journal.Acknowledge(2);

        Assert.Equal([3L, 4L], journal.Read(2).Select(e => e.NodeSeq));
    }

    [Fact]
    public void Every_field_of_an_event_survives_a_reopen()
    {
        var journal = Open();
        var time = new DateTimeOffset(2026, 12, 6, 3, 0, 0, 123, TimeSpan.Zero);
        var written = new MeshEvent(MeshEventType.ProcessStarted, time, Host, Pid: 42, Name: "web", By: "ops", Restarts: 2,
            Path: "/bin/sh", Args: ["-c", "exit 3"], NextRun: time.AddMinutes(1), Error: "e", Count: 7, DelayMs: 400,
            ExitCode: 3, Signal: 9, Reason: ExitReason.Killed);
        journal.Append(written);

        var read = Assert.Single(Reopen(journal).Read(10)).Event;

        Assert.Equal(written with { Args = null }, read with { Args = null });
        Assert.Equal(written.Args, read.Args);
    }

    [Fact]
    public void A_journal_line_keeps_the_member_names_and_wire_strings_of_earlier_journals()
    {
        var journal = Open();
        var time = new DateTimeOffset(2026, 12, 6, 3, 0, 0, 123, TimeSpan.Zero);
        journal.Append(new MeshEvent(MeshEventType.ProcessExited, time, Host, Pid: 42, Name: "web", By: "ops", ExitCode: 3,
            Signal: 9, Reason: ExitReason.Killed, Restarts: 2, DelayMs: 400, Path: "/bin/sh", Args: ["-c", "exit 3"],
            NextRun: time.AddMinutes(1), Error: "é\"<", Count: 7));

        var line = File.ReadAllText(Assert.Single(Segments));

        // As Newtonsoft wrote it before the journal had its own writer: a node upgraded (or downgraded) in place reads it.
        const string earlier = """
            {"NodeSeq":1,"Event":{"Type":"process_exited","Time":"2026-12-06T03:00:00.123+00:00","HostName":"node-a","Pid":42,
            "Name":"web","By":"ops","ExitCode":3,"Signal":9,"Reason":"killed","Restarts":2,"DelayMs":400,"Path":"/bin/sh",
            "Args":["-c","exit 3"],"NextRun":"2026-12-06T03:01:00.123+00:00","Error":"é\"<","Count":7}}
            """;
        Assert.EndsWith("\n", line);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(earlier), System.Text.Json.Nodes.JsonNode.Parse(line)), line);
    }

    [Fact]
    public void Acknowledged_events_are_gone_also_after_a_reopen()
    {
        var journal = Open();
        for (var pid = 1; pid <= 4; pid++) journal.Append(Exited(pid));

        journal.Acknowledge(3);

        Assert.Equal([4L], journal.Read(10).Select(e => e.NodeSeq));
        Assert.Equal([4L], Reopen(journal).Read(10).Select(e => e.NodeSeq));
    }

    [Fact]
    public void A_fully_acknowledged_journal_keeps_only_the_segment_it_writes_to_and_none_after_a_reopen()
    {
        var journal = Open();
        for (var pid = 1; pid <= 4; pid++) journal.Append(Exited(pid));

        journal.Acknowledge(4);

        Assert.Equal(0, journal.Count);
        Assert.Single(Segments);
        Reopen(journal);
        Assert.Empty(Segments);
    }

    [Fact]
    public void Node_seq_never_goes_back_after_a_crash_right_after_an_acknowledgement()
    {
        var journal = Open();
        for (var pid = 1; pid <= 3; pid++) journal.Append(Exited(pid));
        journal.Acknowledge(3); // its trim point may wait up to a second to reach disk

        var afterCrash = Open(); // the first is not closed: as after a SIGKILL

        // The acknowledged events may be sent again (the hub drops duplicates), but no NodeSeq is used twice.
        Assert.Equal(4, afterCrash.Append(Exited(4)).NodeSeq);
        var seqs = afterCrash.Read(10).Select(e => e.NodeSeq).ToList();
        Assert.Equal(Enumerable.Range((int)seqs[0], seqs.Count).Select(n => (long)n), seqs);
        Assert.Equal(4, seqs[^1]);
    }

    [Fact]
    public void Node_seq_continues_after_a_reopen()
    {
        var journal = Open();
        journal.Append(Exited(1));
        journal.Append(Exited(2));

        var reopened = Reopen(journal);

        Assert.Equal(3, reopened.Append(Exited(3)).NodeSeq);
        Assert.Equal(journal.JournalId, reopened.JournalId);
    }

    [Fact]
    public void Node_seq_continues_after_everything_was_trimmed_and_the_journal_reopened()
    {
        var journal = Open();
        journal.Append(Exited(1));
        journal.Append(Exited(2));
        journal.Acknowledge(2);

        var reopened = Reopen(journal);

        Assert.Equal(0, reopened.Count);
        Assert.Equal(3, reopened.Append(Exited(3)).NodeSeq);
    }

    [Fact]
    public void A_new_journal_gets_a_new_journal_id()
    {
        var first = Open();
        first.Dispose();
        Directory.Delete(_directory, recursive: true);

        Assert.NotEqual(first.JournalId, Open().JournalId);
    }

    [Fact]
    public void An_acknowledgement_beyond_the_last_event_does_not_skip_numbers()
    {
        var journal = Open();
        journal.Append(Exited(1));

        journal.Acknowledge(1000);

        Assert.Equal(2, journal.Append(Exited(2)).NodeSeq);
    }

    [Fact]
    public void A_full_journal_drops_the_oldest_and_records_events_dropped_with_their_count()
    {
        var journal = Open(maxEvents: 10);
        for (var pid = 1; pid <= 10; pid++) journal.Append(Exited(pid));

        journal.Append(Exited(11));

        var read = journal.Read(100);
        Assert.Equal(10, read.Count);
        Assert.Equal(3, read[0].NodeSeq); // the two oldest are gone
        var dropped = read[^2];
        Assert.Equal(MeshEventType.EventsDropped, dropped.Event.Type);
        Assert.Equal(2, dropped.Event.Count);
        Assert.Equal(Host, dropped.Event.HostName);
        Assert.Equal(11, read[^1].Event.Pid);
        Assert.Equal([3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L], read.Select(e => e.NodeSeq));
    }

    [Fact]
    public void A_dropped_events_dropped_event_carries_its_count_into_the_next_one()
    {
        var journal = Open(maxEvents: 10);
        for (var pid = 1; pid <= 30; pid++) journal.Append(Exited(pid));

        var read = journal.Read(100);
        var lost = read.Where(e => e.Event.Type == MeshEventType.EventsDropped).Sum(e => e.Event.Count!.Value);
        var kept = read.Count(e => e.Event.Type == MeshEventType.ProcessExited);

        Assert.Equal(30, lost + kept);
        Assert.True(read.Count <= 10);
    }

    [Fact]
    public void The_bound_holds_across_a_reopen()
    {
        var journal = Open(maxEvents: 10);
        for (var pid = 1; pid <= 25; pid++) journal.Append(Exited(pid));

        var read = Reopen(journal, maxEvents: 10).Read(100);

        Assert.True(read.Count <= 10, $"{read.Count} events after a reopen");
        Assert.Equal(25, read.Where(e => e.Event.Type == MeshEventType.EventsDropped).Sum(e => e.Event.Count!.Value)
                         + read.Count(e => e.Event.Type == MeshEventType.ProcessExited));
    }

    [Fact]
    public void A_torn_last_line_is_skipped_and_appends_continue_after_it()
    {
        var journal = Open();
        journal.Append(Exited(1));
        journal.Append(Exited(2));
        journal.Dispose();
        var segment = Assert.Single(Segments);
        File.AppendAllText(segment, "{\"NodeSeq\":3,\"Event\":{\"Type\":\"process_exi"); // a crash in the middle of a write

        var reopened = Open();
        reopened.Append(Exited(3));

        Assert.Equal([1, 2, 3], reopened.Read(10).Select(e => e.Event.Pid!.Value));
        Assert.Equal([1, 2, 3], Reopen(reopened).Read(10).Select(e => e.Event.Pid!.Value));
    }

    [Fact]
    public void A_damaged_line_in_the_middle_is_skipped()
    {
        var journal = Open();
        journal.Append(Exited(1));
        journal.Dispose();
        File.AppendAllText(Assert.Single(Segments), "not json\n");

        var reopened = Open();
        reopened.Append(Exited(2));

        Assert.Equal([1, 2], Reopen(reopened).Read(10).Select(e => e.Event.Pid!.Value));
    }

    [Fact]
    public void An_in_memory_journal_numbers_acknowledges_and_bounds_the_same_way()
    {
        var journal = EventJournal.InMemory(Host, maxEvents: 10);
        for (var pid = 1; pid <= 11; pid++) journal.Append(Exited(pid));
        journal.Acknowledge(5);

        Assert.Equal(6, journal.Read(100)[0].NodeSeq);
        Assert.False(Directory.Exists(EventsDirectory));
    }
}
