using System.Diagnostics;

namespace BlueZero.Bench;

/// <summary>
/// One run: the chosen sections in order, each within its deadline, then a last sweep that kills, by pid, anything
/// started by the run that still runs (found through the run marker), whatever happened before.
/// </summary>
internal static class BenchRun
{
    private const string HubHostId = "bench-hub";
    private const string ReadoptHostId = "bench-readopt";
    private const string MetricsHubHostId = "bench-metrics-hub";
    private const string DashboardHubHostId = "bench-dash-hub";

    /// <summary>The sections that share one hub (with its local node), started once for them.</summary>
    private static readonly BenchSection[] MeshSections =
        [BenchSection.Latency, BenchSection.Throughput, BenchSection.ManyProcesses, BenchSection.Readopt, BenchSection.Followers, BenchSection.EventIngest, BenchSection.EventHistory, BenchSection.PlanUp];

    private sealed record MeshOutcomes(
        SectionOutcome<LatencyBenchmark.Result> Latency,
        SectionOutcome<ThroughputBenchmark.Result> Throughput,
        SectionOutcome<ManyProcessesBenchmark.Result> ManyProcesses,
        SectionOutcome<ReadoptionBenchmark.Result> Readoption,
        SectionOutcome<FollowersBenchmark.Result> Followers,
        SectionOutcome<EventIngestBenchmark.Result> EventIngest,
        SectionOutcome<EventHistoryBenchmark.Result> EventHistory,
        SectionOutcome<PlanUpBenchmark.Result> PlanUp);

    public static async Task<BenchReport> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var startedUtc = DateTimeOffset.UtcNow;
        var t0 = Stopwatch.GetTimestamp();
        var machine = MachineInfo.Read();
        if (machine.Configuration != "Release")
            Log.Info($"note: this is a {machine.Configuration} build; publishable figures need -c Release");
        var notes = new RunNotes();
        if (options.LogDirectory is { } logs)
        {
            Directory.CreateDirectory(logs);
            ChildProcess.LogDirectory = logs;
        }
        ChildProcess.RuntimeEnvironment = options.RuntimeEnvironment;
        await SystemPackages.EnsureAsync(options.Install, notes);
        var runner = new SectionRunner(options.Sections, ct);

