using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Observation;

/// <summary>
/// Host cpu usage over the interval since the previous call (the first call covers the time since boot).
/// Keeps the previous /proc/stat reading, under a lock because two askers (the stats timer, a host-info query) may call at once.
/// </summary>
public sealed class CpuUsageSampler
{
    private readonly object _gate = new();
    private readonly string _model;
    private readonly int _cores;
    private readonly Func<string?> _readKernelStat;
    private CpuTimesReading _previous = CpuTimesReading.SinceBoot;

    /// <param name="cores">Reported as is; <see cref="ForThisHost"/> passes the cores this process may use.</param>
    /// <param name="readKernelStat">Returns the text of /proc/stat, or null when it cannot be read.</param>
    public CpuUsageSampler(string model, int cores, Func<string?> readKernelStat)
    {
        _model = model;
        _cores = cores;
        _readKernelStat = readKernelStat;
    }

    /// <summary>
    /// Cores is <see cref="Environment.ProcessorCount"/> (what the runtime sizes its thread pool by: affinity and cpu
    /// quota applied); the per-core list has one entry per online cpu in /proc/stat, which may be more.
    /// </summary>
    public static CpuUsageSampler ForThisHost() =>
        new(CpuInfoFile.ReadModel(), Environment.ProcessorCount, () => SystemFiles.ReadText(KernelStatFile.Path));

    public CpuFacts Sample()
    {
        lock (_gate)
        {
            if (_readKernelStat() is not { } text) return new CpuFacts(_model, _cores, 0, []);
            var now = KernelStatFile.Parse(text);
            var before = _previous;
            _previous = now;
            var perCore = now.PerCore
                .Select((core, i) => core.UsagePercentSince(i < before.PerCore.Count ? before.PerCore[i] : default))
                .ToList();
            return new CpuFacts(_model, _cores, now.All.UsagePercentSince(before.All), perCore);
        }
    }
}
