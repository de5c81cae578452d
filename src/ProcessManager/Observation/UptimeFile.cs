using System.Globalization;

namespace BlueZero.ProcessManager.Observation;

/// <summary>Parses /proc/uptime ("8988.33 9113.32"): seconds since boot, then idle seconds summed over cores.</summary>
public static class UptimeFile
{
    public const string Path = "/proc/uptime";

    public static double ReadSeconds() => ParseSeconds(SystemFiles.ReadText(Path) ?? "");

    public static double ParseSeconds(string text)
    {
        var first = text.Split(' ', 2)[0].Trim();
        return double.TryParse(first, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;
    }
}
