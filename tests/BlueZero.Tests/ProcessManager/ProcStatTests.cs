using BlueZero.ProcessManager.Launching;
using Xunit;

namespace BlueZero.Tests.ProcessManager;

/// <summary>Parsing /proc/&lt;pid&gt;/stat, whose command name may hold spaces and parentheses.</summary>
public sealed class ProcStatTests
{
    // Fields 1-52 of proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags ... starttime (22) ...
    private const string StatLine =
        "1234 (a b) c)) S 1 1234 1234 0 -1 4194560 1234 0 0 0 5 3 0 0 20 0 1 0 987654 9437184 420 " +
        "18446744073709551615 94000000000000 94000000100000 140720000000000 0 0 0 0 0 1 0 0 17 1 0 0 0 0 0 " +
        "94000000200000 94000000210000 94000001000000 140720000001000 140720000001020 140720000001020 " +
        "140720000004000 0\n";

    [Fact]
    public void Parse_reads_the_fields_after_a_command_name_with_spaces_and_parentheses()
    {
        Assert.Equal(new ProcStat(1234, ParentPid: 1, ProcessGroup: 1234, State: 'S', StartTimeTicks: 987654), ProcStat.Parse(StatLine));
    }

    [Fact]
    public void Read_parses_the_stat_of_a_live_process()
    {
        var stat = ProcStat.Read(Environment.ProcessId);

        Assert.NotNull(stat);
        Assert.Equal(Environment.ProcessId, stat.Pid);
        Assert.NotEqual('Z', stat.State);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("1234 (unterminated S 1 1234 1234")]
    [InlineData("abc (sleep) S 1 1234 1234 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 987654 0")]
    [InlineData("(sleep) S 1 1234 1234 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 987654 0")]
    [InlineData("1234 (sleep) S 1 1234")]
    [InlineData("1234 (sleep)")]
    [InlineData("1234 (sleep) S x 1234 1234 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 987654 0")]
    [InlineData("1234 (sleep) S 1 1234 1234 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 -5 0")]
    public void Parse_returns_null_for_a_line_that_is_not_a_stat_line(string line)
    {
        Assert.Null(ProcStat.Parse(line));
    }
}
