namespace BlueZero.Bench;

/// <summary>The "floor" section of the results.</summary>
internal static class FloorWriter
{
    public static void Render(Markdown md, SectionOutcome<FloorBenchmark.Result> outcome, int warmups)
    {
        if (md.Section(BenchSection.Floor, outcome) is not { } floor) return;
        md.Line($"What starting and killing the same program costs with no BlueZero in between: in the benchmark process, one `/bin/sleep 30` at a time, `Process.Start`, then `Kill` (SIGKILL) and `WaitForExit`, after {warmups} unmeasured cycles. Milliseconds:");
        md.Line();
        md.LatencyHeader();
        md.LatencyRow("`Process.Start(\"/bin/sleep\",\"30\")`", floor.Start);
        md.LatencyRow("Process.Start + Kill + WaitForExit", floor.Cycle);
        md.Line();
    }
}
