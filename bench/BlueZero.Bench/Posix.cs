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
    public static bool IsRunning(int pid, IReadOnlyList<string> argv) => IsAlive(pid) && CommandLine(pid).SequenceEqual(argv);

    /// <summary>
    /// Running processes with exactly <paramref name="argv"/> whose environment holds <paramref name="entry"/>
    /// ("NAME=value"): finds the processes a node started even when their pids never reached us.
    /// </summary>
    public static IReadOnlyList<int> FindRunning(IReadOnlyList<string> argv, string entry) =>
        FindCarrying(entry, found => found.SequenceEqual(argv));

    /// <summary>
    /// Running processes (not zombies) whose environment holds <paramref name="entry"/> and whose argv satisfies
    /// <paramref name="argvFilter"/>: whatever a run left behind, whoever started it.
    /// </summary>
    public static IReadOnlyList<int> FindCarrying(string entry, Func<IReadOnlyList<string>, bool> argvFilter)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != Environment.ProcessId && IsAlive(pid)
                && HasEnvironmentEntry(pid, entry) && argvFilter(CommandLine(pid)))
                found.Add(pid);
        }
        return found;
    }

    /// <summary>argv from /proc/PID/cmdline; empty when it cannot be read.</summary>
    public static IReadOnlyList<string> CommandLine(int pid)
    {
        try
        {
            // Each argument ends with a NUL; an empty argument is kept as "".
            var text = File.ReadAllText($"/proc/{pid}/cmdline");
            return text.Length == 0 ? [] : (text.EndsWith('\0') ? text[..^1] : text).Split('\0');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static bool IsAlive(int pid) => BlueZero.ProcessManager.Launching.ProcStat.Read(pid)?.State is { } state and not ('Z' or 'X');

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
