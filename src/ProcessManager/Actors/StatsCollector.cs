using Akka.Actor;
using Akka.Event;
using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Observation;
using BlueZero.ProcessManager.State;
using BlueZero.ProcessManager.Stats;

namespace BlueZero.ProcessManager.Actors;

/// <summary>
/// Samples, once per stats interval, the cpu, memory and threads of every running managed tree (a walk of each tree,
/// and now and then one scan of /proc: <see cref="ProcessTreeSampler"/>), of the node process, and of the host, and hands the figures to the <see cref="ResourceMonitor"/>.
/// It also samples shortly after a run starts, so that a run shorter than the interval has a history too.
/// The scan is file I/O, so it runs on the thread pool and its result comes back as a message.
/// </summary>
public sealed class StatsCollector : ReceiveActor, IWithTimers
{
    public const string Name = "stats-collector";

    /// <summary>
    /// How long after a run starts it is first sampled: long enough for the program to be past its exec (figures of
    /// the program, not of the bare spawn), short enough to catch a run of a second or two. Starts within it share one scan.
    /// </summary>
    public static readonly TimeSpan StartSampleDelay = TimeSpan.FromMilliseconds(200);

    private const string StartSampleTimer = "start-sample";

    private sealed record SampleNow : INoSerializationVerificationNeeded;

    private sealed record Sampled(DateTimeOffset At, TreeUsageSnapshot Trees, TreeUsageSnapshot Self,
        IReadOnlyDictionary<long, int> PidByEntry, CpuFacts HostCpu, MemoryFacts HostMemory) : INoSerializationVerificationNeeded;

    private sealed record SampleFailed(Exception Cause) : INoSerializationVerificationNeeded;

    private readonly ProcessTable _table;
    private readonly ResourceMonitor _monitor;
    private readonly TimeSpan _interval;
    private readonly CpuUsageSampler _hostCpu = CpuUsageSampler.ForThisHost();
    private readonly ProcessTreeSampler _trees = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private TreeUsageSnapshot? _previousTrees;
    private TreeUsageSnapshot? _previousSelf;
    private bool _sampling;
    /// <summary>A sample was asked for while one was running: take it when that one is in.</summary>
    private bool _sampleAgain;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ProcessTable table, ResourceMonitor monitor, TimeSpan interval) =>
        Akka.Actor.Props.Create(() => new StatsCollector(table, monitor, interval));

    public StatsCollector(ProcessTable table, ResourceMonitor monitor, TimeSpan interval)
    {
        _table = table;
        _monitor = monitor;
        _interval = interval;
        Receive<SampleNow>(_ => Sample());
        Receive<RunStarted>(_ =>
        {
            if (!Timers.IsTimerActive(StartSampleTimer)) Timers.StartSingleTimer(StartSampleTimer, new SampleNow(), StartSampleDelay);
        });
        Receive<Sampled>(OnSampled);
        Receive<SampleFailed>(failed =>
        {
            _log.Warning("Could not sample process figures: {Error}", failed.Cause.Message);
            SampleDone();
        });
    }

    protected override void PreStart()
    {
        Self.Tell(new SampleNow()); // a first figure at once: the host's cpu and the node's own start here
        Timers.StartPeriodicTimer("sample", new SampleNow(), _interval);
        Context.System.EventStream.Subscribe(Self, typeof(RunStarted));
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void Sample()
    {
        if (_sampling)
        {
            _sampleAgain = true; // a slow scan (thousands of processes) is never overlapped by the next one
            return;
        }
        _sampling = true;
        var pidByEntry = _table.All().Where(e => e.HasLiveProcess && e.Pid is not null).ToDictionary(e => e.Id, e => e.Pid!.Value);
        var (hostCpu, treeSampler) = (_hostCpu, _trees);
        Task.Run(() =>
        {
            var trees = treeSampler.Sample(pidByEntry.Values.ToList());
            var self = ProcessTreeUsage.SampleSelf();
            return (object)new Sampled(DateTimeOffset.UtcNow, trees, self, pidByEntry, hostCpu.Sample(), MemInfoFile.Read());
        }).PipeTo(Self, failure: ex => new SampleFailed(ex));
    }

    private void SampleDone()
    {
        _sampling = false;
        if (!_sampleAgain) return;
        _sampleAgain = false;
        Sample();
    }

    private void OnSampled(Sampled sampled)
    {
        var byEntry = new Dictionary<long, ResourceUsage>();
        foreach (var (id, pid) in sampled.PidByEntry)
            if (sampled.Trees.UsageOf(pid, _previousTrees) is { } usage)
                byEntry[id] = usage;
        var selfPid = Environment.ProcessId;
        var node = sampled.Self.UsageOf(selfPid, _previousSelf) ?? new ResourceUsage(0, 0, 0, 1, 0);
        _monitor.Record(sampled.At, byEntry, node, sampled.HostCpu, sampled.HostMemory);
        _previousTrees = sampled.Trees;
        _previousSelf = sampled.Self;
        SampleDone();
    }
}
