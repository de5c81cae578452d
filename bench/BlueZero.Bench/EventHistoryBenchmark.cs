using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace BlueZero.Bench;

/// <summary>
/// Section "event-history" (issue 14's Performance list, besides ingest):
/// <list type="number">
/// <item>the hub's history is filled to <c>--stored-events</c> (the 1,000,000 by default) through event-ingest (events of 1000 process
/// names), then GET /events?name=N&amp;order=desc&amp;limit=100 is timed through HTTP;</item>
/// <item>two remote nodes, one with the shipped settings and one with <c>bluezero.process-manager.events.enabled =
/// off</c> (a copy of the hocon), take start_process requests in turn (a start then a stop without wait, each), so
/// both see the same hub and machine load; the difference of the start medians is what recording costs;</item>
/// <item>during that, <see cref="Subscribers"/> clients follow GET /events/stream for the recording node: each must
/// receive every process_started event, and each event's latency is the time it arrived minus its <c>time</c>
/// (stamped on the node, on this same machine's clock). The hub's CPU is measured over the loop.</item>
/// </list>
/// </summary>
internal sealed class EventHistoryBenchmark(MeshUnderTest mesh, RunNotes notes)
{
    public const int Subscribers = 50;
    /// <summary>At most this many process names share the stored events (1,000 at the size)...</summary>
    public const int MaxQueryNames = 1000;
    /// <summary>...and each has at least the 100 events a query asks for.</summary>
    private const int EventsPerQuery = 100;

    private static int QueryNamesFor(int storedEvents) => Math.Clamp(storedEvents / EventsPerQuery, 1, MaxQueryNames);
    private const string OnHost = "bench-ev-on";
    private const string OffHost = "bench-ev-off";
    private static readonly TimeSpan NodeUpTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    public sealed record Result(long Stored, int Names, double FillS, LatencyStats Query, LatencyStats StartWithEvents, LatencyStats StartWithout,
        double CostPercent, LatencyStats LiveLatency, int Subscribers, int EventsEach, int MissedDeliveries, double? HubCpuPercent);

