namespace BlueZero.Bench;

/// <summary>The "many-nodes" section of the results.</summary>
internal static class ManyNodesWriter
{
    public static void Render(Markdown md, SectionOutcome<ManyNodesBenchmark.Result> outcome, BenchOptions options)
    {
        if (md.Section(BenchSection.ManyNodes, outcome) is not { } many) return;
        md.Line($"For each size a fresh hub (`--no-local-node`, so the nodes are exactly the ones launched) and N nodes (`dotnet BlueZero.ProcessManager.dll --host-id bench-mn-NNN --seed <hub> --cluster-port 0`), separate processes all launched at once on this machine. Hub and nodes run {many.Build}{(many.PublishS is { } s ? $", published by the benchmark at the start of this section in {s:F0} s with `{ReleaseBuild.PublishCommand}` for the hub and the node (docs/OPERATIONS.md)" : "")}{(many.PublishFailure is { } why ? $"; the ReadyToRun build was not used: {Markdown.FirstLine(why)}" : "")}.");
        md.Line();
        if (many.Cold is { } cold)
        {
            md.Line($"**Cold start of one node**, before the sizes: on an idle hub of the same build, one node at a time, {options.ColdStartRounds} round(s) alternating the JIT build (next to the benchmark) and the ReadyToRun build; milliseconds from launching `dotnet BlueZero.ProcessManager.dll` until its ready line and until GET /hosts (polled every {ManyNodesBenchmark.ColdStartPollInterval.TotalMilliseconds:F0} ms) lists it \"up\":");
            md.Line();
            md.LatencyHeader();
            md.LatencyRow("JIT build: launch to ready line", cold.JitReady);
            md.LatencyRow("JIT build: launch to \"up\"", cold.JitUp);
            md.LatencyRow("ReadyToRun build: launch to ready line", cold.R2rReady);
            md.LatencyRow("ReadyToRun build: launch to \"up\"", cold.R2rUp);
            md.Line();
        }
        md.Line($"| nodes | up | launch to all \"up\" (s) | launch to settled (s) | cluster-wide `list_active_processes` median (ms) | p99 | cluster-wide `list_processes` median (ms) | p99 | hub RSS (MiB) | node RSS, median (MiB) | idle CPU % of one core: hub / all nodes (load average) | killed node: GET /hosts | after (s) | killed node: routed request | after (s) |");
        md.Line($"|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|--:|---|--:|");
        foreach (var l in many.Levels)
        {
            var c = l.Crash;
            md.Line($"| {l.Nodes} | {(l.AllUp ? $"{l.Up}" : $"**{l.Up}** (at most {l.MostUp} at once)")} | {Markdown.Figure(l.UpS)} | {(l.AllUp && l.SettledS is null ? $"not within {ManyNodesBenchmark.SettleTimeLimit.TotalMinutes:F0} min" : Markdown.Figure(l.SettledS))} | {Markdown.Figure(l.ListActive?.Median)} | {Markdown.Figure(l.ListActive?.P99)} | {Markdown.Figure(l.ListProcesses?.Median)} | {Markdown.Figure(l.ListProcesses?.P99)} | {Markdown.Figure(l.HubRssKiB / 1024.0, "F1")} | {Markdown.Figure(l.NodeRssMedianKiB / 1024.0, "F1")} | {Markdown.Figure(l.IdleHubCpu, "F0")} / {Markdown.Figure(l.IdleNodesCpu, "F0")} ({l.IdleLoadAverage ?? "n/a"}) | {c?.HostsSaid ?? "n/a"} | {Markdown.Figure(c?.HostsS)} | {c?.RoutedSaid ?? "n/a"} | {Markdown.Figure(c?.RoutedS)} |");
        }
        md.Line();
        var cutShort = many.Levels.Where(l => l.Failure is not null).ToList();
        foreach (var l in cutShort)
            md.Line($"- **{l.Nodes} nodes: cut short**: {Markdown.FirstLine(l.Failure)}");
        if (cutShort.Count > 0) md.Line();
        md.LatencyHeader();
        foreach (var l in many.Levels)
        {
            md.LatencyRow($"{l.Nodes} nodes: cluster-wide `list_active_processes`", l.ListActive);
            md.LatencyRow($"{l.Nodes} nodes: cluster-wide `list_processes`", l.ListProcesses);
        }
        md.Line();
        md.Line($"- **launch to all \"up\"**: from launching the first node process until GET /health, polled every {ManyNodesBenchmark.PollInterval.TotalMilliseconds:F0} ms, counts every one \"up\" (the hub's own registry, the same status GET /hosts lists; GET /hosts would ask every up node each time, a load of its own on the starting nodes) (at most {ManyNodesBenchmark.AllUpTimeLimit.TotalMinutes:F0} min; a size whose nodes are not all up by then is reported with the count, and not measured further).");
        md.Line($"- **launch to settled**: all nodes launched at once keep the machine saturated for a while after they are all up: the .NET runtime recompiles their hot code (tiered JIT, most of the cpu then), and heartbeats delayed by the load make members unreachable, so the cluster gossips and decides again. Settled: the hub and the nodes together used less than {ManyNodesBenchmark.SettledShareOfMachine * 100:F0} % of the machine over {ManyNodesBenchmark.SettleWindow.TotalSeconds:F0} s (checked every {ManyNodesBenchmark.SettleWindow.TotalSeconds:F0} s, at most {ManyNodesBenchmark.SettleTimeLimit.TotalMinutes:F0} min). Idle cpu and the listings are measured after that, in the steady state.");
        md.Line($"- **idle CPU**: once settled, the hub's and the nodes' CPU time (utime + stime in /proc/PID/stat) over {options.NodesIdleWatch.TotalSeconds:F0} s in which nobody sends anything, as percent of one core ({Environment.ProcessorCount * 100} % is the whole machine), with the 1 / 5 / 15 min load average right after: what the listings compete with.");
        md.Line($"- **cluster-wide listings**: after {ManyNodesBenchmark.WarmupListings} unmeasured ones, {options.Samples} of each, `{{\"list_active_processes\":{{}}}}` and `{{\"list_processes\":{{}}}}` without `host_name`, one at a time; each reply had to list every node. Host entries with an `error_message`: {many.Levels.Sum(l => l.HostErrors)} in all.");
        md.Line($"- **killed node**: the last node gets SIGKILL; the clock starts just before. Two clients watch at once: one polls GET /hosts every {ManyNodesBenchmark.PollInterval.TotalMilliseconds:F0} ms until the node is no longer \"up\" (what it says instead is shown); the other sends `list_active_processes` to that node through the hub, again and again, until the hub answers `host unreachable`. A GET /hosts can take up to 2 s while the dead node still counts as up (the hub asks every node \"up\" for its process count), so the first figure is coarse; the routed request waits on the node and is answered when the hub gives up on it.");
        md.Line($"- RSS: VmRSS of the hub process after the listings; the median over the nodes' processes.");
        md.Line();
    }
}
