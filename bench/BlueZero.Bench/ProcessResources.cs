using System.Globalization;
using BlueZero.ProcessManager.Observation;

namespace BlueZero.Bench;

/// <summary>What one process uses, read from /proc: CPU time, resident memory, open files. Null when it is gone.</summary>
internal static class ProcessResources
{
    /// <summary>utime + stime of /proc/PID/stat in clock ticks, read by the node's own parser.</summary>
    public static long? CpuTicks(int pid) => ProcessReading.Read(pid) is { } reading ? (long)reading.OwnCpuTicks : null;

    /// <summary>VmRSS of /proc/PID/status, in KiB.</summary>
    public static long? RssKiB(int pid) => StatusField(pid, "VmRSS");

    /// <summary>How many file descriptors the process has open.</summary>
    public static int? OpenFiles(int pid)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The soft limit on open files ("Max open files" in /proc/PID/limits).</summary>
    public static long? OpenFilesSoftLimit(int pid)
    {
        var line = ReadOrNull($"/proc/{pid}/limits")?.Split('\n').FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static long? StatusField(int pid, string key)
    {
        var line = ReadOrNull($"/proc/{pid}/status")?.Split('\n').FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        var value = line?[(key.Length + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
