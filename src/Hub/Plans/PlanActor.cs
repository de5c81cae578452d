using Akka.Actor;
using Akka.Event;
using BlueZero.Hub.Actors;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Plans;

/// <summary>What one <see cref="PlanActor"/> is asked to do.</summary>
public abstract record PlanWork
{
    public sealed record Apply(ApplyPlan Command) : PlanWork;
    public sealed record Remove(string Name) : PlanWork;
}

/// <summary>
/// Applies or removes one plan, then stops. It runs at the hub, apart from the request that asked for it, so a client
/// that disconnects does not abort it; the answer goes to <c>replyTo</c> if it still waits.
/// <para>Apply: load the stored plan, diff (<see cref="PlanGraph.Diff"/>); with dry_run answer the diff; else stop what
/// was removed or changed (dependents first), then start steps as their dependencies become ready, in parallel, each
/// in a <see cref="StepActor"/>. The first failure ends the apply (steps in flight keep their processes); with
/// rollback, every step with a process is stopped in reverse order. Remove: stop every step in reverse order (a step
/// only after all its dependents have exited), then forget the plan. Progress is recorded as plan_* events.</para>
/// </summary>
public sealed class PlanActor : ReceiveActor
{
    /// <summary>A step actor that throws is stopped, not restarted: its Terminated fails the step.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private sealed record Loaded(StoredPlan? Stored) : INoSerializationVerificationNeeded;
    private sealed record Stopped(string Step, RouteOutcome Outcome) : INoSerializationVerificationNeeded;
    private sealed record Saved : INoSerializationVerificationNeeded;

    private readonly PlanWork _work;
    private readonly string _name;
    private readonly IActorRef _router;
    private readonly PlanStore _store;
    private readonly RouteTimeouts _timeouts;
    private readonly IActorRef _replyTo;
    private readonly string _hubHost;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DateTimeOffset _began = DateTimeOffset.UtcNow;

    private PlanDefinition _plan = null!;
    private PlanDiff _diff = null!;
    private readonly Dictionary<string, StepReport> _reports = new(StringComparer.Ordinal);
    private readonly HashSet<string> _launched = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ready = new(StringComparer.Ordinal);

    // A stop run: the graph that orders it, the steps to stop, and what to do once all have exited.
    private PlanDefinition _stopGraph = null!;
    private HashSet<string> _toStop = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stopping = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stopped = new(StringComparer.Ordinal);
    private Action _afterStops = () => { };
    private (string Step, string Error)? _failure;

    public static Props Props(PlanWork work, IActorRef router, PlanStore store, RouteTimeouts timeouts, IActorRef replyTo, string hubHost) =>
        Akka.Actor.Props.Create(() => new PlanActor(work, router, store, timeouts, replyTo, hubHost));

    public PlanActor(PlanWork work, IActorRef router, PlanStore store, RouteTimeouts timeouts, IActorRef replyTo, string hubHost)
    {
        _work = work;
        _name = work switch { PlanWork.Apply apply => apply.Command.Plan.Name, PlanWork.Remove remove => remove.Name, _ => "" };
        _router = router;
        _store = store;
        _timeouts = timeouts;
        _replyTo = replyTo;
        _hubHost = hubHost;
        Receive<Loaded>(OnLoaded);
        Receive<Saved>(_ => { });
        Receive<Status.Failure>(failure => _log.Warning("Plan {0}: could not store its state: {1}", _name, failure.Cause.GetBaseException().Message));
    }

    protected override void PreStart() => _store.Load(_name).PipeTo(Self, success: stored => new Loaded(stored));

    private void OnLoaded(Loaded loaded)
    {
        if (_work is PlanWork.Apply apply) BeginApply(apply.Command, loaded.Stored);
        else if (loaded.Stored is null) Finish(new PlanUnavailable(NotFound: true, ErrorTexts.NoSuchPlan(_name)));
        else BeginRemove(loaded.Stored);
    }

    // ---- apply ----

    private void BeginApply(ApplyPlan command, StoredPlan? stored)
    {
        _plan = command.Plan;
        var notReady = stored?.Definition.Steps.Where(s => stored.Steps.GetValueOrDefault(s.Name)?.State != StepState.Ready)
            .Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        _diff = PlanGraph.Diff(stored?.Definition, _plan, notReady);
        foreach (var step in PlanGraph.StartOrder(_plan))
        {
            var kept = stored?.Steps.GetValueOrDefault(step.Name);
            _reports[step.Name] = new StepReport(step.Name, step.Host, step.Start.Name!, _diff.ActionOf(step.Name), StepState.NotStarted,
                kept?.Pid);
        }
        foreach (var removed in _diff.Removed)
            _reports[removed.Name] = new StepReport(removed.Name, removed.Host, removed.Start.Name!, StepAction.Stop, StepState.NotStarted);
        if (command.DryRun)
        {
            Finish(Report(success: true, dryRun: true));
            return;
        }
        Record(MeshEventType.PlanApplyStarted, _hubHost, _name);
        Save(_store.Save(_plan, PlanState.Applying));
        Become(Applying);
        var restart = _plan.Steps.Where(s => _diff.ActionOf(s.Name) == StepAction.Restart).Select(s => s.Name);
        BeginStops(stored?.Definition ?? _plan, _diff.Removed.Select(s => s.Name).Concat(restart), StartReadySteps);
    }

