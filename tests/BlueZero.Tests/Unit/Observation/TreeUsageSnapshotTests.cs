using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>A tree's resource usage from two snapshots, or from one when it is new.</summary>
public sealed class TreeUsageSnapshotTests
{
    private const int Root = 200;
    private static readonly double Hz = CpuPercent.ClockTicksPerSecond;

    private static TreeUsageSnapshot Snapshot(double uptimeS, ulong cpuTicks, ulong startTicks) =>
        new(uptimeS, new Dictionary<int, TreeUsage> { [Root] = new(Root, cpuTicks, 1_000_000, 3, 2, startTicks) });

    [Fact]
    public void Usage_covers_the_interval_since_the_previous_snapshot()
    {
        var start = (ulong)(10 * Hz);
        var earlier = Snapshot(uptimeS: 100, cpuTicks: 0, start);
        var later = Snapshot(uptimeS: 105, cpuTicks: (ulong)(2.5 * Hz), start);

        var usage = later.UsageOf(Root, earlier);

        Assert.NotNull(usage);
        Assert.Equal(50, usage.CpuPercent, precision: 6);
        Assert.Equal((1_000_000L, 3, 2, 95.0), (usage.RssBytes, usage.Threads, usage.Processes, usage.UptimeS));
    }

    [Fact]
    public void First_snapshot_gives_the_average_since_the_tree_started()
    {
        var usage = Snapshot(uptimeS: 110, cpuTicks: (ulong)(2.5 * Hz), startTicks: (ulong)(100 * Hz)).UsageOf(Root, previous: null);

        Assert.NotNull(usage);
        Assert.Equal(25, usage.CpuPercent, precision: 6);
    }

    [Fact]
    public void A_reused_pid_is_measured_from_its_own_start()
    {
        var earlier = Snapshot(uptimeS: 100, cpuTicks: 10_000, startTicks: (ulong)(10 * Hz));
        var later = Snapshot(uptimeS: 110, cpuTicks: (ulong)(5 * Hz), startTicks: (ulong)(100 * Hz));

        Assert.Equal(50, later.UsageOf(Root, earlier)!.CpuPercent, precision: 6);
    }

    [Fact]
    public void A_root_missing_from_the_snapshot_has_no_usage()
    {
        Assert.Null(Snapshot(100, 0, 0).UsageOf(Root + 1, previous: null));
    }
}
