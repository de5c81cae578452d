namespace BlueZero.Bench;

/// <summary>The "throughput" section of the results.</summary>
internal static class ThroughputWriter
{
    public static void Render(Markdown md, SectionOutcome<ThroughputBenchmark.Result> outcome, int warmupPairs)
    {
        if (md.Section(BenchSection.Throughput, outcome) is not { } tp) return;
        var nodes = string.Join(", ", ThroughputBenchmark.HostIds.Select(h => $"`{h}`"));
        md.Line($"Each pair is `start_process` `/bin/sleep 30`, then `stop_process` `\"wait\":true` for it, through the hub to one of 3 nodes of their own ({nodes}; \"up\" {tp.NodesUpS:F1} s after their launch), the nodes taken in turn. Each client is one connection sending one request at a time; all clients run in the benchmark process.");
        md.Line();
        md.Line($"| clients | pairs done | failed | wall (s) | **pairs/s** | pair median (ms) | pair p90 | pair p99 | pair max | p99 / median | CPU % of one core: {string.Join(" / ", CpuLabels(tp))} | CPU ms per pair: hub / nodes / clients |");
        md.Line($"|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|");
        foreach (var level in tp.Levels)
        {
            var p = level.Pair;
            var done = level.HitTimeLimit ? $"{level.PairsDone} of {level.PairsWanted} (time limit)" : $"{level.PairsDone}";
            md.Line($"| {level.Clients} | {done} | {level.Failures} | {level.WallS:F1} | **{level.PairsPerSecond:F0}** | {Markdown.Figure(p?.Median)} | {Markdown.Figure(p?.P90)} | {Markdown.Figure(p?.P99)} | {Markdown.Figure(p?.Max)} | {Markdown.Figure(p?.P99 / p?.Median, "F1")} | {string.Join(" / ", level.Cpu.Select(c => Markdown.Figure(c.PercentOfCore, "F0")))} | {CpuPerPair(level)} |");
        }
        md.Line();
        md.Line($"Latency of each request at each level, milliseconds:");
        md.Line();
        md.LatencyHeader();
        foreach (var level in tp.Levels)
        {
            md.LatencyRow($"{level.Clients} client(s): `start_process`", level.Start);
            md.LatencyRow($"{level.Clients} client(s): `stop_process` wait", level.Stop);
            md.LatencyRow($"{level.Clients} client(s): start+stop pair", level.Pair);
        }
        md.Line();
        md.Line($"- Before the first level: {tp.Settle.Describe()} (one client, start/query/list/stop cycles over the nodes in turn).");
        md.Line($"- Per level: max({warmupPairs}, 2 × clients) unmeasured pairs, then the clients claim pair numbers until all are claimed; wall time from the first measured request to the last reply; pairs/s = pairs done / wall time. A level sends no new pair after {ThroughputBenchmark.LevelTimeLimit.TotalMinutes:F0} min.");
        md.Line($"- CPU: utime + stime from /proc/PID/stat of each process before and after the level, as percent of one core over the level's wall time (this machine has {Environment.ProcessorCount} cores, so {Environment.ProcessorCount * 100} % is all of it). The hub's figure includes its idle local node; the benchmark's is the clients' own cost.");
        foreach (var level in tp.Levels.Where(l => l.FirstFailure is not null))
            md.Line($"- {level.Clients} client(s): {level.Failures} pair(s) failed; the first: {level.FirstFailure}");
        md.Line();
    }

    /// <summary>CPU milliseconds per pair done: the hub, the three nodes together, and the benchmark's clients.</summary>
    public static string CpuPerPair(ThroughputBenchmark.Level level)
    {
        if (level.PairsDone == 0) return "-";
        double? Ms(IEnumerable<CpuMeter.Share> shares) =>
            shares.All(s => s.PercentOfCore is not null) ? shares.Sum(s => s.PercentOfCore!.Value) / 100 * level.WallS * 1000 / level.PairsDone : null;
        var hub = level.Cpu.Where(c => c.Label == ThroughputBenchmark.HubLabel);
        var clients = level.Cpu.Where(c => c.Label == ThroughputBenchmark.ClientsLabel);
        var nodes = level.Cpu.Where(c => ThroughputBenchmark.HostIds.Contains(c.Label));
        return $"{Markdown.Figure(Ms(hub))} / {Markdown.Figure(Ms(nodes))} / {Markdown.Figure(Ms(clients))}";
    }

    private static IEnumerable<string> CpuLabels(ThroughputBenchmark.Result tp) =>
        tp.Levels.FirstOrDefault()?.Cpu.Select(c => c.Label) ?? [];
}