    private void Applying()
    {
        Receive<StepStarted>(OnStepStarted);
        Receive<StepReady>(OnStepReady);
        Receive<StepFailed>(OnStepFailed);
        // A StepActor that stopped without a word (a bug that threw) must not leave the apply waiting for ever.
        Receive<Terminated>(ended =>
        {
            if (_failure is null && _plan.Step(ended.ActorRef.Path.Name) is { } step && !_ready.Contains(step.Name)
                && _reports[step.Name].State != StepState.Failed)
                OnStepFailed(new StepFailed(step.Name, _reports[step.Name].Pid, ErrorTexts.InternalError));
        });
        Stopping();
    }

    private void StartReadySteps()
    {
        if (_failure is not null) return;
        foreach (var step in PlanGraph.ReadyToStart(_plan, _launched, _ready))
        {
            _launched.Add(step.Name);
            _reports[step.Name] = _reports[step.Name] with { State = StepState.Starting, Pid = null };
            Context.Watch(Context.ActorOf(StepActor.Props(step, _router, _timeouts, keep: _diff.ActionOf(step.Name) == StepAction.Keep), step.Name));
        }
        if (_ready.Count == _plan.Steps.Count) EndApply();
    }

    private void OnStepStarted(StepStarted started)
    {
        var step = _plan.Step(started.Step)!;
        _reports[step.Name] = _reports[step.Name] with { State = StepState.WaitingReady, Pid = started.Pid, StartedAt = started.At };
        Record(MeshEventType.PlanStepStarted, step.Host, step.Start.Name, started.Pid);
        SaveStep(step.Name);
    }

    private void OnStepReady(StepReady ready)
    {
        var step = _plan.Step(ready.Step)!;
        _ready.Add(step.Name);
        _reports[step.Name] = _reports[step.Name] with { State = StepState.Ready, Pid = ready.Pid, StartedAt = ready.StartedAt, ReadyAt = ready.At };
        if (!ready.Kept)
            Record(MeshEventType.PlanStepReady, step.Host, step.Start.Name, ready.Pid, delayMs: (long)(ready.At - ready.StartedAt).TotalMilliseconds);
        SaveStep(step.Name);
        StartReadySteps();
    }

    private void OnStepFailed(StepFailed failed)
    {
        var step = _plan.Step(failed.Step)!;
        _reports[step.Name] = _reports[step.Name] with { State = StepState.Failed, Pid = failed.Pid ?? _reports[step.Name].Pid, Error = failed.Error };
        Record(MeshEventType.PlanStepFailed, step.Host, step.Start.Name, failed.Pid, failed.Error);
        SaveStep(step.Name);
        if (_failure is not null) return;
        _failure = (step.Name, failed.Error);
        // The first failure ends the apply: steps in flight keep their processes as they are, nothing more starts.
        foreach (var child in Context.GetChildren()) Context.Stop(child);
        foreach (var other in _reports.Values.Where(r => r.State == StepState.NotStarted && r.Action != StepAction.Stop).ToList())
            _reports[other.Name] = other with { Error = ErrorTexts.StepDependencyFailed };
        if (_work is PlanWork.Apply { Command.RollbackOnFailure: true })
            BeginStops(_plan, _reports.Values.Where(r => r.Pid is not null && r.State != StepState.Stopped).Select(r => r.Name), EndApply);
        else EndApply();
    }

    private void EndApply()
    {
        var success = _failure is null;
        Save(_store.SetState(_name, success ? PlanState.Up : PlanState.Failed));
        Record(MeshEventType.PlanApplied, _hubHost, _name, error: _failure is { } f ? $"{f.Step}: {f.Error}" : null);
        Finish(Report(success, rolledBack: !success && _work is PlanWork.Apply { Command.RollbackOnFailure: true }));
    }

    // ---- remove ----

