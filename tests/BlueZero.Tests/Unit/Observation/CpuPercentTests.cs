using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>Cpu percent of one core from two (ticks, time) readings.</summary>
public sealed class CpuPercentTests
{
    private const double Hz = 100;

    [Theory]
    [InlineData(0UL, 0.0, 100UL, 1.0, 100.0)]   // one core for one second
    [InlineData(1_000UL, 10.0, 1_050UL, 12.0, 25.0)]
    [InlineData(0UL, 0.0, 400UL, 2.0, 200.0)]   // two cores
    [InlineData(500UL, 3.0, 500UL, 8.0, 0.0)]   // idle
    public void Percent_is_ticks_per_second_over_the_clock_rate(ulong ticks0, double at0, ulong ticks1, double at1, double percent)
    {
        Assert.Equal(percent, CpuPercent.Between(ticks0, at0, ticks1, at1, Hz), precision: 6);
    }

    [Fact]
    public void Ticks_that_went_down_mean_a_reused_pid_and_give_zero()
    {
        Assert.Equal(0, CpuPercent.Between(5_000, 1.0, 20, 6.0, Hz));
    }

    [Theory]
    [InlineData(5.0, 5.0)]
    [InlineData(6.0, 5.0)]
    public void No_time_between_readings_gives_zero(double at0, double at1)
    {
        Assert.Equal(0, CpuPercent.Between(0, at0, 100, at1, Hz));
    }

    [Fact]
    public void Clock_rate_comes_from_sysconf_and_is_USER_HZ()
    {
        Assert.Equal(100, CpuPercent.ClockTicksPerSecond);
    }
}
