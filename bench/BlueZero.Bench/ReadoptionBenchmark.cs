using System.Diagnostics;
using System.Globalization;

namespace BlueZero.Bench;

/// <summary>
/// Re-adoption after a node crash. A second node with a fresh --data-dir joins the hub; N named `/bin/sleep 300`
/// are started on it through the hub; once its process table file holds all N, the node is killed with SIGKILL (the
/// sleeps live on) and started again with the same --host-id and --data-dir, several times. Each restart is timed
/// from launching the node process to its ready line, to GET /hosts showing it "up" at its new address, and to
/// list_active_processes through the hub returning exactly the original pids; a sample is then queried by name.
/// </summary>
internal sealed class ReadoptionBenchmark(MeshUnderTest mesh, string host) : IDisposable
{
    /// <summary>Each re-adopted process: outlives every cycle of a normal run, and exits on the SIGINT of kill_all.</summary>
    public static readonly IReadOnlyList<string> SleepArgv = ["/bin/sleep", "300"];

    private const int SampleSize = 10;
    private static readonly TimeSpan NodeUpTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadoptTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TableTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan CleanupWait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);

    // Three clients, three connections: a slow GET /hosts never delays the list polls, nor the other way round.
    private readonly HubClient _control = new(mesh.HubHttp);
    private readonly HubClient _hostsPoller = new(mesh.HubHttp);
    private readonly HubClient _listPoller = new(mesh.HubHttp);
    private readonly DirectoryInfo _dataDir = Directory.CreateTempSubdirectory("bluezero-bench-readopt-");
    private readonly List<ChildProcess> _nodes = new();
    private readonly Dictionary<string, int> _pidByName = new(StringComparer.Ordinal);

    /// <summary>
    /// One kill and restart. Times are seconds from launching the new node process. <paramref name="HostsSeen"/> is
    /// what GET /hosts said about the host meanwhile, each change with the time it was first seen.
    /// </summary>
    public sealed record Cycle(int Number, int Survived, double ReadyLineS, double HostUpS, double AllListedS,
        int SampleOk, int SampleSize, IReadOnlyList<string> HostsSeen);

    /// <summary>
    /// The set-up before the first kill (seconds), each cycle, and the cycles' times again as milliseconds for the
    /// latency table.
    /// </summary>
    public sealed record Result(int Entries, double FirstNodeUpS, double StartAllS, double TableCompleteS,
        IReadOnlyList<Cycle> Cycles, LatencyStats ReadyLine, LatencyStats HostUp, LatencyStats AllListed);

    private ChildProcess Node => _nodes[^1];

    public async Task<Result> RunAsync(int entries, int cycles, CancellationToken ct)
    {
        Log.Info($"re-adoption: starting {host} with --data-dir {_dataDir.FullName}");
        var t0 = Stopwatch.GetTimestamp();
        _nodes.Add(StartNode());
        await _control.WaitForHostUpAsync(host, NodeUpTimeout, CheckAlive, ct);
        var firstNodeUp = Stopwatch.GetElapsedTime(t0).TotalSeconds;

        Log.Info($"re-adoption: {entries} x start_process {string.Join(' ', SleepArgv)} with a name");
        t0 = Stopwatch.GetTimestamp();
        for (var i = 1; i <= entries; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"ra-{i:D4}");
            var (pid, _) = await _control.StartProcessAsync(host, SleepArgv, name, ct);
            _pidByName[name] = pid;
        }
        var startAll = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var lastStarted = Stopwatch.GetTimestamp();
        var original = _pidByName.Values.ToHashSet();
        await WaitForTableAsync(original, ct);
        var tableComplete = Stopwatch.GetElapsedTime(lastStarted).TotalSeconds;
        var (listed, _) = await _control.ListActivePidsAsync(host, ct);
        if (!original.SetEquals(listed))
            throw new BenchmarkException($"list_active_processes on {host} returned {listed.Count} pids, not the {entries} just started");
        var results = new List<Cycle>(cycles);
        for (var n = 1; n <= cycles; n++)
        {
            if (n > 1) await WaitForTableAsync(original, ct);
            results.Add(await KillAndRestartAsync(n, original, ct));
            var c = results[^1];
            Log.Info(string.Create(CultureInfo.InvariantCulture,
                $"re-adoption cycle {n}: ready line {c.ReadyLineS:F2} s, up {c.HostUpS:F2} s, all {entries} listed {c.AllListedS:F2} s, "
                + $"{c.SampleOk}/{c.SampleSize} by name ok; /hosts: {string.Join("; ", c.HostsSeen)}"));
        }

        return new Result(entries, firstNodeUp, startAll, tableComplete, results,
            LatencyStats.From("ready line", results.Select(c => c.ReadyLineS * 1000).ToList()),
            LatencyStats.From("up in GET /hosts", results.Select(c => c.HostUpS * 1000).ToList()),
            LatencyStats.From("all pids listed", results.Select(c => c.AllListedS * 1000).ToList()));
    }

    /// <summary>
    /// kill_all on the host through the hub; waits until none of the processes runs, else SIGKILLs the rest by pid;
    /// SIGTERM to the node; deletes the data directory. Never throws; returns what it did.
    /// </summary>
    public async Task<IReadOnlyList<string>> CleanupAsync()
    {
        var notes = new List<string>();
        if (_nodes.Count > 0)
            await StopEverythingAsync(notes);
        try
        {
            _dataDir.Delete(recursive: true);
            notes.Add("re-adoption clean-up: deleted its data directory");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            notes.Add($"re-adoption clean-up: could not delete {_dataDir.FullName}: {ex.Message}");
        }
        return notes;
    }

    /// <summary>Processes of this section that still run: started pids with the same argv, and any carrying the run marker.</summary>
    public IReadOnlyList<int> StillRunning() =>
        _pidByName.Values.Where(pid => Posix.IsRunning(pid, SleepArgv)).Union(Posix.FindRunning(SleepArgv, ChildProcess.RunMarker)).ToList();

    public void Dispose()
    {
        foreach (var node in _nodes) node.Dispose();
        _control.Dispose();
        _hostsPoller.Dispose();
        _listPoller.Dispose();
    }

    private async Task StopEverythingAsync(List<string> notes)
    {
        if (StillRunning().Count > 0)
        {
            string sent;
            var wait = CleanupWait;
            try
            {
                using var limit = new CancellationTokenSource(CleanupWait);
                var (pids, _) = await _control.KillAllAsync(host, limit.Token);
                sent = $"kill_all on {host} was sent to {pids.Count} process(es)";
            }
            catch (Exception ex) when (ex is BenchmarkException or OperationCanceledException)
            {
                sent = $"kill_all on {host} was not accepted ({ex.Message})";
                wait = TimeSpan.Zero; // nothing will stop them: kill them by pid at once
            }
            var t0 = Stopwatch.GetTimestamp();
            while (StillRunning().Count > 0 && Stopwatch.GetElapsedTime(t0) < wait)
                await Task.Delay(100);
            var killed = StillRunning();
            foreach (var pid in killed)
                Posix.Signal(pid, Posix.SigKill);
            notes.Add(killed.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"re-adoption clean-up: {sent}; none ran any more {Stopwatch.GetElapsedTime(t0).TotalSeconds:F1} s later")
                : $"re-adoption clean-up: {sent}; {killed.Count} still ran after {wait.TotalSeconds} s and were killed by pid");
        }
        else
        {
            notes.Add("re-adoption clean-up: none of its processes was running");
        }
        notes.Add($"shutdown: {await Node.StopAsync(StopGrace)}");
    }

    private ChildProcess StartNode() =>
        mesh.LaunchNode($"{host} (run {_nodes.Count + 1})", host, ["--data-dir", _dataDir.FullName]);

    private void CheckAlive()
    {
        mesh.ThrowIfExited();
        Node.ThrowIfExited();
    }

    /// <summary>Polls the node's table file until it records all <paramref name="pids"/> as running.</summary>
    private async Task WaitForTableAsync(IReadOnlySet<int> pids, CancellationToken ct)
    {
        var t0 = Stopwatch.GetTimestamp();
        var found = 0;
        while (Stopwatch.GetElapsedTime(t0) < TableTimeout)
        {
            found = ProcessTableProbe.CountRunning(_dataDir.FullName, pids);
            if (found == pids.Count) return;
            await Task.Delay(PollInterval, ct);
        }
        throw new BenchmarkException($"the process table in {_dataDir.FullName} recorded {found} of the {pids.Count} "
                                     + $"processes as running after {TableTimeout.TotalSeconds} s");
    }

    private async Task<Cycle> KillAndRestartAsync(int number, IReadOnlySet<int> original, CancellationToken ct)
    {
        var oldAddress = (await _control.ListHostsAsync(AttemptTimeout, ct)).FirstOrDefault(h => h.HostName == host && h.Status == "up")?.Address
                         ?? throw new BenchmarkException($"{host} is not 'up' in GET /hosts before cycle {number}");
        Log.Info($"re-adoption cycle {number}: SIGKILL to {Node.Name} (pid {Node.Pid})");
        if (!await Node.KillAloneAsync(KillTimeout))
            throw new BenchmarkException($"{Node.Name} (pid {Node.Pid}) did not exit within {KillTimeout.TotalSeconds} s of SIGKILL");
        var survived = original.Count(pid => Posix.IsRunning(pid, SleepArgv));
        if (survived != original.Count)
            throw new BenchmarkException($"only {survived} of the {original.Count} processes outlived the SIGKILL of {host}");

        var t0 = Stopwatch.GetTimestamp();
        _nodes.Add(StartNode());
        var ready = WaitForReadyLineAsync(t0, ct);
        var hostsSeen = new List<string>();
        var up = WatchHostsAsync(t0, oldAddress, hostsSeen, ct);
        var listed = WaitForAllListedAsync(t0, original, ct);
        await Task.WhenAll(ready, up, listed);

        var sampleOk = 0;
        var sample = SampleNames();
        foreach (var name in sample)
        {
            var (running, pid, _) = await _control.QueryProcessStatusAsync(host, name, ct);
            if (running && pid == _pidByName[name]) sampleOk++;
        }
        return new Cycle(number, survived, await ready, await up, await listed, sampleOk, sample.Count, hostsSeen);
    }

    private async Task<double> WaitForReadyLineAsync(long t0, CancellationToken ct)
    {
        await Node.WaitForReadyLineAsync(ReadoptTimeout, ct);
        return Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    /// <summary>
    /// Polls GET /hosts until the host is "up" at an address other than <paramref name="oldAddress"/> (the killed
    /// node's entry stays "up" until the hub finds it unreachable). Records each change of what it saw.
    /// </summary>
    private async Task<double> WatchHostsAsync(long t0, string oldAddress, List<string> seen, CancellationToken ct)
    {
        var last = "";
        while (Stopwatch.GetElapsedTime(t0) < ReadoptTimeout)
        {
            CheckAlive();
            string now;
            var upAgain = false;
            try
            {
                var row = (await _hostsPoller.ListHostsAsync(AttemptTimeout, ct)).FirstOrDefault(h => h.HostName == host);
                upAgain = row is { Status: "up" } && row.Address != oldAddress;
                now = row is null ? "not listed" : $"{row.Status} ({(row.Address == oldAddress ? "old" : "new")} address)";
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException
                                           || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                now = $"no reply ({ex.GetType().Name})";
            }
            var at = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if (now != last)
                seen.Add(string.Create(CultureInfo.InvariantCulture, $"{at:F2} s {now}"));
            last = now;
            if (upAgain) return at;
            await Task.Delay(PollInterval, ct);
        }
        throw new BenchmarkException($"{host} was not 'up' again at a new address in GET /hosts within {ReadoptTimeout.TotalSeconds} s "
                                     + $"of its restart; seen: {string.Join("; ", seen)}");
    }

    /// <summary>Polls list_active_processes through the hub until it returns exactly <paramref name="original"/>.</summary>
    private async Task<double> WaitForAllListedAsync(long t0, IReadOnlySet<int> original, CancellationToken ct)
    {
        var last = "(no reply yet)";
        while (Stopwatch.GetElapsedTime(t0) < ReadoptTimeout)
        {
            CheckAlive();
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(AttemptTimeout);
                var (pids, _) = await _listPoller.ListActivePidsAsync(host, attempt.Token);
                if (original.SetEquals(pids)) return Stopwatch.GetElapsedTime(t0).TotalSeconds;
                last = $"{pids.Count} pids, {pids.Count(original.Contains)} of them original";
            }
            catch (Exception ex) when (ex is BenchmarkException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                last = ex.Message;
            }
            await Task.Delay(PollInterval, ct);
        }
        throw new BenchmarkException($"list_active_processes on {host} did not return the {original.Count} original pids within "
                                     + $"{ReadoptTimeout.TotalSeconds} s of its restart; last: {last}");
    }

    /// <summary>Up to <see cref="SampleSize"/> names spread evenly over the started ones.</summary>
    private IReadOnlyList<string> SampleNames()
    {
        var names = _pidByName.Keys.Order(StringComparer.Ordinal).ToList();
        var count = Math.Min(SampleSize, names.Count);
        return Enumerable.Range(0, count).Select(i => names[i * names.Count / count]).ToList();
    }
}
