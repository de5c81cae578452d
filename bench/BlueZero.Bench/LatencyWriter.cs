namespace BlueZero.Bench;

/// <summary>The "latency" section of the results.</summary>
internal static class LatencyWriter
{
    public static void Render(Markdown md, SectionOutcome<LatencyBenchmark.Result> outcome, FloorBenchmark.Result? floor)
    {
        if (md.Section(BenchSection.Latency, outcome) is not { } latency) return;
        var w = latency.Workload;
        var small = MeshWorkload.SmallHostProcesses;
        md.Line($"Hub form requests to `bench-node`, a node of its own (not the hub's local node), sent one at a time by one client. Milliseconds:");
        md.Line();
        md.LatencyHeader();
        md.LatencyRow("`start_process` `/bin/sleep 30`", w.Start);
        md.LatencyRow($"`query_process_status` ({small} running)", w.QuerySmallHost);
        md.LatencyRow($"`list_active_processes` ({small} running)", w.ListSmallHost);
        md.LatencyRow($"`query_process_status` ({ListedCount(w)} running)", w.Query);
        md.LatencyRow($"`list_active_processes` ({ListedCount(w)} running)", w.List);
        md.LatencyRow("`stop_process` `\"wait\":true`", w.Stop);
        md.LatencyRow("`start_process` `/bin/sleep 30`, `\"output\":\"discard\"`", w.StartDiscard);
        md.Line();
        if (floor is not null)
        {
            md.Line($"**Start through the mesh vs. the floor:** median `start_process` {w.Start.Median:F2} ms is {w.Start.Median / floor.Start.Median:F1}x the median bare `Process.Start` ({floor.Start.Median:F2} ms), {w.Start.Median - floor.Start.Median:F2} ms more.");
            md.Line();
        }
        md.Line($"- Set-up: a hub (`dotnet BlueZero.Hub.dll --http 127.0.0.1:0 --cluster-port <free port below 32768, so it leads the cluster as on its default 4053>`, with its embedded local node) and the node (`dotnet BlueZero.ProcessManager.dll --host-id bench-node --seed <hub> --cluster-port 0`) as separate processes on 127.0.0.1, environment without `B0_*` variables. The hub printed its ready line {latency.HubStartupS:F2} s after being started; GET /hosts showed bench-node \"up\" {latency.NodeUpS:F2} s after the node was started.");
        md.Line($"- Warm-up first: start, query, list and stop cycles until the runtime's tiered compiler had been idle for 1 s in the hub and the node (at most {latency.Settle.Max.TotalSeconds:F0} s): {latency.Settle.Describe()}. Requests in the first seconds after a start cost about twice the steady state (bench/PROFILE.md).");
        md.Line($"- Order: {latency.WarmupPairs} unmeasured start+stop pairs; {small} processes started, then {latency.WarmupPairs} unmeasured queries and listings, then the {small}-running queries (round the {small} pids) and listings, and those {small} stopped; then {w.Start.Count} starts (the processes keep running), {w.Query.Count} queries, {w.List.Count} listings and {w.Stop.Count} waiting stops; then {w.StartDiscard.Count} starts with `\"output\":\"discard\"`, each followed by a waiting stop (not measured).");
        md.Line($"- Output: the `start_process` rows without `output` capture it (the default: two pipes, registered with the node's output pump; the log files are created on the first byte, so a quiet `sleep` writes none); with `\"output\":\"discard\"` the child's stdout and stderr are /dev/null. Median difference: {w.Start.Median - w.StartDiscard.Median:F2} ms. Every start, either way, appends a `process_started` event to the node's event journal (section start-path measures that append alone).");
        md.Line($"- One `HttpClient` over one kept-alive connection; each request timed from sending to having read the whole reply. Every reply was checked: HTTP 200, top-level and inner `success` true.");
        md.Line($"- The {w.Start.Count} started processes all ran during the queries and listings: queries found {w.Query.Count - w.NotRunningAtQuery} of {w.Query.Count} running; every listing held {ListedCount(w)} pids.");
        md.Line($"- `stop_process` with `\"wait\":true` replies once the process has exited; replies: {string.Join("; ", w.Exits.Select(e => $"{e.Value} x {e.Key}"))} (SIGINT is signal 2; an exit_code 0 would be a sleep that ended by itself).");
        md.Line();
    }

    private static string ListedCount(MeshWorkload.Result w) => w.MinListed == w.MaxListed ? $"{w.MinListed}" : $"{w.MinListed} to {w.MaxListed}";
}
