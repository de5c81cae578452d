using System.Diagnostics;

namespace BlueZero.Bench;

/// <summary>
/// Section "many-processes". For each size, a fresh node gets that many `/bin/sleep 3600` through the hub, started
/// by <see cref="StartClients"/> clients at once; then, with one client, list_active_processes and
/// query_process_status are timed; the node's RSS and open files are read from /proc; and kill_all is timed until
/// list_active_processes is empty. The first refused start (the open-file or max-processes limit, or anything else)
/// ends the starting: the size is reported with the count it got.
/// </summary>
internal sealed class ManyProcessesBenchmark(MeshUnderTest mesh, ManyOutput output, RunNotes notes)
{
    public static readonly IReadOnlyList<string> SleepArgv = ["/bin/sleep", "3600"];

    /// <summary>Bounded concurrency for the starts: enough to keep the node busy, far below the hub's 64 per client address.</summary>
    public const int StartClients = 16;

    public const int WarmupPairs = 10;

    /// <summary>Starting stops after this; the processes started by then are measured.</summary>
    public static readonly TimeSpan StartTimeLimit = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan KillAllTimeLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan NodeUpTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>One size. Memory in KiB, as /proc says; null where the node was gone or nothing was measured.</summary>
    public sealed record Size(int Wanted, int Started, int Refused, string? FirstRefusal, bool HitTimeLimit, double StartAllS,
        LatencyStats? Start, int Listed, LatencyStats? List, LatencyStats? Query, long? IdleRssKiB, long? RssKiB,
        int? OpenFiles, long? OpenFilesLimit, double KillAllReplyMs, double KillAllEmptyS, int LeftAfterKillAll);

    /// <summary><paramref name="OutputField"/>: what start_process carried as "output", null when left out.</summary>
    public sealed record Result(string? OutputField, IReadOnlyList<Size> Sizes);

    private string? OutputField => output == ManyOutput.Discard ? "discard" : null;

    public async Task<Result> RunAsync(IReadOnlyList<int> sizes, int samples, CancellationToken ct)
    {
        var results = new List<Size>();
        foreach (var size in sizes)
            results.Add(await RunSizeAsync(size, samples, ct));
        return new Result(OutputField, results);
    }

    private async Task<Size> RunSizeAsync(int wanted, int samples, CancellationToken ct)
    {
        var host = $"bench-many-{wanted}";
        await using var nodes = new NodeGroup(mesh);
        using var hub = new HubClient(mesh.HubHttp);
        try
        {
            var node = nodes.Launch(host);
            await hub.WaitForHostUpAsync(host, NodeUpTimeout, nodes.ThrowIfAnyExited, ct);
            await WarmUpAsync(hub, host, ct);
            var idleRss = ProcessResources.RssKiB(node.Pid);

            var starts = await StartAllAsync(host, wanted, ct);
            nodes.ThrowIfAnyExited();
            var (listMs, listed) = await ListRepeatedlyAsync(hub, host, samples, ct);
            var queryMs = await QueryRandomlyAsync(hub, host, starts.Pids, samples, ct);
            var (rss, openFiles, limit) = (ProcessResources.RssKiB(node.Pid), ProcessResources.OpenFiles(node.Pid),
                ProcessResources.OpenFilesSoftLimit(node.Pid));
            Log.Info($"many-processes: {host}: {starts.Pids.Count} running, RSS {rss} KiB (idle {idleRss} KiB), {openFiles} open files of {limit}");

            var (replyMs, emptyS, left) = await KillAllAsync(hub, host, ct);
            return new Size(wanted, starts.Pids.Count, starts.Refused, starts.FirstRefusal, starts.HitTimeLimit, starts.WallS,
                starts.Latency, listed, listMs, queryMs, idleRss, rss, openFiles, limit, replyMs, emptyS, left);
        }
        finally
        {
            // A node stops its own processes on SIGTERM; whatever still runs after that is killed by pid.
            foreach (var outcome in await nodes.StopAllAsync())
                notes.Add($"many-processes: shutdown: {outcome}");
            var leftovers = Posix.FindRunning(SleepArgv, ChildProcess.RunMarker);
            foreach (var pid in leftovers) Posix.Signal(pid, Posix.SigKill);
            if (leftovers.Count > 0) notes.Add($"many-processes: {leftovers.Count} sleep(s) of {host} outlived its node and were killed by pid");
        }
    }

