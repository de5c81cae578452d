using System.Diagnostics;

namespace BlueZero.Bench;

/// <summary>
/// Runs start+stop pairs (start_process, then stop_process with wait) for many clients at once and keeps their
/// latencies. A pair that fails is counted, with the first error kept, and does not stop the others.
/// </summary>
internal sealed class PairRecorder
{
    /// <summary>Each process of a pair: exits on the SIGINT of stop_process; outlives any pair by far.</summary>
    public static readonly IReadOnlyList<string> SleepArgv = ["/bin/sleep", "30"];

    private readonly object _lock = new();
    private readonly List<double> _startMs = new();
    private readonly List<double> _stopMs = new();
    private readonly List<double> _pairMs = new();

    public int Failures { get; private set; }
    public string? FirstFailure { get; private set; }

    public int Done
    {
        get
        {
            lock (_lock) return _pairMs.Count;
        }
    }

    public LatencyStats? Start => Stats("start_process", _startMs);
    public LatencyStats? Stop => Stats("stop_process (wait)", _stopMs);

    /// <summary>The whole pair, from sending the start to having read the stop's reply.</summary>
    public LatencyStats? Pair => Stats("start+stop pair", _pairMs);

    public async Task RunPairAsync(HubClient client, string host, CancellationToken ct)
    {
        var t0 = Stopwatch.GetTimestamp();
        try
        {
            var (pid, startMs) = await client.StartProcessAsync(host, SleepArgv, ct);
            var (_, stopMs) = await client.StopProcessAsync(host, pid, wait: true, ct);
            var pairMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            lock (_lock)
            {
                _startMs.Add(startMs);
                _stopMs.Add(stopMs);
                _pairMs.Add(pairMs);
            }
        }
        catch (BenchmarkException ex)
        {
            lock (_lock)
            {
                Failures++;
                FirstFailure ??= ex.Message;
            }
        }
    }

    private LatencyStats? Stats(string name, List<double> samples)
    {
        lock (_lock) return samples.Count == 0 ? null : LatencyStats.From(name, samples);
    }
}
