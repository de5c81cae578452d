namespace BlueZero.Bench;

/// <summary>Renders a report as Markdown: the results file and the console summary.</summary>
internal static class ResultsWriter
{
    public const string HowToRun = "dotnet run -c Release --project bench/BlueZero.Bench -- [options]";

    public static string Render(BenchReport report)
    {
        var md = new Markdown();
        var m = report.Machine;
        var o = report.Options;
        md.Line($"# BlueZero benchmark results");
        md.Line();
        md.Line($"How to run (from the repository root): `{HowToRun}`; `--help` lists the options, `--smoke` is a quick check with tiny sizes. This run took {report.Duration.TotalMinutes:F1} min and left nothing running (see the last section).");
        md.Line();
        if (o.Note is { } note)
        {
            md.Line($"**Note:** {note}");
            md.Line();
        }
        md.Line($"- Date (UTC): {report.StartedUtc.UtcDateTime:yyyy-MM-dd HH:mm:ss}");
        md.Line($"- CPU: {m.Cpu}, {m.Cores} logical cores{(m.Virtualized ? " (virtual machine)" : "")}");
        md.Line($"- Memory: {m.Memory}");
        md.Line($"- Load average (1 / 5 / 15 min): {m.LoadAtStart} at the start, {report.LoadAtEnd} at the end (other work on the machine adds noise)");
        md.Line($"- Kernel: Linux {m.Kernel} ({m.Os})");
        md.Line($"- .NET: {m.Dotnet}; build configuration: {m.Configuration} (benchmark, hub and nodes)");
        md.Line($"- Options: {(o.Smoke ? "`--smoke`, " : "")}sections {string.Join(", ", BenchSections.All.Where(o.Sections.Contains).Select(s => s.Flag()))}; {o.Requests} requests per series (floor, start-path, hub-path, latency; supervisord at most {PeerBenchmark.MaxSupervisordPairs}); clients {string.Join(", ", o.Clients)} with {o.Pairs} pairs each; processes {string.Join(", ", o.ProcessCounts)}; nodes {string.Join(", ", o.NodeCounts)}; {o.Samples} samples per size; {o.ReadoptEntries} re-adopted entries, {o.ReadoptCycles} crash(es); {o.FollowerRounds} follower round(s) of {o.FollowerLines} lines; {o.IngestEvents} events ingested; {o.StoredEvents} events stored for event-history; scrapes of {o.ScrapeHosts} hosts with {o.ScrapeProcesses} processes; dashboard {o.DashboardHosts} hosts, {o.DashboardProcesses} processes, {o.DashboardRenders} renders per view and setting, CPU watched {o.DashboardWatchSeconds} s; many-processes output {o.ManyOutput.ToString().ToLowerInvariant()}{(o.RuntimeEnvironment.Count > 0 ? $"; every hub and node with {string.Join(", ", o.RuntimeEnvironment.Select(kv => $"`{kv.Key}={kv.Value}`"))}" : "")}");
        md.Line($"- Latencies are in milliseconds unless a column says otherwise. Percentiles by nearest rank: pXX is the smallest sample that is at least XX % of the samples (median = p50). \"first sample\" is the first measured request after any warm-up; \"slowest sample\" is the position (1-based) of the max in its series.");
        md.Line();
        GoalsWriter.Render(md, report);
        FloorWriter.Render(md, report.Floor, report.WarmupCycles);
        StartPathWriter.Render(md, report.StartPath);
        HubPathWriter.Render(md, report.HubPath);
        LatencyWriter.Render(md, report.Latency, report.Floor.Result);
        RuntimeModesWriter.Render(md, report.RuntimeModes);
        ThroughputWriter.Render(md, report.Throughput, o.ThroughputWarmupPairs);
        ManyProcessesWriter.Render(md, report.ManyProcesses, o.Samples);
        ReadoptionWriter.Render(md, report.Readoption);
        FollowersWriter.Render(md, report.Followers);
        EventIngestWriter.Render(md, report.EventIngest);
        EventHistoryWriter.Render(md, report.EventHistory);
        PlanUpWriter.Render(md, report.PlanUp);
        ManyNodesWriter.Render(md, report.ManyNodes, o);
        MetricsScrapeWriter.Render(md, report.MetricsScrape, o.ScrapeIdleWatch);
        DashboardWriter.Render(md, report.Dashboard);
        PeerWriter.Render(md, report.Peer, report.Latency.Result?.Workload, report.Floor.Result);
        md.Line($"## Run notes and clean-up");
        md.Line();
        foreach (var section in BenchSections.All.Where(o.Sections.Contains))
            md.Line($"- section {section.Flag()}: {SectionTime(report, section)}");
        foreach (var n in report.Notes)
            md.Line($"- {n}");
        AppendProfileNotes(md);
        return md.ToString();
    }

    /// <summary>
    /// What profiling showed and what was changed is written by hand in bench/PROFILE.md; it is copied in at the end,
    /// so every run's RESULTS.md carries it next to the figures it explains.
    /// </summary>
    private static void AppendProfileNotes(Markdown md)
    {
        var notes = RepoPaths.InRepo("bench", "PROFILE.md");
        if (!File.Exists(notes)) return;
        md.Line();
        md.Raw(File.ReadAllText(notes));
    }

    private static string SectionTime(BenchReport r, BenchSection section)
    {
        var (elapsed, failed) = r.Timing(section);
        return $"{(failed ? "failed after" : "took")} {elapsed.TotalSeconds:F0} s";
    }
}
