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
        Span<Range> fields = stackalloc Range[StartTimeField + 1];
        return SplitFields(line, out var pid, fields) == fields.Length ? FromFields(line, pid, fields) : null;
    }

    private const int StartTimeField = 19;

    /// <summary>
    /// Splits a stat line into the pid and up to <c>fields.Length</c> fields after the command name, as ranges of
    /// <paramref name="line"/>; fields[0] is field 3 (state) of proc(5). The command name may hold spaces and
    /// parentheses, so the split is after the last ')'. Answers how many fields it found, or -1 for a malformed line.
    /// </summary>
    internal static int SplitFields(ReadOnlySpan<byte> line, out int pid, Span<Range> fields)
    {
        pid = 0;
        line = line.TrimEnd((byte)'\n');
        var open = line.IndexOf((byte)'(');
        var close = line.LastIndexOf((byte)')');
        if (open <= 0 || close < open || close + 2 >= line.Length) return -1;
        if (!Whole(line[..open].Trim((byte)' '), out pid)) return -1;
        var position = close + 2;
        var count = 0;
        while (count < fields.Length)
        {
            var end = line[position..].IndexOf((byte)' ');
            if (end < 0)
            {
                fields[count++] = position..line.Length;
                break;
            }
            fields[count++] = position..(position + end);
            position += end + 1;
        }
        return count;
    }

    /// <summary>Builds the record from split fields; starttime is field 22, fields[19].</summary>
    internal static ProcStat? FromFields(ReadOnlySpan<byte> line, int pid, ReadOnlySpan<Range> fields)
    {
        var state = line[fields[0]];
        if (!Whole(line[fields[1]], out int ppid) || !Whole(line[fields[2]], out int pgrp)) return null;
        if (!Whole(line[fields[StartTimeField]], out ulong start)) return null;
        return new ProcStat(pid, ppid, pgrp, state.Length > 0 ? (char)state[0] : '?', start);
    }

    internal static bool Whole(ReadOnlySpan<byte> text, out int value) =>
        Utf8Parser.TryParse(text, out value, out var used) && used == text.Length && text.Length > 0;

    internal static bool Whole(ReadOnlySpan<byte> text, out long value) =>
        Utf8Parser.TryParse(text, out value, out var used) && used == text.Length && text.Length > 0;

    internal static bool Whole(ReadOnlySpan<byte> text, out ulong value) =>
        Utf8Parser.TryParse(text, out value, out var used) && used == text.Length && text.Length > 0;

    public static ProcStat? Read(int pid) => Read(pid, Parse);

    /// <summary>A stat line's parser over the line's bytes (a span cannot be a generic argument of Func).</summary>
    internal delegate T? StatParser<T>(ReadOnlySpan<byte> line) where T : class;

    /// <summary>Reads the stat line of a process into a stack buffer and parses it; null once it is gone (or unreadable).</summary>
    internal static T? Read<T>(int pid, StatParser<T> parse) where T : class
    {
        Span<byte> buffer = stackalloc byte[StatLineMaxBytes];
        return ReadInto(pid, buffer) is var length and >= 0 ? parse(buffer[..length]) : null;
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
