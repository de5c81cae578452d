using System.Text.RegularExpressions;
using Akka.Actor;
using BlueZero.Hub.Actors;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Plans;

/// <summary>A step's process started on its node (its parent records plan_step_started).</summary>
public sealed record StepStarted(string Step, int Pid, DateTimeOffset At) : INoSerializationVerificationNeeded;

/// <summary>A step is ready; <see cref="Kept"/>: it was left running from an earlier apply.</summary>
public sealed record StepReady(string Step, int? Pid, DateTimeOffset StartedAt, DateTimeOffset At, bool Kept) : INoSerializationVerificationNeeded;

public sealed record StepFailed(string Step, int? Pid, string Error) : INoSerializationVerificationNeeded;

/// <summary>
/// Brings one plan step up and watches for its readiness, then stops itself. Everything goes through the hub's router
/// as ordinary requests to the step's node: start_process (named PLAN.STEP), query_process_status on every poll (a
/// process that ends before it is ready fails the step), read_output held at the node for an output regex, and the
/// node's check_tcp for a tcp readiness (the connect is made from the step's own node). A kept step (unchanged in a
/// re-apply) is only checked: still alive, or for a one-shot step ended with its exit code, it is ready at once.
/// </summary>
public sealed class StepActor : ReceiveActor, IWithTimers
{
    private sealed record Answer(string Purpose, RouteOutcome Outcome) : INoSerializationVerificationNeeded;
    private sealed record Poll : INoSerializationVerificationNeeded;
    private sealed record ReadyDue : INoSerializationVerificationNeeded;
    private sealed record TimedOut : INoSerializationVerificationNeeded;

    private const string Keep = "keep", Start = "start", Status = "status", Output = "output", Tcp = "tcp";

