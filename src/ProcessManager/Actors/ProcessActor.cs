using Akka.Actor;
using Akka.Event;
using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Launching;
using BlueZero.ProcessManager.Native;

namespace BlueZero.ProcessManager.Actors;

/// <summary>
/// Owns one running OS process: learns of its exit from the reaper, runs the stop escalation
/// (SIGINT, then SIGTERM, then SIGKILL, each to the whole tree) and tells its parent how it ended.
/// The process is started by the parent, so a restart of this actor by supervision keeps the same OS process.
/// Running -> Stopping(step) -> [CleaningUpTree] -> stopped.
/// </summary>
public sealed class ProcessActor : ReceiveActor, IWithTimers
{
    private const string EscalationTimer = "escalation";

    private readonly int _pid;
    private readonly string _hostName;
    private readonly TimeSpan _stopGrace;
    private readonly TimeSpan _killGrace;
    private readonly IProcessLauncher _launcher;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _exitWaiters = new();
    private bool _stopping;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(int pid, string hostName, TimeSpan stopGrace, TimeSpan killGrace, IProcessLauncher launcher) =>
        Akka.Actor.Props.Create(() => new ProcessActor(pid, hostName, stopGrace, killGrace, launcher));

    public ProcessActor(int pid, string hostName, TimeSpan stopGrace, TimeSpan killGrace, IProcessLauncher launcher)
    {
        _pid = pid;
        _hostName = hostName;
        _stopGrace = stopGrace;
        _killGrace = killGrace;
        _launcher = launcher;
        Running();
    }

    protected override void PreStart()
    {
        var self = Self;
        _launcher.WatchExit(_pid, exit => self.Tell(new ProcessExited(exit)));
    }

    protected override void PostStop() => _launcher.Release(_pid);

    private void Running()
    {
        Receive<StopProcess>(BeginStop);
        Receive<EscalateStop>(Escalate);
        Receive<ProcessExited>(OnExited);
    }

    private void CleaningUpTree()
    {
        Receive<StopProcess>(_ => Sender.Tell(new ProcessStopped(_pid, null)));
        Receive<EscalateStop>(step =>
        {
            if (!_launcher.TreeAlive(_pid))
            {
                Context.Stop(Self);
                return;
            }
            Escalate(step);
        });
        Receive<FinishTreeCleanup>(_ => Context.Stop(Self));
        Receive<ProcessExited>(_ => { });
    }

    private void BeginStop(StopProcess stop)
    {
        if (stop.Wait) _exitWaiters.Add(Sender);
        else Sender.Tell(new ProcessStopped(_pid, null));
        if (_stopping) return;
        _stopping = true;
        Signal(LibC.SIGINT);
        Timers.StartSingleTimer(EscalationTimer, new EscalateStop(LibC.SIGTERM), _stopGrace);
    }

    private void Escalate(EscalateStop step)
    {
        Signal(step.Signal);
        if (step.Signal == LibC.SIGTERM)
            Timers.StartSingleTimer(EscalationTimer, new EscalateStop(LibC.SIGKILL), _killGrace);
        else
            Timers.StartSingleTimer(EscalationTimer, new FinishTreeCleanup(), TimeSpan.FromSeconds(1));
    }

    private void Signal(int signal)
    {
        _log.Info("Stop step {Signal} sent to the process tree of pid {Pid} on {Host}", SignalName(signal), _pid, _hostName);
        var (launcher, pid) = (_launcher, _pid);
        // Walking /proc for descendants is file I/O: keep it off the actor's thread.
        _ = Task.Run(() => launcher.SignalTree(pid, signal));
    }

    private void OnExited(ProcessExited exited)
    {
        _log.Info("Process {Pid} on {Host} ended: {Exit}", _pid, _hostName, exited.Exit);
        foreach (var waiter in _exitWaiters) waiter.Tell(new ProcessStopped(_pid, exited.Exit));
        _exitWaiters.Clear();
        Context.Parent.Tell(new ProcessEnded(_pid, exited.Exit));

        // A stop covers the whole tree: keep escalating while anything of it survives the root.
        if (_stopping && _launcher.TreeAlive(_pid))
        {
            Become(CleaningUpTree);
            return;
        }
        Context.Stop(Self);
    }

    private static string SignalName(int signal) => signal switch
    {
        LibC.SIGINT => "SIGINT",
        LibC.SIGTERM => "SIGTERM",
        LibC.SIGKILL => "SIGKILL",
        _ => $"signal {signal}",
    };
}
