using BlueZero.Mesh.Hosting;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>Akka's warnings that repeat on every retry (a hub outage) are shown once a minute, not every 2 s.</summary>
public sealed class RepeatedWarningsTests
{
    private const string Remoting = "Akka.Remote.EndpointManager";
    private const string Unreachable = "Tried to associate with unreachable remote address [akka.tcp://bluezero@127.0.0.1:4053]. Address is now gated for 1000 ms";
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly RepeatedWarnings _repeats = new(TimeSpan.FromMinutes(1));

    private bool Shows(string text, double atSeconds, out int heldBack) =>
        _repeats.ShouldShow(Remoting, text, Start.AddSeconds(atSeconds), out heldBack);

    [Fact]
    public void The_first_warning_of_a_kind_is_shown()
    {
        Assert.True(Shows(Unreachable, 0, out var heldBack));
        Assert.Equal(0, heldBack);
    }

    [Fact]
    public void Repeats_within_the_quiet_time_are_held_back()
    {
        Shows(Unreachable, 0, out _);

        Assert.False(Shows(Unreachable, 2, out _));
        Assert.False(Shows(Unreachable, 58, out _));
    }

    [Fact]
    public void After_the_quiet_time_the_next_repeat_is_shown_with_how_many_were_held_back()
    {
        Shows(Unreachable, 0, out _);
        for (var second = 2; second < 60; second += 2) Shows(Unreachable, second, out _);

        Assert.True(Shows(Unreachable, 60, out var heldBack));
        Assert.Equal(29, heldBack);
        Assert.False(Shows(Unreachable, 62, out _));
    }

    [Fact]
    public void Counts_in_brackets_do_not_make_a_new_kind()
    {
        Shows("Couldn't join seed nodes after [2] attempts, will try again.", 0, out _);

        Assert.False(Shows("Couldn't join seed nodes after [3] attempts, will try again.", 2, out _));
    }

    [Fact]
    public void The_same_warning_about_another_peer_is_shown()
    {
        Shows(Unreachable, 0, out _);

        Assert.True(Shows(Unreachable.Replace(":4053", ":4054"), 1, out _));
    }

    [Fact]
    public void The_same_text_from_another_source_is_shown()
    {
        Shows(Unreachable, 0, out _);

        Assert.True(_repeats.ShouldShow("Akka.Cluster.JoinSeedNodeProcess", Unreachable, Start.AddSeconds(1), out _));
    }

    [Fact]
    public void Kinds_of_peers_long_gone_are_forgotten_so_memory_stays_bounded()
    {
        // A warning per peer address, as nodes come and go on ephemeral ports: one new kind a second for an hour.
        for (var second = 0; second < 3600; second++)
            Shows($"Tried to associate with unreachable remote address [akka.tcp://bluezero@127.0.0.1:{20000 + second}/x]", second, out _);

        Assert.InRange(_repeats.KindsRemembered, 1, 256 + 60);
    }
}