    private static async Task WarmUpAsync(HubClient hub, string host, CancellationToken ct)
    {
        var warmup = new PairRecorder();
        for (var i = 0; i < WarmupPairs; i++)
            await warmup.RunPairAsync(hub, host, ct);
        if (warmup.Failures > 0) throw new BenchmarkException($"many-processes: warm-up on {host} failed: {warmup.FirstFailure}");
    }

    private sealed record Starts(IReadOnlyList<int> Pids, int Refused, string? FirstRefusal, bool HitTimeLimit, double WallS, LatencyStats? Latency);

    /// <summary>
    /// <see cref="StartClients"/> clients claim start numbers until <paramref name="wanted"/> are claimed, the first
    /// refusal, or the time limit. Refusals come back as text and are counted; they never throw.
    /// </summary>
    private async Task<Starts> StartAllAsync(string host, int wanted, CancellationToken ct)
    {
        Log.Info($"many-processes: {wanted} x start_process {string.Join(' ', SleepArgv)} on {host}, {StartClients} clients at once");
        var clients = Enumerable.Range(0, StartClients).Select(_ => new HubClient(mesh.HubHttp)).ToList();
        var (pids, latency, refused, firstRefusal) = (new List<int>(wanted), new List<double>(wanted), 0, (string?)null);
        using var timeLimit = new CancellationTokenSource(StartTimeLimit);
        var claimed = 0;
        var t0 = Stopwatch.GetTimestamp();
        try
        {
            await Task.WhenAll(clients.Select(async client =>
            {
                while (firstRefusal is null && !timeLimit.IsCancellationRequested && Interlocked.Increment(ref claimed) <= wanted)
                {
                    var outcome = await client.TryStartProcessAsync(host, SleepArgv, OutputField, ct);
                    lock (pids)
                    {
                        latency.Add(outcome.Ms);
                        if (outcome.Pid is { } pid) pids.Add(pid);
                        else (refused, firstRefusal) = (refused + 1, firstRefusal ?? outcome.Error);
                    }
                }
            }));
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
        var wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        Log.Info($"many-processes: {pids.Count} of {wanted} started in {wall:F1} s" + (firstRefusal is null ? "" : $"; {refused} refused: {firstRefusal}"));
        return new Starts(pids, refused, firstRefusal, timeLimit.IsCancellationRequested, wall,
            latency.Count == 0 ? null : LatencyStats.From("start_process", latency));
    }

    private static async Task<(LatencyStats? Ms, int Listed)> ListRepeatedlyAsync(HubClient hub, string host, int samples, CancellationToken ct)
    {
        var (ms, listed) = (new List<double>(samples), 0);
        for (var i = 0; i < samples; i++)
        {
            var (count, took) = await hub.ListActiveProcessesAsync(host, ct);
            listed = count;
            ms.Add(took);
        }
        return (LatencyStats.From("list_active_processes", ms), listed);
    }

    /// <summary>Queries pids picked at random (the same ones every run) among those started.</summary>
    private static async Task<LatencyStats?> QueryRandomlyAsync(HubClient hub, string host, IReadOnlyList<int> pids, int samples, CancellationToken ct)
    {
        if (pids.Count == 0) return null;
        var random = new Random(pids.Count);
        var ms = new List<double>(samples);
        for (var i = 0; i < samples; i++)
            ms.Add((await hub.QueryProcessStatusAsync(host, pids[random.Next(pids.Count)], ct)).Ms);
        return LatencyStats.From("query_process_status", ms);
    }

    /// <summary>kill_all, then list_active_processes every 100 ms until it is empty (or the time limit).</summary>
    private static async Task<(double ReplyMs, double EmptyS, int Left)> KillAllAsync(HubClient hub, string host, CancellationToken ct)
    {
        Log.Info($"many-processes: kill_all on {host}");
        var t0 = Stopwatch.GetTimestamp();
        var (_, replyMs) = await hub.KillAllAsync(host, ct);
        var left = int.MaxValue;
        while (Stopwatch.GetElapsedTime(t0) < KillAllTimeLimit)
        {
            (left, _) = await hub.ListActiveProcessesAsync(host, ct);
            if (left == 0) break;
            await Task.Delay(PollInterval, ct);
        }
        var emptyS = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        Log.Info($"many-processes: {host} listed {left} after kill_all, {emptyS:F2} s");
        return (replyMs, emptyS, left);
    }
}
