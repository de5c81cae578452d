namespace BlueZero.Bench;

/// <summary>
/// Whether one series of run times is measurably slower than another: a one-sided permutation test on the difference
/// of their medians. The p-value is the share of random relabellings of the pooled runs whose difference is at least
/// the one observed; below 0.05, the slowdown is larger than run-to-run noise explains.
/// </summary>
internal static class SlowdownTest
{
    public const double Significance = 0.05;
    private const int Relabellings = 20_000;

    /// <param name="Slowdown">The treated median over the baseline median, minus 1.</param>
    /// <param name="P">The p-value of "treated runs are slower".</param>
    public sealed record Verdict(double Slowdown, double P)
    {
        public bool Measurable => P < Significance;
    }

    public static Verdict Compare(IReadOnlyList<double> baseline, IReadOnlyList<double> treated) =>
        new(Median(treated) / Median(baseline) - 1, PValue(baseline, treated));

    private static double PValue(IReadOnlyList<double> baseline, IReadOnlyList<double> treated)
    {
        var observed = Median(treated) - Median(baseline);
        var pooled = baseline.Concat(treated).ToArray();
        var random = new Random(6); // fixed: the same runs always give the same p
        var atLeast = 0;
        var left = new double[baseline.Count];
        var right = new double[treated.Count];
        for (var i = 0; i < Relabellings; i++)
        {
            random.Shuffle(pooled);
            Array.Copy(pooled, left, left.Length);
            Array.Copy(pooled, left.Length, right, 0, right.Length);
            if (Median(right) - Median(left) >= observed) atLeast++;
        }
        return (atLeast + 1.0) / (Relabellings + 1.0);
    }

    private static double Median(IReadOnlyList<double> samples)
    {
        var sorted = samples.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
