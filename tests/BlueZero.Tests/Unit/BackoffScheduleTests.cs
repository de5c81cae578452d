using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Supervision;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>The delay before restart n: initial * multiplier^n, capped at the maximum, varied by +/- jitter.</summary>
public sealed class BackoffScheduleTests
{
    /// <summary>The midpoint of [0, 1): a jitter factor of exactly 1.</summary>
    private const double NoJitterDraw = 0.5;

    private static readonly BackoffSettings Exact = new(InitialMs: 200, MaxMs: 5_000, Multiplier: 2, Jitter: 0);

    [Fact]
    public void First_restart_waits_the_initial_delay()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(200), BackoffSchedule.Delay(Exact, 0, NoJitterDraw));
    }

    [Theory]
    [InlineData(1, 400)]
    [InlineData(2, 800)]
    [InlineData(3, 1_600)]
    [InlineData(4, 3_200)]
    public void Each_further_restart_grows_by_the_multiplier(int restarts, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), BackoffSchedule.Delay(Exact, restarts, NoJitterDraw));
    }

    [Fact]
    public void Fractional_multiplier_grows_the_delay_by_that_factor()
    {
        var settings = new BackoffSettings(InitialMs: 1_000, MaxMs: 60_000, Multiplier: 1.5, Jitter: 0);

        Assert.Equal(TimeSpan.FromMilliseconds(2_250), BackoffSchedule.Delay(settings, 2, NoJitterDraw));
    }

    [Fact]
    public void Multiplier_of_one_keeps_the_delay_constant()
    {
        var settings = new BackoffSettings(InitialMs: 300, MaxMs: 60_000, Multiplier: 1, Jitter: 0);

        Assert.All(Enumerable.Range(0, 10), n => Assert.Equal(TimeSpan.FromMilliseconds(300), BackoffSchedule.Delay(settings, n, NoJitterDraw)));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(30)]
    [InlineData(1_000)]
    [InlineData(int.MaxValue)]
    public void Delay_is_capped_at_the_maximum(int restarts)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(5_000), BackoffSchedule.Delay(Exact, restarts, NoJitterDraw));
    }

    [Fact]
    public void Delay_never_decreases_as_restarts_grow()
    {
        var delays = Enumerable.Range(0, 40).Select(n => BackoffSchedule.Delay(BackoffSettings.Default, n, NoJitterDraw)).ToList();

        Assert.Equal(delays.Order(), delays);
        Assert.Equal(TimeSpan.FromMilliseconds(BackoffSettings.Default.MaxMs), delays[^1]);
    }

    [Fact]
    public void Negative_restart_count_is_treated_as_the_first_restart()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(200), BackoffSchedule.Delay(Exact, -3, NoJitterDraw));
    }

    [Fact]
    public void Jitter_with_a_draw_of_zero_shortens_the_delay_by_the_jitter_fraction()
    {
        var settings = Exact with { Jitter = 0.1 };

        Assert.Equal(TimeSpan.FromMilliseconds(180), BackoffSchedule.Delay(settings, 0, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(720), BackoffSchedule.Delay(settings, 2, 0));
    }

    [Fact]
    public void Jitter_with_a_draw_near_one_lengthens_the_delay_by_almost_the_jitter_fraction()
    {
        var settings = Exact with { Jitter = 0.1 };
        var almostOne = Math.BitDecrement(1.0);

        var delay = BackoffSchedule.Delay(settings, 0, almostOne);

        Assert.InRange(delay.TotalMilliseconds, 219.999, 220);
    }

    [Fact]
    public void Jitter_applies_to_the_capped_delay()
    {
        var settings = Exact with { Jitter = 0.2 };

        Assert.Equal(TimeSpan.FromMilliseconds(4_000), BackoffSchedule.Delay(settings, 100, 0));
        Assert.InRange(BackoffSchedule.Delay(settings, 100, Math.BitDecrement(1.0)).TotalMilliseconds, 5_999.99, 6_000);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.75)]
    [InlineData(0.999999)]
    public void Every_draw_stays_within_plus_or_minus_jitter(double draw)
    {
        var settings = new BackoffSettings(InitialMs: 1_000, MaxMs: 30_000, Multiplier: 2, Jitter: 0.25);

        for (var n = 0; n < 8; n++)
        {
            var nominal = Math.Min(1_000 * Math.Pow(2, n), 30_000);
            Assert.InRange(BackoffSchedule.Delay(settings, n, draw).TotalMilliseconds, nominal * 0.75, nominal * 1.25);
        }
    }

    [Fact]
    public void Full_jitter_with_a_draw_of_zero_may_shorten_the_delay_to_zero_but_never_below()
    {
        var settings = Exact with { Jitter = 1 };

        Assert.Equal(TimeSpan.Zero, BackoffSchedule.Delay(settings, 0, 0));
        Assert.InRange(BackoffSchedule.Delay(settings, 0, 0.75).TotalMilliseconds, 299.999, 300.001);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(0.999999)]
    public void Jitter_zero_gives_the_exact_delay_whatever_the_draw(double draw)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(800), BackoffSchedule.Delay(Exact, 2, draw));
    }

    [Fact]
    public void Default_settings_start_at_half_a_second_and_stop_growing_at_thirty_seconds()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(500), BackoffSchedule.Delay(BackoffSettings.Default, 0, NoJitterDraw));
        Assert.Equal(TimeSpan.FromMilliseconds(1_000), BackoffSchedule.Delay(BackoffSettings.Default, 1, NoJitterDraw));
        Assert.Equal(TimeSpan.FromSeconds(30), BackoffSchedule.Delay(BackoffSettings.Default, 20, NoJitterDraw));
    }
}
