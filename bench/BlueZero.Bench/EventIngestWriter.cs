namespace BlueZero.Bench;

/// <summary>The "event-ingest" section of the results.</summary>
internal static class EventIngestWriter
{
    public static void Render(Markdown md, SectionOutcome<EventIngestBenchmark.Result> outcome)
    {
        if (md.Section(BenchSection.EventIngest, outcome) is not { } r) return;
        md.Line($"A cluster member in the benchmark process ships `process_exited` events to the hub's `/user/event-ingest` as a node's journal does: batches of {EventIngestBenchmark.BatchSize}, {EventIngestBenchmark.InFlight} awaiting their acknowledgement at a time; each acknowledgement comes after the batch is committed to `hub.db`.");
        md.Line();
        md.Line($"| events | wall (s) | **events/s** | ack median (ms) | ack max (ms) |");
        md.Line($"|--:|--:|--:|--:|--:|");
        md.Line($"| {r.Events} | {r.WallS:F2} | **{r.EventsPerSecond:F0}** | {r.AckMedianMs:F1} | {r.AckMaxMs:F1} |");
        md.Line();
    }
}
