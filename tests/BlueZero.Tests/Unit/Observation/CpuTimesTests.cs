using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>Host cpu usage between two /proc/stat readings.</summary>
public sealed class CpuTimesTests
{
    [Fact]
    public void Usage_is_the_busy_share_of_the_time_between_readings()
    {
        var earlier = new CpuTimes(Busy: 1_000, Total: 4_000);
        var later = new CpuTimes(Busy: 1_050, Total: 4_200);

        Assert.Equal(25, later.UsagePercentSince(earlier), precision: 6);
    }

    [Fact]
    public void Usage_since_zero_is_the_average_since_boot()
    {
        Assert.Equal(50, new CpuTimes(Busy: 500, Total: 1_000).UsagePercentSince(default), precision: 6);
    }

    [Theory]
    [InlineData(1_000, 4_000, 1_000, 4_000)] // no time passed
    [InlineData(1_000, 4_000, 900, 4_100)]   // busy went back (a core came back online with fresh counters)
    [InlineData(1_000, 4_000, 1_100, 3_900)] // total went back
    public void Usage_is_zero_when_the_counters_do_not_move_forward(ulong busy0, ulong total0, ulong busy1, ulong total1)
    {
        Assert.Equal(0, new CpuTimes(busy1, total1).UsagePercentSince(new CpuTimes(busy0, total0)));
    }

    [Fact]
    public void Usage_never_exceeds_one_hundred_percent()
    {
        // iowait can go down on an idle core, so busy may grow faster than total.
        Assert.Equal(100, new CpuTimes(Busy: 1_200, Total: 4_100).UsagePercentSince(new CpuTimes(1_000, 4_000)));
    }
}
