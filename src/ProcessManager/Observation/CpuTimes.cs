namespace BlueZero.ProcessManager.Observation;

/// <summary>One cpu line of /proc/stat reduced to jiffies spent busy and jiffies in all.</summary>
public readonly record struct CpuTimes(ulong Busy, ulong Total)
{
    /// <summary>Percent busy between <paramref name="earlier"/> and this reading; 0 when no time passed or a counter went back.</summary>
    public double UsagePercentSince(CpuTimes earlier)
    {
        if (Total <= earlier.Total || Busy < earlier.Busy) return 0;
        var percent = 100.0 * (Busy - earlier.Busy) / (Total - earlier.Total);
        return Math.Clamp(percent, 0, 100);
    }
}
