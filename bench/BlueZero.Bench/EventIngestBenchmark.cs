using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using BlueZero.Hub;
using BlueZero.Mesh.Configuration;
using BlueZero.Messages.Protocol;

namespace BlueZero.Bench;

/// <summary>
/// Section "event-ingest": how many events a second the hub stores. A cluster member in this process (as a node's
/// journal would) ships batches of <see cref="BatchSize"/> process_exited events to the hub's /user/event-ingest,
/// <see cref="InFlight"/> batches awaiting their acknowledgement at a time, and the rate is counted from the first
/// batch sent to the last acknowledgement (each acknowledgement comes after its commit to hub.db).
/// </summary>
internal sealed class EventIngestBenchmark(MeshUnderTest mesh)
{
    public const int BatchSize = 1000;
    public const int InFlight = 4;
    private const string HostName = "bench-events";

    public sealed record Result(int Events, double WallS, double EventsPerSecond, double AckMedianMs, double AckMaxMs);

    /// <param name="names">Process names the events spread over (job-0 ...), so a query by name has others to skip; 1: all "job".</param>
    public async Task<Result> RunAsync(int events, CancellationToken ct, int names = 1)
    {
        var setup = MeshSetup.Build(MeshMember.Node, GivenFlags.Parse(["--host-id", HostName, "--cluster-port", "0", "--seed", mesh.ClusterAddress],
            HubOptions.Flags), new Dictionary<string, string>(), HubOptions.Flags);
        using var system = ActorSystem.Create(MeshNames.SystemName, setup.ActorSystemSetup());
        try
        {
            var cluster = Cluster.Get(system);
            var up = new TaskCompletionSource();
            cluster.RegisterOnMemberUp(() => up.TrySetResult());
            await up.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
            var ingest = system.ActorSelection($"{mesh.ClusterAddress}/user/{MeshNames.EventIngestName}");
            var journal = Guid.NewGuid().ToString("N");
            var batches = (events + BatchSize - 1) / BatchSize;
            Log.Info($"event-ingest: {events} events in {batches} batches of {BatchSize}, {InFlight} in flight");
            var ackMs = new List<double>(batches);
            var next = 0;
            var clock = Stopwatch.StartNew();
            async Task Ship()
            {
                while (Interlocked.Increment(ref next) - 1 is var batch && batch < batches)
                {
                    var first = (long)batch * BatchSize + 1;
                    var list = Enumerable.Range(0, (int)Math.Min(BatchSize, events - first + 1)).Select(i => new JournaledEvent(first + i,
                        new MeshEvent(MeshEventType.ProcessExited, DateTimeOffset.UtcNow, HostName, Pid: 1000 + i, Name: names == 1 ? "job" : $"job-{(first + i) % names}", ExitCode: 0,
                            Reason: ExitReason.Exited))).ToList();
                    var sent = Stopwatch.GetTimestamp();
                    var ack = await ingest.Ask<EventsStored>(new EventBatch(HostName, journal, list), TimeSpan.FromSeconds(30), ct);
                    if (ack.UpToNodeSeq != list[^1].NodeSeq) throw new BenchmarkException($"acknowledged up to {ack.UpToNodeSeq}, sent up to {list[^1].NodeSeq}");
                    lock (ackMs) ackMs.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
            }
            await Task.WhenAll(Enumerable.Range(0, InFlight).Select(_ => Ship()));
            var wall = clock.Elapsed.TotalSeconds;
            ackMs.Sort();
            return new Result(events, wall, events / wall, ackMs[ackMs.Count / 2], ackMs[^1]);
        }
        catch (AskTimeoutException ex)
        {
            throw new BenchmarkException($"the hub did not acknowledge a batch within 30 s: {ex.Message}");
        }
        finally
        {
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        }
    }
}
