using System.Diagnostics;

namespace BlueZero.Bench;

/// <summary>
/// One piece of a request path called in the benchmark process, one call at a time, timed by wall clock, by the
/// calling thread's CPU time and by the bytes allocated. The last two survive a loaded machine.
/// </summary>
internal static class PieceMeasure
{
    public const int Warmup = 20;

    /// <summary>Medians over the calls; allocated bytes are a mean (the counter is exact).</summary>
    public sealed record Step(string Name, int Count, double WallMedianUs, double CpuMedianUs, double AllocatedBytesMean);

    /// <summary>Bytes this thread allocated: exact, and blind to other threads.</summary>
    public static readonly Func<long> ThreadBytes = GC.GetAllocatedBytesForCurrentThread;

    /// <summary>Bytes the whole process allocated: for a piece that hands work to other threads (an ask), in a quiet process.</summary>
    public static readonly Func<long> ProcessBytes = () => GC.GetTotalAllocatedBytes(precise: true);

    /// <summary>
    /// <see cref="Warmup"/> + <paramref name="count"/> calls of <paramref name="call"/>, each on an argument made by
    /// <paramref name="prepare"/> and followed by <paramref name="cleanup"/>, neither of them measured.
    /// </summary>
    public static Step Measure<TIn, TOut>(string section, string name, int count, CancellationToken ct, Func<TIn> prepare, Func<TIn, TOut> call,
        Action<TOut> cleanup, Func<long>? allocatedBytes = null)
    {
        var counter = allocatedBytes ?? ThreadBytes;
        var (wall, cpu) = (new List<double>(count), new List<double>(count));
        long allocated = 0;
        for (var i = 0; i < Warmup + count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var input = prepare();
            var bytes0 = counter();
            var cpu0 = ThreadClock.NowUs();
            var t0 = Stopwatch.GetTimestamp();
            var result = call(input);
            var wallUs = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            var cpuUs = ThreadClock.NowUs() - cpu0;
            var bytes = counter() - bytes0;
            cleanup(result);
            if (i < Warmup) continue;
            wall.Add(wallUs);
            cpu.Add(cpuUs);
            allocated += bytes;
        }
        Log.Info($"{section}: {name}: wall median {Median(wall):F1} µs, cpu median {Median(cpu):F1} µs, {allocated / (double)count:F0} B allocated per call");
        return new Step(name, count, Median(wall), Median(cpu), allocated / (double)count);
    }

    private static double Median(List<double> samples) => LatencyStats.From("median", samples).Median;
}
