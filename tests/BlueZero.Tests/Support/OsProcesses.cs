using BlueZero.ProcessManager.Launching;

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

    /// <summary>Every live process below <paramref name="pid"/> in the parent tree now, children first.</summary>
    public static IReadOnlyList<ProcStat> Descendants(int pid)
    {
        var byParent = ProcStat.ReadAll().Where(stat => stat.State is not ('Z' or 'X')).ToLookup(stat => stat.ParentPid);
        var found = new List<ProcStat>();
        var next = new Queue<int>([pid]);
        while (next.TryDequeue(out var parent))
            foreach (var child in byParent[parent])
            {
                found.Add(child);
                next.Enqueue(child.Pid);
            }
        return found;
    }

    /// <summary>True while the very process of <paramref name="stat"/> lives: same pid and same start time, not a zombie.</summary>
    public static bool IsAlive(ProcStat stat) =>
        ProcStat.Read(stat.Pid) is { State: not ('Z' or 'X') } now && now.StartTimeTicks == stat.StartTimeTicks;

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

    /// <summary>Every live process in process group <paramref name="group"/> now.</summary>
    public static IReadOnlyList<ProcStat> GroupMembers(int group) =>
        ProcStat.ReadAll().Where(stat => stat.ProcessGroup == group && stat.State is not ('Z' or 'X')).ToList();

    /// <summary>Kills every member of a process group (and their trees), including members whose parent died; for test clean-up.</summary>
    public static void KillGroup(int group)
    {
        foreach (var member in GroupMembers(group)) KillHard(member.Pid);
    }
}
