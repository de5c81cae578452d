using Akka.Actor;
using Akka.Event;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using BlueZero.ProcessManager.Configuration;
using BlueZero.ProcessManager.Launching;
using BlueZero.ProcessManager.Native;
using BlueZero.ProcessManager.Output;
using BlueZero.ProcessManager.State;
using BlueZero.ProcessManager.Supervision;

namespace BlueZero.ProcessManager.Actors;

/// <summary>
/// Owns one managed entry for its whole life: the running process, its stop escalation (SIGINT, SIGTERM, SIGKILL to
/// the whole tree), max_time, and what follows an exit (restart with backoff, the next recurring run, or a final
/// state). Every transition is written to the <see cref="ProcessTable"/> first, and the actor rebuilds itself from
/// that record in PreStart, so a restart by supervision, a fresh actor system, or a node restarted after a crash
/// (re-adoption) all continue where the entry was.
/// </summary>
public sealed class ProcessActor : ReceiveActor, IWithTimers
{
    private const string EscalationTimer = "escalation";
    private const string MaxTimeTimer = "max-time";
    private const string RunTimer = "run";

    private readonly long _id;
    private readonly ProcessTable _table;
    private readonly IProcessLauncher _launcher;
    private readonly ProcessManagerOptions _options;
    private readonly OutputStore _output;
    private readonly Func<double> _random;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _exitWaiters = new();
    private ManagedEntry _entry = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(long id, ProcessTable table, IProcessLauncher launcher, ProcessManagerOptions options, OutputStore output, Func<double>? random = null)
    {
        // Arguments, not an expression: Akka takes an expression apart (and compiles parts of it) on every call, which
        // cost 0.2-0.8 ms on each start; one actor is created per start.
        return Akka.Actor.Props.Create<ProcessActor>(id, table, launcher, options, output, random ?? Random.Shared.NextDouble);
    }

    public ProcessActor(long id, ProcessTable table, IProcessLauncher launcher, ProcessManagerOptions options, OutputStore output, Func<double> random)
    {
        _id = id;
        _table = table;
        _launcher = launcher;
        _options = options;
        _output = output;
        _random = random;

        Receive<StopProcess>(OnStop);
        Receive<StopEntry>(stop => Stop(stop.Reason, replyNow: null, replyOnExit: null));
        Receive<Unschedule>(OnUnschedule);
        Receive<ProcessExited>(OnExited);
        Receive<EscalateStop>(Escalate);
        Receive<MaxTimeElapsed>(OnMaxTime);
        Receive<RunAgain>(_ => Run());
        Receive<FinishTreeCleanup>(_ => Context.Stop(Self));
    }

    private string Host => _options.HostName;

