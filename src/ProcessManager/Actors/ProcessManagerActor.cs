using Akka.Actor;
using Akka.Event;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using BlueZero.Mesh.Configuration;
using BlueZero.ProcessManager.Events;
using BlueZero.ProcessManager.Launching;
using BlueZero.ProcessManager.Observation;
using BlueZero.ProcessManager.Output;
using BlueZero.ProcessManager.State;
using BlueZero.ProcessManager.Stats;

namespace BlueZero.ProcessManager.Actors;

/// <summary>
/// The node supervisor at /user/process-manager: answers the protocol for this host, validates starts, and owns one
/// <see cref="ProcessActor"/> per managed entry that may still run; that actor launches every run of its entry. Queries and listings are answered from the
/// <see cref="ProcessTable"/>, which outlives the actor system; a fresh incarnation (supervision restart, a node that
/// rejoined, or a node restarted after a crash) re-creates the entry actors from it, which re-adopt their processes.
/// </summary>
public sealed class ProcessManagerActor : ReceiveActor, IWithTimers
{
    public const string Name = "process-manager";
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);

    private readonly ProcessManagerOptions _options;
    private readonly IProcessLauncher _launcher;
    private readonly ProcessTable _table;
    private readonly OutputStore _output;
    private readonly ResourceMonitor _monitor;
    private readonly NodeEvents _events;
    private readonly DateTimeOffset _startedAt;
    private readonly PathPolicy _pathPolicy;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private const string EntryPrefix = "entry-";
    private readonly Dictionary<long, IActorRef> _entryActors = new();
    /// <summary>Entries whose first run is being launched: not in the table yet, but their names and places are taken.</summary>
    private readonly Dictionary<long, string?> _firstRuns = new();
    private readonly HashSet<string> _namesStarting = new(StringComparer.Ordinal);
    private IActorRef? _shutdownWaiter;
    private int _stoppedForShutdown;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="resources">Output logs and resource figures; they outlive this actor like the table. Null: fresh ones, output in memory only.</param>
    public static Props Props(ProcessManagerOptions options, IProcessLauncher launcher, ProcessTable table, NodeResources? resources = null) =>
        Akka.Actor.Props.Create(() => new ProcessManagerActor(options, launcher, table, resources ?? NodeResources.For(options, false)));

    public ProcessManagerActor(ProcessManagerOptions options, IProcessLauncher launcher, ProcessTable table, NodeResources resources)
    {
        _options = options;
        _launcher = launcher;
        _table = table;
        _output = resources.Output;
        _monitor = resources.Monitor;
        _events = resources.Events;
        _startedAt = resources.StartedAt;
        _pathPolicy = new PathPolicy(options.AllowedPaths);

        Receive<StartProcess>(Start);
        Receive<StopProcess>(stop => ForwardToEntry(stop, stop.Target, entry => new ProcessStopped(entry.Pid, entry.LastExit)));
        Receive<Unschedule>(unschedule => ForwardToEntry(unschedule, unschedule.Target, entry => entry.Spec.RecurringPeriodS is null
            ? NodeErrors.NotRecurring(unschedule.Target)
            : new Unscheduled(entry.Name)));
        Receive<RestartProcess>(Restart);
        Receive<QueryProcessStatus>(Query);
        Receive<ReadOutput>(ReadOutput);
        Receive<ListActiveProcesses>(_ => Sender.Tell(new ActiveProcesses(_table.RunningPids())));
        Receive<ListProcesses>(_ => Sender.Tell(new ProcessList(_table.All().Select(InfoOf).ToList())));
        Receive<ProcessStatsQuery>(Stats);
        Receive<NodeStateQuery>(_ => Sender.Tell(NodeStateNow()));
        Receive<HostInfoQuery>(_ => HostInfo());
        Receive<CheckTcp>(check => TcpCheck.Connect(check).PipeTo(Sender));
        Receive<KillAll>(kill => Sender.Tell(new AllKilled(StopEverything(StopReason.Request, kill.By))));
        Receive<FirstRunSettled>(settled => EndFirstRun(settled.EntryId));
        Receive<Terminated>(OnEntryActorStopped);
        Receive<PruneRetention>(_ => Prune());
        Receive<StopAllProcesses>(_ => StopAllForShutdown());
    }

    protected override void PreStart()
    {
        EntryMailbox.Register(Context.System); // before the first entry actor
        foreach (var entry in _table.All().Where(e => !e.IsFinal))
        {
            _log.Info("Taking over {State} entry {Id} (pid {Pid}) on {Host}", entry.State.ToWire(), entry.Id, entry.Pid, _options.HostName);
            Supervise(entry.Id);
        }
        Timers.StartPeriodicTimer("prune", new PruneRetention(), PruneInterval);
        Context.ActorOf(StatsCollector.Props(_table, _monitor, _options.StatsInterval), StatsCollector.Name);
    }

    // Entry actors are re-created from the table in PreStart; stopping them here stops no process.
    protected override void PreRestart(Exception reason, object message)
    {
        foreach (var child in Context.GetChildren()) Context.Stop(child);
        PostStop();
    }

    private void Start(StartProcess start)
    {
        if (_shutdownWaiter is not null)
        {
            Sender.Tell(NodeErrors.ShuttingDown());
            return;
        }
        if (start.Name is { } name && (_table.NameActive(name) || _namesStarting.Contains(name)))
        {
            Sender.Tell(NodeErrors.NameInUse(name));
            return;
        }
        if (NotFinalCount() >= _options.MaxProcesses)
        {
            Sender.Tell(NodeErrors.TooManyProcesses(_options.HostName, _options.MaxProcesses));
            return;
        }
        if (_pathPolicy.Check(start.Path, start.Cwd) is { } refusal)
        {
            var refused = NodeErrors.PathRefused(refusal);
            _events.Record(Context.System, _events.New(MeshEventType.StartFailed) with
            {
                Name = start.Name, By = start.By, Path = start.Path, Args = start.Args, Error = refused.ErrorMessage,
            });
            Sender.Tell(refused);
            return;
        }

        // The entry's actor launches the first run and answers the client itself, with the pid or the launch error.
        var id = _table.NextId();
        _firstRuns[id] = start.Name;
        if (start.Name is { } starting) _namesStarting.Add(starting);
        Supervise(id).Forward(start);
    }

    /// <summary>Entries that may still run, those whose first run is being launched included.</summary>
    private int NotFinalCount()
    {
        var inTable = _table.NotFinalCount;
        // A first run already in the table is counted once; look closer only near the limit.
        if (inTable + _firstRuns.Count < _options.MaxProcesses) return inTable + _firstRuns.Count;
        return inTable + _firstRuns.Keys.Count(id => _table.Get(id) is null);
    }

    private void EndFirstRun(long id)
    {
        if (_firstRuns.Remove(id, out var name) && name is not null) _namesStarting.Remove(name);
    }

    private IActorRef Supervise(long id)
    {
        var actor = Context.ActorOf(ProcessActor.Props(id, _table, _launcher, _options, _output, _events), $"{EntryPrefix}{id}");
        Context.Watch(actor);
        _entryActors[id] = actor;
        return actor;
    }

    /// <summary>
    /// Live entries restart in their actor; a final one gets an actor again, unless a newer entry has taken its name
    /// or the node is at its limit, and runs again.
    /// </summary>
    private void Restart(RestartProcess restart)
    {
        var entry = _table.Find(restart.Target);
        CommandFailed? refusal = entry switch
        {
            _ when _shutdownWaiter is not null => NodeErrors.ShuttingDown(),
            null => NodeErrors.NotManaged(restart.Target, _options.HostName),
            { IsFinal: false } => null,
            { Name: { } name } when _namesStarting.Contains(name) || _table.Find(ProcessTarget.ByName(name))?.Id != entry.Id => NodeErrors.NameInUse(name),
            _ when NotFinalCount() >= _options.MaxProcesses => NodeErrors.TooManyProcesses(_options.HostName, _options.MaxProcesses),
            _ => null,
        };
        if (refusal is not null)
            Sender.Tell(refusal);
        else
            (_entryActors.TryGetValue(entry!.Id, out var actor) ? actor : Supervise(entry.Id)).Forward(restart);
    }

    /// <summary>Live entries are handled by their actor; final ones are answered here from the table.</summary>
    private void ForwardToEntry(INodeCommand command, ProcessTarget target, Func<ManagedEntry, INodeReply> answerForFinal)
    {
        var entry = _table.Find(target);
        if (entry is null)
            Sender.Tell(NodeErrors.NotManaged(target, _options.HostName));
        else if (!entry.IsFinal && _entryActors.TryGetValue(entry.Id, out var actor))
            actor.Forward(command);
        else
            Sender.Tell(answerForFinal(entry));
    }

    private void Query(QueryProcessStatus query)
    {
        var entry = _table.Find(query.Target);
        Sender.Tell(entry is not null
            ? new ProcessStatus(InfoOf(entry))
            : NotFound(query.Target));
    }

    /// <summary>Query, stats and output of an unknown target (stop and unschedule say "not managed", see ForwardToEntry).</summary>
    private static CommandFailed NotFound(ProcessTarget target) => NodeErrors.NotFound(target);

    private ProcessInfo InfoOf(ManagedEntry entry) =>
        entry.HasLiveProcess ? entry.ToInfo() with { Usage = _monitor.UsageOf(entry.Id) } : entry.ToInfo();

    private void Stats(ProcessStatsQuery query)
    {
        if (_table.Find(query.Target) is not { } entry)
        {
            Sender.Tell(NotFound(query.Target));
            return;
        }
        Sender.Tell(new ProcessStats(entry.Pid, entry.Name, entry.State, InfoOf(entry).Usage, _options.StatsInterval.TotalSeconds, _monitor.HistoryOf(entry.Id)));
    }

    private NodeState NodeStateNow()
    {
        var node = _monitor.Node with { UptimeS = (DateTimeOffset.UtcNow - _startedAt).TotalSeconds };
        return new NodeState(_options.HostName, node, _table.NotFinalCount, _table.LiveCount(),
            _monitor.ManagedTotals(), _monitor.HostCpu?.UsagePercent ?? 0, _monitor.HostMemory?.PercentUsed ?? 0, _table.CountByState(),
            _events.Journal.Count);
    }

    /// <summary>Reads /proc and /sys off the actor thread; the cpu figures are the collector's last interval.</summary>
    private void HostInfo()
    {
        var node = new NodeFacts(_options.HostName, NodeVersion.Text, _startedAt, _table.NotFinalCount);
        var cpu = _monitor.HostCpu;
        Task.Run(() =>
        {
            // Before the collector's first interval, the cpu figures are the averages since boot.
            return (INodeReply)new HostInfo(cpu ?? CpuUsageSampler.ForThisHost().Sample(), MemInfoFile.Read(),
                DiskFactsReader.Read(), NicFactsReader.Read(), OsFactsReader.Read(), node);
        }).PipeTo(Sender);
    }

    private void ReadOutput(ReadOutput read)
    {
        var entry = _table.Find(read.Target);
        if (entry is null)
        {
            Sender.Tell(NotFound(read.Target));
            return;
        }
        if (entry.Spec.EffectiveOutput != OutputMode.Capture)
        {
            Sender.Tell(NodeErrors.OutputNotCaptured(read.Target, entry.Spec.EffectiveOutput));
            return;
        }
        OutputReading.Answer(_output.For(entry.Id), _table, entry.Id, read).PipeTo(Sender);
    }

    /// <summary>Stops every entry that may still run; returns the pids that were running.</summary>
    private IReadOnlyList<int> StopEverything(StopReason reason, string? by = null)
    {
        var running = _table.RunningPids();
        _log.Info("Stopping all {Count} live entries on {Host} ({Reason})", _entryActors.Count, _options.HostName, reason);
        // An entry whose first run is being launched hears the stop after its start: it stops that run.
        foreach (var (id, actor) in _entryActors)
            if (_firstRuns.ContainsKey(id) || _table.Get(id) is { IsFinal: false })
                actor.Tell(new StopEntry(reason, by));
        return running;
    }

    private void OnEntryActorStopped(Terminated terminated)
    {
        // Entry actors are named entry-ID (Supervise); a stale Terminated of an earlier actor of that id changes nothing.
        if (long.TryParse(terminated.ActorRef.Path.Name.AsSpan(EntryPrefix.Length), out var id)
            && _entryActors.TryGetValue(id, out var actor) && actor.Equals(terminated.ActorRef))
        {
            _entryActors.Remove(id);
            EndFirstRun(id);
            if (_table.Get(id) is { IsFinal: false } entry && _shutdownWaiter is null)
                Supervise(entry.Id); // it stopped without settling (a bug, or a crash in PreStart): keep the entry managed
        }
        // Over the count limit, prune now (the table keeps its finals in end order, so this drops only the excess);
        // the age limit waits for the timer.
        if (_table.Count - _table.NotFinalCount > _options.RetentionMaxRecords) Prune();
        if (_shutdownWaiter is not null && _entryActors.Count == 0)
            _shutdownWaiter.Tell(new AllProcessesStopped(_stoppedForShutdown));
    }

    private void Prune()
    {
        var pruned = _table.Prune(_options.RetentionMaxRecords, _options.RetentionMaxAge, DateTimeOffset.UtcNow);
        foreach (var id in pruned) _output.Remove(id);
        _monitor.Forget(pruned);
    }

    private void StopAllForShutdown()
    {
        _shutdownWaiter = Sender;
        _stoppedForShutdown = StopEverything(StopReason.Shutdown).Count;
        if (_entryActors.Count == 0) _shutdownWaiter.Tell(new AllProcessesStopped(_stoppedForShutdown));
    }
}