        SectionOutcome<FloorBenchmark.Result> floor;
        SectionOutcome<StartPathBenchmark.Result> startPath;
        SectionOutcome<HubPathBenchmark.Result> hubPath;
        SectionOutcome<RuntimeModesBenchmark.Result> runtimeModes;
        MeshOutcomes meshOutcomes;
        SectionOutcome<ManyNodesBenchmark.Result> manyNodes;
        SectionOutcome<MetricsScrapeBenchmark.Result> metricsScrape;
        SectionOutcome<DashboardBenchmark.Result> dashboard;
        SectionOutcome<PeerBenchmark.Result> peer;
        try
        {
            floor = await runner.RunAsync(BenchSection.Floor, section => Task.FromResult(FloorBenchmark.Run(
                MeshWorkload.SleepArgv[0], MeshWorkload.SleepArgv.Skip(1).ToList(), options.Requests, options.WarmupCycles, section)));
            startPath = await runner.RunAsync(BenchSection.StartPath, section => Task.FromResult(StartPathBenchmark.Run(options.Requests, section)));
            hubPath = await runner.RunAsync(BenchSection.HubPath, section => Task.FromResult(HubPathBenchmark.Run(options.Requests, section)));
            // Before the shared hub starts: every mode gets a hub and a node of its own, and nothing else runs.
            runtimeModes = await runner.RunAsync(BenchSection.RuntimeModes,
                section => new RuntimeModesBenchmark(notes).RunAsync(options.RuntimeModes, options.Requests, section));
            meshOutcomes = await RunMeshSectionsAsync(runner, options, notes, ct);
            manyNodes = await runner.RunAsync(BenchSection.ManyNodes,
                section => new ManyNodesBenchmark(notes, options.ColdStartRounds, options.NodesIdleWatch).RunAsync(options.NodeCounts, options.Samples, options.Publish, section));
            metricsScrape = await runner.RunAsync(BenchSection.MetricsScrape, section => RunMetricsScrapeAsync(options, notes, section));
            dashboard = File.Exists(DashboardBenchmark.ChromiumPath)
                ? await runner.RunAsync(BenchSection.Dashboard, section => RunDashboardAsync(options, notes, section))
                : runner.Skip<DashboardBenchmark.Result>(BenchSection.Dashboard, $"{DashboardBenchmark.ChromiumPath} is missing (apt-get install chromium)");
            peer = await runner.RunAsync(BenchSection.Peer, section => PeerBenchmark.RunAsync(options.Requests, options.Install, section));
        }
        finally
        {
            SweepLeftovers(notes);
        }
        return new BenchReport(startedUtc, Stopwatch.GetElapsedTime(t0), machine, options, options.WarmupCycles, floor, startPath, hubPath, meshOutcomes.Latency, runtimeModes,
            meshOutcomes.Throughput, meshOutcomes.ManyProcesses, meshOutcomes.Readoption, meshOutcomes.Followers, meshOutcomes.EventIngest, meshOutcomes.EventHistory, meshOutcomes.PlanUp, manyNodes, metricsScrape, dashboard, peer, MachineInfo.LoadAverageNow(),
            notes.All);
    }

    private static async Task<MeshOutcomes> RunMeshSectionsAsync(SectionRunner runner, BenchOptions options, RunNotes notes, CancellationToken ct)
    {
        MeshUnderTest? mesh = null;
        var hubFailure = "";
        if (MeshSections.Any(runner.IsChosen))
        {
            Log.Info("starting the hub shared by latency, throughput, many-processes and readopt");
            try
            {
                mesh = await MeshUnderTest.StartAsync(HubHostId, localNode: true, ct);
                Log.Info($"hub ready at {mesh.HubHttp} ({mesh.ClusterAddress})");
            }
            catch (BenchmarkException ex)
            {
                hubFailure = ex.Message;
            }
        }
        // Each section fails on its own when the hub did not start, so that the results say so under every heading.
        MeshUnderTest Mesh() => mesh ?? throw new BenchmarkException($"the hub did not start: {hubFailure}");
        try
        {
            return new MeshOutcomes(
                await runner.RunAsync(BenchSection.Latency,
                    section => new LatencyBenchmark(Mesh(), notes).RunAsync(options.Requests, options.WarmupCycles, options.SettleMax, section)),
                await runner.RunAsync(BenchSection.Throughput,
                    section => new ThroughputBenchmark(Mesh(), notes).RunAsync(options.Clients, options.Pairs, options.ThroughputWarmupPairs, options.SettleMax, section)),
                await runner.RunAsync(BenchSection.ManyProcesses,
                    section => new ManyProcessesBenchmark(Mesh(), options.ManyOutput, notes).RunAsync(options.ProcessCounts, options.Samples, section)),
                await runner.RunAsync(BenchSection.Readopt, section => RunReadoptionAsync(Mesh(), options, notes, section)),
                await runner.RunAsync(BenchSection.Followers,
                    section => new FollowersBenchmark(Mesh(), notes).RunAsync(options.FollowerLines, options.PacedLines, options.FollowerRounds, section)),
                await runner.RunAsync(BenchSection.EventIngest,
                    section => new EventIngestBenchmark(Mesh()).RunAsync(options.IngestEvents, section)),
                await runner.RunAsync(BenchSection.EventHistory,
                    section => new EventHistoryBenchmark(Mesh(), notes).RunAsync(options.StoredEvents, options.Requests, section)),

                await runner.RunAsync(BenchSection.PlanUp, section => new PlanUpBenchmark(Mesh(), HubHostId).RunAsync(options.PlanRounds, section)));
        }
        finally
        {
            if (mesh is not null)
            {
                notes.Add($"shutdown: {await mesh.StopAsync()}");
                await mesh.DisposeAsync();
            }
        }
    }

    /// <summary>A hub of its own, without a local node, so that the hosts scraped are exactly the nodes started.</summary>
    private static async Task<MetricsScrapeBenchmark.Result> RunMetricsScrapeAsync(BenchOptions options, RunNotes notes, CancellationToken ct)
    {
        await using var mesh = await MeshUnderTest.StartAsync(MetricsHubHostId, localNode: false, ct);
        try
        {
            return await new MetricsScrapeBenchmark(mesh, notes, options.ScrapeIdleWatch).RunAsync(options.ScrapeHosts, options.ScrapeProcesses, options.Samples, ct);
        }
        finally
        {
            notes.Add($"metrics-scrape: shutdown: {await mesh.StopAsync()}");
        }
    }

    /// <summary>A hub of its own, with its local node: one of the section's hosts.</summary>
    private static async Task<DashboardBenchmark.Result> RunDashboardAsync(BenchOptions options, RunNotes notes, CancellationToken ct)
    {
        await using var mesh = await MeshUnderTest.StartAsync(DashboardHubHostId, localNode: true, ct);
        try
        {
            return await new DashboardBenchmark(mesh, DashboardHubHostId, notes).RunAsync(options.DashboardHosts, options.DashboardProcesses,
                options.DashboardRenders, TimeSpan.FromSeconds(options.DashboardWatchSeconds), options.DashboardGap, options.SettleMax, ct);
        }
        finally
        {
            notes.Add($"dashboard: shutdown: {await mesh.StopAsync()}");
        }
    }

    private static async Task<ReadoptionBenchmark.Result> RunReadoptionAsync(MeshUnderTest mesh, BenchOptions options, RunNotes notes,
        CancellationToken ct)
    {
        using var readoption = new ReadoptionBenchmark(mesh, ReadoptHostId);
        try
        {
            return await readoption.RunAsync(options.ReadoptEntries, options.ReadoptCycles, ct);
        }
        finally
        {
            foreach (var note in await readoption.CleanupAsync())
                notes.Add(note);
        }
    }

    /// <summary>Kills whatever the run started that still runs (hubs, nodes, supervisord, their children); deletes the state directory.</summary>
    private static void SweepLeftovers(RunNotes notes)
    {
        var leftovers = Posix.FindCarrying(ChildProcess.RunMarker, _ => true);
        var described = leftovers.Select(pid => $"{pid} ({string.Join(' ', Posix.CommandLine(pid).Take(3))})").ToList();
        foreach (var pid in leftovers)
            Posix.Signal(pid, Posix.SigKill);
        notes.Add(leftovers.Count == 0
            ? "after the run no process started by the benchmark was still running"
            : $"after the run {leftovers.Count} process(es) started by the benchmark still ran and were killed by pid: {string.Join(", ", described.Take(20))}");
        try
        {
            Directory.Delete(ChildProcess.StateHome, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            notes.Add($"could not delete {ChildProcess.StateHome}: {ex.Message}");
        }
    }
}
