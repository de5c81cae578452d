namespace BlueZero.Bench;

/// <summary>
/// Benchmark harness: a bare Process.Start floor, then a real hub + node mesh driven through its HTTP front door.
/// Prints a Markdown summary and writes it to bench/RESULTS.md (or --out).
/// </summary>
internal static class Program
{
    private const string HubHostId = "bench-hub";
    private const string NodeHostId = "bench-node";
    private const string ReadoptHostId = "bench-readopt";
    private const int WarmupCycles = 10;
    private const int ReadoptCycles = 3;
    private static readonly TimeSpan NodeUpTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> Main(string[] args)
    {
        var options = BenchOptions.Parse(args, out var error);
        if (options is null)
        {
            Console.Error.WriteLine($"error: {error}");
            Console.Error.WriteLine(BenchOptions.Usage);
            return 2;
        }
        if (options.ShowHelp)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };

        try
        {
            var report = await RunAsync(options, interrupted.Token);
            var markdown = ResultsWriter.Render(report);
            Console.WriteLine(markdown);
            Directory.CreateDirectory(Path.GetDirectoryName(options.OutputPath)!);
            await File.WriteAllTextAsync(options.OutputPath, markdown);
            Log.Info($"wrote {options.OutputPath}");
            return 0;
        }
        catch (BenchmarkException ex)
        {
            Console.Error.WriteLine($"benchmark failed: {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            Console.Error.WriteLine("benchmark interrupted; everything it started has been stopped");
            return 130;
        }
    }

    private static async Task<BenchReport> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var startedUtc = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Read();
        if (machine.Configuration != "Release")
            Log.Info($"note: this is a {machine.Configuration} build; publishable figures need -c Release");

        Log.Info($"floor: {WarmupCycles} + {options.Requests} x Process.Start + Kill + WaitForExit");
        var floor = FloorBenchmark.Run(MeshWorkload.SleepArgv[0], MeshWorkload.SleepArgv.Skip(1).ToList(), options.Requests, WarmupCycles, ct);

        Log.Info("starting the hub and the node");
        await using var mesh = await MeshUnderTest.StartAsync(HubHostId, NodeHostId, ct);
        Log.Info($"hub ready at {mesh.HubHttp} ({mesh.ClusterAddress}); waiting for {NodeHostId}");
        using var hub = new HubClient(mesh.HubHttp);
        var workload = new MeshWorkload(hub, NodeHostId, mesh.RunMarker);
        using var readoption = options.ReadoptEntries > 0 ? new ReadoptionBenchmark(mesh, ReadoptHostId) : null;
        var cleanupNotes = new List<string>();
        TimeSpan nodeUp;
        MeshWorkload.Result result;
        ReadoptionBenchmark.Result? readopted = null;
        try
        {
            nodeUp = await hub.WaitForHostUpAsync(NodeHostId, NodeUpTimeout, mesh.ThrowIfAnyExited, ct);
            result = await workload.RunAsync(options.Requests, WarmupCycles, ct);
            if (readoption is not null)
                readopted = await readoption.RunAsync(options.ReadoptEntries, ReadoptCycles, ct);
        }
        finally
        {
            Log.Info("cleaning up");
            if (readoption is not null)
                cleanupNotes.AddRange(await readoption.CleanupAsync());
            cleanupNotes.Add(await workload.CleanupAsync());
            cleanupNotes.AddRange((await mesh.StopAsync()).Select(outcome => $"shutdown: {outcome}"));
            try
            {
                Directory.Delete(ChildProcess.StateHome, recursive: true);
            }
            catch (IOException)
            {
                cleanupNotes.Add($"could not delete {ChildProcess.StateHome}");
            }
            var leftovers = workload.StillRunning().Concat(readoption?.StillRunning() ?? []).ToList();
            cleanupNotes.Add(leftovers.Count == 0
                ? "after shutdown no process started by the benchmark was still running"
                : $"after shutdown {leftovers.Count} started process(es) still ran: {string.Join(", ", leftovers)}");
            foreach (var note in cleanupNotes)
                Log.Info(note);
        }
        return new BenchReport(startedUtc, machine, options.Requests, WarmupCycles, floor, result, mesh.HubStartup, nodeUp,
            readopted, MachineInfo.LoadAverageNow(), cleanupNotes);
    }
}
