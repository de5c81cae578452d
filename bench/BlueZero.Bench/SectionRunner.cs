using System.Diagnostics;

namespace BlueZero.Bench;

/// <summary>
/// Runs one section within its deadline. A section that fails or overruns is reported as failed and the run goes
/// on with the next; only Ctrl-C (or SIGTERM) ends the whole run.
/// </summary>
internal sealed class SectionRunner(IReadOnlySet<BenchSection> chosen, CancellationToken interrupted)
{
    public bool IsChosen(BenchSection section) => chosen.Contains(section);

    public async Task<SectionOutcome<T>> RunAsync<T>(BenchSection section, Func<CancellationToken, Task<T>> run) where T : class
    {
        if (!IsChosen(section)) return NotChosen<T>();
        Log.Info($"=== section {section.Flag()}");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(interrupted);
        deadline.CancelAfter(section.Deadline());
        var t0 = Stopwatch.GetTimestamp();
        try
        {
            var result = await run(deadline.Token);
            Log.Info($"=== section {section.Flag()} done in {Stopwatch.GetElapsedTime(t0).TotalSeconds:F0} s");
            return SectionOutcome<T>.Measured(result, Stopwatch.GetElapsedTime(t0));
        }
        catch (BenchmarkException ex)
        {
            Log.Info($"=== section {section.Flag()} failed: {ex.Message}");
            return SectionOutcome<T>.FailedWith(ex.Message, Stopwatch.GetElapsedTime(t0));
        }
        catch (OperationCanceledException) when (!interrupted.IsCancellationRequested)
        {
            var why = $"did not finish within its deadline of {section.Deadline().TotalMinutes:F0} min";
            Log.Info($"=== section {section.Flag()} failed: {why}");
            return SectionOutcome<T>.FailedWith(why, Stopwatch.GetElapsedTime(t0));
        }
    }

    /// <summary>A chosen section that cannot run here (e.g. its program is not installed), or one not chosen.</summary>
    public SectionOutcome<T> Skip<T>(BenchSection section, string why) where T : class =>
        IsChosen(section) ? SectionOutcome<T>.Skipped(why) : NotChosen<T>();

    private static SectionOutcome<T> NotChosen<T>() where T : class => SectionOutcome<T>.Skipped("not chosen (--sections)");
}
