using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.State;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>
/// The durable process table: what is written comes back, a damaged file never stops a node (it is moved aside and
/// the node starts empty), writes are atomic, and ids keep growing across restarts.
/// </summary>
public sealed class ProcessTableFileTests : IDisposable
{
    private const string Host = "node-a";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"bz-table-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private ProcessTableFile NewFile() => new(_directory, Host, NullLogger.Instance);

    private string TablePath => Path.Combine(_directory, "process-table.json");

    private string JournalPath => Path.Combine(_directory, "process-table.journal");

    private string OnDisk() =>
        (File.Exists(TablePath) ? File.ReadAllText(TablePath) : "") + (File.Exists(JournalPath) ? File.ReadAllText(JournalPath) : "");

    /// <summary>Waits until the background writer has put <paramref name="text"/> on disk, as a crash would find it.</summary>
    private void WaitUntilOnDisk(string text) =>
        Assert.True(SpinWait.SpinUntil(() => OnDisk().Contains(text), TimeSpan.FromSeconds(5)), $"{text} was not written within 5 s");

    private static ManagedEntry Entry(long id, ProcessState state, int? pid, string? name = null) =>
        new(id,
            new StartProcess("/usr/bin/env", ["a b", "ünï"], new Dictionary<string, string> { ["A"] = "1" }, "/srv", name,
                new RestartPolicy(RestartPolicyKind.OnFailure, 5, new BackoffSettings(250, 8_000, 1.5, 0.2), 30, [0, 3]),
                MaxTimeS: 12.5),
            state, pid, pid is null ? null : 987_654_321UL, Restarts: 3, ConsecutiveRestarts: 2, ProcessExit.Killed(9),
            new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero),
            EndedAt: new DateTimeOffset(2024, 5, 6, 7, 9, 0, 0, TimeSpan.Zero),
            NextRunAt: state == ProcessState.BackingOff ? new DateTimeOffset(2024, 5, 6, 7, 9, 1, 0, TimeSpan.Zero) : null,
            StopReason: null, Unscheduled: false, Adopted: false);

    private static void AssertSameEntry(ManagedEntry expected, ManagedEntry actual)
    {
        Assert.Equal(expected.Spec.Path, actual.Spec.Path);
        Assert.Equal(expected.Spec.Args, actual.Spec.Args);
        Assert.Equal(expected.Spec.Env, actual.Spec.Env);
        Assert.Equal(expected.Spec.Cwd, actual.Spec.Cwd);
        Assert.Equal(expected.Spec.Name, actual.Spec.Name);
        Assert.Equal(expected.Spec.MaxTimeS, actual.Spec.MaxTimeS);
        Assert.Equal(expected.Spec.RecurringPeriodS, actual.Spec.RecurringPeriodS);
        Assert.Equal(expected.Spec.Restart!.SuccessExitCodes, actual.Spec.Restart!.SuccessExitCodes);
        Assert.Equal(expected.Spec.Restart with { SuccessExitCodes = [] }, actual.Spec.Restart with { SuccessExitCodes = [] });
        Assert.Equal(expected with { Spec = actual.Spec }, actual);
    }

    [Fact]
    public void Entries_written_come_back_from_Load_field_by_field()
    {
        var entries = new[]
        {
            Entry(1, ProcessState.Running, 4242, "web"),
            Entry(2, ProcessState.BackingOff, 17) with { Adopted = true },
            Entry(7, ProcessState.Exited, null, "nightly") with { Unscheduled = true, StopReason = StopReason.MaxTime },
        };
        using (var file = NewFile())
        {
            var table = file.Load();
            foreach (var entry in entries) table.Put(entry);
        }

        using var reopened = NewFile();
        var restored = reopened.Load();

        Assert.Equal([1L, 2L, 7L], restored.All().Select(e => e.Id));
        // Only the flag that marks a live process as re-adopted may differ (see the test below).
        foreach (var entry in entries) AssertSameEntry(entry, restored.Get(entry.Id)! with { Adopted = entry.Adopted });
        Assert.Equal(4242, restored.Find(ProcessTarget.ByName("web"))!.Pid);
        Assert.Equal(2, restored.Find(ProcessTarget.ByPid(17))!.Id);
        Assert.Equal([4242], restored.RunningPids());
    }

    [Fact]
    public void Entries_with_a_live_process_are_loaded_as_adopted_and_the_others_are_not()
    {
        using (var file = NewFile())
        {
            var table = file.Load();
            table.Put(Entry(1, ProcessState.Running, 10));
            table.Put(Entry(2, ProcessState.Stopping, 11));
            table.Put(Entry(3, ProcessState.BackingOff, 12));
            table.Put(Entry(4, ProcessState.Scheduled, 13));
            table.Put(Entry(5, ProcessState.Exited, 14));
            table.Put(Entry(6, ProcessState.Lost, 15));
        }

        using var reopened = NewFile();
        var adopted = reopened.Load().All().ToDictionary(e => e.Id, e => e.Adopted);

        Assert.Equal(new Dictionary<long, bool> { [1] = true, [2] = true, [3] = false, [4] = false, [5] = false, [6] = false }, adopted);
    }

    [Fact]
    public void Missing_file_loads_as_an_empty_table()
    {
        using var file = NewFile();

        Assert.Empty(file.Load().All());
        Assert.Equal(TablePath, file.FilePath);
    }

    [Fact]
    public void Changes_reach_the_disk_without_waiting_for_Dispose()
    {
        using var file = NewFile();
        var table = file.Load();

        table.Put(Entry(1, ProcessState.Running, 4242));

        WaitUntilOnDisk("4242");
        Assert.DoesNotContain("4242", File.ReadAllText(TablePath)); // a change is a journal line, not a rewrite of the table
    }

    [Fact]
    public void After_a_crash_the_snapshot_and_its_journal_give_the_latest_state_of_every_entry()
    {
        using var crashed = NewFile(); // disposed only after the assertions: until then no final snapshot, as after a SIGKILL
        var table = crashed.Load();
        table.Put(Entry(1, ProcessState.Running, 4242, "web"));
        table.Put(Entry(2, ProcessState.Running, 4243));
        table.Put(Entry(3, ProcessState.Exited, 4244) with { EndedAt = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero) });
        WaitUntilOnDisk("4244");
        table.Put(Entry(2, ProcessState.Exited, 4243) with { StopReason = StopReason.Shutdown });
        Assert.Equal([3L], table.Prune(1, TimeSpan.FromDays(36_500), DateTimeOffset.UtcNow)); // entry 3 ended first
        WaitUntilOnDisk("\"StopReason\":\"shutdown\""); // the same string on disk as before StopReason was an enum
        Assert.True(SpinWait.SpinUntil(() => File.ReadAllText(JournalPath).Contains("\"Remove\":3"), TimeSpan.FromSeconds(5)));

        using var restarted = NewFile();
        var restored = restarted.Load();

        Assert.Equal([1L, 2L], restored.All().Select(e => e.Id));
        Assert.Equal(ProcessState.Running, restored.Get(1)!.State);
        Assert.Equal(StopReason.Shutdown, restored.Get(2)!.StopReason);
        Assert.Equal(ProcessState.Exited, restored.Get(2)!.State);
    }

    [Fact]
    public void A_long_journal_is_folded_into_the_snapshot_and_nothing_is_lost()
    {
        using var crashed = NewFile(); // disposed only after the assertions, as above
        var table = crashed.Load();
        for (var round = 0; round < 6; round++)
        for (var id = 1; id <= 400; id++)
            table.Put(Entry(id, ProcessState.Running, 10_000 + id) with { Restarts = round });
        table.Put(Entry(401, ProcessState.Running, 99_999));
        WaitUntilOnDisk("99999");

        // 2401 changes on a table of 401 entries: the journal was restarted at least once.
        Assert.True(File.ReadAllLines(JournalPath).Length <= 1001, $"journal has {File.ReadAllLines(JournalPath).Length} lines");
        using var restarted = NewFile();
        var restored = restarted.Load();
        Assert.Equal(401, restored.All().Count);
        Assert.All(restored.All().Where(e => e.Id <= 400), e => Assert.Equal(5, e.Restarts));
    }

    [Fact]
    public void Read_gives_what_Load_gives_and_changes_no_file()
    {
        using var crashed = NewFile(); // disposed only after the assertions, as above
        var table = crashed.Load();
        table.Put(Entry(1, ProcessState.Running, 4242, "web"));
        table.Put(Entry(2, ProcessState.Exited, 4243));
        WaitUntilOnDisk("4243");
        var before = Directory.GetFiles(_directory).Order().Select(f => (f, File.ReadAllText(f))).ToList();

        var onDisk = ProcessTableFile.Read(_directory)!;

        Assert.Equal([1L, 2L], onDisk.Entries.Select(e => e.Id));
        Assert.Equal(ProcessTableFile.JournalFinding.Applied, onDisk.Journal);
        Assert.Equal(2, onDisk.JournalLines);
        Assert.Equal(before, Directory.GetFiles(_directory).Order().Select(f => (f, File.ReadAllText(f))).ToList());
    }

    [Fact]
    public void Read_of_a_damaged_snapshot_throws_and_leaves_it_in_place()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(TablePath, "{{{");

        Assert.ThrowsAny<Newtonsoft.Json.JsonException>(() => ProcessTableFile.Read(_directory));
        Assert.Equal("{{{", File.ReadAllText(TablePath));
        Assert.Null(ProcessTableFile.Read(Path.Combine(_directory, "none")));
    }

    [Fact]
    public void A_journal_of_another_generation_is_ignored()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(TablePath, "{\"Version\":1,\"HostName\":\"node-a\",\"Entries\":[],\"Journal\":5}");
        // A crash between the two renames of a compaction leaves the previous generation's journal beside the new snapshot.
        File.WriteAllText(JournalPath, "{\"Journal\":4}\n" + JournalPutLine(Entry(9, ProcessState.Running, 4249)) + "\n");

        using var file = NewFile();

        Assert.Empty(file.Load().All());
    }

    [Fact]
    public void A_torn_last_journal_line_is_dropped_and_the_lines_before_it_kept()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(TablePath, "{\"Version\":1,\"HostName\":\"node-a\",\"Entries\":[],\"Journal\":3}");
        var second = JournalPutLine(Entry(2, ProcessState.Running, 4243));
        File.WriteAllText(JournalPath,
            "{\"Journal\":3}\n" + JournalPutLine(Entry(1, ProcessState.Running, 4242)) + "\n" + second[..(second.Length / 2)]);

        using var file = NewFile();

        Assert.Equal([1L], file.Load().All().Select(e => e.Id));
        Assert.Empty(Directory.GetFiles(_directory, "*.corrupt-*"));
    }

    [Fact]
    public void A_damaged_journal_line_in_the_middle_keeps_the_changes_before_it_and_is_moved_aside()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(TablePath, "{\"Version\":1,\"HostName\":\"node-a\",\"Entries\":[],\"Journal\":3}");
        File.WriteAllText(JournalPath, "{\"Journal\":3}\n" + JournalPutLine(Entry(1, ProcessState.Running, 4242)) + "\n#garbage#\n"
                                       + JournalPutLine(Entry(2, ProcessState.Running, 4243)) + "\n");

        using var file = NewFile();

        Assert.Equal([1L], file.Load().All().Select(e => e.Id));
        Assert.Single(Directory.GetFiles(_directory, "process-table.journal.corrupt-*"));
    }

    private static string JournalPutLine(ManagedEntry entry) =>
        "{\"Put\":" + Newtonsoft.Json.JsonConvert.SerializeObject(entry, new Newtonsoft.Json.JsonSerializerSettings
            { NullValueHandling = Newtonsoft.Json.NullValueHandling.Ignore, Converters = { BlueZero.Messages.Serialization.WireNameConverter.Instance } }) + "}";

    [Fact]
    public void Pruned_entries_are_gone_after_the_next_load()
    {
        using (var file = NewFile())
        {
            var table = file.Load();
            table.Put(Entry(1, ProcessState.Exited, 10));
            table.Put(Entry(2, ProcessState.Running, 11));
            Assert.Single(table.Prune(0, TimeSpan.FromDays(1), DateTimeOffset.UtcNow));
        }

        using var reopened = NewFile();
        Assert.Equal([2L], reopened.Load().All().Select(e => e.Id));
    }

    [Theory]
    [InlineData("garbage, not json at all")]
    [InlineData("{\"Version\":1,\"HostName\":\"node-a\",\"Entries\":[{\"Id\":1,")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"Version\":99,\"HostName\":\"node-a\",\"Entries\":[]}")]
    [InlineData("{\"Version\":1,\"HostName\":\"node-a\",\"Entries\":null}")]
    [InlineData("{\"Version\":1,\"HostName\":\"node-a\",\"Entries\":[null]}")]
    [InlineData("{\"Version\":1,\"HostName\":\"node-a\",\"Entries\":[{\"Id\":1,\"State\":\"running\"}]}")]
    [InlineData("{\"Version\":1,\"HostName\":\"node-a\",\"Entries\":[{\"Id\":1,\"Spec\":{\"Path\":\"/bin/true\",\"Args\":[]}}]}")]
    public void Damaged_file_is_moved_aside_and_loads_as_an_empty_table(string content)
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(TablePath, content);

        using var file = NewFile();
        var table = file.Load();

        Assert.Empty(table.All());
        var aside = Assert.Single(Directory.GetFiles(_directory, "process-table.json.corrupt-*"));
        Assert.Equal(content, File.ReadAllText(aside));
        Assert.Contains("\"Entries\":[]", File.ReadAllText(TablePath)); // the damaged file was replaced by an empty table
    }

    [Fact]
    public void Truncated_copy_of_a_real_table_is_moved_aside()
    {
        using (var file = NewFile())
        {
            var table = file.Load();
            table.Put(Entry(1, ProcessState.Running, 4242, "web"));
            table.Put(Entry(2, ProcessState.Running, 4243, "api"));
        }
        var whole = File.ReadAllBytes(TablePath);
        File.WriteAllBytes(TablePath, whole[..(whole.Length / 2)]);

        using var reopened = NewFile();

        Assert.Empty(reopened.Load().All());
        Assert.Single(Directory.GetFiles(_directory, "process-table.json.corrupt-*"));
    }

    [Fact]
    public void Table_loaded_after_damage_is_written_again_and_reloads()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(TablePath, "{{{");
        using (var file = NewFile())
            file.Load().Put(Entry(1, ProcessState.Running, 4242));

        using var reopened = NewFile();

        Assert.Equal([1L], reopened.Load().All().Select(e => e.Id));
    }

    [Fact]
    public void Writes_leave_no_temporary_file_behind()
    {
        using (var file = NewFile())
        {
            var table = file.Load();
            for (var i = 1; i <= 50; i++) table.Put(Entry(i, ProcessState.Running, 1000 + i));
        }

        Assert.Equal([JournalPath, TablePath], Directory.GetFiles(_directory).Order());
        Assert.False(File.Exists(TablePath + ".tmp"));
    }

    [Fact]
    public void Write_now_replaces_the_file_whole()
    {
        using var file = NewFile();
        var table = file.Load();
        table.Put(Entry(1, ProcessState.Running, 4242));
        file.WriteNow();
        table.Put(Entry(1, ProcessState.Exited, 4242));
        file.WriteNow();

        var text = File.ReadAllText(TablePath);

        Assert.Contains("\"exited\"", text);
        Assert.DoesNotContain("\"running\"", text);
        Assert.False(File.Exists(TablePath + ".tmp"));
    }

    [Fact]
    public void Next_id_continues_after_the_highest_restored_id()
    {
        using (var file = NewFile())
        {
            var table = file.Load();
            table.Put(Entry(3, ProcessState.Running, 10));
            table.Put(Entry(41, ProcessState.Exited, 11));
            table.Put(Entry(12, ProcessState.Running, 12));
        }

        using var reopened = NewFile();
        var restored = reopened.Load();

        Assert.Equal(42, restored.NextId());
        Assert.Equal(43, restored.NextId());
    }

    [Fact]
    public void Next_id_of_a_table_built_from_entries_continues_after_the_highest_one()
    {
        var table = new ProcessTable([Entry(5, ProcessState.Running, 10), Entry(2, ProcessState.Exited, 11)]);

        Assert.Equal(6, table.NextId());
    }

    [Fact]
    public void Next_id_of_an_empty_table_starts_at_one()
    {
        Assert.Equal(1, new ProcessTable().NextId());
    }
}
