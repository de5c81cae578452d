using System.Diagnostics;
using System.Globalization;

namespace BlueZero.Bench;

/// <summary>
/// Section "many-nodes". For each size, a fresh hub without a local node, and that many process-manager nodes as
/// separate processes, all launched at once. Measured: launch until GET /hosts lists every node "up"; the
/// cluster-wide listings (sequential, one client); the hub's RSS; and, after one node is killed with SIGKILL, how long
/// the hub takes to say so: in GET /hosts, and to a request routed to that node.
/// </summary>
/// <param name="coldStartRounds">Cold starts of one node per build before the sizes.</param>
/// <param name="idleWatch">How long the settled hub and nodes are watched with nothing sent.</param>
internal sealed class ManyNodesBenchmark(RunNotes notes, int coldStartRounds, TimeSpan idleWatch)
{
    public const string HubHostId = "bench-mn-hub";
    public static readonly TimeSpan AllUpTimeLimit = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan DetectTimeLimit = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Once all are up, how long the idle mesh's CPU is watched before the listings.</summary>

    /// <summary>
    /// Many nodes launched at once keep the machine saturated for a while after they are all up: the runtime
    /// recompiles their hot code (tiered JIT), and heartbeats delayed by the load make members unreachable and the
    /// cluster gossip and decide again. The listings are measured once that is over: when the hub and the nodes
    /// together use less than <see cref="SettledShareOfMachine"/> of the machine over a <see cref="SettleWindow"/>.
    /// </summary>
    public static readonly TimeSpan SettleWindow = TimeSpan.FromSeconds(2);
    public const double SettledShareOfMachine = 0.75;
    public static readonly TimeSpan SettleTimeLimit = TimeSpan.FromMinutes(5);

    public const int WarmupListings = 5;

    /// <summary>
    /// How the hub reported the killed node: seconds from the SIGKILL until GET /hosts no longer said "up" (and what
    /// it said), and until a request routed to it was answered "host unreachable" (or the last answer).
    /// </summary>
    public sealed record Detection(string HostId, double? HostsS, string HostsSaid, double? RoutedS, string RoutedSaid);

    /// <summary>
    /// One size, filled in as far as it got. <see cref="MostUp"/> is the largest number of nodes GET /hosts showed
    /// "up" at once while waiting; <see cref="Failure"/> says what cut the size short.
    /// </summary>
    public sealed record Level(int Nodes)
    {
        public int Up { get; init; }
        public int MostUp { get; init; }
        public double? UpS { get; init; }
        public LatencyStats? ListActive { get; init; }
        public LatencyStats? ListProcesses { get; init; }
        public int HostErrors { get; init; }
        public long? HubRssKiB { get; init; }
        public long? NodeRssMedianKiB { get; init; }
        public Detection? Crash { get; init; }
        public string? Failure { get; init; }

        /// <summary>CPU of the hub and of all nodes together, % of one core, while nobody sent anything; and the load average then.</summary>
        public double? IdleHubCpu { get; init; }
        public double? IdleNodesCpu { get; init; }
        public string? IdleLoadAverage { get; init; }

        /// <summary>Seconds from launch until the mesh no longer saturated the machine; null if it did not within the limit.</summary>
        public double? SettledS { get; init; }

        public bool AllUp => Up == Nodes;
    }

    /// <summary>Cold starts of one node per build, alternating, each a fresh process with a fresh host_name.</summary>

    public static readonly TimeSpan ColdStartPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// One node's cold start on an idle hub, milliseconds from launching `dotnet DLL` until its ready line and until
    /// GET /hosts lists it "up", with the JIT build and with the ReadyToRun build (null when it could not be published).
    /// </summary>
    public sealed record ColdStarts(LatencyStats JitReady, LatencyStats JitUp, LatencyStats? R2rReady, LatencyStats? R2rUp);

    /// <summary>
    /// <see cref="Build"/> says which binaries the sizes ran; <see cref="PublishS"/> how long publishing them took, or
    /// <see cref="PublishFailure"/> why the JIT build was used instead.
    /// </summary>
    public sealed record Result(IReadOnlyList<Level> Levels, string Build, double? PublishS, string? PublishFailure, ColdStarts? Cold);

