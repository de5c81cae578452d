using Akka.Actor;
using Akka.Event;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using BlueZero.Mesh.Configuration;
using BlueZero.ProcessManager.Events;
using BlueZero.ProcessManager.Launching;
using BlueZero.ProcessManager.Native;
using BlueZero.ProcessManager.Output;
using BlueZero.ProcessManager.State;
using BlueZero.ProcessManager.Supervision;

namespace BlueZero.ProcessManager.Actors;

/// <summary>
/// Owns one managed entry for its whole life: every run of it (the first included), its stop escalation (SIGINT,
/// SIGTERM, SIGKILL to the whole tree), max_time, and what follows an exit (restart with backoff, the next recurring
/// run, or a final state). Each state is a behaviour that lists the messages it takes:
/// <list type="bullet">
/// <item><see cref="AwaitingFirstRun"/>: created by the manager for a start; launches the first run and answers it;</item>
/// <item><see cref="Running"/>: a process runs;</item>
/// <item><see cref="Stopping"/>: the stop escalation is under way;</item>
/// <item><see cref="Waiting"/>: backing off before a restart, or scheduled for the next recurring run;</item>
/// <item><see cref="CleaningUp"/>: the entry is final, but a stopped tree still has survivors to signal;</item>
/// <item><see cref="Final"/>: re-created by the manager for a restart_process of a final entry.</item>
/// </list>
/// A restart_process stops a live run with the whole escalation and then runs the spec again; from any other state it
/// runs it again at once. The entry keeps its id, name, output and counters.
/// Every transition is written to the <see cref="ProcessTable"/> first, and the actor rebuilds itself from that
/// record in PreStart, so a restart by supervision, a fresh actor system, or a node restarted after a crash
/// (re-adoption) all continue where the entry was. What happens is also recorded as events (docs/PROTOCOL.md, "Event
/// types") through <see cref="NodeEvents"/>, where it happens.
/// <para>
/// An <see cref="UntypedActor"/> whose behaviours are switches, unlike the other actors (STYLE.md asks for
/// <see cref="ReceiveActor"/>): there is one per entry, nearly all idle, ten thousand on a busy node, and a
/// ReceiveActor keeps the handler objects of its current behaviour (a match capture, two partial actions and a
/// delegate per handler), about 0.9 KiB of heap for each entry (bench/PROFILE.md), and builds them again at every Become.
/// </para>
/// </summary>
public sealed class ProcessActor : UntypedActor, IWithTimers
{
    private const string EscalationTimer = "escalation";
    private const string MaxTimeTimer = "max-time";
    private const string RunTimer = "run";

    /// <summary>After SIGKILL, how long a tree whose root has ended is watched before the actor gives up on it.</summary>
    private static readonly TimeSpan TreeCleanupGrace = TimeSpan.FromSeconds(1);

    private readonly long _id;
    private readonly ProcessTable _table;
    private readonly IProcessLauncher _launcher;
    private readonly ProcessManagerOptions _options;
    private readonly OutputStore _output;
    private readonly NodeEvents _events;
    private readonly Func<double> _random;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _exitWaiters = new();
    /// <summary>restart_process requests waiting for the stopped run to end; they get the new run's pid.</summary>
    private readonly List<IActorRef> _restartWaiters = new();
    private ManagedEntry _entry = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(long id, ProcessTable table, IProcessLauncher launcher, ProcessManagerOptions options, OutputStore output, NodeEvents events, Func<double>? random = null)
    {
        // Arguments, not an expression: Akka takes an expression apart (and compiles parts of it) on every call, which
        // cost 0.2-0.8 ms on each start; one actor is created per start.
        return Akka.Actor.Props.Create<ProcessActor>(id, table, launcher, options, output, events, random ?? SharedRandom)
            .WithMailbox(EntryMailbox.ConfigPath);
    }

    /// <summary>One delegate for every entry, not one each.</summary>
    private static readonly Func<double> SharedRandom = Random.Shared.NextDouble;

    public ProcessActor(long id, ProcessTable table, IProcessLauncher launcher, ProcessManagerOptions options, OutputStore output, NodeEvents events, Func<double> random)
    {
        _events = events;
        _id = id;
        _table = table;
        _launcher = launcher;
        _options = options;
        _output = output;
        _random = random;
    }

