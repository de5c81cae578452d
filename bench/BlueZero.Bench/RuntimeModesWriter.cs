namespace BlueZero.Bench;

/// <summary>The "runtime-modes" section of the results.</summary>
internal static class RuntimeModesWriter
{
    public static void Render(Markdown md, SectionOutcome<RuntimeModesBenchmark.Result> outcome)
    {
        if (md.Section(BenchSection.RuntimeModes, outcome) is not { } r) return;
        md.Line($"Each mode: a hub (`--no-local-node`) and one node, both started with the mode's environment (over any `--runtime-env`), all modes up at once. {RuntimeModesBenchmark.WarmupPairs} unmeasured cycles per mode, then {RuntimeModesBenchmark.Rounds} rounds; in each round every mode in turn (the order rotating) runs {r.PerRound} cycles of `start_process` `/bin/sleep 30`, `query_process_status` of its pid, and `stop_process` with wait (not timed), one request at a time. CPU: the hub's and the node's user+system time over the cycles (clock ticks of /proc/PID/stat), per cycle. The shipped settings (\"default\"): the hub has server GC (the Web SDK's default), the node workstation GC; both tiered compilation with PGO. Load average {r.LoadAtStart} at the start, {r.LoadAtEnd} at the end.");
        md.Line();
        md.Line($"| mode | start median | start p90 | start p99 | query median | query p99 | hub cpu ms/cycle | node cpu ms/cycle |");
        md.Line($"|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var m in r.Modes)
            md.Line($"| `{m.Label}` | {m.Start.Median:F2} | {m.Start.P90:F2} | {m.Start.P99:F2} | {m.Query.Median:F2} | {m.Query.P99:F2} | {m.HubCpuMsPerCycle:F2} | {m.NodeCpuMsPerCycle:F2} |");
        md.Line();
    }
}
