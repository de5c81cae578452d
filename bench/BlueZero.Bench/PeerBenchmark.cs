namespace BlueZero.Bench;

/// <summary>
/// Section "peer": other process managers doing what the latency section asks of BlueZero, one request at a time on
/// this machine in the same run. supervisord over XML-RPC: supervisor.startProcess('sleep30', wait=True), then
/// supervisor.stopProcess('sleep30', wait=True). PM2 through its programmatic API (<see cref="Pm2Peer"/>). Each peer
/// that is not installed, or fails, is reported with why; the other is still measured.
/// </summary>
internal static class PeerBenchmark
{
    /// <summary>supervisord takes at most this many pairs: a stop that meets its start race costs a whole stopwaitsecs.</summary>
    public const int MaxSupervisordPairs = 200;

    public const int WarmupPairs = 5;

    /// <summary>A stop at least this long ran into stopwaitsecs (and ended with SIGKILL).</summary>
    private static readonly double StopWaitMs = SupervisordPeer.StopWaitSecs * 1000 * 0.95;

    /// <summary>One peer's start and stop latencies.</summary>
    public sealed record PeerRun(string Version, LatencyStats Start, LatencyStats Stop);

    /// <summary>A peer's run, or why there is none.</summary>
    public sealed record PeerOutcome(PeerRun? Run, string? NotRunReason)
    {
        public static PeerOutcome Measured(PeerRun run) => new(run, null);
        public static PeerOutcome NotRun(string why) => new(null, why);
    }

    public sealed record Result(PeerOutcome Supervisord, int SupervisordStopsAtStopWait, PeerOutcome Pm2);

    /// <param name="install">Whether PM2 may be installed with `npm ci` first; without, it must be there already.</param>
    public static async Task<Result> RunAsync(int pairs, bool install, CancellationToken ct)
    {
        var stopsAtStopWait = 0;
        var supervisord = await MeasureAsync("supervisord", SupervisordMissing(), async () =>
        {
            var (run, atStopWait) = await RunSupervisordAsync(SupervisordPeer.FindExecutable()!, Math.Min(pairs, MaxSupervisordPairs), ct);
            stopsAtStopWait = atStopWait;
            return run;
        });
        var pm2 = await MeasureAsync("PM2", Pm2Peer.MissingTools(install), () => Pm2Peer.RunAsync(pairs, WarmupPairs, install, ct));
        return new Result(supervisord, stopsAtStopWait, pm2);
    }

    private static string? SupervisordMissing() => SupervisordPeer.FindExecutable() is null
        ? "supervisord is not installed here (no `supervisord` on PATH; `apt-get install -y supervisor` provides it)"
        : null;

    /// <summary>One peer, measured unless <paramref name="missing"/> says why not; its failure does not end the section.</summary>
    private static async Task<PeerOutcome> MeasureAsync(string name, string? missing, Func<Task<PeerRun>> run)
    {
        if (missing is not null)
        {
            Log.Info($"peer: {name} skipped: {missing}");
            return PeerOutcome.NotRun(missing);
        }
        try
        {
            return PeerOutcome.Measured(await run());
        }
        catch (BenchmarkException ex)
        {
            Log.Info($"peer: {name} failed: {ex.Message}");
            return PeerOutcome.NotRun($"failed: {ex.Message}");
        }
    }

    private static async Task<(PeerRun Run, int StopsAtStopWait)> RunSupervisordAsync(string executable, int pairs, CancellationToken ct)
    {
        Log.Info($"peer: starting {executable}");
        await using var supervisord = await SupervisordPeer.StartAsync(executable, ct);
        var rpc = supervisord.Rpc;
        var (version, _) = await rpc.CallAsync("supervisor.getSupervisorVersion", [], ct);
        Log.Info($"peer: supervisord {version.Value}: {WarmupPairs} warm-up pairs, then {pairs} x startProcess + stopProcess (wait)");
        var (startMs, stopMs) = (new List<double>(pairs), new List<double>(pairs));
        for (var i = 0; i < WarmupPairs + pairs; i++)
        {
            var (_, start) = await rpc.CallAsync("supervisor.startProcess", [SupervisordPeer.ProgramName, true], ct);
            var (_, stop) = await rpc.CallAsync("supervisor.stopProcess", [SupervisordPeer.ProgramName, true], ct);
            if (i < WarmupPairs) continue;
            startMs.Add(start);
            stopMs.Add(stop);
        }
        var run = new PeerRun(version.Value.Trim(), LatencyStats.From("startProcess (wait)", startMs), LatencyStats.From("stopProcess (wait)", stopMs));
        return (run, stopMs.Count(ms => ms >= StopWaitMs));
    }
}
