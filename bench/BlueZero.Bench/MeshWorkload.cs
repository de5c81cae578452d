using System.Diagnostics;

namespace BlueZero.Bench;

/// <summary>
/// The measured requests against one host of the mesh, all sequential: warm-up start/stop pairs; N queries and N
/// listings with 10 processes running on the host; then N starts (the processes keep running), N queries, N
/// listings with those N processes running, and N waiting stops; then N starts with output discarded, each stopped.
/// Remembers every pid it started; clean-up also finds, through <paramref name="runMarker"/> (an environment entry
/// that the managed processes inherit from the node), any whose start reply never arrived.
/// </summary>
internal sealed class MeshWorkload(HubClient hub, string host, string runMarker)
{
    /// <summary>Each managed process: exits on the SIGINT of stop_process, and outlives a normal run.</summary>
    public static readonly IReadOnlyList<string> SleepArgv = ["/bin/sleep", "30"];

    /// <summary>How many processes run on the host for the "small host" queries and listings.</summary>
    public const int SmallHostProcesses = 10;

    private static readonly TimeSpan CleanupWait = TimeSpan.FromSeconds(15);

    private readonly List<int> _started = new();
    private readonly HashSet<int> _stopped = new();

    public sealed record Result(LatencyStats Start, LatencyStats Query, LatencyStats List, LatencyStats Stop,
        int MinListed, int MaxListed, int NotRunningAtQuery, IReadOnlyDictionary<string, int> Exits,
        LatencyStats QuerySmallHost, LatencyStats ListSmallHost, LatencyStats StartDiscard);

    public async Task<Result> RunAsync(int count, int warmupPairs, CancellationToken ct)
    {
        Log.Info($"warm-up: {warmupPairs} start+stop pairs (not measured)");
        for (var i = 0; i < warmupPairs; i++)
        {
            var pid = await StartAsync(ct);
            await StopAsync(pid, ct);
        }

        var (querySmall, listSmall) = await QueryAndListSmallHostAsync(count, warmupPairs, ct);

        Log.Info($"{count} x start_process");
        var pids = new List<int>(count);
        var startMs = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var (pid, ms) = await hub.StartProcessAsync(host, SleepArgv, ct);
            _started.Add(pid);
            pids.Add(pid);
            startMs.Add(ms);
        }

        Log.Info($"{count} x query_process_status, {count} x list_active_processes with {count} running");
        var (queryMs, notRunning) = await QueryEachAsync(pids, count, ct);
        var (listMs, minListed, maxListed) = await ListAsync(count, ct);

