namespace BlueZero.ProcessManager.Launching;

/// <summary>The fields of /proc/&lt;pid&gt;/stat that the launcher needs.</summary>
public sealed record ProcStat(int Pid, int ParentPid, int ProcessGroup, char State, ulong StartTimeTicks)
{
    /// <summary>Parses one stat line; the command name may hold spaces and parentheses, so split after the last ')'.</summary>
    public static ProcStat? Parse(string line)
    {
        var open = line.IndexOf('(');
        var close = line.LastIndexOf(')');
        if (open <= 0 || close < open || close + 2 >= line.Length) return null;
        if (!int.TryParse(line.AsSpan(0, open).Trim(), out var pid)) return null;
        var fields = line[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state) of proc(5); starttime is field 22.
        if (fields.Length < 20) return null;
        if (!int.TryParse(fields[1], out var ppid) || !int.TryParse(fields[2], out var pgrp)) return null;
        if (!ulong.TryParse(fields[19], out var start)) return null;
        return new ProcStat(pid, ppid, pgrp, fields[0].Length > 0 ? fields[0][0] : '?', start);
    }

    public static ProcStat? Read(int pid)
    {
        try
        {
            return Parse(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static IEnumerable<ProcStat> ReadAll()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            if (Read(pid) is { } stat) yield return stat;
        }
    }
}