    private void BeginRemove(StoredPlan stored)
    {
        _plan = stored.Definition;
        foreach (var step in PlanGraph.StartOrder(_plan))
            _reports[step.Name] = new StepReport(step.Name, step.Host, step.Start.Name!, StepAction.Stop, StepState.NotStarted,
                stored.Steps.GetValueOrDefault(step.Name)?.Pid);
        Record(MeshEventType.PlanRemoveStarted, _hubHost, _name);
        Save(_store.SetState(_name, PlanState.Removing));
        Become(Stopping);
        BeginStops(_plan, _plan.Steps.Select(s => s.Name), () =>
        {
            Save(_store.Delete(_name));
            Record(MeshEventType.PlanRemoved, _hubHost, _name);
            Finish(Report(success: true));
        });
    }

    // ---- stops in reverse dependency order ----

    private void Stopping()
    {
        Receive<Stopped>(OnStopped);
        Receive<Saved>(_ => { });
        Receive<Status.Failure>(failure => _log.Warning("Plan {0}: could not store its state: {1}", _name, failure.Cause.GetBaseException().Message));
    }

    private void BeginStops(PlanDefinition graph, IEnumerable<string> steps, Action then)
    {
        _stopGraph = graph;
        _toStop = steps.ToHashSet(StringComparer.Ordinal);
        _stopping.Clear();
        _stopped.Clear();
        _afterStops = then;
        StopReadySteps();
    }

    private void StopReadySteps()
    {
        if (_stopped.Count == _toStop.Count)
        {
            _toStop = new HashSet<string>(StringComparer.Ordinal);
            _afterStops();
            return;
        }
        foreach (var step in PlanGraph.ReadyToStop(_stopGraph, _toStop, _stopping, _stopped))
        {
            _stopping.Add(step.Name);
            if (_reports.TryGetValue(step.Name, out var report) && report.Action is StepAction.Stop)
                _reports[step.Name] = report with { State = StepState.Stopping };
            var request = new HubRequest(WireOperations.StopProcess, step.Host, new StopProcess(ProcessTarget.ByName(step.Start.Name!), Wait: true, By: "plan"));
            var name = step.Name;
            RequestRouter.Ask(_router, request, _timeouts.For(request)).PipeTo(Self, success: outcome => new Stopped(name, outcome));
        }
    }

    private void OnStopped(Stopped stopped)
    {
        var step = _stopGraph.Step(stopped.Step)!;
        _stopped.Add(step.Name);
        var exit = stopped.Outcome is NodeAnswered { Reply: ProcessStopped { Exit: { } e } } ? e.ToString() : null;
        var error = stopped.Outcome switch
        {
            NodeAnswered { Reply: CommandFailed f } => f.ErrorMessage,
            RouteFailed f => f.ErrorMessage,
            _ => null,
        };
        var pid = stopped.Outcome is NodeAnswered { Reply: ProcessStopped { Pid: { } p } } ? p : (int?)null;
        Record(MeshEventType.PlanStepStopped, step.Host, step.Start.Name, pid, error ?? exit);
        if (_reports.TryGetValue(step.Name, out var report))
        {
            var stoppedNow = report.Action == StepAction.Stop || _failure is not null;
            _reports[step.Name] = stoppedNow
                ? report with { State = StepState.Stopped, StoppedAt = DateTimeOffset.UtcNow, Pid = pid ?? report.Pid, Error = report.Error ?? error }
                : report; // a restart: it starts again once its dependencies are ready
        }
        StopReadySteps();
    }

    // ---- shared ----

    private PlanReport Report(bool success, bool dryRun = false, bool rolledBack = false)
    {
        var order = PlanGraph.StartOrder(_plan).Select(s => s.Name).Concat(_reports.Keys).Distinct();
        return new PlanReport(_name, success, order.Select(n => _reports[n]).ToList(), _began, DateTimeOffset.UtcNow, dryRun,
            _failure?.Step, _failure is { } f ? ErrorTexts.StepFailed(f.Step, f.Error) : null, rolledBack);
    }

    private void SaveStep(string name)
    {
        var report = _reports[name];
        Save(_store.SaveStep(_name, new StoredStep(name, report.Host, report.Pid, report.State, report.ReadyAt ?? report.StartedAt)));
    }

    private void Save(Task saving) => saving.PipeTo(Self, success: () => new Saved());

    private void Record(MeshEventType type, string host, string? name, int? pid = null, string? error = null, long? delayMs = null) =>
        Context.System.EventStream.Publish(new HubEventOccurred(new MeshEvent(type, DateTimeOffset.UtcNow, host, pid, name,
            Error: error, DelayMs: delayMs)));

    private void Finish(object answer)
    {
        // Free the plan's name before the answer goes out: a client that removes the plan right after its apply
        // answered must not find it still busy (Terminated would reach the parent only after the stop).
        Context.Parent.Tell(new PlanRunFinished());
        _replyTo.Tell(answer);
        Context.Stop(Self);
    }
}

/// <summary>A plan actor has answered; its plan may take the next apply or remove.</summary>
internal sealed record PlanRunFinished;
