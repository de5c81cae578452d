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
    string LoadAtEnd,
    IReadOnlyList<string> CleanupNotes);

/// <summary>Renders a report as Markdown: the results file and the console summary.</summary>
internal static class ResultsWriter
{
    public const string HowToRun = "dotnet run -c Release --project bench/BlueZero.Bench -- [--requests N] [--out bench/RESULTS.md]";

    public static string Render(BenchReport report)
    {
        var floor = report.Floor;
        var mesh = report.Mesh;
        var m = report.Machine;
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"# BlueZero benchmark results");
        Line($"");
        Line($"How to run (from the repository root): `{HowToRun}`. It takes under a minute and leaves nothing running.");
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
        Line($"");
        Line($"**Start through the mesh vs. the floor:** median `start_process` {mesh.Start.Median:F2} ms is {mesh.Start.Median / floor.Start.Median:F1}x the median bare `Process.Start` ({floor.Start.Median:F2} ms), {mesh.Start.Median - floor.Start.Median:F2} ms more.");
        Line($"");
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

    private static void Row(StringBuilder text, string name, LatencyStats s) =>
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {s.Count} | {s.Min:F2} | {s.Median:F2} | {s.P90:F2} | {s.P99:F2} | {s.Max:F2} | {s.First:F2} | #{s.IndexOfMax + 1} |"));

    private static string ListedCount(MeshWorkload.Result mesh) =>
        mesh.MinListed == mesh.MaxListed ? $"{mesh.MinListed}" : $"{mesh.MinListed} to {mesh.MaxListed}";
}
