using Akka.Actor;
using Akka.Event;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using BlueZero.ProcessManager.Configuration;
using BlueZero.ProcessManager.Launching;

namespace BlueZero.ProcessManager.Actors;

/// <summary>
/// The node supervisor at /user/process-manager: answers the protocol for this host, starts processes and
/// owns one <see cref="ProcessActor"/> per running one. Its state is the <see cref="ProcessTable"/>, which outlives
/// the actor system, so a fresh incarnation (supervision restart, or a node that rejoined) re-adopts every process.
/// </summary>
public sealed class ProcessManagerActor : ReceiveActor, IWithTimers
{
    public const string Name = "process-manager";
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);

    private readonly ProcessManagerOptions _options;
    private readonly IProcessLauncher _launcher;
    private readonly ProcessTable _table;
    private readonly PathPolicy _pathPolicy;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<int, IActorRef> _processActors = new();
    private IActorRef? _shutdownWaiter;
    private int _stoppedForShutdown;
    private long _actorSequence;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ProcessManagerOptions options, IProcessLauncher launcher, ProcessTable table) =>
        Akka.Actor.Props.Create(() => new ProcessManagerActor(options, launcher, table));

    public ProcessManagerActor(ProcessManagerOptions options, IProcessLauncher launcher, ProcessTable table)
    {
        _options = options;
        _launcher = launcher;
        _table = table;
        _pathPolicy = new PathPolicy(options.AllowedPaths);

        Receive<StartProcess>(Start);
        Receive<StopProcess>(Stop);
        Receive<QueryProcessStatus>(Query);
        Receive<ListActiveProcesses>(_ => Sender.Tell(new ActiveProcesses(_table.RunningPids.ToList())));
        Receive<ProcessEnded>(OnProcessEnded);
        Receive<ProcessStopped>(_ => { }); // acknowledgements of our own shutdown stops
        Receive<PruneRetention>(_ => Prune());
        Receive<StopAllProcesses>(_ => StopAll());
    }

    protected override void PreStart()
    {
        foreach (var record in _table.Running.ToList())
        {
            _log.Info("Re-adopting process {Pid} on {Host}", record.Pid, _options.HostName);
            Supervise(record.Pid);
        }
        Timers.StartPeriodicTimer("prune", new PruneRetention(), PruneInterval);
    }

    // Children are actors, not processes: a restarted manager re-creates them from the table in PreStart.
    protected override void PreRestart(Exception reason, object message)
    {
        foreach (var child in Context.GetChildren()) Context.Stop(child);
        PostStop();
    }

    private void Start(StartProcess start)
    {
        if (_shutdownWaiter is not null)
        {
            Sender.Tell(new CommandFailed(ErrorTexts.ShuttingDown));
            return;
        }
        if (start.Name is { } name && _table.NameRunning(name))
        {
            Sender.Tell(new CommandFailed(ErrorTexts.NameInUse(name)));
            return;
        }
        if (_pathPolicy.Check(start.Path, start.Cwd) is { } refusal)
        {
            Sender.Tell(new CommandFailed(refusal));
            return;
        }

        var environment = new Dictionary<string, string>(_options.ChildEnvironment, StringComparer.Ordinal);
        foreach (var (key, value) in start.Env ?? new Dictionary<string, string>()) environment[key] = value;

        switch (_launcher.Launch(new LaunchRequest(start.Path, start.Args, environment, start.Cwd)))
        {
            case Launched launched:
                _table.AddRunning(new ProcessRecord(launched.Pid, start, DateTimeOffset.UtcNow));
                Supervise(launched.Pid);
                _log.Info("Started {Path} as pid {Pid} on {Host}", start.Path, launched.Pid, _options.HostName);
                Sender.Tell(new ProcessStarted(launched.Pid));
                break;
            case LaunchFailed failed:
                _log.Info("Could not start {Path} on {Host}: {Error}", start.Path, _options.HostName, failed.ErrorMessage);
                Sender.Tell(new CommandFailed(failed.ErrorMessage));
                break;
        }
    }

    private void Supervise(int pid)
    {
        var actor = Context.ActorOf(
            ProcessActor.Props(pid, _options.HostName, _options.StopGrace, _options.KillGrace, _launcher),
            $"pid-{pid}-{++_actorSequence}");
        _processActors[pid] = actor;
    }

    private void Stop(StopProcess stop)
    {
        var record = _table.Find(stop.Target);
        if (record is null)
        {
            Sender.Tell(new CommandFailed(stop.Target.Pid is { } pid
                ? ErrorTexts.PidNotManaged(pid, _options.HostName)
                : ErrorTexts.NoSuchName(stop.Target.Name!)));
            return;
        }
        if (record.Running && _processActors.TryGetValue(record.Pid, out var actor))
        {
            actor.Forward(stop);
            return;
        }
        // Already ended: stopping is idempotent and reports how it ended.
        Sender.Tell(new ProcessStopped(record.Pid, record.Exit));
    }

    private void Query(QueryProcessStatus query)
    {
        var record = _table.Find(query.Target);
        if (record is null)
        {
            Sender.Tell(new CommandFailed(query.Target.Pid is not null ? ErrorTexts.NoSuchPid : ErrorTexts.NoSuchName(query.Target.Name!)));
            return;
        }
        Sender.Tell(new ProcessStatus(record.Pid, record.Name, record.Running, record.Exit));
    }

    private void OnProcessEnded(ProcessEnded ended)
    {
        if (_processActors.TryGetValue(ended.Pid, out var actor) && actor.Equals(Sender))
            _processActors.Remove(ended.Pid);
        _table.MarkExited(ended.Pid, ended.Exit, DateTimeOffset.UtcNow);
        Prune();
        if (_shutdownWaiter is not null) ReplyIfAllStopped();
    }

    private void Prune() => _table.Prune(_options.RetentionMaxRecords, _options.RetentionMaxAge, DateTimeOffset.UtcNow);

    private void StopAll()
    {
        _shutdownWaiter = Sender;
        _stoppedForShutdown = _table.RunningPids.Count;
        _log.Info("Node shutdown: stopping {Count} managed processes on {Host}", _stoppedForShutdown, _options.HostName);
        foreach (var (pid, actor) in _processActors)
            actor.Tell(new StopProcess(ProcessTarget.ByPid(pid), Wait: false));
        ReplyIfAllStopped();
    }

    private void ReplyIfAllStopped()
    {
        if (_table.RunningPids.Count > 0) return;
        _shutdownWaiter?.Tell(new AllProcessesStopped(_stoppedForShutdown));
    }
}