    /// <param name="publish">Whether to publish and run the ReadyToRun build; without, the JIT build next to the benchmark runs.</param>
    public async Task<Result> RunAsync(IReadOnlyList<int> sizes, int samples, bool publish, CancellationToken ct)
    {
        var (build, publishS, publishFailure) = (ReleaseBuild.NextToBench, (double?)null, publish ? null : "--no-publish");
        if (publish)
        {
            try
            {
                var (published, took) = await ReleaseBuild.PublishAsync(ct);
                (build, publishS) = (published, took.TotalSeconds);
            }
            catch (BenchmarkException ex)
            {
                Log.Info($"many-nodes: no ReadyToRun build, using the JIT build: {ex.Message}");
                publishFailure = ex.Message;
            }
        }
        var cold = await MeasureColdStartsAsync(build == ReleaseBuild.NextToBench ? null : build, ct);
        var levels = new List<Level>();
        foreach (var size in sizes)
            levels.Add(await RunLevelAsync(size, samples, build, ct));
        return new Result(levels, build.Description, publishS, publishFailure, cold);
    }

    /// <summary>One node at a time on an idle hub of the ReadyToRun build (else the JIT one): JIT node, then R2R node, per round.</summary>
    private async Task<ColdStarts?> MeasureColdStartsAsync(ReleaseBuild? r2r, CancellationToken ct)
    {
        Log.Info($"many-nodes: {coldStartRounds} cold start(s) of one node per build");
        await using var mesh = await MeshUnderTest.StartAsync(HubHostId, localNode: false, ct, r2r);
        using var hub = new HubClient(mesh.HubHttp);
        var (jitReady, jitUp, r2rReady, r2rUp) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        try
        {
            for (var round = 1; round <= coldStartRounds; round++)
            {
                var (ready, up) = await ColdStartAsync(mesh, hub, $"bench-cold-jit-{round}", ReleaseBuild.NextToBench, ct);
                (jitReady, jitUp) = ([.. jitReady, ready], [.. jitUp, up]);
                if (r2r is null) continue;
                (ready, up) = await ColdStartAsync(mesh, hub, $"bench-cold-r2r-{round}", r2r, ct);
                (r2rReady, r2rUp) = ([.. r2rReady, ready], [.. r2rUp, up]);
            }
        }
        finally
        {
            notes.Add($"many-nodes (cold starts): shutdown: {await mesh.StopAsync()}");
        }
        return new ColdStarts(LatencyStats.From("JIT: ready line", jitReady), LatencyStats.From("JIT: up", jitUp),
            r2r is null ? null : LatencyStats.From("R2R: ready line", r2rReady), r2r is null ? null : LatencyStats.From("R2R: up", r2rUp));
    }