    private readonly PlanStep _step;
    private readonly IActorRef _router;
    private readonly RouteTimeouts _timeouts;
    private readonly IActorRef _parent;
    private readonly Regex? _pattern;
    private int? _pid;
    private DateTimeOffset _startedAt;
    private bool _polling;
    private long _outputSeq;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PlanStep step, IActorRef router, RouteTimeouts timeouts, bool keep) =>
        Akka.Actor.Props.Create(() => new StepActor(step, router, timeouts, keep));

    public StepActor(PlanStep step, IActorRef router, RouteTimeouts timeouts, bool keep)
    {
        _step = step;
        _router = router;
        _timeouts = timeouts;
        _parent = Context.Parent;
        _pattern = step.Ready.Output is { } output ? new Regex(output, RegexOptions.None, TimeSpan.FromSeconds(1)) : null;
        Receive<Answer>(OnAnswer);
        Receive<Poll>(_ => OnPoll());
        Receive<ReadyDue>(_ => Ready());
        Receive<TimedOut>(_ => Fail(ErrorTexts.StepNotReadyInTime(_step.Ready.TimeoutS)));
        if (keep) Ask(Keep, new QueryProcessStatus(Target));
        else Launch();
    }

    private ProcessTarget Target => ProcessTarget.ByName(_step.Start.Name!);

    private void Ask(string purpose, INodeCommand command)
    {
        var operation = command switch
        {
            StartProcess => WireOperations.StartProcess,
            ReadOutput => WireOperations.ReadOutput,
            CheckTcp => WireOperations.CheckTcp,
            _ => WireOperations.QueryProcessStatus,
        };
        var request = new HubRequest(operation, _step.Host, command);
        RequestRouter.Ask(_router, request, _timeouts.For(request)).PipeTo(Self, success: outcome => new Answer(purpose, outcome));
    }

    private void Launch() => Ask(Start, _step.Start);

    private void OnAnswer(Answer answer)
    {
        var reply = answer.Outcome is NodeAnswered answered ? answered.Reply : null;
        var error = answer.Outcome switch
        {
            NodeAnswered { Reply: CommandFailed failed } => failed.ErrorMessage,
            RouteFailed failed => failed.ErrorMessage,
            _ => null,
        };
        switch (answer.Purpose)
        {
            case Keep when reply is ProcessStatus { Info: var info } && IsStillGood(info):
                _parent.Tell(new StepReady(_step.Name, info.Pid, info.StartedAt, DateTimeOffset.UtcNow, Kept: true));
                Context.Stop(Self);
                break;
            case Keep:
                Launch(); // gone since the last apply: start it again
                break;
            case Start when reply is ProcessStarted started:
                OnStarted(started.Pid);
                break;
            case Start:
                Fail(error ?? ErrorTexts.InternalError);
                break;
            case Status:
                _polling = false;
                if (reply is ProcessStatus { Info: var status }) OnStatus(status);
                break;
            case Output when reply is OutputRead read:
                OnOutput(read);
                break;
            case Output:
                Ask(Output, ReadNext()); // a timeout or a hiccup: read on; the status poll notices a process that is gone
                break;
            case Tcp when reply is TcpChecked { Open: true }:
                Ready();
                break;
        }
    }

    private bool IsStillGood(ProcessInfo info) =>
        info.State.HasLiveProcess() || info.State.IsWaiting()
        || _step.Ready.Kind == ReadyKind.ExitCode && info.LastExit?.ExitCode == _step.Ready.ExitCode;

    private void OnStarted(int pid)
    {
        _pid = pid;
        _startedAt = DateTimeOffset.UtcNow;
        _parent.Tell(new StepStarted(_step.Name, pid, _startedAt));
        switch (_step.Ready.Kind)
        {
            case ReadyKind.Running:
                Ready();
                return;
            case ReadyKind.Delay:
                Timers.StartSingleTimer(nameof(ReadyDue), new ReadyDue(), TimeSpan.FromSeconds(_step.Ready.DelayS!.Value));
                return;
            case ReadyKind.Output:
                Ask(Output, ReadNext());
                break;
        }
        Timers.StartSingleTimer(nameof(TimedOut), new TimedOut(), TimeSpan.FromSeconds(_step.Ready.TimeoutS));
        Timers.StartPeriodicTimer(nameof(Poll), new Poll(), PlanDefaults.PollInterval);
    }

    private ReadOutput ReadNext() => new(Target, OutputStreams.Both, SinceSeq: _outputSeq, WaitMs: PlanDefaults.OutputWaitMs);

    private void OnPoll()
    {
        if (_polling) return;
        _polling = true;
        Ask(Status, new QueryProcessStatus(Target));
        if (_step.Ready.Kind == ReadyKind.Tcp)
            Ask(Tcp, new CheckTcp(_step.Ready.TcpHost!, _step.Ready.TcpPort!.Value, PlanDefaults.TcpAttemptMs));
    }

    private void OnStatus(ProcessInfo info)
    {
        if (info.Pid != _pid && info.Pid is not null) _pid = info.Pid;
        if (info.State.HasLiveProcess() || info.State.IsWaiting()) return;
        var exit = info.LastExit?.ToString() ?? info.State.ToWire();
        if (_step.Ready.Kind != ReadyKind.ExitCode) Fail(ErrorTexts.StepExitedBeforeReady(exit));
        else if (info.LastExit?.ExitCode == _step.Ready.ExitCode) Ready();
        else Fail(ErrorTexts.StepWrongExitCode(exit, _step.Ready.ExitCode!.Value));
    }

    private void OnOutput(OutputRead read)
    {
        _outputSeq = read.NextSeq;
        if (read.Lines.Any(line => line.Stream != OutputStreams.Node && _pattern!.IsMatch(line.Text))) Ready();
        else if (!read.Final) Ask(Output, ReadNext());
    }

    private void Ready()
    {
        _parent.Tell(new StepReady(_step.Name, _pid, _startedAt, DateTimeOffset.UtcNow, Kept: false));
        Become(() => ReceiveAny(_ => { }));
        Context.Stop(Self);
    }

    private void Fail(string error)
    {
        _parent.Tell(new StepFailed(_step.Name, _pid, error));
        Become(() => ReceiveAny(_ => { }));
        Context.Stop(Self);
    }
}
