using BlueZero.ProcessManager.Launching;
using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>The resource figures of /proc/&lt;pid&gt;/stat, next to the identity fields the launcher uses.</summary>
public sealed class ProcessReadingTests
{
    [Fact]
    public void Captured_line_gives_cpu_ticks_threads_and_rss()
    {
        var reading = ProcessReading.Parse(SampleFiles.Read("proc-pid-stat.txt"));

        Assert.NotNull(reading);
        Assert.Equal(new ProcStat(25076, ParentPid: 25073, ProcessGroup: 25073, State: 'R', StartTimeTicks: 929428), reading.Stat);
        Assert.Equal((51UL, 4UL, 6UL), (reading.UserTicks, reading.SystemTicks, reading.ReapedChildrenTicks));
        Assert.Equal((4, 15576L), (reading.Threads, reading.RssPages));
    }

    [Fact]
    public void Command_name_with_spaces_and_parentheses_does_not_shift_the_fields()
    {
        const string line = "4242 (my (odd) prog) S) Z 1 4242 4242 0 -1 4194560 0 0 0 0 70 30 5 5 20 0 3 0 5000 0 12 0 0 0\n";

        var reading = ProcessReading.Parse(line);

        Assert.NotNull(reading);
        Assert.Equal((4242, 'Z', 5000UL), (reading.Stat.Pid, reading.Stat.State, reading.Stat.StartTimeTicks));
        Assert.Equal((100UL, 10UL, 3, 12L), (reading.OwnCpuTicks, reading.ReapedChildrenTicks, reading.Threads, reading.RssPages));
        Assert.True(reading.IsZombie);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234 (sleep) S 1 1234 1234 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 987654")] // ends before rss
    [InlineData("1234 (sleep) S 1 1234 1234 0 -1 4194560 0 0 0 0 x 0 0 0 20 0 1 0 987654 0 12")]
    public void Line_without_the_resource_fields_is_not_a_reading(string line)
    {
        Assert.Null(ProcessReading.Parse(line));
    }

    [Fact]
    public void This_process_reads_with_threads_and_resident_memory()
    {
        var self = ProcessReading.Read(Environment.ProcessId);

        Assert.NotNull(self);
        Assert.True(self.Threads > 1 && self.RssPages > 0);
    }
}
