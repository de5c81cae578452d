using System.Globalization;
using System.Text;

namespace BlueZero.Bench;

/// <summary>Everything one run measured, plus where and how.</summary>
internal sealed record BenchReport(
    DateTimeOffset StartedUtc,
    MachineInfo Machine,
    int Requests,
    int WarmupCycles,
    FloorBenchmark.Result Floor,
    MeshWorkload.Result Mesh,
    TimeSpan HubStartup,
    TimeSpan NodeUp,
    ReadoptionBenchmark.Result? Readoption,
    string LoadAtEnd,
    IReadOnlyList<string> CleanupNotes);

/// <summary>Renders a report as Markdown: the results file and the console summary.</summary>
internal static class ResultsWriter
{
    public const string HowToRun =
        "dotnet run -c Release --project bench/BlueZero.Bench -- [--requests N] [--readopt-entries N] [--out bench/RESULTS.md]";

    public static string Render(BenchReport report)
    {
        var floor = report.Floor;
        var mesh = report.Mesh;
        var m = report.Machine;
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"# BlueZero benchmark results");
        Line($"");
        Line($"How to run (from the repository root): `{HowToRun}`. It takes about a minute and leaves nothing running.");
        Line($"");
        Line($"- Date (UTC): {report.StartedUtc.UtcDateTime:yyyy-MM-dd HH:mm:ss}");
        Line($"- CPU: {m.Cpu}, {m.Cores} logical cores{(m.Virtualized ? " (virtual machine)" : "")}");
        Line($"- Memory: {m.Memory}");
        Line($"- Load average (1 / 5 / 15 min): {m.LoadAtStart} at the start, {report.LoadAtEnd} at the end (other work on the machine adds noise)");
        Line($"- Kernel: Linux {m.Kernel} ({m.Os})");
        Line($"- .NET: {m.Dotnet}; build configuration: {m.Configuration} (benchmark, hub and node)");
        Line($"- Samples: {report.Requests} per series, after {report.WarmupCycles} unmeasured warm-up cycles (floor) and start+stop pairs (mesh)");
        Line($"");
        Line($"## Latency in milliseconds");
        Line($"");
        Line($"| series | samples | min | median | p90 | p99 | max | first sample | slowest sample |");
        Line($"|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        Row(text, "floor: `Process.Start(\"/bin/sleep\",\"30\")`", floor.Start);
        Row(text, "floor: Process.Start + Kill + WaitForExit", floor.Cycle);
        Row(text, "mesh: `start_process` `/bin/sleep 30`", mesh.Start);
        Row(text, "mesh: `query_process_status`", mesh.Query);
        Row(text, $"mesh: `list_active_processes` ({ListedCount(mesh)} running)", mesh.List);
        Row(text, "mesh: `stop_process` `\"wait\":true`", mesh.Stop);
        if (report.Readoption is { } ra)
        {
            Row(text, "re-adoption: node launch to ready line", ra.ReadyLine);
            Row(text, "re-adoption: node launch to \"up\" in GET /hosts", ra.HostUp);
            Row(text, $"re-adoption: node launch to all {ra.Entries} pids listed", ra.AllListed);
        }
        Line($"");
        Line($"**Start through the mesh vs. the floor:** median `start_process` {mesh.Start.Median:F2} ms is {mesh.Start.Median / floor.Start.Median:F1}x the median bare `Process.Start` ({floor.Start.Median:F2} ms), {mesh.Start.Median - floor.Start.Median:F2} ms more.");
        Line($"");
        RenderReadoption(text, report.Readoption);
        Line($"## How it was measured");
        Line($"");
        Line($"- Floor: in the benchmark process, one `/bin/sleep 30` at a time: `Process.Start`, then `Kill` (SIGKILL) and `WaitForExit`. The first row times the `Process.Start` call alone, the second the whole cycle.");
        Line($"- Mesh: a hub (`dotnet BlueZero.Hub.dll --http 127.0.0.1:0 --cluster-port 0`, with its embedded local node) and one node (`dotnet BlueZero.ProcessManager.dll --host-id bench-node`) as separate processes on 127.0.0.1, environment without `B0_*` variables. Every request is hub form with `\"host_name\":\"bench-node\"`, sent one at a time by one `HttpClient` over one kept-alive connection, and timed from sending to having read the whole reply. Every reply was checked: HTTP 200, top-level and inner `success` true.");
        Line($"- The {mesh.Start.Count} started processes all ran during the queries and listings: queries found {mesh.Query.Count - mesh.NotRunningAtQuery} of {mesh.Query.Count} running; every listing held {ListedCount(mesh)} pids.");
        Line($"- `stop_process` with `\"wait\":true` replies once the process has exited; replies: {string.Join("; ", mesh.Exits.Select(e => $"{e.Value} x {e.Key}"))} (SIGINT is signal 2).");
        Line($"- Percentiles by nearest rank: pXX is the smallest sample that is at least XX % of the samples (median = p50). \"first sample\" is the first measured request after the warm-up; \"slowest sample\" is the position (1-based) of the max in its series.");
        Line($"- Start-up: the hub printed its ready line {report.HubStartup.TotalSeconds:F2} s after being started; GET /hosts showed bench-node \"up\" {report.NodeUp.TotalSeconds:F2} s after the node was started.");
        foreach (var note in report.CleanupNotes)
            Line($"- {note}");
        return text.ToString();
    }

