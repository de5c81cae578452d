using System.Runtime.InteropServices;

namespace BlueZero.Bench;

/// <summary>The few POSIX facilities .NET does not offer directly: sending a signal by pid, and reading /proc.</summary>
internal static partial class Posix
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>Sends a signal; false if the process is gone (or the call failed otherwise).</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>True while <paramref name="pid"/> runs exactly <paramref name="argv"/> and is not a zombie.</summary>
    public static bool IsRunning(int pid, IReadOnlyList<string> argv)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            if (state is 'Z' or 'X') return false;
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline == string.Concat(argv.Select(arg => arg + '\0'));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Running processes with exactly <paramref name="argv"/> whose environment holds <paramref name="entry"/>
    /// ("NAME=value"): finds the processes a node started even when their pids never reached us.
    /// </summary>
    public static IReadOnlyList<int> FindRunning(IReadOnlyList<string> argv, string entry)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && IsRunning(pid, argv) && HasEnvironmentEntry(pid, entry))
                found.Add(pid);
        }
        return found;
    }

    private static bool HasEnvironmentEntry(int pid, string entry)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains(entry);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
