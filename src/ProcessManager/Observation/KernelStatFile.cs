using System.Globalization;

namespace BlueZero.ProcessManager.Observation;

/// <summary>Parses the cpu lines of /proc/stat ("cpu  user nice system idle iowait irq softirq steal guest guest_nice").</summary>
public static class KernelStatFile
{
    public const string Path = "/proc/stat";

    // Columns after the label. guest and guest_nice (8, 9) are already inside user and nice, so they are left out.
    private const int Idle = 3, IoWait = 4, CountedColumns = 8;

    public static CpuTimesReading Parse(string text)
    {
        CpuTimes all = default;
        var perCore = new List<CpuTimes>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith("cpu", StringComparison.Ordinal)) continue;
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns[0] == "cpu") all = TimesOf(columns);
            else perCore.Add(TimesOf(columns));
        }
        return new CpuTimesReading(all, perCore);
    }

    private static CpuTimes TimesOf(string[] columns)
    {
        ulong busy = 0, idle = 0;
        // Older kernels have fewer columns; a missing one counts as 0.
        for (var i = 0; i < CountedColumns && i + 1 < columns.Length; i++)
        {
            if (!ulong.TryParse(columns[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var jiffies)) continue;
            if (i is Idle or IoWait) idle += jiffies;
            else busy += jiffies;
        }
        return new CpuTimes(busy, busy + idle);
    }
}
