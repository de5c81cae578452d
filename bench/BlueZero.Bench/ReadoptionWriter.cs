namespace BlueZero.Bench;

/// <summary>The "readopt" section of the results.</summary>
internal static class ReadoptionWriter
{
    public static void Render(Markdown md, SectionOutcome<ReadoptionBenchmark.Result> outcome)
    {
        if (md.Section(BenchSection.Readopt, outcome) is not { } ra) return;
        md.Line($"{ra.Entries} named `/bin/sleep 300` on node `bench-readopt` stay running while the node process is killed with SIGKILL and started again with the same `--host-id` and `--data-dir`, {ra.Cycles.Count} time(s). Seconds from launching the new node process:");
        md.Line();
        md.Line($"| cycle | alive after SIGKILL | ready line | \"up\" in GET /hosts | all {ra.Entries} pids listed | by name: running, same pid | GET /hosts meanwhile |");
        md.Line($"|--:|--:|--:|--:|--:|--:|---|");
        foreach (var c in ra.Cycles)
            md.Line($"| {c.Number} | {c.Survived} of {ra.Entries} | {c.ReadyLineS:F2} | {c.HostUpS:F2} | {c.AllListedS:F2} | {c.SampleOk} of {c.SampleSize} | {string.Join("; ", c.HostsSeen)} |");
        md.Line($"| median | | {ra.ReadyLine.Median / 1000:F2} | {ra.HostUp.Median / 1000:F2} | {ra.AllListed.Median / 1000:F2} | | |");
        md.Line();
        md.LatencyHeader();
        md.LatencyRow("node launch to ready line", ra.ReadyLine);
        md.LatencyRow("node launch to \"up\" in GET /hosts", ra.HostUp);
        md.LatencyRow($"node launch to all {ra.Entries} pids listed", ra.AllListed);
        md.Line();
        md.Line($"- Set-up: a node of its own (`dotnet BlueZero.ProcessManager.dll --host-id bench-readopt --seed <hub> --cluster-port 0 --data-dir <fresh temporary directory>`) was \"up\" in GET /hosts {ra.FirstNodeUpS:F2} s after its launch. {ra.Entries} `start_process` requests through the hub, one at a time, each with a unique `name` (`ra-0001`, ...), took {ra.StartAllS:F2} s in all; the table in the data directory (`process-table.json` and its journal, polled every 50 ms with the node's own side-effect-free reader) recorded all {ra.Entries} as running {ra.TableCompleteS * 1000:F0} ms after the last start reply, and `list_active_processes` then returned exactly those {ra.Entries} pids.");
        md.Line($"- Each cycle: SIGKILL to the node process alone (a crash: its processes are not signalled), a check in /proc that all {ra.Entries} sleeps still run, then the node is launched again with the same arguments. The clock starts just before that launch, so every time includes starting the .NET runtime.");
        md.Line($"- **ready line**: until the node prints `BlueZero process-manager node ready` on stdout (configuration read, process table loaded, actor system and process manager started; not yet registered with the hub).");
        md.Line($"- **\"up\" in GET /hosts**: until GET /hosts, polled every 50 ms on its own connection, lists `bench-readopt` as \"up\" at an address other than the killed node's. The killed node's entry still looks \"up\" when the new node registers; the hub then probes the old node (a protocol request, 1.5 s timeout) and, getting no answer, hands the host_name to the new node; the last column shows each change in what GET /hosts said, with the time its reply arrived. While the entry still points at the dead node a GET /hosts can take up to 2 s (the hub asks each node \"up\" for its process count), so those times are coarse.");
        md.Line($"- **all pids listed**: until `list_active_processes` through the hub, polled every 50 ms on its own connection, returns exactly the {ra.Entries} original pids; earlier attempts are answered with an error (host unreachable or unknown) by the hub.");
        md.Line($"- **by name**: afterwards `query_process_status` with `\"name\"` for {ra.Cycles[0].SampleSize} names spread over the range: counted when it says `\"running\":true` with the original pid.");
        md.Line($"- median: by nearest rank over the {ra.Cycles.Count} cycle(s); the latency table has the same figures in milliseconds (\"first sample\" is cycle 1).");
        md.Line();
    }
}
