using System.Diagnostics;

namespace BlueZero.Bench;

/// <summary>
/// Section "throughput": start+stop pairs through the hub, spread over 3 nodes of their own, by 1, 4, 16, 64 clients
/// at once (each client one connection, one request at a time). Per level: pairs per second, latencies, and the CPU
/// used by the hub, each node and this benchmark (which plays all the clients) meanwhile.
/// </summary>
internal sealed class ThroughputBenchmark(MeshUnderTest mesh, RunNotes notes)
{
    public static readonly IReadOnlyList<string> HostIds = ["bench-tp-1", "bench-tp-2", "bench-tp-3"];
    public const string HubLabel = "hub";
    public const string ClientsLabel = "benchmark (all clients)";
    /// <summary>A level stops sending new pairs after this; the pairs done by then are reported.</summary>
    public static readonly TimeSpan LevelTimeLimit = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan NodesUpTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public sealed record Level(int Clients, int PairsWanted, int PairsDone, int Failures, string? FirstFailure, bool HitTimeLimit,
        double WallS, LatencyStats? Pair, LatencyStats? Start, LatencyStats? Stop, IReadOnlyList<CpuMeter.Share> Cpu)
    {
        public double PairsPerSecond => PairsDone / WallS;
    }

    public sealed record Result(double NodesUpS, IReadOnlyList<Level> Levels, TieredCompilerSettle.Outcome Settle);

    /// <param name="warmupPairs">Unmeasured pairs before each level, at least 2 a client.</param>
    public async Task<Result> RunAsync(IReadOnlyList<int> clientCounts, int pairs, int warmupPairs, TimeSpan settleMax, CancellationToken ct)
    {
        await using var nodes = new NodeGroup(mesh);
        using var hub = new HubClient(mesh.HubHttp);
        try
        {
            foreach (var host in HostIds) nodes.Launch(host);
            var up = await hub.WaitForHostsUpAsync(HostIds, NodesUpTimeout, PollInterval, nodes.ThrowIfAnyExited, ct);
            if (!up.All) throw new BenchmarkException($"throughput: the nodes were not all up within {NodesUpTimeout.TotalSeconds} s: {up.LastSeen}");
            IReadOnlyList<(string, int)> watched =
                [(HubLabel, mesh.HubPid), .. HostIds.Select(h => (h, nodes[h].Pid)), (ClientsLabel, Environment.ProcessId)];
            // One client, the nodes in turn, until the tiered compiler is idle: the levels measure the steady state.
            var workloads = HostIds.Select(h => new MeshWorkload(hub, h, ChildProcess.RunMarker)).ToList();
            var turn = 0;
            var settle = await TieredCompilerSettle.WarmAsync([mesh.HubPid, .. nodes.Pids], c => workloads[turn++ % workloads.Count].WarmCycleAsync(c), settleMax, ct);
            Log.Info($"throughput: {settle.Describe()}");
            var levels = new List<Level>();
            foreach (var clients in clientCounts)
            {
                nodes.ThrowIfAnyExited();
                levels.Add(await RunLevelAsync(clients, pairs, WarmupPairs(clients, warmupPairs), watched, ct));
            }
            return new Result(up.Elapsed.TotalSeconds, levels, settle);
        }
        finally
        {
            // A node stops its own processes on SIGTERM: that also ends any pair cut short.
            foreach (var outcome in await nodes.StopAllAsync())
                notes.Add($"throughput: shutdown: {outcome}");
        }
    }

    private async Task<Level> RunLevelAsync(int clientCount, int pairs, int warmupPairs, IReadOnlyList<(string, int)> watched, CancellationToken ct)
    {
        Log.Info($"throughput: {clientCount} client(s), {warmupPairs} warm-up pairs, then {pairs} pairs");
        var clients = Enumerable.Range(0, clientCount).Select(_ => new HubClient(mesh.HubHttp)).ToList();
        try
        {
            var warmup = await RunPairsAsync(clients, warmupPairs, ct);
            if (warmup.Failures > 0)
                notes.Add($"throughput: {warmup.Failures} warm-up pair(s) with {clientCount} client(s) failed; the first: {warmup.FirstFailure}");

            var cpu = CpuMeter.Start(watched);
            var t0 = Stopwatch.GetTimestamp();
            var recorder = await RunPairsAsync(clients, pairs, ct);
            var wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var shares = cpu.Stop();
            var level = new Level(clientCount, pairs, recorder.Done, recorder.Failures, recorder.FirstFailure, recorder.Done + recorder.Failures < pairs,
                wall, recorder.Pair, recorder.Start, recorder.Stop, shares);
            Log.Info($"throughput: {clientCount} client(s): {level.PairsDone} pairs in {wall:F1} s = {level.PairsPerSecond:F0}/s, "
                     + $"{level.Failures} failed; CPU {string.Join(", ", shares.Select(s => $"{s.Label} {s.PercentOfCore:F0}%"))}");
            return level;
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    /// <summary>Unmeasured pairs before a level: every client's connection opened, the new nodes' code paths run.</summary>
    private static int WarmupPairs(int clients, int least) => Math.Max(least, 2 * clients);

    /// <summary>
    /// The clients claim pair numbers until <paramref name="pairs"/> are claimed or the level's time limit has passed;
    /// the number also picks the node, in turn.
    /// </summary>
    private static async Task<PairRecorder> RunPairsAsync(IReadOnlyList<HubClient> clients, int pairs, CancellationToken ct)
    {
        var recorder = new PairRecorder();
        using var timeLimit = new CancellationTokenSource(LevelTimeLimit);
        var claimed = 0;
        await Task.WhenAll(clients.Select(async client =>
        {
            for (int n; !timeLimit.IsCancellationRequested && (n = Interlocked.Increment(ref claimed)) <= pairs;)
                await recorder.RunPairAsync(client, HostIds[n % HostIds.Count], ct);
        }));
        return recorder;
    }
}
