using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Observation;

/// <summary>One scan's totals per root pid; two snapshots give cpu usage over the time between them.</summary>
/// <param name="UptimeS">Seconds since boot when the scan began: the clock that process start times use too.</param>
/// <param name="Trees">Totals per root pid; a root with no live member is absent.</param>
public sealed record TreeUsageSnapshot(double UptimeS, IReadOnlyDictionary<int, TreeUsage> Trees)
{
    /// <summary>
    /// The root's figures, cpu usage over the time since <paramref name="previous"/>. Without an earlier figure for
    /// the same tree (first sample, or the pid now names a process started later) it is the average since the tree started.
    /// Null when the root has no live member.
    /// </summary>
    public ResourceUsage? UsageOf(int rootPid, TreeUsageSnapshot? previous)
    {
        if (!Trees.TryGetValue(rootPid, out var now)) return null;
        var ageS = Math.Max(0, UptimeS - now.StartTimeTicks / CpuPercent.ClockTicksPerSecond);
        var cpu = previous?.Trees.GetValueOrDefault(rootPid) is { } before && before.StartTimeTicks == now.StartTimeTicks
            ? CpuPercent.Between(before.CpuTicks, previous.UptimeS, now.CpuTicks, UptimeS)
            : CpuPercent.Between(0, UptimeS - ageS, now.CpuTicks, UptimeS);
        // Tick granularity over a young tree's fraction of a second can overshoot what the machine has.
        var cpuPercent = Math.Min(cpu, 100.0 * Environment.ProcessorCount);
        return new ResourceUsage(cpuPercent, now.RssBytes, now.Threads, now.Processes, ageS);
    }
}
