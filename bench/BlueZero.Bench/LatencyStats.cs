namespace BlueZero.Bench;

/// <summary>
/// Summary of one series of latencies in milliseconds. Percentiles use the nearest-rank method: pXX is the
/// smallest sample that is at least XX % of all samples (so the median of 100 samples is the 50th smallest).
/// </summary>
internal sealed record LatencyStats(string Name, int Count, double Min, double Median, double P90, double P99, double Max,
    double First, int IndexOfMax)
{
    public static LatencyStats From(string name, IReadOnlyList<double> samples)
    {
        if (samples.Count == 0) throw new ArgumentException($"no samples for {name}", nameof(samples));
        var sorted = samples.Order().ToArray();
        var indexOfMax = 0;
        for (var i = 1; i < samples.Count; i++)
            if (samples[i] > samples[indexOfMax]) indexOfMax = i;
        return new LatencyStats(name, samples.Count, sorted[0], Percentile(sorted, 50), Percentile(sorted, 90),
            Percentile(sorted, 99), sorted[^1], samples[0], indexOfMax);
    }

    private static double Percentile(double[] sorted, int percent)
    {
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
