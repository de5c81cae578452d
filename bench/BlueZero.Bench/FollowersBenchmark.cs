using System.Text;
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
    /// <param name="Verdict">How much slower the followed runs were, and whether measurably (<see cref="SlowdownTest"/>).</param>
    public sealed record Result(int LinesWritten, int LineBytes, LatencyStats Alone, LatencyStats Followed, double LinesPerFollowerMedian,
        int DroppedMarks, RunCpu CpuAlone, RunCpu CpuFollowed, SlowdownTest.Verdict Verdict, Paced Chatty);

    /// <summary>The same comparison for a writer that prints in bursts of 100 lines every 10 ms (at most 10,000 lines a second).</summary>
    public sealed record Paced(int LinesWritten, LatencyStats Alone, LatencyStats Followed, double LinesPerFollowerMedian, SlowdownTest.Verdict Verdict,
        RunCpu CpuAlone, RunCpu CpuFollowed);

    /// <summary>Cpu seconds per run of the node, the hub and the benchmark process (where the followers are).</summary>
    public sealed record RunCpu(double Node, double Hub, double Bench)
    {
        public static readonly RunCpu Zero = new(0, 0, 0);
        public RunCpu Plus(RunCpu other) => new(Node + other.Node, Hub + other.Hub, Bench + other.Bench);
        public RunCpu Over(int runs) => new(Node / runs, Hub / runs, Bench / runs);
        public RunCpu Minus(RunCpu other) => new(Node - other.Node, Hub - other.Hub, Bench - other.Bench);
    }

    private const int PacedBurst = 100;

    private sealed record Series(List<double> Alone, List<double> Followed, List<double> Received, int DroppedMarks, RunCpu CpuAlone, RunCpu CpuFollowed);

    /// <param name="pacedLines">Lines of the paced writer per run, in bursts of 100.</param>
    public async Task<Result> RunAsync(int lines, int pacedLines, int rounds, CancellationToken ct)
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
            var paced = await RunSeriesAsync(hub, http, node.Pid, "chatty", PacedWriterScript(pacedLines), rounds, ct);
            return new Result(lines, LineText.Length + 1, LatencyStats.From("alone", fullSpeed.Alone), LatencyStats.From("followed", fullSpeed.Followed),
                LatencyStats.From("received", fullSpeed.Received).Median, fullSpeed.DroppedMarks, fullSpeed.CpuAlone.Over(rounds), fullSpeed.CpuFollowed.Over(rounds),
                SlowdownTest.Compare(fullSpeed.Alone, fullSpeed.Followed),
                new Paced(pacedLines, LatencyStats.From("alone", paced.Alone), LatencyStats.From("followed", paced.Followed),
                    LatencyStats.From("received", paced.Received).Median, SlowdownTest.Compare(paced.Alone, paced.Followed),
                    paced.CpuAlone.Over(rounds), paced.CpuFollowed.Over(rounds)));
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
        var series = new Series([], [], [], 0, RunCpu.Zero, RunCpu.Zero);
        var dropped = 0;
        RunCpu cpuAlone = RunCpu.Zero, cpuFollowed = RunCpu.Zero;
        for (var round = 0; round < rounds * 2; round++)
        {
            var withFollowers = round % 2 == 1;
            var name = $"{label}-{round}";
            var cpuBefore = CpuNow(nodePid);
            await hub.StartProcessAsync(NodeHostId, ["/bin/sh", "-c", script], name, ct);
            var followers = withFollowers
                ? Enumerable.Range(0, Followers).Select(_ => FollowAsync(http, name, ct)).ToList()
                : [];
            var elapsedMs = await WaitForTimingAsync(http, name, ct);
            var counts = await Task.WhenAll(followers);
            var cpu = CpuNow(nodePid).Minus(cpuBefore);
            if (withFollowers)
            {
                series.Followed.Add(elapsedMs);
                series.Received.AddRange(counts.Select(c => (double)c.Lines));
                dropped += counts.Sum(c => c.DroppedMarks);
                cpuFollowed = cpuFollowed.Plus(cpu);
            }
            else
            {
                series.Alone.Add(elapsedMs);
                cpuAlone = cpuAlone.Plus(cpu);
            }
        }
        return series with { DroppedMarks = dropped, CpuAlone = cpuAlone, CpuFollowed = cpuFollowed };
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
        // Lines are counted in the bytes, as `curl -N > file` would take them, not decoded one by one: a follower on the
        // same two cores should cost no more than such a client.
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        var buffer = new byte[64 * 1024];
        int lines = 0, marks = 0, read;
        var start = new List<byte>(); // the first bytes of the current line; all of it for the hub's own lines
        var own = false;
        while ((read = await body.ReadAsync(buffer, timeout.Token)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var b = buffer[i];
                if (b == (byte)'\n')
                {
                    if (!own) lines++;
                    else if (Encoding.UTF8.GetString(start.ToArray()).Contains(" lines dropped")) marks++;
                    start.Clear();
                    own = false;
                    continue;
                }
                if (start.Count >= OwnLinePrefix.Length && !own) continue;
                start.Add(b);
                if (start.Count == OwnLinePrefix.Length) own = start.SequenceEqual(OwnLinePrefix);
            }
        }
        return (lines, marks);
    }

    private RunCpu CpuNow(int nodePid) => new(CpuSeconds(nodePid), CpuSeconds(mesh.HubPid), CpuSeconds(Environment.ProcessId));

    /// <summary>The hub's own lines ("[bluezero] 12 lines dropped", the exit line) start with this.</summary>
    private static readonly byte[] OwnLinePrefix = "[bluezero] "u8.ToArray();

    private static double CpuSeconds(int pid) => (ProcessResources.CpuTicks(pid) ?? 0) / BlueZero.ProcessManager.Observation.CpuPercent.ClockTicksPerSecond;

    [GeneratedRegex(@"^elapsed_ns (\d+)$")]
    private static partial Regex ElapsedLine();
}
