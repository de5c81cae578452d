using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BlueZero.Bench;

/// <summary>
/// Section "followers": does following a process's output slow the process down? A chatty process writes a fixed
/// number of lines as fast as it can and times itself; it runs with no follower and with ten followers attached
/// through the hub (GET .../output?follow=true), alternating, several times each.
/// </summary>
internal sealed partial class FollowersBenchmark(MeshUnderTest mesh, RunNotes notes)
{
    public const string NodeHostId = "bench-output";
    public const int Followers = 10;
    private static readonly TimeSpan NodeUpTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    /// <param name="Alone">The writer's own run time in ms with no follower.</param>
    /// <param name="Followed">The same with ten followers.</param>
    /// <param name="LinesPerFollower">Lines each follower received per run (median), dropped-line marks counted apart.</param>
    public sealed record Result(int LinesWritten, int LineBytes, LatencyStats Alone, LatencyStats Followed, double LinesPerFollowerMedian,
        int DroppedMarks, double NodeCpuAloneS, double NodeCpuFollowedS, Paced Chatty);

    /// <summary>The same comparison for a writer that prints in bursts of 100 lines every 10 ms (at most 10,000 lines a second).</summary>
    public sealed record Paced(int LinesWritten, LatencyStats Alone, LatencyStats Followed, double LinesPerFollowerMedian);

    public const int PacedLines = 20_000;
    private const int PacedBurst = 100;

    private sealed record Series(List<double> Alone, List<double> Followed, List<double> Received, int DroppedMarks, double CpuAloneS, double CpuFollowedS);

    public async Task<Result> RunAsync(int lines, int rounds, CancellationToken ct)
    {
        await using var nodes = new NodeGroup(mesh);
        using var hub = new HubClient(mesh.HubHttp);
        var node = nodes.Launch(NodeHostId);
        await hub.WaitForHostUpAsync(NodeHostId, NodeUpTimeout, nodes.ThrowIfAnyExited, ct);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = Followers + 2 })
        {
            BaseAddress = mesh.HubHttp,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        try
        {
            var fullSpeed = await RunSeriesAsync(hub, http, node.Pid, "firehose", WriterScript(lines), rounds, ct);
            var paced = await RunSeriesAsync(hub, http, node.Pid, "chatty", PacedWriterScript(PacedLines), rounds, ct);
            return new Result(lines, LineText.Length + 1, LatencyStats.From("alone", fullSpeed.Alone), LatencyStats.From("followed", fullSpeed.Followed),
                LatencyStats.From("received", fullSpeed.Received).Median, fullSpeed.DroppedMarks, fullSpeed.CpuAloneS / rounds, fullSpeed.CpuFollowedS / rounds,
                new Paced(PacedLines, LatencyStats.From("alone", paced.Alone), LatencyStats.From("followed", paced.Followed),
                    LatencyStats.From("received", paced.Received).Median));
        }
        finally
        {
            foreach (var outcome in await nodes.StopAllAsync())
                notes.Add($"followers: shutdown: {outcome}");
        }
    }

    /// <summary>Alternates runs without and with followers; each run's time is what the writer measured itself.</summary>
    private async Task<Series> RunSeriesAsync(HubClient hub, HttpClient http, int nodePid, string label, string script, int rounds, CancellationToken ct)
    {
        var series = new Series([], [], [], 0, 0, 0);
        var dropped = 0;
        double cpuAlone = 0, cpuFollowed = 0;
        for (var round = 0; round < rounds * 2; round++)
        {
            var withFollowers = round % 2 == 1;
            var name = $"{label}-{round}";
            var cpuBefore = CpuSeconds(nodePid);
            await hub.StartProcessAsync(NodeHostId, ["/bin/sh", "-c", script], name, ct);
            var followers = withFollowers
                ? Enumerable.Range(0, Followers).Select(_ => FollowAsync(http, name, ct)).ToList()
                : [];
            var elapsedMs = await WaitForTimingAsync(http, name, ct);
            var counts = await Task.WhenAll(followers);
            var cpu = CpuSeconds(nodePid) - cpuBefore;
            if (withFollowers)
            {
                series.Followed.Add(elapsedMs);
                series.Received.AddRange(counts.Select(c => (double)c.Lines));
                dropped += counts.Sum(c => c.DroppedMarks);
                cpuFollowed += cpu;
            }
            else
            {
                series.Alone.Add(elapsedMs);
                cpuAlone += cpu;
            }
        }
        return series with { DroppedMarks = dropped, CpuAloneS = cpuAlone, CpuFollowedS = cpuFollowed };
    }

    private const string LineText = "chatty 0123456789 0123456789 0123456789 0123456789 0123456789 0123456789 0123456789";

    /// <summary>Waits half a second (for the followers to attach), writes the lines, and reports its own run time on stderr.</summary>
    private static string WriterScript(int lines) =>
        $"sleep 0.5; s=$(date +%s%N); yes '{LineText}' | head -n {lines}; e=$(date +%s%N); echo \"elapsed_ns $((e - s))\" >&2";

    /// <summary>Bursts of 100 lines every 10 ms: a busy logger, not a firehose.</summary>
    private static string PacedWriterScript(int lines) =>
        $"sleep 0.5; s=$(date +%s%N); i=0; while [ $i -lt {lines / PacedBurst} ]; do yes '{LineText}' | head -n {PacedBurst}; sleep 0.01; i=$((i + 1)); done; " +
        "e=$(date +%s%N); echo \"elapsed_ns $((e - s))\" >&2";

    private async Task<double> WaitForTimingAsync(HttpClient http, string name, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < RunTimeout)
        {
            var body = new JsonObject { ["host_name"] = NodeHostId, ["read_output"] = new JsonObject { ["name"] = name, ["stream"] = "stderr" } };
            using var response = await http.PostAsync("control", new StringContent(body.ToJsonString()), ct);
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (document.RootElement.TryGetProperty("read_output", out var read) && read.TryGetProperty("lines", out var linesRead))
                foreach (var line in linesRead.EnumerateArray())
                    if (ElapsedLine().Match(line.GetProperty("text").GetString() ?? "") is { Success: true } match)
                        return long.Parse(match.Groups[1].Value) / 1e6;
            await Task.Delay(100, ct);
        }
        throw new BenchmarkException($"the chatty process {name} did not report its run time within {RunTimeout.TotalSeconds:F0} s");
    }

    private static async Task<(int Lines, int DroppedMarks)> FollowAsync(HttpClient http, string name, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RunTimeout);
        using var response = await http.GetAsync($"hosts/{NodeHostId}/processes/{name}/output?follow=true&stream=both&tail=0",
            HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (!response.IsSuccessStatusCode)
            throw new BenchmarkException($"following {name} got HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        int lines = 0, marks = 0;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("[bluezero] ", StringComparison.Ordinal))
            {
                if (line.Contains(" lines dropped")) marks++;
                continue;
            }
            lines++;
        }
        return (lines, marks);
    }

    private static double CpuSeconds(int pid) => (ProcessResources.CpuTicks(pid) ?? 0) / BlueZero.ProcessManager.Observation.CpuPercent.ClockTicksPerSecond;

    [GeneratedRegex(@"^elapsed_ns (\d+)$")]
    private static partial Regex ElapsedLine();
}
