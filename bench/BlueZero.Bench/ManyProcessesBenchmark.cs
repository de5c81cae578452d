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

    /// <summary>
    /// One size, filled in as far as it got: memory in KiB as /proc says, null where it was not measured;
    /// <see cref="Failure"/> says what cut it short.
    /// </summary>
    public sealed record Size(int Wanted)
    {
        public int Started { get; init; }
        public int Refused { get; init; }
        public string? FirstRefusal { get; init; }
        public bool HitTimeLimit { get; init; }
        public double? StartAllS { get; init; }
        public LatencyStats? Start { get; init; }
        public int? Listed { get; init; }
        public LatencyStats? List { get; init; }
        public LatencyStats? Query { get; init; }
        public long? IdleRssKiB { get; init; }
        public long? RssKiB { get; init; }
        public int? OpenFiles { get; init; }
        public long? OpenFilesLimit { get; init; }
        public KillAllOutcome? KillAll { get; init; }
        public string? Failure { get; init; }
    }

    /// <summary>
    /// kill_all: its reply time (or why there was none), seconds until list_active_processes was empty (null if it
    /// never was within the limit), the last poll's answer, how many polls failed and the first failure, and how many
    /// of the sleeps still ran by /proc at the end.
    /// </summary>
    public sealed record KillAllOutcome(double? ReplyMs, string? ReplyError, double? EmptyS, string LastSeen, int FailedPolls,
        string? FirstPollFailure, int StillRunning);

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
        var size = new Size(wanted);
        await using var nodes = new NodeGroup(mesh);
        using var hub = new HubClient(mesh.HubHttp);
        try
        {
            var node = nodes.Launch(host);
            await hub.WaitForHostUpAsync(host, NodeUpTimeout, nodes.ThrowIfAnyExited, ct);
            await WarmUpAsync(hub, host, ct);
            size = size with { IdleRssKiB = ProcessResources.RssKiB(node.Pid) };

            var starts = await StartAllAsync(host, wanted, ct);
            size = size with
            {
                Started = starts.Pids.Count, Refused = starts.Refused, FirstRefusal = starts.FirstRefusal, HitTimeLimit = starts.HitTimeLimit,
                StartAllS = starts.WallS, Start = starts.Latency,
            };
            nodes.ThrowIfAnyExited();
            var (listMs, listed) = await ListRepeatedlyAsync(hub, host, samples, ct);
            size = size with { List = listMs, Listed = listed, Query = await QueryRandomlyAsync(hub, host, starts.Pids, samples, ct) };
            size = size with
            {
                RssKiB = ProcessResources.RssKiB(node.Pid), OpenFiles = ProcessResources.OpenFiles(node.Pid),
                OpenFilesLimit = ProcessResources.OpenFilesSoftLimit(node.Pid),
            };
            Log.Info($"many-processes: {host}: {size.Started} running, RSS {size.RssKiB} KiB (idle {size.IdleRssKiB} KiB), "
                     + $"{size.OpenFiles} open files of {size.OpenFilesLimit}");
            size = size with { KillAll = await KillAllAsync(hub, host, ct) };
        }
        catch (BenchmarkException ex)
        {
            // One size cut short must not cost the others: say how far it got, and go on.
            Log.Info($"many-processes: {host}: {ex.Message}");
            size = size with { Failure = ex.Message };
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
        return size;
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

    /// <summary>
    /// kill_all, then list_active_processes every 100 ms until it is empty or the time limit has passed. A busy node
    /// may not answer in time, or be marked unreachable meanwhile: such polls are counted, not fatal.
    /// </summary>
    private static async Task<KillAllOutcome> KillAllAsync(HubClient hub, string host, CancellationToken ct)
    {
        Log.Info($"many-processes: kill_all on {host}");
        var t0 = Stopwatch.GetTimestamp();
        var (replyMs, replyError) = ((double?)null, (string?)null);
        try
        {
            (_, var ms) = await hub.KillAllAsync(host, ct);
            replyMs = ms;
        }
        catch (BenchmarkException ex)
        {
            replyError = ex.Message;
        }
        var (lastSeen, failedPolls, firstFailure) = ("(not polled)", 0, (string?)null);
        double? emptyS = null;
        while (emptyS is null && Stopwatch.GetElapsedTime(t0) < KillAllTimeLimit)
        {
            try
            {
                var (left, _) = await hub.ListActiveProcessesAsync(host, ct);
                lastSeen = $"{left} listed";
                if (left == 0) emptyS = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            }
            catch (BenchmarkException ex)
            {
                failedPolls++;
                firstFailure ??= ex.Message;
                lastSeen = ex.Message;
            }
            if (emptyS is null) await Task.Delay(PollInterval, ct);
        }
        var stillRunning = Posix.FindRunning(SleepArgv, ChildProcess.RunMarker).Count;
        Log.Info($"many-processes: {host} after kill_all: {lastSeen} after {Stopwatch.GetElapsedTime(t0).TotalSeconds:F1} s, "
                 + $"{failedPolls} poll(s) failed, {stillRunning} still running");
        return new KillAllOutcome(replyMs, replyError, emptyS, lastSeen, failedPolls, firstFailure, stillRunning);
    }
}
