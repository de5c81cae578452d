namespace BlueZero.Bench;

/// <summary>The "plan-up" section of the results.</summary>
internal static class PlanUpWriter
{
    public static void Render(Markdown md, SectionOutcome<PlanUpBenchmark.Result> outcome)
    {
        if (md.Section(BenchSection.PlanUp, outcome) is not { } r) return;
        md.Line($"apply_plan of {PlanUpBenchmark.Steps} independent `/bin/sleep 300` steps over 3 nodes (the hub's local node and two more), {r.Rounds} round(s) per series, each followed by remove_plan. Time: the hub's `elapsed_ms` (apply received to last step ready); wall: the client's. Goal (issue 17): at most 1 s beyond the slowest readiness.");
        md.Line();
        md.Line($"| readiness | hub median (ms) | hub max (ms) | **beyond the slowest readiness (ms)** | client wall max (ms) |");
        md.Line($"|---|--:|--:|--:|--:|");
        foreach (var s in r.Series)
            md.Line($"| {s.Readiness} | {s.MedianMs:F0} | {s.MaxMs:F0} | **{s.BeyondReadinessMs:F0}** | {s.WallMs.Max():F0} |");
        md.Line();
    }
}
