using System.Diagnostics;
using BlueZero.ProcessManager.Observation;

namespace BlueZero.Bench;

/// <summary>
/// Warm-up until the runtime's tiered compiler is idle in the watched processes. Under load, hot methods are compiled
/// again at tier 1 (with PGO) for the first 10 to 20 s on 2 cores, on a thread of their own (".NET Tiered Com"); a
/// request measured meanwhile costs about twice what it costs after (bench/PROFILE.md). So a section measures the
/// steady state only once that thread has used at most <see cref="QuietTicksPerWindow"/> clock ticks of CPU in each
/// watched process over the last window, and says how long the warm-up took and what the first and last warm-up starts cost.
/// </summary>
internal static class TieredCompilerSettle
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>At most this much of the compiler thread per window (a clock tick is 10 ms): 2 % of a core.</summary>
    private const long QuietTicksPerWindow = 2;

    /// <summary>
    /// Cycles before the compiler's quiet may count: a method is queued for tier 1 only after 30 calls (and a delay
    /// while new methods keep appearing), so in the first few cycles the compiler is quiet because it has not begun.
    /// </summary>
    public const int MinCycles = 200;

    /// <summary>Starts kept from each end of the warm-up for its first/last medians.</summary>
    private const int EndSamples = 100;

    /// <summary>Whether the compiler went quiet within the limit, how long and how many cycles that took, and the warm-up's first and last start medians.</summary>
    public sealed record Outcome(bool Settled, TimeSpan Took, TimeSpan Max, int Cycles, double FirstStartsMedianMs, double LastStartsMedianMs)
    {
        public string Describe() =>
            (Settled
                ? $"the tiered compiler of the hub and the node was idle after {Took.TotalSeconds:F1} s of warm-up ({Cycles} cycles)"
                : $"the tiered compiler was still busy after the warm-up's limit of {Max.TotalSeconds:F0} s ({Cycles} cycles); measured anyway")
            + $"; warm-up `start_process` median {FirstStartsMedianMs:F2} ms over its first {Math.Min(EndSamples, Cycles)} cycles, {LastStartsMedianMs:F2} ms over its last {Math.Min(EndSamples, Cycles)}";
    }

    /// <summary>
    /// Runs <paramref name="cycle"/> (a warm-up cycle that returns its start's milliseconds) until the compiler threads
    /// of <paramref name="pids"/> are quiet for a whole window after at least <paramref name="minCycles"/> cycles, or
    /// <paramref name="max"/> has passed.
    /// </summary>
    public static async Task<Outcome> WarmAsync(IReadOnlyList<int> pids, Func<CancellationToken, Task<double>> cycle, TimeSpan max, CancellationToken ct,
        int minCycles = MinCycles)
    {
        var t0 = Stopwatch.GetTimestamp();
        var starts = new List<double>();
        var windowStart = Stopwatch.GetTimestamp();
        var ticksAtWindowStart = pids.Select(CompilerTicks).ToList();
        while (true)
        {
            starts.Add(await cycle(ct));
            if (Stopwatch.GetElapsedTime(windowStart) < Window) continue;
            var ticks = pids.Select(CompilerTicks).ToList();
            var quiet = starts.Count >= minCycles && Quiet(ticks, ticksAtWindowStart);
            var took = Stopwatch.GetElapsedTime(t0);
            if (quiet || took >= max)
                return new Outcome(quiet, took, max, starts.Count, Median(starts.Take(EndSamples)), Median(starts.TakeLast(EndSamples)));
            (windowStart, ticksAtWindowStart) = (Stopwatch.GetTimestamp(), ticks);
        }
    }

    /// <summary>
    /// Waits, without load of its own, until the compiler threads of <paramref name="pids"/> have been quiet for a whole
    /// window (idle code is promoted too: periodic work reaches its 30 calls late), or <paramref name="max"/> has passed.
    /// Returns whether they went quiet, and after how long.
    /// </summary>
    public static async Task<(bool Settled, TimeSpan Took)> WaitQuietAsync(IReadOnlyList<int> pids, TimeSpan max, CancellationToken ct)
    {
        if (max <= TimeSpan.Zero) return (false, TimeSpan.Zero); // the smoke run: no wait at all
        var t0 = Stopwatch.GetTimestamp();
        var before = pids.Select(CompilerTicks).ToList();
        while (true)
        {
            await Task.Delay(Window, ct);
            var now = pids.Select(CompilerTicks).ToList();
            if (Quiet(now, before)) return (true, Stopwatch.GetElapsedTime(t0));
            if (Stopwatch.GetElapsedTime(t0) >= max) return (false, Stopwatch.GetElapsedTime(t0));
            before = now;
        }
    }

    /// <summary>Every process's compiler used at most <see cref="QuietTicksPerWindow"/> between the two readings.</summary>
    private static bool Quiet(IReadOnlyList<long> now, IReadOnlyList<long> before) =>
        now.Zip(before).All(t => t.First - t.Second <= QuietTicksPerWindow);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[(sorted.Count - 1) / 2];
    }

    /// <summary>User+system clock ticks of the process's tiered-compilation threads so far (0 if it has none, e.g. with TieredCompilation=0).</summary>
    private static long CompilerTicks(int pid)
    {
        long ticks = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    // The thread's own line (/proc/TID/stat would be the whole process's), in the process's format.
                    if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered", StringComparison.Ordinal)
                        && ProcessReading.Parse(File.ReadAllText(Path.Combine(task, "stat"))) is { } thread)
                        ticks += (long)thread.OwnCpuTicks;
                }
                catch (IOException)
                {
                    // The thread ended meanwhile.
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // The process is gone: the cycle itself will fail and say so.
        }
        return ticks;
    }
}
