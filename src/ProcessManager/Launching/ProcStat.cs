using System.Buffers.Text;
using System.Text;

namespace BlueZero.ProcessManager.Launching;

/// <summary>The fields of /proc/&lt;pid&gt;/stat that the launcher needs.</summary>
/// <remarks>
/// The resource figures (cpu ticks, threads, rss) live in <c>Observation.ProcessReading</c>, which shares this
/// parse: added here they would join the record's equality, and two readings of one process would differ.
/// </remarks>
public sealed record ProcStat(int Pid, int ParentPid, int ProcessGroup, char State, ulong StartTimeTicks)
{
    // 52 numeric fields of at most 20 digits and a command name of at most 64 bytes fit with room to spare.
    private const int StatLineMaxBytes = 4096;

    public static ProcStat? Parse(string line) => Parse(Encoding.UTF8.GetBytes(line));

    /// <summary>
    /// Parses the raw bytes without making strings: <see cref="Read"/> runs on every start and, for every process on
    /// the machine, in each /proc scan of a stop, and splitting the line into strings cost about 3.7 KB a call.
    /// </summary>
    public static ProcStat? Parse(ReadOnlySpan<byte> line)
    {
        var open = line.IndexOf((byte)'(');
        var close = line.LastIndexOf((byte)')');
        if (open <= 0 || close < open || close + 2 >= line.Length) return null;
        if (!Whole(line[..open].Trim((byte)' '), out int pid)) return null;
        var rest = line[(close + 2)..];
        var (state, ppid, pgrp) = ('?', 0, 0);
        // Fields after the command name, fields[0] being field 3 (state) of proc(5); starttime is field 22, fields[19].
        for (var field = 0; ; field++)
        {
            var end = rest.IndexOf((byte)' ');
            var value = end < 0 ? rest.TrimEnd((byte)'\n') : rest[..end];
            switch (field)
            {
                case 0:
                    state = value.Length > 0 ? (char)value[0] : '?';
                    break;
                case 1 when !Whole(value, out ppid):
                case 2 when !Whole(value, out pgrp):
                    return null;
                case StartTimeField:
                    return Whole(value, out ulong start) ? new ProcStat(pid, ppid, pgrp, state, start) : null;
            }
            if (end < 0) return null;
            rest = rest[(end + 1)..];
        }
    }

    private const int StartTimeField = 19;

    private static bool Whole(ReadOnlySpan<byte> text, out int value) =>
        Utf8Parser.TryParse(text, out value, out var used) && used == text.Length && text.Length > 0;

    private static bool Whole(ReadOnlySpan<byte> text, out ulong value) =>
        Utf8Parser.TryParse(text, out value, out var used) && used == text.Length && text.Length > 0;

    /// <summary>
    /// Splits a stat line into the pid and the fields after the command name; fields[0] is field 3 (state) of proc(5).
    /// The command name may hold spaces and parentheses, so the split is after the last ')'.
    /// </summary>
    internal static bool TrySplit(string line, out int pid, out string[] fields)
    {
        pid = 0;
        fields = [];
        var open = line.IndexOf('(');
        var close = line.LastIndexOf(')');
        if (open <= 0 || close < open || close + 2 >= line.Length) return false;
        if (!int.TryParse(line.AsSpan(0, open).Trim(), out pid)) return false;
        fields = line[(close + 2)..].Split(' ');
        return true;
    }

    /// <summary>Builds the record from split fields; starttime is field 22, fields[19].</summary>
    internal static ProcStat? FromFields(int pid, string[] fields)
    {
        if (fields.Length < 20) return null;
        if (!int.TryParse(fields[1], out var ppid) || !int.TryParse(fields[2], out var pgrp)) return null;
        if (!ulong.TryParse(fields[19], out var start)) return null;
        return new ProcStat(pid, ppid, pgrp, fields[0].Length > 0 ? fields[0][0] : '?', start);
    }

    public static ProcStat? Read(int pid)
    {
        Span<byte> buffer = stackalloc byte[StatLineMaxBytes];
        return ReadInto(pid, buffer) is var length and >= 0 ? Parse(buffer[..length]) : null;
    }

    /// <summary>The raw stat line of a process, or null once it is gone (or unreadable).</summary>
    internal static string? ReadLine(int pid)
    {
        Span<byte> buffer = stackalloc byte[StatLineMaxBytes];
        return ReadInto(pid, buffer) is var length and >= 0 ? Encoding.UTF8.GetString(buffer[..length]) : null;
    }

    /// <summary>Reads the stat line into <paramref name="buffer"/>; its length, or -1 once the process is gone (or unreadable).</summary>
    /// <remarks>
    /// Through a handle into the caller's stack buffer: File.ReadAllText allocates stream buffers of about 12 KB a
    /// call, which a scan of every process every few seconds turns into megabytes of garbage.
    /// </remarks>
    private static int ReadInto(int pid, Span<byte> buffer)
    {
        try
        {
            using var handle = File.OpenHandle($"/proc/{pid}/stat");
            var length = 0;
            int read;
            while (length < buffer.Length && (read = RandomAccess.Read(handle, buffer[length..], length)) > 0)
                length += read;
            return length;
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }

    public static IEnumerable<ProcStat> ReadAll()
    {
        foreach (var pid in ListPids())
            if (Read(pid) is { } stat) yield return stat;
    }

    /// <summary>The pids in /proc now. Throws if /proc itself cannot be listed; callers decide what that means.</summary>
    internal static IEnumerable<int> ListPids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var pid)) yield return pid;
    }
}
