using BlueZero.ProcessManager.Actors;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>
/// A node leaves its cluster when its unreachable hub has been silent for node-leaves-after, counted in the node's own
/// running time (docs/ARCHITECTURE.md, "Downing, and why"): a node that was frozen or starved does not blame the hub.
/// </summary>
public sealed class HubSilenceTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(1.5);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Ticks_on_time_count_the_time_by_the_clock()
    {
        var silence = new HubSilence(Cap);
        silence.Restart(S(100.4));
        foreach (var at in new[] { 101.0, 102.0, 103.1, 104.0 }) silence.Tick(S(at));

        Assert.Equal(S(3.6), silence.Counted);
    }

    [Fact]
    public void A_tick_that_comes_late_after_a_stall_adds_no_more_than_the_cap()
    {
        var silence = new HubSilence(Cap);
        silence.Restart(S(100));
        silence.Tick(S(101));
        silence.Tick(S(118)); // the node itself was frozen for 17 s
        silence.Tick(S(118.01)); // the ticks that piled up meanwhile come at once

        Assert.Equal(TimeSpan.FromMilliseconds(1000 + 1500 + 10), silence.Counted);
        Assert.Equal(TimeSpan.FromMilliseconds(18010), silence.ByClock(S(118.01)));
    }

    [Fact]
    public void An_answer_starts_the_count_again_and_reachability_stops_it()
    {
        var silence = new HubSilence(Cap);
        silence.Restart(S(10));
        silence.Tick(S(11));
        silence.Tick(S(12));
        silence.Restart(S(12.5)); // the unreachable hub answered
        silence.Tick(S(13));

        Assert.Equal(S(0.5), silence.Counted);

        silence.Stop();
        silence.Tick(S(14));
        silence.Tick(S(15));

        Assert.Equal(TimeSpan.Zero, silence.Counted);
    }

    [Fact]
    public void Nothing_is_counted_before_the_hub_is_first_unreachable_or_for_a_clock_that_did_not_move()
    {
        var silence = new HubSilence(Cap);
        silence.Tick(S(5));
        Assert.Equal(TimeSpan.Zero, silence.Counted);

        silence.Restart(S(6));
        silence.Tick(S(6));
        silence.Tick(S(5.9));
        Assert.Equal(TimeSpan.Zero, silence.Counted);
    }
}