    private string Host => _options.HostName;

    protected override void PreStart()
    {
        if (_table.Get(_id) is not { } entry)
        {
            Become(AwaitingFirstRun); // a new entry: the manager forwards its start next
            return;
        }
        _entry = entry;
        switch (_entry.State)
        {
            case var live when live.HasLiveProcess():
                Resume();
                break;
            case var waiting when waiting.IsWaiting():
                var wait = (_entry.NextRunAt ?? DateTimeOffset.UtcNow) - DateTimeOffset.UtcNow;
                Timers.StartSingleTimer(RunTimer, new RunAgain(), wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
                Become(Waiting);
                break;
            default:
                // Final: the manager created this actor for a restart_process, which is next in the mailbox.
                Timers.StartSingleTimer(EscalationTimer, new FinishTreeCleanup(), TimeSpan.Zero);
                Become(Final);
                break;
        }
    }

    protected override void PostRestart(Exception reason)
    {
        // A first run that threw never reached the table: there is nothing to continue, and the manager frees its place.
        if (_table.Get(_id) is null) Context.Stop(Self);
        else base.PostRestart(reason);
    }

    protected override void PostStop()
    {
        if (_entry?.Pid is { } pid) _launcher.Release(pid);
    }

    // ------------------------------------------------------------------------------------------------ behaviours

    private void AwaitingFirstRun(object message)
    {
        if (message is StartProcess start) FirstRun(start);
        else Unhandled(message);
    }

    private void Running(object message)
    {
        if (message is MaxTimeElapsed elapsed && elapsed.Pid == _entry.Pid) OnMaxTime(elapsed);
        else LiveRun(message);
    }

    private void Stopping(object message)
    {
        if (message is EscalateStop step) Escalate(step.Step);
        else LiveRun(message);
    }

    /// <summary>What a run takes while its process lives, running or being stopped.</summary>
    private void LiveRun(object message)
    {
        switch (message)
        {
            case ProcessExited exited when IsCurrent(exited): OnExited(exited); break;
            case StopProcess stop: OnStop(stop); break;
            case RestartProcess restart: RestartAfterStop(restart); break;
            case StopEntry stop: OnStopEntry(stop); break;
            case Unschedule unschedule: OnUnschedule(unschedule); break;
            default: LateNotice(message); break;
        }
    }

    private void Waiting(object message)
    {
        switch (message)
        {
            case Actors.RunAgain: RunAgain(_entry.ConsecutiveRestarts + 1); break;
            case RestartProcess: RestartNow(); break;
            case StopProcess stop:
                RecordStopRequested(stop.By);
                StopWhileWaiting(StopReason.Request);
                Sender.Tell(new ProcessStopped(_entry.Pid, _entry.LastExit));
                break;
            case StopEntry stop:
                RecordStopRequested(stop.By);
                StopWhileWaiting(stop.Reason);
                break;
            case Unschedule unschedule: OnUnschedule(unschedule); break;
            default: LateNotice(message); break;
        }
    }

    private void CleaningUp(object message)
    {
        switch (message)
        {
            case EscalateStop step: Escalate(step.Step); break;
            case FinishTreeCleanup: Context.Stop(Self); break;
            // The entry is final: answer as the manager does for final entries.
            case StopProcess: Sender.Tell(new ProcessStopped(_entry.Pid, _entry.LastExit)); break;
            case RestartProcess: RestartNow(); break;
            case Unschedule unschedule: OnUnschedule(unschedule); break;
            default: LateNotice(message); break;
        }
    }

    private void Final(object message)
    {
        switch (message)
        {
            case RestartProcess: RestartNow(); break;
            case FinishTreeCleanup: Context.Stop(Self); break;
            default: LateNotice(message); break;
        }
    }

    /// <summary>What may arrive in any state: how a signal went, and notices that a transition made stale.</summary>
    private void LateNotice(object message)
    {
        switch (message)
        {
            case SignalOutcome outcome: OnSignalOutcome(outcome); break;
            case ProcessExited: break; // about an earlier run
            case MaxTimeElapsed: break; // of a run that has ended
            case StopEntry: break; // kill_all or shutdown raced the entry's end
            default: Unhandled(message); break;
        }
    }

    /// <summary>Never the behaviour: PreStart picks one of the states above.</summary>
    protected override void OnReceive(object message) => Unhandled(message);

    // ------------------------------------------------------------------------------------------------ runs

    private void FirstRun(StartProcess spec)
    {
        var requester = Sender;
        _entry = new ManagedEntry(_id, spec, ProcessState.Running, null, null, Restarts: 0, ConsecutiveRestarts: 0, LastExit: null, DateTimeOffset.UtcNow);
        var outcome = Launch(run: 1);
        // The manager hears first, so a request the client sends after this reply finds the name and place settled.
        Context.Parent.Tell(new FirstRunSettled(_id));
        switch (outcome)
        {
            case Launched launched:
                // The entry is in the table, so a query after this reply finds it; the rest can follow the reply.
                requester.Tell(new ProcessStarted(launched.Pid));
                FollowLaunch(run: 1);
                _log.Info("Started {Path} as pid {Pid} on {Host}", spec.Path, launched.Pid, Host);
                break;
            case LaunchFailed failed:
                Record(EntryEvent(MeshEventType.StartFailed) with { By = spec.By, Path = spec.Path, Args = spec.Args, Error = failed.ErrorMessage });
                _output.Remove(_id);
                _log.Info("Could not start {Path} on {Host}: {Error}", spec.Path, Host, failed.ErrorMessage);
                requester.Tell(NodeErrors.LaunchFailed(failed.ErrorMessage));
                Context.Stop(Self);
                break;
        }
    }

    /// <param name="consecutiveRestarts">Restarts in a row after this one: one more for the policy, 0 for a request.</param>
    private LaunchOutcome RunAgain(int consecutiveRestarts)
    {
        _entry = _entry with { Restarts = _entry.Restarts + 1, ConsecutiveRestarts = consecutiveRestarts, StartedAt = DateTimeOffset.UtcNow };
        var run = _entry.Restarts + 1;
        var outcome = Launch(run);
        switch (outcome)
        {
            case Launched launched:
                FollowLaunch(run);
                _log.Info("Started {Path} again as pid {Pid} on {Host} (run {Run} of {Entry})", _entry.Spec.Path, launched.Pid, Host, run, Describe());
                break;
            case LaunchFailed failed:
                // The executable may have been removed or changed: count it as a failed run and let the policy decide.
                _log.Warning("Could not start {Path} again on {Host}: {Error}", _entry.Spec.Path, Host, failed.ErrorMessage);
                Record(EntryEvent(MeshEventType.StartFailed) with
                {
                    Pid = null, Path = _entry.Spec.Path, Args = _entry.Spec.Args, Restarts = _entry.Restarts, Error = failed.ErrorMessage,
                });
                Ended(new ProcessExit(127, null), lost: false);
                break;
        }
        return outcome;
    }

    /// <summary>
    /// Launches run number <paramref name="run"/> of the entry; once it runs, the entry is Running in the table, with
    /// the pid's start time that re-adoption checks. What a launched run needs next is <see cref="FollowLaunch"/>.
    /// </summary>
    private LaunchOutcome Launch(int run)
    {
        var spec = _entry.Spec;
        var log = spec.EffectiveOutput == OutputMode.Capture ? _output.For(_id) : null;
        var outcome = _launcher.Launch(ProcessLaunching.RequestFor(spec, _options, log, run));
        if (outcome is not Launched launched) return outcome;
        if (_entry.Pid is { } previous) _launcher.Release(previous);
        Save(_entry with
        {
            State = ProcessState.Running, Pid = launched.Pid, PidStartTicks = ProcStat.Read(launched.Pid)?.StartTimeTicks,
            NextRunAt = null, Adopted = false,
        });
        return outcome;
    }

    /// <summary>
    /// The rest of a launched run, which a start's reply need not wait for (in the same message, so nothing about the
    /// run is handled before it): its event, the exit callback (the launcher tracks the pid from the spawn on and keeps
    /// an exit that came first), max_time.
    /// </summary>
    private void FollowLaunch(int run)
    {
        var spec = _entry.Spec;
        Record(EntryEvent(MeshEventType.ProcessStarted) with
        {
            Path = spec.Path, Args = spec.Args, Restarts = run > 1 ? _entry.Restarts : null, By = run == 1 ? spec.By : null,
        });
        Context.System.EventStream.Publish(new RunStarted(_id));
        WatchCurrentPid();
        ArmMaxTime();
        Become(Running);
    }

    /// <summary>Picks up a live process carried over from an earlier actor, or re-adopted from disk.</summary>
    private void Resume()
    {
        var pid = _entry.Pid!.Value;
        var stat = ProcStat.Read(pid);
        if (_entry.Adopted && (stat is null || stat.State == 'Z' || stat.StartTimeTicks != _entry.PidStartTicks))
        {
            _log.Info("Process {Pid} of {Entry} on {Host} is gone since the node went down; its exit is unknown", pid, Describe(), Host);
            Record(EntryEvent(MeshEventType.ProcessLost));
            Ended(ProcessExit.Unknown, lost: true);
            return;
        }
        if (_entry.Adopted && _events.FirstReadoption(_id)) Record(EntryEvent(MeshEventType.ProcessReadopted));
        if (_entry.PidStartTicks is null && stat is not null) Save(_entry with { PidStartTicks = stat.StartTimeTicks });
        WatchCurrentPid();
        if (_entry.State == ProcessState.Stopping)
        {
            Become(Stopping);
            Escalate(StopStep.Terminate); // an escalation was under way: carry on from its next step
            return;
        }
        Become(Running);
        ArmMaxTime();
    }

    private void WatchCurrentPid()
    {
        var self = Self;
        var pid = _entry.Pid!.Value;
        _launcher.WatchExit(pid, exit => self.Tell(new ProcessExited(pid, exit)));
    }

    private void ArmMaxTime()
    {
        if (_entry.Spec.MaxTimeS is not { } maxTime) return;
        var remaining = _entry.StartedAt + TimeSpan.FromSeconds(maxTime) - DateTimeOffset.UtcNow;
        Timers.StartSingleTimer(MaxTimeTimer, new MaxTimeElapsed(_entry.Pid!.Value), remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
    }

    private bool IsCurrent(ProcessExited exited) => exited.Pid == _entry.Pid;

    // ------------------------------------------------------------------------------------------------ stopping

    private void OnMaxTime(MaxTimeElapsed elapsed)
    {
        _log.Info("{Entry} (pid {Pid}) on {Host} reached its max_time of {Seconds} s", Describe(), elapsed.Pid, Host, _entry.Spec.MaxTimeS);
        BeginStop(StopReason.MaxTime);
    }

    /// <summary>A stop request while a process runs: accepted at once, or (with wait) answered after the exit.</summary>
    private void OnStop(StopProcess stop)
    {
        RecordStopRequested(stop.By);
        if (stop.Wait) _exitWaiters.Add(Sender);
        else Sender.Tell(new ProcessStopped(_entry.Pid, null));
        BeginStop(StopReason.Request);
    }

    /// <summary>kill_all or node shutdown (no <c>by</c> then).</summary>
    private void OnStopEntry(StopEntry stop)
    {
        RecordStopRequested(stop.By);
        BeginStop(stop.Reason);
    }

    private void BeginStop(StopReason reason)
    {
        if (_entry.State == ProcessState.Stopping)
        {
            // A request or shutdown overrides max_time: the entry must end stopped, never restart.
            if (reason != StopReason.MaxTime && _entry.StopReason == StopReason.MaxTime) Save(_entry with { StopReason = reason });
            return;
        }
        Timers.Cancel(MaxTimeTimer);
        Save(_entry with { State = ProcessState.Stopping, StopReason = reason });
        Become(Stopping);
        Escalate(StopStep.Interrupt);
    }

    /// <summary>
    /// The whole stop escalation, one step per call, each to the whole tree: SIGINT; SIGTERM after the stop grace;
    /// SIGKILL after the kill grace; then, once the root has ended, one more moment for the tree to vanish.
    /// </summary>
    private void Escalate(StopStep step)
    {
        var (signal, next, grace) = step switch
        {
            StopStep.Interrupt => (LibC.SIGINT, new EscalateStop(StopStep.Terminate), _options.StopGrace),
            StopStep.Terminate => (LibC.SIGTERM, new EscalateStop(StopStep.Kill), _options.KillGrace),
            _ => (LibC.SIGKILL, _entry.IsFinal ? (object)new FinishTreeCleanup() : null, TreeCleanupGrace),
        };
        Signal(signal);
        // After SIGKILL of a root that has not ended yet, its exit (Settle) decides how long the tree is watched.
        if (next is not null) Timers.StartSingleTimer(EscalationTimer, next, grace);
    }

    private void Signal(int signal)
    {
        var pid = _entry.Pid!.Value;
        _log.Info("Stop step {Signal} sent to the process tree of pid {Pid} on {Host}", SignalName(signal), pid, Host);
        var launcher = _launcher;
        // Walking /proc for descendants is file I/O: keep it off the actor's thread, and hear back how it went.
        Task.Run(() => launcher.SignalTree(pid, signal)).PipeTo(Self,
            success: () => new SignalOutcome(pid, signal, Failure: null),
            failure: error => new SignalOutcome(pid, signal, error.GetBaseException().Message));
    }

    private void OnSignalOutcome(SignalOutcome outcome)
    {
        if (outcome.Failure is { } failure)
            _log.Warning("Could not send {Signal} to the process tree of pid {Pid} on {Host}: {Reason}", SignalName(outcome.Signal), outcome.Pid, Host, failure);
        else
            _log.Debug("{Signal} reached the process tree of pid {Pid} on {Host}", SignalName(outcome.Signal), outcome.Pid, Host);
    }

    /// <summary>Backing off or waiting for the next recurring run: cancel it; nothing is running.</summary>
    private void StopWhileWaiting(StopReason reason)
    {
        Timers.Cancel(RunTimer);
        var waiting = _entry.State;
        Save(_entry with { State = ProcessState.Stopped, EndedAt = DateTimeOffset.UtcNow, StopReason = reason });
        _log.Info("{Entry} on {Host} stopped while {Waiting}; it will not run again", Describe(), Host, waiting.ToWire());
        Context.Stop(Self);
    }

    // ------------------------------------------------------------------------------------------------ restart_process

    /// <summary>A live run: the whole stop escalation first (joining one under way); its end starts the next run.</summary>
    private void RestartAfterStop(RestartProcess restart)
    {
        RecordStopRequested(restart.By);
        _restartWaiters.Add(Sender);
        BeginStop(StopReason.Request);
    }

    /// <summary>Nothing runs (backing off, scheduled, final, cleaning up): run again at once.</summary>
    private void RestartNow()
    {
        _restartWaiters.Add(Sender);
        RestartRun(_entry.Pid, _entry.LastExit);
    }

    /// <summary>
    /// The run for restart_process: a pending run or tree cleanup is cancelled, the restart budget and backoff start
    /// over, and every waiting requester hears the new pid (or why it could not start; the policy then decides).
    /// </summary>
    private void RestartRun(int? previousPid, ProcessExit? previousExit)
    {
        var requesters = _restartWaiters.ToList();
        _restartWaiters.Clear();
        Timers.Cancel(RunTimer);
        Timers.Cancel(EscalationTimer);
        _log.Info("{Entry} on {Host} runs again on request (last pid {Pid})", Describe(), Host, previousPid);
        // Not stopping any more: a run that cannot start is a failure for the policy, not a stop.
        _entry = _entry with { State = ProcessState.BackingOff, LastExit = previousExit, StopReason = null, EndedAt = null, NextRunAt = null };
        INodeReply reply = RunAgain(consecutiveRestarts: 0) switch
        {
            Launched launched => new ProcessRestarted(launched.Pid, previousPid, previousExit),
            LaunchFailed failed => NodeErrors.LaunchFailed(failed.ErrorMessage),
            _ => NodeErrors.LaunchFailed(_entry.Spec.Path),
        };
        foreach (var requester in requesters) requester.Tell(reply);
    }

    private void OnUnschedule(Unschedule unschedule)
    {
        if (_entry.Spec.RecurringPeriodS is null)
        {
            Sender.Tell(NodeErrors.NotRecurring(unschedule.Target));
            return;
        }
        Sender.Tell(new Unscheduled(_entry.Name));
        if (_entry.State == ProcessState.Scheduled)
        {
            Timers.Cancel(RunTimer);
            Save(_entry with { State = ProcessState.Exited, Unscheduled = true, EndedAt = DateTimeOffset.UtcNow });
            Context.Stop(Self);
            return;
        }
        Save(_entry with { Unscheduled = true }); // the run in progress is left alone; no run follows it
    }

    // ------------------------------------------------------------------------------------------------ after a run

    private void OnExited(ProcessExited exited)
    {
        _log.Info("Process {Pid} ({Entry}) on {Host} ended: {Exit}", exited.Pid, Describe(), Host, exited.Exit);
        Record(EntryEvent(MeshEventType.ProcessExited) with { ExitCode = exited.Exit.ExitCode, Signal = exited.Exit.Signal, Reason = ExitReasonOf(exited.Exit) });
        Ended(exited.Exit, lost: false);
    }

    private void Ended(ProcessExit exit, bool lost)
    {
        var now = DateTimeOffset.UtcNow;
        var stopReason = _entry.State == ProcessState.Stopping ? _entry.StopReason : null;
        var endedPid = _entry.Pid;
        Timers.Cancel(MaxTimeTimer);
        try
        {
            if (_restartWaiters.Count > 0)
                RestartRun(endedPid, exit);
            else
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

    private void Settle(ProcessExit exit, bool lost, StopReason? stopReason, DateTimeOffset now)
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
                _log.Info("{Entry} on {Host} runs again in {Delay:0.###} s ({State})", Describe(), Host, again.Delay.TotalSeconds, again.WaitingState.ToWire());
                Record(again.WaitingState == ProcessState.Scheduled
                    ? EntryEvent(MeshEventType.ProcessScheduled) with { NextRun = _entry.NextRunAt }
                    : EntryEvent(MeshEventType.ProcessBackingOff) with { Restarts = _entry.Restarts, DelayMs = (long)again.Delay.TotalMilliseconds });
                Timers.StartSingleTimer(RunTimer, new RunAgain(), again.Delay);
                Become(Waiting);
                break;
            case NextStep.Settle settle:
                Save(_entry with { State = settle.FinalState, LastExit = exit, EndedAt = now, NextRunAt = null });
                _log.Info("{Entry} on {Host} is {State}", Describe(), Host, settle.FinalState.ToWire());
                if (settle.FinalState == ProcessState.Failed) Record(EntryEvent(MeshEventType.ProcessFailed) with { Restarts = _entry.Restarts });
                // A stop covers the whole tree: keep escalating while anything of it survives the root, and make sure
                // a timer ends the watch even when the escalation has already passed its last step.
                if (stopReason is not null && _launcher.TreeAlive(_entry.Pid!.Value))
                {
                    if (!Timers.IsTimerActive(EscalationTimer))
                        Timers.StartSingleTimer(EscalationTimer, new FinishTreeCleanup(), TreeCleanupGrace);
                    Become(CleaningUp);
                    return;
                }
                Context.Stop(Self);
                break;
        }
    }

    private void Save(ManagedEntry entry)
    {
        _entry = entry;
        _table.Put(entry);
        _output.Find(_id)?.Notify(); // followers of the output look again: the run may have ended
    }

    // ------------------------------------------------------------------------------------------------ events

    private void Record(MeshEvent mesh) => _events.Record(Context.System, mesh);

    /// <summary>An event about this entry: its current pid and name; the caller adds the type's fields.</summary>
    private MeshEvent EntryEvent(MeshEventType type) => _events.New(type) with { Pid = _entry.Pid, Name = _entry.Name };

    private void RecordStopRequested(string? by) => Record(EntryEvent(MeshEventType.StopRequested) with { By = by });

    /// <summary>
    /// stopped: the run ended while a stop (request, kill_all, node shutdown) was under way, however it ended;
    /// timed_out: likewise, for max_time; killed: it ended by a signal nobody here sent; exited: it ended by itself.
    /// </summary>
    private ExitReason ExitReasonOf(ProcessExit exit) => _entry.State == ProcessState.Stopping
        ? _entry.StopReason == StopReason.MaxTime ? ExitReason.TimedOut : ExitReason.Stopped
        : exit.Signal is not null ? ExitReason.Killed : ExitReason.Exited;

    private string Describe() => _entry.Name is { } name ? $"'{name}'" : $"entry {_entry.Id}";

    private static string SignalName(int signal) => signal switch
    {
        LibC.SIGINT => "SIGINT",
        LibC.SIGTERM => "SIGTERM",
        LibC.SIGKILL => "SIGKILL",
        _ => $"signal {signal}",
    };
}
