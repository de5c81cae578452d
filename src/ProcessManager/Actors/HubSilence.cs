namespace BlueZero.ProcessManager.Actors;

/// <summary>
/// How long an unreachable hub has gone unanswered, counted in time this node itself was running. The registrar's
/// retry timer calls <see cref="Tick"/> every second; each tick adds the time since the previous one, but never more
/// than the cap. A node that was frozen, or starved of CPU on an overloaded machine, wakes to find its timer late: that
/// gap is its own absence, not the hub's silence. Fifty nodes started at once on two cores stalled for up to 17 s;
/// each then found its hub "silent" for longer than it waits, left, and its rejoin added to the load that stalled
/// the others (bench/PROFILE.md, eighth pass). When the ticks come on time this is plain elapsed time.
/// </summary>
/// <param name="maxCreditPerTick">The most one tick may add: a little more than the timer's interval.</param>
public sealed class HubSilence(TimeSpan maxCreditPerTick)
{
    /// <summary>Up to when the silence has been counted; null while the hub is reachable.</summary>
    private TimeSpan? _countedUntil;

    /// <summary>When the silence began, for telling it apart from time by the clock.</summary>
    private TimeSpan _began;

    /// <summary>The silence counted so far; zero while the hub is reachable.</summary>
    public TimeSpan Counted { get; private set; }

    /// <summary>The hub became unreachable, or answered while unreachable: the silence starts again from nothing.</summary>
    public void Restart(TimeSpan now) => (_countedUntil, _began, Counted) = (now, now, TimeSpan.Zero);

    /// <summary>The hub is reachable again: there is nothing to count.</summary>
    public void Stop() => (_countedUntil, Counted) = (null, TimeSpan.Zero);

    /// <summary>How long the silence has lasted by the clock (for the log); zero while the hub is reachable.</summary>
    public TimeSpan ByClock(TimeSpan now) => _countedUntil is null ? TimeSpan.Zero : now - _began;

    /// <summary>A tick of the retry timer, at <paramref name="now"/> on a monotonic clock.</summary>
    public void Tick(TimeSpan now)
    {
        if (_countedUntil is not { } from || now <= from) return;
        Counted += TimeSpan.FromTicks(Math.Min((now - from).Ticks, maxCreditPerTick.Ticks));
        _countedUntil = now;
    }
}
