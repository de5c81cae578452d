namespace BlueZero.Bench;

/// <summary>What became of one section: its result, or why there is none (not chosen, skipped, or failed).</summary>
internal sealed record SectionOutcome<T>(T? Result, string? NotRunReason, bool Failed, TimeSpan Elapsed) where T : class
{
    public static SectionOutcome<T> Measured(T result, TimeSpan elapsed) => new(result, null, false, elapsed);
    public static SectionOutcome<T> Skipped(string why) => new(null, why, false, TimeSpan.Zero);
    public static SectionOutcome<T> FailedWith(string why, TimeSpan elapsed) => new(null, why, true, elapsed);
}
