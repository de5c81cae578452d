using System.Globalization;
using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Observation;

/// <summary>Parses /proc/meminfo ("MemTotal:       24684084 kB") into total and available memory.</summary>
public static class MemInfoFile
{
    public const string Path = "/proc/meminfo";

    public static MemoryFacts Read() => Parse(SystemFiles.ReadText(Path) ?? "");

    public static MemoryFacts Parse(string text)
    {
        var kib = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var value = line[(colon + 1)..].Trim();
            if (value.EndsWith("kB", StringComparison.Ordinal)) value = value[..^2].TrimEnd();
            if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) kib[line[..colon]] = number;
        }
        var total = kib.GetValueOrDefault("MemTotal") * 1024;
        // MemAvailable exists since Linux 3.14; before it, free memory is the nearest honest figure.
        var available = (kib.TryGetValue("MemAvailable", out var avail) ? avail : kib.GetValueOrDefault("MemFree")) * 1024;
        var percentUsed = total > 0 ? Math.Clamp(100.0 * (total - available) / total, 0, 100) : 0;
        return new MemoryFacts(total, available, percentUsed);
    }
}