    public async Task<Result> RunAsync(int storedEvents, int samples, CancellationToken ct)
    {
        var names = QueryNamesFor(storedEvents);
        var fillClock = Stopwatch.StartNew();
        await new EventIngestBenchmark(mesh).RunAsync(storedEvents, ct, names);
        var fillS = fillClock.Elapsed.TotalSeconds;
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = Subscribers + 4 })
            { BaseAddress = mesh.HubHttp, Timeout = Timeout.InfiniteTimeSpan };
        var stored = await CountStored(http, ct);
        var query = LatencyStats.From("query", await TimeQueries(http, names, samples, ct));

        await using var nodes = new NodeGroup(mesh);
        using var hub = new HubClient(mesh.HubHttp);
        nodes.Launch(OnHost);
        nodes.Launch(OffHost, ["--config-dir", EventsOffConfig()]);
        await hub.WaitForHostUpAsync(OnHost, NodeUpTimeout, nodes.ThrowIfAnyExited, ct);
        await hub.WaitForHostUpAsync(OffHost, NodeUpTimeout, nodes.ThrowIfAnyExited, ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var followers = Enumerable.Range(0, Subscribers).Select(_ => new Follower()).ToList();
        var following = followers.Select(f => f.RunAsync(http, $"/events/stream?host={OnHost}&type=process_started&since_seq={stored.LastSeq}", stop.Token)).ToList();
        await Task.WhenAll(followers.Select(f => f.Connected.WaitAsync(DeliveryTimeout, ct)));

        var with = new List<double>();
        var without = new List<double>();
        double? hubCpu;
        var cpu = CpuMeter.Start([("hub", mesh.HubPid)]);
        try
        {
            for (var i = 0; i < samples; i++)
                foreach (var (host, into) in i % 2 == 0 ? new[] { (OnHost, with), (OffHost, without) } : [(OffHost, without), (OnHost, with)])
                {
                    var (pid, ms) = await hub.StartProcessAsync(host, MeshWorkload.SleepArgv, ct);
                    into.Add(ms);
                    await hub.StopProcessAsync(host, pid, wait: false, ct);
                }
            var deadline = Stopwatch.StartNew();
            while (followers.Any(f => f.Count < samples) && deadline.Elapsed < DeliveryTimeout) await Task.Delay(50, ct);
        }
        finally
        {
            hubCpu = cpu.Stop()[0].PercentOfCore;
            await stop.CancelAsync();
            await Task.WhenAll(following);
            notes.Add($"event-history: {await KillAll(hub)}");
            foreach (var outcome in await nodes.StopAllAsync()) notes.Add($"event-history: shutdown: {outcome}");
        }
        var startWith = LatencyStats.From("start_process, events on", with);
        var startWithout = LatencyStats.From("start_process, events off", without);
        var live = LatencyStats.From("node to SSE subscriber", followers.SelectMany(f => f.LatenciesMs).ToList());
        return new Result(stored.Count, names, fillS, query, startWith, startWithout, (startWith.Median - startWithout.Median) / startWithout.Median * 100,
            live, Subscribers, samples, followers.Sum(f => Math.Max(0, samples - f.Count)), hubCpu);
    }

    private static async Task<string> KillAll(HubClient hub)
    {
        var on = await hub.KillAllAsync(OnHost, CancellationToken.None);
        var off = await hub.KillAllAsync(OffHost, CancellationToken.None);
        return $"kill_all ended {on.Pids.Count + off.Pids.Count} leftover sleeps";
    }

    /// <summary>A copy of the shipped hocon with the node's event recording switched off.</summary>
    private static string EventsOffConfig()
    {
        var dir = Directory.CreateTempSubdirectory("bluezero-bench-events-off-").FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "hocon"), "*.hocon"))
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        File.AppendAllText(Path.Combine(dir, "process-manager.hocon"), "\nbluezero.process-manager.events.enabled = off\n");
        return dir;
    }

    private static async Task<(long Count, long LastSeq)> CountStored(HttpClient http, CancellationToken ct)
    {
        var newest = JsonNode.Parse(await http.GetStringAsync("/events?order=desc&limit=1", ct))!;
        var lastSeq = (long)newest["events"]![0]!["seq"]!;
        var oldest = JsonNode.Parse(await http.GetStringAsync("/events?limit=1", ct))!;
        return (lastSeq - (long)oldest["events"]![0]!["seq"]! + 1, lastSeq);
    }

    private static async Task<List<double>> TimeQueries(HttpClient http, int names, int samples, CancellationToken ct)
    {
        var times = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var body = await http.GetStringAsync($"/events?name=job-{i % names}&order=desc&limit={EventsPerQuery}", ct);
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (JsonNode.Parse(body)!["events"]!.AsArray().Count != EventsPerQuery) throw new BenchmarkException($"a query by name did not answer {EventsPerQuery} events: {body[..Math.Min(200, body.Length)]}");
        }
        return times;
    }

    /// <summary>One SSE subscriber: counts the events it gets and how late each arrived.</summary>
    private sealed class Follower
    {
        private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task Connected => _connected.Task;
        public List<double> LatenciesMs { get; } = new();
        public int Count => Volatile.Read(ref _count);
        private int _count;

        public async Task RunAsync(HttpClient http, string path, CancellationToken ct)
        {
            try
            {
                using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
                _connected.TrySetResult();
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                    var arrived = DateTimeOffset.UtcNow;
                    var time = DateTimeOffset.Parse((string)JsonNode.Parse(line[6..])!["time"]!, CultureInfo.InvariantCulture);
                    LatenciesMs.Add((arrived - time).TotalMilliseconds);
                    Interlocked.Increment(ref _count);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                _connected.TrySetException(ex);
            }
        }
    }
}