    protected override void PreStart()
    {
        _entry = _table.Get(_id) ?? throw new InvalidOperationException($"entry {_id} is not in the process table");
        switch (_entry.State)
        {
            case ProcessStates.Running or ProcessStates.Stopping:
                Resume();
                break;
            case ProcessStates.BackingOff or ProcessStates.Scheduled:
                var wait = (_entry.NextRunAt ?? DateTimeOffset.UtcNow) - DateTimeOffset.UtcNow;
                Timers.StartSingleTimer(RunTimer, new RunAgain(), wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
                break;
            default:
                Context.Stop(Self);
                break;
        }
    }

    protected override void PostStop()
    {
        if (_entry?.Pid is { } pid) _launcher.Release(pid);
    }

    /// <summary>Picks up a live process: just started, carried over from an earlier actor, or re-adopted from disk.</summary>
    private void Resume()
    {
        var pid = _entry.Pid!.Value;
        var stat = ProcStat.Read(pid);
        if (_entry.Adopted && (stat is null || stat.State == 'Z' || stat.StartTimeTicks != _entry.PidStartTicks))
        {
            _log.Info("Process {Pid} of {Entry} on {Host} is gone since the node went down; its exit is unknown", pid, Describe(), Host);
            Ended(ProcessExit.Unknown, lost: true);
            return;
        }
        if (_entry.PidStartTicks is null && stat is not null) Save(_entry with { PidStartTicks = stat.StartTimeTicks });
        var self = Self;
        _launcher.WatchExit(pid, exit => self.Tell(new ProcessExited(pid, exit)));
        ArmMaxTime();
        if (_entry.State == ProcessStates.Stopping)
            Escalate(new EscalateStop(LibC.SIGTERM)); // an escalation was under way: carry on from its next step
    }

    private void ArmMaxTime()
    {
        if (_entry.Spec.MaxTimeS is not { } maxTime || _entry.State != ProcessStates.Running) return;
        var remaining = _entry.StartedAt + TimeSpan.FromSeconds(maxTime) - DateTimeOffset.UtcNow;
        Timers.StartSingleTimer(MaxTimeTimer, new MaxTimeElapsed(_entry.Pid!.Value), remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
    }

    private void OnStop(StopProcess stop) => Stop(StopReasons.Request, stop.Wait ? null : Sender, stop.Wait ? Sender : null);

    /// <param name="replyNow">Told at once that the stop was accepted.</param>
    /// <param name="replyOnExit">Told once the process has exited (a stop with wait).</param>
    private void Stop(string reason, IActorRef? replyNow, IActorRef? replyOnExit)
    {
        if (!_entry.HasLiveProcess)
        {
            // Backing off or waiting for the next recurring run: cancel it; nothing is running.
            Timers.Cancel(RunTimer);
            Save(_entry with { State = ProcessStates.Stopped, EndedAt = DateTimeOffset.UtcNow, StopReason = reason });
            _log.Info("{Entry} on {Host} stopped while {Waiting}; it will not run again", Describe(), Host, _entry.State);
            (replyNow ?? replyOnExit)?.Tell(new ProcessStopped(_entry.Pid, _entry.LastExit));
            Context.Stop(Self);
            return;
        }
        if (replyOnExit is not null) _exitWaiters.Add(replyOnExit);
        replyNow?.Tell(new ProcessStopped(_entry.Pid, null));
        BeginStop(reason);
    }

    private void BeginStop(string reason)
    {
        if (_entry.State == ProcessStates.Stopping)
        {
            // A request or shutdown overrides max_time: the entry must end stopped, never restart.
            if (reason != StopReasons.MaxTime && _entry.StopReason == StopReasons.MaxTime) Save(_entry with { StopReason = reason });
            return;
        }
        Timers.Cancel(MaxTimeTimer);
        Save(_entry with { State = ProcessStates.Stopping, StopReason = reason });
        Signal(LibC.SIGINT);
        Timers.StartSingleTimer(EscalationTimer, new EscalateStop(LibC.SIGTERM), _options.StopGrace);
    }

    private void OnMaxTime(MaxTimeElapsed elapsed)
    {
        if (elapsed.Pid != _entry.Pid || _entry.State != ProcessStates.Running) return;
        _log.Info("{Entry} (pid {Pid}) on {Host} reached its max_time of {Seconds} s", Describe(), elapsed.Pid, Host, _entry.Spec.MaxTimeS);
        BeginStop(StopReasons.MaxTime);
    }

    private void OnUnschedule(Unschedule unschedule)
    {
        if (_entry.Spec.RecurringPeriodS is null)
        {
            Sender.Tell(NodeErrors.NotRecurring(unschedule.Target));
            return;
        }
        Sender.Tell(new Unscheduled(_entry.Name));
        if (_entry.State == ProcessStates.Scheduled)
        {
            Timers.Cancel(RunTimer);
            Save(_entry with { State = ProcessStates.Exited, Unscheduled = true, EndedAt = DateTimeOffset.UtcNow });
            Context.Stop(Self);
            return;
        }
        Save(_entry with { Unscheduled = true }); // the run in progress is left alone; no run follows it
    }

    private void Escalate(EscalateStop step)
    {
        Signal(step.Signal);
        if (step.Signal == LibC.SIGTERM)
            Timers.StartSingleTimer(EscalationTimer, new EscalateStop(LibC.SIGKILL), _options.KillGrace);
        else if (_entry.IsFinal)
            Timers.StartSingleTimer(EscalationTimer, new FinishTreeCleanup(), TimeSpan.FromSeconds(1));
    }

    private void Signal(int signal)
    {
        var pid = _entry.Pid!.Value;
        _log.Info("Stop step {Signal} sent to the process tree of pid {Pid} on {Host}", SignalName(signal), pid, Host);
        var launcher = _launcher;
        // Walking /proc for descendants is file I/O: keep it off the actor's thread.
        _ = Task.Run(() => launcher.SignalTree(pid, signal));
    }

    private void OnExited(ProcessExited exited)
    {
        if (exited.Pid != _entry.Pid || !_entry.HasLiveProcess) return; // a late notice about an earlier run
        _log.Info("Process {Pid} ({Entry}) on {Host} ended: {Exit}", exited.Pid, Describe(), Host, exited.Exit);
        Ended(exited.Exit, lost: false);
    }

    private void Ended(ProcessExit exit, bool lost)
    {
        var now = DateTimeOffset.UtcNow;
        var stopReason = _entry.State == ProcessStates.Stopping ? _entry.StopReason : null;
        var endedPid = _entry.Pid;
        Timers.Cancel(MaxTimeTimer);
        try
        {
            Settle(exit, lost, stopReason, now);
        }
        finally
        {
            // Only now, with the entry's new state in the table: a client that reuses the name right after a
            // stop with wait must find it free.
            foreach (var waiter in _exitWaiters) waiter.Tell(new ProcessStopped(endedPid, exit));
            _exitWaiters.Clear();
        }
    }

    private void Settle(ProcessExit exit, bool lost, string? stopReason, DateTimeOffset now)
    {
        switch (RestartDecision.Decide(_entry, exit, stopReason, lost, now - _entry.StartedAt, _random()))
        {
            case NextStep.RunAgain again:
                Timers.Cancel(EscalationTimer);
                Save(_entry with
                {
                    State = again.WaitingState, LastExit = exit, EndedAt = now, NextRunAt = now + again.Delay, StopReason = null,
                    ConsecutiveRestarts = again.ResetsBudget ? 0 : _entry.ConsecutiveRestarts,
                });
                _log.Info("{Entry} on {Host} runs again in {Delay:0.###} s ({State})", Describe(), Host, again.Delay.TotalSeconds, again.WaitingState);
                Timers.StartSingleTimer(RunTimer, new RunAgain(), again.Delay);
                break;
            case NextStep.Settle settle:
                Save(_entry with { State = settle.FinalState, LastExit = exit, EndedAt = now, NextRunAt = null });
                _log.Info("{Entry} on {Host} is {State}", Describe(), Host, settle.FinalState);
                // A stop covers the whole tree: keep escalating while anything of it survives the root, and make sure
                // a timer ends the watch even when the escalation has already passed its last step.
                if (stopReason is not null && _launcher.TreeAlive(_entry.Pid!.Value))
                {
                    if (!Timers.IsTimerActive(EscalationTimer))
                        Timers.StartSingleTimer(EscalationTimer, new FinishTreeCleanup(), TimeSpan.FromSeconds(1));
                    return;
                }
                Context.Stop(Self);
                break;
        }
    }

    private void Run()
    {
        var spec = _entry.Spec;
        var now = DateTimeOffset.UtcNow;
        var restarts = _entry.Restarts + 1;
        var consecutive = _entry.ConsecutiveRestarts + 1;
        var log = spec.EffectiveOutput == OutputModes.Capture ? _output.For(_id) : null;
        switch (_launcher.Launch(ProcessLaunching.RequestFor(spec, _options, log, run: restarts + 1)))
        {
            case Launched launched:
                if (_entry.Pid is { } previous) _launcher.Release(previous);
                Save(_entry with
                {
                    State = ProcessStates.Running, Pid = launched.Pid, PidStartTicks = ProcStat.Read(launched.Pid)?.StartTimeTicks,
                    Restarts = restarts, ConsecutiveRestarts = consecutive, StartedAt = now, NextRunAt = null, Adopted = false,
                });
                Context.System.EventStream.Publish(new RunStarted(_id));
                _log.Info("Started {Path} again as pid {Pid} on {Host} (run {Run} of {Entry})", spec.Path, launched.Pid, Host, restarts + 1, Describe());
                var self = Self;
                var pid = launched.Pid;
                _launcher.WatchExit(pid, exit => self.Tell(new ProcessExited(pid, exit)));
                ArmMaxTime();
                break;
            case LaunchFailed failed:
                // The executable may have been removed or changed: count it as a failed run and let the policy decide.
                _log.Warning("Could not start {Path} again on {Host}: {Error}", spec.Path, Host, failed.ErrorMessage);
                _entry = _entry with { Restarts = restarts, ConsecutiveRestarts = consecutive, StartedAt = now };
                Ended(new ProcessExit(127, null), lost: false);
                break;
        }
    }

    private void Save(ManagedEntry entry)
    {
        _entry = entry;
        _table.Put(entry);
        _output.Find(_id)?.Notify(); // followers of the output look again: the run may have ended
    }

    private string Describe() => _entry.Name is { } name ? $"'{name}'" : $"entry {_entry.Id}";

    private static string SignalName(int signal) => signal switch
    {
        LibC.SIGINT => "SIGINT",
        LibC.SIGTERM => "SIGTERM",
        LibC.SIGKILL => "SIGKILL",
        _ => $"signal {signal}",
    };
}
