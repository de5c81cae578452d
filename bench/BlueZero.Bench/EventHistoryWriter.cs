namespace BlueZero.Bench;

/// <summary>The "event-history" section of the results.</summary>
internal static class EventHistoryWriter
{
    public static void Render(Markdown md, SectionOutcome<EventHistoryBenchmark.Result> outcome)
    {
        if (md.Section(BenchSection.EventHistory, outcome) is not { } r) return;
        md.Line($"The hub's history filled through event-ingest to {r.Stored:N0} events (spread over {r.Names} process names) in {r.FillS:F0} s. Then two remote nodes, one recording events and one with `bluezero.process-manager.events.enabled = off`, take start_process in turn ({r.EventsEach} each, a stop without wait after each start), while {r.Subscribers} clients follow `GET /events/stream` for the recording node.");
        md.Line();
        md.Line($"| measure | n | median (ms) | p90 (ms) | p99 (ms) | max (ms) | goal |");
        md.Line($"|---|--:|--:|--:|--:|--:|---|");
        void Row(LatencyStats s, string goal) => md.Line($"| {s.Name} | {s.Count} | **{s.Median:F2}** | {s.P90:F2} | {s.P99:F2} | {s.Max:F2} | {goal} |");
        Row(r.Query, "median ≤ 5 ms (last 100 of one name, through HTTP)");
        Row(r.LiveLatency, "median ≤ 50 ms");
        Row(r.StartWithEvents, "");
        Row(r.StartWithout, "");
        md.Line();
        md.Line($"- Recording's cost on start_process: **{r.CostPercent:+0.0;-0.0} %** of the median (goal ≤ 5 %).");
        md.Line($"- {r.Subscribers} subscribers, {r.EventsEach} events each: **{r.MissedDeliveries}** deliveries missing; hub CPU over the loop {(r.HubCpuPercent is { } c ? $"{c:F0} % of a core" : "unknown")}.");
        md.Line();
    }
}
