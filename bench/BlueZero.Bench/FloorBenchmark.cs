using System.Diagnostics;

namespace BlueZero.Bench;

/// <summary>The floor: what starting and killing the same program costs with a bare Process.Start in this process.</summary>
internal static class FloorBenchmark
{
    public sealed record Result(LatencyStats Start, LatencyStats Cycle);

    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <paramref name="warmups"/> unmeasured cycles, then <paramref name="count"/> measured ones, one process at a time:
    /// Process.Start(program, args), Kill (SIGKILL), WaitForExit. Times the Start call alone and the whole cycle.
    /// </summary>
    public static Result Run(string program, IReadOnlyList<string> args, int count, int warmups, CancellationToken ct)
    {
        var start = new List<double>(count);
        var cycle = new List<double>(count);
        for (var i = 0; i < warmups + count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var (startMs, cycleMs) = StartAndKill(program, args);
            if (i < warmups) continue;
            start.Add(startMs);
            cycle.Add(cycleMs);
        }
        return new Result(LatencyStats.From("Process.Start", start), LatencyStats.From("Process.Start + Kill + WaitForExit", cycle));
    }

    private static (double StartMs, double CycleMs) StartAndKill(string program, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(program, args) { UseShellExecute = false };
        var t0 = Stopwatch.GetTimestamp();
        using var process = Process.Start(info) ?? throw new BenchmarkException($"Process.Start({program}) returned null");
        var startMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited: nothing to kill.
        }
        if (!process.WaitForExit(ExitTimeout))
            throw new BenchmarkException($"pid {process.Id} did not exit within {ExitTimeout.TotalSeconds} s of SIGKILL");
        return (startMs, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
    }
}
