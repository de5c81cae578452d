using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace BlueZero.Bench;

/// <summary>What the figures were measured on, read from /proc and the runtime.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, bool Virtualized, string Memory, string Kernel, string Os,
    string Dotnet, string Configuration, string LoadAtStart)
{
    public static MachineInfo Read()
    {
        var cpuInfo = ReadOrEmpty("/proc/cpuinfo").Split('\n');
        var cpu = FieldValue(cpuInfo, "model name") ?? FieldValue(cpuInfo, "Hardware") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var virtualized = FieldValue(cpuInfo, "flags")?.Split(' ').Contains("hypervisor") ?? false;
        var kernel = ReadOrEmpty("/proc/sys/kernel/osrelease").Trim();
        var configuration = typeof(MachineInfo).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown";
        return new MachineInfo(cpu, Environment.ProcessorCount, virtualized, TotalMemory(), kernel.Length > 0 ? kernel : "unknown",
            RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, configuration, LoadAverageNow());
    }

    /// <summary>MemTotal from /proc/meminfo ("MemTotal: 16318412 kB") in GiB.</summary>
    private static string TotalMemory()
    {
        var value = FieldValue(ReadOrEmpty("/proc/meminfo").Split('\n'), "MemTotal");
        var kib = value?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return long.TryParse(kib, out var k)
            ? string.Create(CultureInfo.InvariantCulture, $"{k / 1024.0 / 1024.0:F1} GiB")
            : "unknown";
    }

    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg: other work competing for the cores.</summary>
    public static string LoadAverageNow()
    {
        var fields = ReadOrEmpty("/proc/loadavg").Split(' ');
        return fields.Length >= 3 ? string.Join(" / ", fields[..3]) : "unknown";
    }

    /// <summary>The value of the first "key : value" line whose key is <paramref name="key"/>.</summary>
    private static string? FieldValue(IEnumerable<string> lines, string key) =>
        lines.Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim() == key)
            .Select(parts => parts[1].Trim())
            .FirstOrDefault();

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
