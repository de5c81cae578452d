using System.Diagnostics;
using System.Globalization;

namespace BlueZero.Bench;

/// <summary>
/// Section "metrics-scrape": GET /metrics of a hub (no local node) with several nodes that manage many `/bin/sleep`s
/// between them. Measured: the scrape's latency, one client, one scrape at a time (each one asks every node for its
/// node_state); and what a scrape costs the hub's CPU: the hub's CPU over the scrapes, less what it used idle over the
/// same wall time, per scrape, and that as a share of one core at a scrape every <see cref="ScrapeInterval"/>.
/// </summary>
/// <param name="idleWatch">How long the hub is watched with nothing sent, for its idle rate.</param>
internal sealed class MetricsScrapeBenchmark(MeshUnderTest mesh, RunNotes notes, TimeSpan idleWatch)
{
    public const string HostPrefix = "bench-metrics-";
    public static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(15);
    public const int WarmupScrapes = 5;
    private static readonly TimeSpan AllUpTimeLimit = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan StartTimeLimit = TimeSpan.FromMinutes(10);

    /// <param name="HubCpuMsPerScrape">The hub's CPU time per scrape, its idle use taken off.</param>
    /// <param name="HubCostPercent">That, as percent of one core at one scrape every <see cref="ScrapeInterval"/>.</param>
    /// <param name="NodesCpuMsPerScrape">All nodes together, per scrape, their idle use taken off.</param>
    public sealed record Result(int Hosts, int Processes, double StartAllS, LatencyStats Scrape, int ScrapeBytes, double IdleHubPercent,
        double HubCpuMsPerScrape, double HubCostPercent, double NodesCpuMsPerScrape, string LoadAverage);

    public async Task<Result> RunAsync(int hostCount, int processCount, int samples, CancellationToken ct)
    {
        await using var nodes = new NodeGroup(mesh);
        using var hub = new HubClient(mesh.HubHttp);
        var hosts = Enumerable.Range(1, hostCount).Select(i => string.Create(CultureInfo.InvariantCulture, $"{HostPrefix}{i:D2}")).ToList();
        try
        {
            Log.Info($"metrics-scrape: {hostCount} nodes, {processCount} sleeps between them");
            foreach (var host in hosts) nodes.Launch(host);
            var up = await hub.WaitForHostsUpAsync(hosts, AllUpTimeLimit, PollInterval, nodes.ThrowIfAnyExited, ct);
            if (!up.All) throw new BenchmarkException($"not all nodes up within {AllUpTimeLimit.TotalMinutes:F0} min; last seen: {up.LastSeen}");
            var startAll = await StartSleepsAsync(mesh.HubHttp, "metrics-scrape", hosts, processCount, ct);

            var running = 0.0;
            for (var i = 0; i < WarmupScrapes; i++)
                running = RunningIn((await hub.GetTextAsync("metrics", ct)).Body, hosts);
            if (running != processCount)
                throw new BenchmarkException($"GET /metrics counts {running} running processes on the {hostCount} hosts, not {processCount}");

            var pids = (IReadOnlyList<(string, int)>)[("hub", mesh.HubPid), .. hosts.Select(h => (h, nodes[h].Pid))];
            var idle = CpuMeter.Start(pids);
            await Task.Delay(idleWatch, ct);
            var idleShares = idle.Stop();

            Log.Info($"metrics-scrape: {samples} scrapes, one at a time");
            var (ms, bytes) = (new List<double>(samples), 0);
            var busy = CpuMeter.Start(pids);
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < samples; i++)
            {
                var (body, took) = await hub.GetTextAsync("metrics", ct);
                ms.Add(took);
                bytes = body.Length;
            }
            var wallS = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var busyShares = busy.Stop();

            // percent of one core over wallS, less the idle percent, is CPU time beyond idle; per scrape in ms.
            double PerScrapeMs(double busyPercent, double idlePercent) => (busyPercent - idlePercent) / 100 * wallS * 1000 / samples;
            var hubMs = PerScrapeMs(busyShares[0].PercentOfCore ?? double.NaN, idleShares[0].PercentOfCore ?? double.NaN);
            var nodesMs = PerScrapeMs(busyShares.Skip(1).Sum(s => s.PercentOfCore ?? 0), idleShares.Skip(1).Sum(s => s.PercentOfCore ?? 0));
            var result = new Result(hostCount, processCount, startAll, LatencyStats.From("GET /metrics", ms), bytes,
                idleShares[0].PercentOfCore ?? double.NaN, hubMs, hubMs / ScrapeInterval.TotalMilliseconds * 100, nodesMs, MachineInfo.LoadAverageNow());
            Log.Info($"metrics-scrape: median {result.Scrape.Median:F2} ms, p99 {result.Scrape.P99:F2} ms; hub {hubMs:F2} ms CPU per scrape = {result.HubCostPercent:F3} % of a core at {ScrapeInterval.TotalSeconds:F0} s");
            return result;
        }
        finally
        {
            await hub.KillAllNotingAsync(hosts, notes, "metrics-scrape", ct);
            notes.Add($"metrics-scrape: shutdown of the nodes: {NodeGroup.Summarize(await nodes.StopAllAsync())}");
        }
    }

    /// <summary>Starts <paramref name="total"/> sleeps spread evenly over the hosts, with one client per host; returns the wall time.
    /// The dashboard section starts its sleeps with it too.</summary>
    public static async Task<double> StartSleepsAsync(Uri hubHttp, string section, IReadOnlyList<string> hosts, int total, CancellationToken ct)
    {
        var t0 = Stopwatch.GetTimestamp();
        using var timeLimit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeLimit.CancelAfter(StartTimeLimit);
        await Task.WhenAll(hosts.Select(async (host, i) =>
        {
            using var client = new HubClient(hubHttp);
            for (var n = i; n < total; n += hosts.Count)
            {
                var outcome = await client.TryStartProcessAsync(host, ManyProcessesBenchmark.SleepArgv, "discard", timeLimit.Token);
                if (outcome.Pid is null) throw new BenchmarkException($"{section}: a start on {host} was refused: {outcome.Error}");
            }
        }));
        var wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        Log.Info($"{section}: {total} sleeps started in {wall:F1} s");
        return wall;
    }

    /// <summary>The sum of bluezero_processes{host=one of them,state="running"} in an exposition.</summary>
    private static double RunningIn(string exposition, IReadOnlyList<string> hosts) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith("bluezero_processes{", StringComparison.Ordinal) && line.Contains("state=\"running\"", StringComparison.Ordinal)
                           && hosts.Any(h => line.Contains($"host=\"{h}\"", StringComparison.Ordinal)))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
