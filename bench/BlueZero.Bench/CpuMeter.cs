using System.Diagnostics;

namespace BlueZero.Bench;

/// <summary>
/// CPU time of some processes over an interval, from /proc/PID/stat before and after, as percent of one core over
/// the interval's wall time (200 % = two cores busy).
/// </summary>
internal sealed class CpuMeter
{
    /// <summary>One process's share; null when it was gone before the end.</summary>
    public sealed record Share(string Label, double? PercentOfCore);

    private readonly IReadOnlyList<(string Label, int Pid, long? Ticks)> _start;
    private readonly long _t0;

    private CpuMeter(IReadOnlyList<(string, int, long?)> start)
    {
        _start = start;
        _t0 = Stopwatch.GetTimestamp();
    }

    public static CpuMeter Start(IEnumerable<(string Label, int Pid)> processes) =>
        new(processes.Select(p => (p.Label, p.Pid, ProcessResources.CpuTicks(p.Pid))).ToList());

    public IReadOnlyList<Share> Stop()
    {
        var wallSeconds = Stopwatch.GetElapsedTime(_t0).TotalSeconds;
        return _start.Select(p => new Share(p.Label, ProcessResources.CpuTicks(p.Pid) is { } end && p.Ticks is { } begin
            ? (end - begin) * 100.0 / BlueZero.ProcessManager.Observation.CpuPercent.ClockTicksPerSecond / wallSeconds
            : null)).ToList();
    }
}
