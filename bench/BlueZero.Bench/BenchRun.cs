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
    private const int WarmupCycles = 10;

    /// <summary>The sections that share one hub (with its local node), started once for them.</summary>
    private static readonly BenchSection[] MeshSections =
        [BenchSection.Latency, BenchSection.Throughput, BenchSection.ManyProcesses, BenchSection.Readopt, BenchSection.Followers, BenchSection.EventIngest, BenchSection.PlanUp];

    private sealed record MeshOutcomes(
        SectionOutcome<LatencyBenchmark.Result> Latency,
        SectionOutcome<ThroughputBenchmark.Result> Throughput,
        SectionOutcome<ManyProcessesBenchmark.Result> ManyProcesses,
        SectionOutcome<ReadoptionBenchmark.Result> Readoption,
        SectionOutcome<FollowersBenchmark.Result> Followers,
        SectionOutcome<EventIngestBenchmark.Result> EventIngest,
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
        var runner = new SectionRunner(options.Sections, ct);

        SectionOutcome<FloorBenchmark.Result> floor;
        MeshOutcomes meshOutcomes;
        SectionOutcome<ManyNodesBenchmark.Result> manyNodes;
        SectionOutcome<PeerBenchmark.Result> peer;
        try
        {
            floor = await runner.RunAsync(BenchSection.Floor, section => Task.FromResult(FloorBenchmark.Run(
                MeshWorkload.SleepArgv[0], MeshWorkload.SleepArgv.Skip(1).ToList(), options.Requests, WarmupCycles, section)));
            meshOutcomes = await RunMeshSectionsAsync(runner, options, notes, ct);
            manyNodes = await runner.RunAsync(BenchSection.ManyNodes,
                section => new ManyNodesBenchmark(notes).RunAsync(options.NodeCounts, options.Samples, section));
            peer = SupervisordPeer.FindExecutable() is { } supervisord
                ? await runner.RunAsync(BenchSection.Peer, section => PeerBenchmark.RunAsync(supervisord, options.Requests, section))
                : runner.Skip<PeerBenchmark.Result>(BenchSection.Peer,
                    "supervisord is not installed here (no `supervisord` on PATH; `apt-get install -y supervisor` provides it)");
        }
        finally
        {
            SweepLeftovers(notes);
        }
        return new BenchReport(startedUtc, Stopwatch.GetElapsedTime(t0), machine, options, WarmupCycles, floor, meshOutcomes.Latency,
            meshOutcomes.Throughput, meshOutcomes.ManyProcesses, meshOutcomes.Readoption, meshOutcomes.Followers, meshOutcomes.EventIngest, meshOutcomes.PlanUp, manyNodes, peer, MachineInfo.LoadAverageNow(),
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
                    section => new LatencyBenchmark(Mesh(), notes).RunAsync(options.Requests, WarmupCycles, section)),
                await runner.RunAsync(BenchSection.Throughput,
                    section => new ThroughputBenchmark(Mesh(), notes).RunAsync(options.Clients, options.Pairs, section)),
                await runner.RunAsync(BenchSection.ManyProcesses,
                    section => new ManyProcessesBenchmark(Mesh(), options.ManyOutput, notes).RunAsync(options.ProcessCounts, options.Samples, section)),
                await runner.RunAsync(BenchSection.Readopt, section => RunReadoptionAsync(Mesh(), options, notes, section)),
                await runner.RunAsync(BenchSection.Followers,
                    section => new FollowersBenchmark(Mesh(), notes).RunAsync(options.FollowerLines, options.FollowerRounds, section)),
                await runner.RunAsync(BenchSection.EventIngest,
                    section => new EventIngestBenchmark(Mesh()).RunAsync(options.IngestEvents, section)),
                await runner.RunAsync(BenchSection.PlanUp, section => new PlanUpBenchmark(Mesh(), HubHostId).RunAsync(section)));
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