        Log.Info($"{count} x stop_process (wait)");
        var stopMs = new List<double>(count);
        var exits = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var pid in pids)
        {
            var (reply, ms) = await hub.StopProcessAsync(host, pid, wait: true, ct);
            _stopped.Add(pid);
            var exit = $"exit_code {reply.ExitCode?.ToString() ?? "null"}" + (reply.Signal is { } signal ? $", signal {signal}" : "");
            exits[exit] = exits.GetValueOrDefault(exit) + 1;
            stopMs.Add(ms);
        }

        var startDiscardMs = await StartAndStopDiscardingAsync(count, ct);

        return new Result(
            LatencyStats.From("start_process", startMs),
            LatencyStats.From("query_process_status", queryMs),
            LatencyStats.From("list_active_processes", listMs),
            LatencyStats.From("stop_process (wait)", stopMs),
            minListed, maxListed, notRunning, exits,
            LatencyStats.From("query_process_status (10 running)", querySmall),
            LatencyStats.From("list_active_processes (10 running)", listSmall),
            LatencyStats.From("start_process (output discard)", startDiscardMs));
    }

    /// <summary>
    /// <paramref name="count"/> starts with "output":"discard" (no pipes, no output log), each stopped (wait, not
    /// measured) before the next: what capturing output, the default, adds to a start.
    /// </summary>
    private async Task<List<double>> StartAndStopDiscardingAsync(int count, CancellationToken ct)
    {
        Log.Info($"{count} x start_process with \"output\":\"discard\", each then stopped");
        var startMs = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var started = await hub.TryStartProcessAsync(host, SleepArgv, "discard", ct);
            if (started.Pid is not { } pid) throw new BenchmarkException($"start_process with output discard was refused: {started.Error}");
            _started.Add(pid);
            startMs.Add(started.Ms);
            await StopAsync(pid, ct);
        }
        return startMs;
    }

    /// <summary>Starts 10 processes, queries them in turn and lists them, <paramref name="count"/> times each, then stops them.</summary>
    private async Task<(List<double> QueryMs, List<double> ListMs)> QueryAndListSmallHostAsync(int count, int warmup, CancellationToken ct)
    {
        Log.Info($"{count} x query_process_status, {count} x list_active_processes with {SmallHostProcesses} running");
        var pids = new List<int>(SmallHostProcesses);
        for (var i = 0; i < SmallHostProcesses; i++)
            pids.Add(await StartAsync(ct));
        // Unmeasured first, as the pairs before: the first queries and listings of a run cost JIT, not routing.
        await QueryEachAsync(pids, warmup, ct);
        await ListAsync(warmup, ct);
        var (queryMs, notRunning) = await QueryEachAsync(pids, count, ct);
        var (listMs, minListed, maxListed) = await ListAsync(count, ct);
        foreach (var pid in pids)
            await StopAsync(pid, ct);
        if (notRunning > 0 || minListed != SmallHostProcesses || maxListed != SmallHostProcesses)
            throw new BenchmarkException($"with {SmallHostProcesses} processes started on {host}, {notRunning} queries said not running "
                                        + $"and listings held {minListed} to {maxListed} pids");
        return (queryMs, listMs);
    }

    /// <summary><paramref name="count"/> queries, going round <paramref name="pids"/>; counts the answers "not running".</summary>
    private async Task<(List<double> Ms, int NotRunning)> QueryEachAsync(IReadOnlyList<int> pids, int count, CancellationToken ct)
    {
        var queryMs = new List<double>(count);
        var notRunning = 0;
        for (var i = 0; i < count; i++)
        {
            var (running, ms) = await hub.QueryProcessStatusAsync(host, pids[i % pids.Count], ct);
            if (!running) notRunning++;
            queryMs.Add(ms);
        }
        return (queryMs, notRunning);
    }

    private async Task<(List<double> Ms, int MinListed, int MaxListed)> ListAsync(int count, CancellationToken ct)
    {
        var listMs = new List<double>(count);
        var (minListed, maxListed) = (int.MaxValue, 0);
        for (var i = 0; i < count; i++)
        {
            var (listed, ms) = await hub.ListActiveProcessesAsync(host, ct);
            (minListed, maxListed) = (Math.Min(minListed, listed), Math.Max(maxListed, listed));
            listMs.Add(ms);
        }
        return (listMs, minListed, maxListed);
    }

    /// <summary>
    /// Stops, through the hub, every process it started and has not stopped yet; then SIGKILLs, by pid, any process
    /// of this run that still runs after 15 s. Never throws; returns what it did.
    /// </summary>
    public async Task<string> CleanupAsync()
    {
        var pending = _started.Where(pid => !_stopped.Contains(pid)).ToList();
        if (pending.Count == 0 && StillRunning().Count == 0)
            return "clean-up: every started process had been stopped by the benchmark";
        var refused = 0;
        foreach (var pid in pending)
        {
            try
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await hub.StopProcessAsync(host, pid, wait: false, limit.Token);
            }
            catch (Exception ex) when (ex is BenchmarkException or OperationCanceledException)
            {
                refused++;
            }
        }
        var t0 = Stopwatch.GetTimestamp();
        while (StillRunning().Count > 0 && Stopwatch.GetElapsedTime(t0) < CleanupWait)
            await Task.Delay(100);
        var killed = StillRunning();
        foreach (var pid in killed)
            Posix.Signal(pid, Posix.SigKill);
        return $"clean-up: sent stop_process for {pending.Count} remaining process(es) ({refused} not accepted); "
               + $"{killed.Count} process(es) of this run still ran after {CleanupWait.TotalSeconds} s and were killed by pid";
    }

    /// <summary>Processes of this run that still run: started pids with the same argv, and any carrying the run marker.</summary>
    public IReadOnlyList<int> StillRunning() =>
        _started.Where(pid => Posix.IsRunning(pid, SleepArgv)).Union(Posix.FindRunning(SleepArgv, runMarker)).ToList();

    /// <summary>A warm-up cycle of every request the section measures: start, query, list, stop (wait); the start's milliseconds.</summary>
    public async Task<double> WarmCycleAsync(CancellationToken ct)
    {
        var (pid, startMs) = await hub.StartProcessAsync(host, SleepArgv, ct);
        _started.Add(pid);
        await hub.QueryProcessStatusAsync(host, pid, ct);
        await hub.ListActiveProcessesAsync(host, ct);
        await StopAsync(pid, ct);
        return startMs;
    }

    /// <summary>One start, a query of its pid, and its stop (wait); the start's and the query's milliseconds.</summary>
    public async Task<(double StartMs, double QueryMs)> StartQueryStopAsync(CancellationToken ct)
    {
        var (pid, startMs) = await hub.StartProcessAsync(host, SleepArgv, ct);
        _started.Add(pid);
        var (_, queryMs) = await hub.QueryProcessStatusAsync(host, pid, ct);
        await StopAsync(pid, ct);
        return (startMs, queryMs);
    }

    private async Task<int> StartAsync(CancellationToken ct)
    {
        var (pid, _) = await hub.StartProcessAsync(host, SleepArgv, ct);
        _started.Add(pid);
        return pid;
    }

    private async Task StopAsync(int pid, CancellationToken ct)
    {
        await hub.StopProcessAsync(host, pid, wait: true, ct);
        _stopped.Add(pid);
    }
}
