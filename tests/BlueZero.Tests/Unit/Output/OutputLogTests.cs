using System.Text;
using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Output;
using Xunit;
using BlueZero.Tests.Support;
using BlueZero.Mesh.Configuration;

namespace BlueZero.Tests.Unit.Output;

public sealed class OutputLogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("b0-output-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static void Write(OutputLog log, string stream, string text) => log.Append(stream, Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Both_streams_share_one_sequence_and_each_stream_reads_back_in_order()
    {
        var log = new OutputLog(ShippedSettings.Output, null);
        Write(log, OutputStreams.Stdout, "o1");
        Write(log, OutputStreams.Stderr, "e1");
        Write(log, OutputStreams.Stdout, "o2");

        var both = log.Read(OutputStreams.Both, null, null);
        Assert.Equal([(1L, "stdout", "o1"), (2L, "stderr", "e1"), (3L, "stdout", "o2")], both.Lines.Select(l => (l.Seq, l.Stream, l.Text)));
        Assert.Equal(3, both.NextSeq);
        Assert.Equal(["o1", "o2"], log.Read(OutputStreams.Stdout, null, null).Lines.Select(l => l.Text));
        Assert.Equal(["e1"], log.Read(OutputStreams.Stderr, null, null).Lines.Select(l => l.Text));
    }

    [Fact]
    public void Paging_with_since_seq_has_no_gaps_and_no_duplicates()
    {
        var log = new OutputLog(ShippedSettings.Output, null);
        var text = new string('x', 300);
        for (var i = 0; i < 1000; i++) Write(log, i % 3 == 0 ? OutputStreams.Stderr : OutputStreams.Stdout, $"{i:D4} {text}");

        var seen = new List<long>();
        long? since = null;
        var pages = 0;
        while (pages++ < 10)
        {
            var page = log.Read(OutputStreams.Both, since, null);
            if (page.Lines.Count == 0) break;
            Assert.True(page.Lines.Sum(l => l.Text.Length) <= OutputSettings.MaxReplyBytes);
            seen.AddRange(page.Lines.Select(l => l.Seq));
            since = page.NextSeq;
        }
        Assert.True(pages > 2, "300 KB of lines must take more than one page");
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), seen);
    }

    [Fact]
    public void Tail_keeps_the_last_lines_and_next_seq_points_past_them()
    {
        var log = new OutputLog(ShippedSettings.Output, null);
        for (var i = 1; i <= 20; i++) Write(log, OutputStreams.Stdout, $"line {i}");
        var last = log.Read(OutputStreams.Stdout, null, 3);
        Assert.Equal(["line 18", "line 19", "line 20"], last.Lines.Select(l => l.Text));
        Assert.Equal(20, last.NextSeq);
        Assert.Empty(log.Read(OutputStreams.Both, last.NextSeq, null).Lines);
    }

    [Fact]
    public void Next_seq_of_one_stream_is_the_newest_seq_of_either_stream_so_paging_on_skips_nothing()
    {
        var log = new OutputLog(ShippedSettings.Output, null);
        for (var i = 1; i <= 20; i++) Write(log, OutputStreams.Stdout, $"o{i}");
        Write(log, OutputStreams.Stderr, "e21");

        var stdout = log.Read(OutputStreams.Stdout, null, null);
        Assert.Equal(20, stdout.Lines[^1].Seq);
        Assert.Equal(21, stdout.NextSeq);
        Write(log, OutputStreams.Stdout, "o22");
        Assert.Equal(["o22"], log.Read(OutputStreams.Stdout, stdout.NextSeq, null).Lines.Select(l => l.Text));
    }

    [Fact]
    public void Since_seq_beyond_the_newest_line_answers_the_newest_seq_not_the_one_asked_for()
    {
        var log = new OutputLog(ShippedSettings.Output, null);
        for (var i = 1; i <= 5; i++) Write(log, OutputStreams.Stdout, $"o{i}");

        var beyond = log.Read(OutputStreams.Both, 100, null);
        Assert.Empty(beyond.Lines);
        Assert.Equal(5, beyond.NextSeq);
        Write(log, OutputStreams.Stdout, "o6");
        Assert.Equal(["o6"], log.Read(OutputStreams.Both, beyond.NextSeq, null).Lines.Select(l => l.Text));
    }

    [Fact]
    public void A_page_cut_short_ends_next_seq_at_its_last_line()
    {
        var log = new OutputLog(ShippedSettings.Output with { BufferLines = OutputSettings.MaxReplyLines + 10 }, null);
        for (var i = 0; i < OutputSettings.MaxReplyLines + 10; i++) Write(log, OutputStreams.Stdout, "x");
        var page = log.Read(OutputStreams.Stdout, null, null);
        Assert.Equal(OutputSettings.MaxReplyLines, page.Lines.Count);
        Assert.Equal(page.Lines[^1].Seq, page.NextSeq);
    }

    [Fact]
    public void A_run_after_the_first_opens_with_a_marker_line_in_either_stream_and_once_in_both()
    {
        var log = new OutputLog(ShippedSettings.Output, null);
        log.Opened(pid: 100, run: 1);
        Write(log, OutputStreams.Stdout, "first");
        log.Opened(pid: 101, run: 2);
        Write(log, OutputStreams.Stderr, "second");

        var marker = (2L, OutputStreams.Node, "[bluezero] run 2 started: pid 101");
        Assert.Equal([(1L, "stdout", "first"), marker, (3L, "stderr", "second")],
            log.Read(OutputStreams.Both, null, null).Lines.Select(l => (l.Seq, l.Stream, l.Text)));
        Assert.Equal([marker], log.Read(OutputStreams.Stdout, 1, null).Lines.Select(l => (l.Seq, l.Stream, l.Text)));
        Assert.Equal([marker, (3L, "stderr", "second")], log.Read(OutputStreams.Stderr, null, null).Lines.Select(l => (l.Seq, l.Stream, l.Text)));
    }

    [Fact]
    public void The_run_marker_is_written_to_both_output_files()
    {
        var directory = Path.Combine(_directory, "8");
        var log = new OutputLog(ShippedSettings.Output, directory);
        log.Opened(pid: 101, run: 2);
        log.Flush();
        Assert.EndsWith(" [bluezero] run 2 started: pid 101\n", File.ReadAllText(Path.Combine(directory, "stdout.log")));
        Assert.EndsWith(" [bluezero] run 2 started: pid 101\n", File.ReadAllText(Path.Combine(directory, "stderr.log")));
        log.Delete();
    }

    [Fact]
    public void Lines_beyond_the_ring_are_counted_as_dropped_per_stream()
    {
        var log = new OutputLog(ShippedSettings.Output with { BufferLines = 5 }, null);
        for (var i = 1; i <= 12; i++) Write(log, OutputStreams.Stdout, $"o{i}");
        Write(log, OutputStreams.Stderr, "e1");

        var stdout = log.Read(OutputStreams.Stdout, null, null);
        Assert.Equal(["o8", "o9", "o10", "o11", "o12"], stdout.Lines.Select(l => l.Text));
        Assert.Equal(7, stdout.Dropped);
        Assert.Equal(0, log.Read(OutputStreams.Stderr, null, null).Dropped);
        Assert.Equal(7, log.Read(OutputStreams.Both, null, null).Dropped);
    }

    [Fact]
    public void The_ring_is_bounded_in_bytes_too()
    {
        var log = new OutputLog(ShippedSettings.Output with { BufferBytes = 1000 }, null);
        for (var i = 0; i < 50; i++) Write(log, OutputStreams.Stdout, new string('y', 100));
        var read = log.Read(OutputStreams.Stdout, null, null);
        Assert.Equal(10, read.Lines.Count);
        Assert.Equal(40, read.Dropped);
    }

    [Fact]
    public async Task A_waiting_follower_wakes_on_the_next_line()
    {
        var log = new OutputLog(ShippedSettings.Output, null);
        var waiting = log.WaitForLines(0, TimeSpan.FromSeconds(30), () => false);
        Assert.Equal(1, log.Waiters);
        Write(log, OutputStreams.Stdout, "hello");
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, log.Waiters);
    }

    [Fact]
    public async Task A_follower_that_gives_up_leaves_no_waiter_behind()
    {
        var log = new OutputLog(ShippedSettings.Output, null);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => log.WaitForLines(0, TimeSpan.FromMilliseconds(50), () => false)));
        Assert.Equal(0, log.Waiters);
    }

    [Fact]
    public async Task A_follower_of_an_entry_that_is_over_does_not_wait()
    {
        var log = new OutputLog(ShippedSettings.Output, null);
        var waited = log.WaitForLines(0, TimeSpan.FromSeconds(30), () => true);
        await waited.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, log.Waiters);
    }

    [Fact]
    public void Lines_go_to_timestamped_files_per_stream_and_delete_removes_them()
    {
        var directory = Path.Combine(_directory, "7");
        var log = new OutputLog(ShippedSettings.Output, directory);
        log.Opened(pid: 1, run: 1);
        Write(log, OutputStreams.Stdout, "to stdout");
        Write(log, OutputStreams.Stderr, "to stderr");
        log.Flush();

        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z to stdout\n$", File.ReadAllText(Path.Combine(directory, "stdout.log")));
        Assert.EndsWith(" to stderr\n", File.ReadAllText(Path.Combine(directory, "stderr.log")));
        log.Closed(OutputStreams.Stdout);
        log.Closed(OutputStreams.Stderr);
        Assert.False(log.Open);
        log.Delete();
        Assert.False(Directory.Exists(directory));
    }
}