    private async Task<(double ReadyMs, double UpMs)> ColdStartAsync(MeshUnderTest mesh, HubClient hub, string hostId, ReleaseBuild build,
        CancellationToken ct)
    {
        var t0 = Stopwatch.GetTimestamp();
        using var node = mesh.LaunchNode($"node {hostId}", hostId, build: build);
        try
        {
            await node.WaitForReadyLineAsync(AllUpTimeLimit, ct);
            var readyMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            await hub.WaitForHostUpAsync(hostId, AllUpTimeLimit, node.ThrowIfExited, ct, ColdStartPollInterval);
            return (readyMs, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        finally
        {
            notes.Add($"many-nodes (cold start {hostId}): shutdown: {await node.StopAsync(TimeSpan.FromSeconds(20))}");
        }
    }

    private async Task<Level> RunLevelAsync(int size, int samples, ReleaseBuild build, CancellationToken ct)
    {
        Log.Info($"many-nodes: a hub and {size} nodes");
        var level = new Level(size);
        MeshUnderTest mesh;
        try
        {
            mesh = await MeshUnderTest.StartAsync(HubHostId, localNode: false, ct, build);
        }
        catch (BenchmarkException ex)
        {
            return level with { Failure = $"the hub did not start: {ex.Message}" };
        }
        await using (mesh)
        {
            await using var nodes = new NodeGroup(mesh);
            using var hub = new HubClient(mesh.HubHttp);
            try
            {
                var hosts = Enumerable.Range(1, size).Select(i => string.Create(CultureInfo.InvariantCulture, $"bench-mn-{i:D3}")).ToList();
                var t0 = Stopwatch.GetTimestamp();
                foreach (var host in hosts) nodes.Launch(host);
                var up = await hub.WaitForNodesUpAsync(size, AllUpTimeLimit, PollInterval, nodes.ThrowIfAnyExited, ct);
                level = level with { Up = up.Up, MostUp = up.MostUp, UpS = up.All ? Stopwatch.GetElapsedTime(t0).TotalSeconds : null };
                Log.Info($"many-nodes: {up.Up} of {size} up after {Stopwatch.GetElapsedTime(t0).TotalSeconds:F1} s (at most {up.MostUp} at once)");
                if (!up.All)
                    return level with { HubRssKiB = ProcessResources.RssKiB(mesh.HubPid), Failure = $"not all up within {AllUpTimeLimit.TotalMinutes:F0} min; last seen: {up.LastSeen}" };

                level = level with { SettledS = await SettleAsync(mesh, nodes, hosts, t0, ct) };
                level = await WatchIdleAsync(level, mesh, nodes, hosts, ct);
                var (listActive, errorsActive) = await ListClusterWideAsync(hub, "list_active_processes", size, samples, ct);
                var (listProcesses, errorsAll) = await ListClusterWideAsync(hub, "list_processes", size, samples, ct);
                var nodeRss = hosts.Select(h => ProcessResources.RssKiB(nodes[h].Pid)).OfType<long>().Order().ToList();
                level = level with
                {
                    ListActive = listActive, ListProcesses = listProcesses, HostErrors = errorsActive + errorsAll,
                    HubRssKiB = ProcessResources.RssKiB(mesh.HubPid), NodeRssMedianKiB = nodeRss.Count == 0 ? null : nodeRss[(nodeRss.Count - 1) / 2],
                };
                level = level with { Crash = await DetectCrashAsync(mesh, nodes, hosts[^1], ct) };
            }
            catch (BenchmarkException ex)
            {
                // One size cut short must not cost the others: say how far it got, and go on.
                Log.Info($"many-nodes: {size} nodes: {ex.Message}");
                level = level with { Failure = ex.Message };
            }
            finally
            {
                var outcomes = await nodes.StopAllAsync();
                notes.Add($"many-nodes ({size}): shutdown of the nodes: {NodeGroup.Summarize(outcomes)}");
                notes.Add($"many-nodes ({size}): shutdown: {await mesh.StopAsync()}");
            }
        }
        return level;
    }

    /// <summary>Waits until the hub and the nodes no longer saturate the machine; seconds since launch, or null at the time limit.</summary>
    private static async Task<double?> SettleAsync(MeshUnderTest mesh, NodeGroup nodes, IReadOnlyList<string> hosts, long launched, CancellationToken ct)
    {
        var limit = SettledShareOfMachine * Environment.ProcessorCount * 100;
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < SettleTimeLimit)
        {
            var meter = CpuMeter.Start([("hub", mesh.HubPid), .. hosts.Select(h => (h, nodes[h].Pid))]);
            await Task.Delay(SettleWindow, ct);
            var total = meter.Stop().Sum(share => share.PercentOfCore ?? 0);
            if (total < limit)
            {
                var settled = Stopwatch.GetElapsedTime(launched).TotalSeconds;
                Log.Info($"many-nodes: settled {settled:F1} s after launch ({total:F0} % of one core over {SettleWindow.TotalSeconds:F0} s)");
                return settled;
            }
        }
        Log.Info($"many-nodes: still above {limit:F0} % of one core after {SettleTimeLimit.TotalMinutes:F0} min; measuring anyway");
        return null;
    }

    /// <summary>The CPU the hub and the nodes use on their own, with no request in flight: what the listings compete with.</summary>
    private async Task<Level> WatchIdleAsync(Level level, MeshUnderTest mesh, NodeGroup nodes, IReadOnlyList<string> hosts, CancellationToken ct)
    {
        var meter = CpuMeter.Start([("hub", mesh.HubPid), .. hosts.Select(h => (h, nodes[h].Pid))]);
        await Task.Delay(idleWatch, ct);
        var shares = meter.Stop();
        var load = MachineInfo.LoadAverageNow();
        Log.Info($"many-nodes: idle for {idleWatch.TotalSeconds:F0} s: hub {shares[0].PercentOfCore:F0} %, nodes {shares.Skip(1).Sum(c => c.PercentOfCore ?? 0):F0} % of one core; load average {load}");
        return level with { IdleHubCpu = shares[0].PercentOfCore, IdleNodesCpu = shares.Skip(1).Sum(c => c.PercentOfCore ?? 0), IdleLoadAverage = load };
    }

    /// <summary><paramref name="samples"/> cluster-wide listings; each must list every node. Returns the host errors seen.</summary>
    private static async Task<(LatencyStats Ms, int HostErrors)> ListClusterWideAsync(HubClient hub, string operation, int size, int samples,
        CancellationToken ct)
    {
        Log.Info($"many-nodes: {samples} x cluster-wide {operation} over {size} nodes");
        for (var i = 0; i < WarmupListings; i++)
            await hub.ListClusterWideAsync(operation, ct);
        var (ms, errors) = (new List<double>(samples), 0);
        for (var i = 0; i < samples; i++)
        {
            var listing = await hub.ListClusterWideAsync(operation, ct);
            if (listing.Hosts != size)
                throw new BenchmarkException($"cluster-wide {operation} listed {listing.Hosts} hosts, not the {size} up");
            errors += listing.HostErrors.Count;
            ms.Add(listing.Ms);
        }
        return (LatencyStats.From($"cluster-wide {operation}", ms), errors);
    }

    private static async Task<Detection> DetectCrashAsync(MeshUnderTest mesh, NodeGroup nodes, string victim, CancellationToken ct)
    {
        Log.Info($"many-nodes: SIGKILL to {victim}");
        using var hostsPoller = new HubClient(mesh.HubHttp);
        using var prober = new HubClient(mesh.HubHttp);
        var t0 = Stopwatch.GetTimestamp();
        if (!await nodes.CrashAsync(victim, KillTimeout))
            throw new BenchmarkException($"{victim} did not exit within {KillTimeout.TotalSeconds} s of SIGKILL");
        var viaHosts = WatchHostsAsync(hostsPoller, victim, t0, ct);
        var viaRouted = ProbeUntilUnreachableAsync(prober, victim, t0, ct);
        await Task.WhenAll(viaHosts, viaRouted);
        var (hostsS, hostsSaid) = await viaHosts;
        var (routedS, routedSaid) = await viaRouted;
        Log.Info($"many-nodes: {victim} {hostsSaid} in GET /hosts after {hostsS:F2} s; routed request: {routedSaid} after {routedS:F2} s");
        return new Detection(victim, hostsS, hostsSaid, routedS, routedSaid);
    }

    /// <summary>Polls GET /hosts until the host is listed as anything but "up".</summary>
    private static async Task<(double? S, string Said)> WatchHostsAsync(HubClient hub, string host, long t0, CancellationToken ct)
    {
        var said = "(no reply yet)";
        while (Stopwatch.GetElapsedTime(t0) < DetectTimeLimit)
        {
            var (rows, failure) = await hub.TryListHostsAsync(ct);
            var status = rows?.FirstOrDefault(r => r.HostName == host)?.Status;
            said = rows is null ? $"({failure})" : status ?? "not listed";
            if (rows is not null && status != "up") return (Stopwatch.GetElapsedTime(t0).TotalSeconds, said);
            await Task.Delay(PollInterval, ct);
        }
        return (null, $"still {said} after {DetectTimeLimit.TotalSeconds} s");
    }

    /// <summary>
    /// Sends list_active_processes to the host again and again until the hub answers "host unreachable". While the hub
    /// still takes the host for up, the request waits for the node and is answered the moment the hub gives up on it.
    /// </summary>
    private static async Task<(double? S, string Said)> ProbeUntilUnreachableAsync(HubClient hub, string host, long t0, CancellationToken ct)
    {
        var said = "(no reply yet)";
        while (Stopwatch.GetElapsedTime(t0) < DetectTimeLimit)
        {
            var reply = await hub.ProbeHostAsync(host, ct);
            said = $"HTTP {(int)reply.Status} {reply.TopLevelError ?? "(no error)"}";
            if (reply.TopLevelError is "host unreachable" or "unknown host") return (Stopwatch.GetElapsedTime(t0).TotalSeconds, said);
            await Task.Delay(PollInterval, ct);
        }
        return (null, $"last answer {said} after {DetectTimeLimit.TotalSeconds} s");
    }
}