    private static void RenderReadoption(StringBuilder text, ReadoptionBenchmark.Result? ra)
    {
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"## Re-adoption after a node crash");
        Line($"");
        if (ra is null)
        {
            Line($"Skipped (`--readopt-entries 0`).");
            Line($"");
            return;
        }
        Line($"{ra.Entries} named `/bin/sleep 300` on node `bench-readopt` stay running while the node process is killed with SIGKILL and started again with the same `--host-id` and `--data-dir`, {ra.Cycles.Count} times. Seconds from launching the new node process:");
        Line($"");
        Line($"| cycle | alive after SIGKILL | ready line | \"up\" in GET /hosts | all {ra.Entries} pids listed | by name: running, same pid | GET /hosts meanwhile |");
        Line($"|--:|--:|--:|--:|--:|--:|---|");
        foreach (var c in ra.Cycles)
            Line($"| {c.Number} | {c.Survived} of {ra.Entries} | {c.ReadyLineS:F2} | {c.HostUpS:F2} | {c.AllListedS:F2} | {c.SampleOk} of {c.SampleSize} | {string.Join("; ", c.HostsSeen)} |");
        Line($"| median | | {ra.ReadyLine.Median / 1000:F2} | {ra.HostUp.Median / 1000:F2} | {ra.AllListed.Median / 1000:F2} | | |");
        Line($"");
        Line($"- Set-up: a second node (`dotnet BlueZero.ProcessManager.dll --host-id bench-readopt --seed <hub> --data-dir <fresh temporary directory>`) was \"up\" in GET /hosts {ra.FirstNodeUpS:F2} s after its launch. {ra.Entries} `start_process` requests through the hub, one at a time, each with a unique `name` (`ra-0001`, ...), took {ra.StartAllS:F2} s in all; `process-table.json` in the data directory (polled every 50 ms, read with System.Text.Json) recorded all {ra.Entries} as running {ra.TableCompleteS * 1000:F0} ms after the last start reply, and `list_active_processes` then returned exactly those {ra.Entries} pids.");
        Line($"- Each cycle: SIGKILL to the node process alone (a crash: its processes are not signalled), a check in /proc that all {ra.Entries} sleeps still run, then the node is launched again with the same arguments. The clock starts just before that launch, so every time includes starting the .NET runtime.");
        Line($"- **ready line**: until the node prints `BlueZero process-manager node ready` on stdout (configuration read, process table loaded, actor system and process manager started; not yet registered with the hub).");
        Line($"- **\"up\" in GET /hosts**: until GET /hosts, polled every 50 ms on its own connection, lists `bench-readopt` as \"up\" at an address other than the killed node's. The killed node's entry still looks \"up\" when the new node registers; the hub then probes the old node (a protocol request, 1.5 s timeout) and, getting no answer, hands the host_name to the new node; the last column shows each change in what GET /hosts said, with the time its reply arrived. While the entry still points at the dead node a GET /hosts can take up to 2 s (the hub asks each node \"up\" for its process count), so those times are coarse.");
        Line($"- **all pids listed**: until `list_active_processes` through the hub, polled every 50 ms on its own connection, returns exactly the {ra.Entries} original pids; earlier attempts are answered with an error (host unreachable or unknown) by the hub.");
        Line($"- **by name**: afterwards `query_process_status` with `\"name\"` for {ra.Cycles[0].SampleSize} names spread over the range: counted when it says `\"running\":true` with the original pid.");
        Line($"- median: by nearest rank over the {ra.Cycles.Count} cycles; the latency table has the same figures in milliseconds (\"first sample\" is cycle 1).");
        Line($"");
    }

    private static void Row(StringBuilder text, string name, LatencyStats s) =>
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {s.Count} | {s.Min:F2} | {s.Median:F2} | {s.P90:F2} | {s.P99:F2} | {s.Max:F2} | {s.First:F2} | #{s.IndexOfMax + 1} |"));

    private static string ListedCount(MeshWorkload.Result mesh) =>
        mesh.MinListed == mesh.MaxListed ? $"{mesh.MinListed}" : $"{mesh.MinListed} to {mesh.MaxListed}";
}
