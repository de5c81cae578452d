using System.Globalization;

namespace BlueZero.Bench;

/// <summary>
/// Section "peer": supervisord doing what the latency section asks of BlueZero, one request at a time over XML-RPC on
/// loopback: supervisor.startProcess('sleep30', wait=True), then supervisor.stopProcess('sleep30', wait=True).
/// </summary>
internal static class PeerBenchmark
{
    /// <summary>At most this many pairs: a stop that meets supervisord's start race costs a whole stopwaitsecs.</summary>
    public const int MaxPairs = 200;

    public const int WarmupPairs = 5;

    /// <summary>A stop at least this long ran into stopwaitsecs (and ended with SIGKILL).</summary>
    private static readonly double StopWaitMs = SupervisordPeer.StopWaitSecs * 1000 * 0.95;

    public sealed record Result(string Version, LatencyStats Start, LatencyStats Stop, int StopsAtStopWait);

    public static async Task<Result> RunAsync(string executable, int pairs, CancellationToken ct)
    {
        Log.Info($"peer: starting {executable}");
        await using var supervisord = await SupervisordPeer.StartAsync(executable, ct);
        var rpc = supervisord.Rpc;
        var (version, _) = await rpc.CallAsync("supervisor.getSupervisorVersion", [], ct);
        pairs = Math.Min(pairs, MaxPairs);
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
        return new Result(version.Value.Trim(), LatencyStats.From("startProcess (wait)", startMs), LatencyStats.From("stopProcess (wait)", stopMs),
            stopMs.Count(ms => ms >= StopWaitMs));
    }

}
