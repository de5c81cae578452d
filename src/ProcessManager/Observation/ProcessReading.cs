using System.Text;
using BlueZero.ProcessManager.Launching;

namespace BlueZero.ProcessManager.Observation;

/// <summary>One process's /proc/&lt;pid&gt;/stat: its identity (<see cref="ProcStat"/>) and its resource figures.</summary>
/// <param name="UserTicks">utime (field 14), in clock ticks.</param>
/// <param name="SystemTicks">stime (field 15).</param>
/// <param name="ReapedChildrenTicks">cutime + cstime (fields 16, 17): the cpu time of children it has waited for.</param>
/// <param name="Threads">num_threads (field 20).</param>
/// <param name="RssPages">rss (field 24), in pages.</param>
public sealed record ProcessReading(ProcStat Stat, ulong UserTicks, ulong SystemTicks, ulong ReapedChildrenTicks, int Threads, long RssPages)
{
    public ulong OwnCpuTicks => UserTicks + SystemTicks;

    public bool IsZombie => Stat.State == 'Z';

    public static ProcessReading? Parse(string line) => Parse(Encoding.UTF8.GetBytes(line));

    /// <summary>The same split as <see cref="ProcStat"/>'s, read further: no strings are made.</summary>
    public static ProcessReading? Parse(ReadOnlySpan<byte> line)
    {
        Span<Range> fields = stackalloc Range[RssField + 1];
        if (ProcStat.SplitFields(line, out var pid, fields) != fields.Length) return null;
        if (ProcStat.FromFields(line, pid, fields) is not { } stat) return null;
        // fields[0] is field 3, so field N is fields[N - 3].
        if (!TryTicks(line[fields[11]], out var utime) || !TryTicks(line[fields[12]], out var stime)) return null;
        if (!TryTicks(line[fields[13]], out var cutime) || !TryTicks(line[fields[14]], out var cstime)) return null;
        if (!ProcStat.Whole(line[fields[17]], out int threads)) return null;
        if (!ProcStat.Whole(line[fields[RssField]], out long rss)) return null;
        return new ProcessReading(stat, utime, stime, cutime + cstime, threads, Math.Max(rss, 0));
    }

    /// <summary>rss (field 24), the last field read.</summary>
    private const int RssField = 21;

    public static ProcessReading? Read(int pid) => ProcStat.Read(pid, Parse);

    /// <summary>Every process in /proc now; empty when /proc cannot be listed. Processes that exit mid-scan are skipped.</summary>
    public static IReadOnlyList<ProcessReading> ReadAll()
    {
        var readings = new List<ProcessReading>();
        try
        {
            foreach (var pid in ProcStat.ListPids())
                if (Read(pid) is { } reading) readings.Add(reading);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // /proc itself is unreadable (or ran out of descriptors): report what was read so far.
        }
        return readings;
    }

    // cutime and cstime are signed in the kernel's format; a negative value (never seen in practice) counts as 0.
    private static bool TryTicks(ReadOnlySpan<byte> field, out ulong ticks)
    {
        var ok = ProcStat.Whole(field, out long value);
        ticks = (ulong)Math.Max(value, 0);
        return ok;
    }
}
