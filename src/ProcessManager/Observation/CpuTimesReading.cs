namespace BlueZero.ProcessManager.Observation;

/// <summary>The host's cpu counters at one moment: the aggregate "cpu" line and one per online core, in file order.</summary>
public sealed record CpuTimesReading(CpuTimes All, IReadOnlyList<CpuTimes> PerCore)
{
    /// <summary>All counters at zero: the baseline that makes a first usage figure cover the time since boot.</summary>
    public static readonly CpuTimesReading SinceBoot = new(default, []);
}
