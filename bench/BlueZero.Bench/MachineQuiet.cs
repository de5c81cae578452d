using System.Diagnostics;
using BlueZero.ProcessManager.Observation;

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
        if (max <= TimeSpan.Zero) return (false, TimeSpan.Zero, double.NaN); // the smoke run: no wait at all
        var t0 = Stopwatch.GetTimestamp();
        while (true)
        {
            var before = MachineTimes();
            await Task.Delay(Window, ct);
            // The share of all cores, as a node reports it, times the cores: % of one core.
            var percentOfCore = MachineTimes().UsagePercentSince(before) * Environment.ProcessorCount;
            var took = Stopwatch.GetElapsedTime(t0);
            if (percentOfCore <= QuietPercentOfCore || took >= max) return (percentOfCore <= QuietPercentOfCore, took, percentOfCore);
        }
    }

    public static string Describe((bool Quiet, TimeSpan Took, double LastPercentOfCore) wait) =>
        wait.Quiet
            ? $"the machine was quiet (≤ {QuietPercentOfCore:F0} % of a core in all) after {wait.Took.TotalSeconds:F0} s"
            : $"the machine was still busy after {wait.Took.TotalSeconds:F0} s ({wait.LastPercentOfCore:F0} % of a core; measured anyway)";

    /// <summary>The aggregate "cpu" line of /proc/stat, read by the node's own parser.</summary>
    private static CpuTimes MachineTimes() => KernelStatFile.Parse(File.ReadAllText(KernelStatFile.Path)).All;
}
