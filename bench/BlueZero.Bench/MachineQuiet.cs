using System.Diagnostics;
using System.Globalization;

namespace BlueZero.Bench;

/// <summary>
/// Waits until the machine is quiet but for the mesh under test, before a section watches a process's idle CPU. On 2
/// cores, the end of the section before (50 nodes or 10,000 processes stopping) competed with the watched hub for the
/// cores and raised its CPU time by a quarter (bench/PROFILE.md), which is the machine's state, not the hub's cost.
/// </summary>
internal static class MachineQuiet
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Quiet: the whole machine used at most this share of one core over a window. An idle mesh of 10 hosts and a
    /// browser with 5 pages use about 20 %.
    /// </summary>
    public const double QuietPercentOfCore = 40;

    /// <summary>Whether the machine went quiet within <paramref name="max"/>, after how long, and its use over the last window (% of one core).</summary>
    public static async Task<(bool Quiet, TimeSpan Took, double LastPercentOfCore)> WaitAsync(TimeSpan max, CancellationToken ct)
    {
        var t0 = Stopwatch.GetTimestamp();
        while (true)
        {
            var before = BusyAndTotalTicks();
            await Task.Delay(Window, ct);
            var after = BusyAndTotalTicks();
            var total = after.Total - before.Total;
            // /proc/stat's first line adds up every core: its total grows by cores × ticks per window.
            var percentOfCore = total <= 0 ? 0 : 100.0 * Environment.ProcessorCount * (after.Busy - before.Busy) / total;
            var took = Stopwatch.GetElapsedTime(t0);
            if (percentOfCore <= QuietPercentOfCore || took >= max) return (percentOfCore <= QuietPercentOfCore, took, percentOfCore);
        }
    }

    public static string Describe((bool Quiet, TimeSpan Took, double LastPercentOfCore) wait) =>
        wait.Quiet
            ? $"the machine was quiet (≤ {QuietPercentOfCore:F0} % of a core in all) after {wait.Took.TotalSeconds:F0} s"
            : $"the machine was still busy after {wait.Took.TotalSeconds:F0} s ({wait.LastPercentOfCore:F0} % of a core; measured anyway)";

    /// <summary>The "cpu" line of /proc/stat: ticks not idle (idle and iowait are idle), and all ticks.</summary>
    private static (long Busy, long Total) BusyAndTotalTicks()
    {
        using var reader = new StreamReader("/proc/stat");
        var fields = reader.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToList();
        // user nice system idle iowait irq softirq steal (guest time is already inside user)
        var total = fields.Take(8).Sum();
        return (total - fields[3] - fields[4], total);
    }
}
