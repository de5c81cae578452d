namespace BlueZero.Bench;

/// <summary>The "metrics-scrape" section of the results.</summary>
internal static class MetricsScrapeWriter
{
    public static void Render(Markdown md, SectionOutcome<MetricsScrapeBenchmark.Result> outcome, TimeSpan idleWatch)
    {
        if (md.Section(BenchSection.MetricsScrape, outcome) is not { } r) return;
        md.Line($"A hub without a local node and {r.Hosts} nodes (`{MetricsScrapeBenchmark.HostPrefix}NN`), with {r.Processes} `/bin/sleep 3600` spread evenly over them (`\"output\":\"discard\"`, started in {r.StartAllS:F1} s). After {MetricsScrapeBenchmark.WarmupScrapes} unmeasured scrapes (the last must count {r.Processes} running processes), one client sends GET /metrics {r.Scrape.Count} times, one at a time; each scrape asks every node for its node_state.");
        md.Line();
        md.Line($"| hosts | processes | scrape median (ms) | p99 | max | exposition (bytes) | hub idle (% of one core) | **hub CPU per scrape (ms)** | **hub cost at one scrape / {MetricsScrapeBenchmark.ScrapeInterval.TotalSeconds:F0} s (% of one core)** | nodes' CPU per scrape, all together (ms) |");
        md.Line($"|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        md.Line($"| {r.Hosts} | {r.Processes} | {r.Scrape.Median:F2} | {r.Scrape.P99:F2} | {r.Scrape.Max:F2} | {r.ScrapeBytes} | {r.IdleHubPercent:F2} | **{r.HubCpuMsPerScrape:F2}** | **{r.HubCostPercent:F3}** | {r.NodesCpuMsPerScrape:F2} |");
        md.Line();
        md.LatencyHeader();
        md.LatencyRow($"{r.Hosts} hosts, {r.Processes} processes: GET /metrics", r.Scrape);
        md.Line();
        md.Line($"- CPU from /proc/PID/stat (clock ticks of 10 ms): the hub's over the {r.Scrape.Count} back-to-back scrapes, less its idle rate (watched for {idleWatch.TotalSeconds:F0} s with nothing sent) over the same wall time, divided by the scrapes; the cost is that time over {MetricsScrapeBenchmark.ScrapeInterval.TotalSeconds:F0} s. The nodes' figure is the same for all nodes together. Load average at the end of the section: {r.LoadAverage}.");
        md.Line();
    }
}
