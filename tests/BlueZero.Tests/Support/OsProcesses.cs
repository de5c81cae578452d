namespace BlueZero.Tests.Support;

/// <summary>Facts about OS processes read straight from /proc, to check what the system under test did.</summary>
public static class OsProcesses
{
    /// <summary>True while the pid exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state != 'Z' && state != 'X';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The exact argv of a running process.</summary>
    public static IReadOnlyList<string> CommandLine(int pid) =>
        File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.None) is var parts && parts.Length > 0 && parts[^1] == ""
            ? parts[..^1]
            : [];

    /// <summary>The working directory of a running process.</summary>
    public static string? WorkingDirectory(int pid) => new FileInfo($"/proc/{pid}/cwd").LinkTarget;

    /// <summary>Kills a process outright, ignoring one that is already gone; for test clean-up.</summary>
    public static void KillHard(int pid)
    {
        try
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true);
        }
        catch (ArgumentException) { }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }
}
