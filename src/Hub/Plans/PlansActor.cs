using Akka.Actor;
using BlueZero.Hub.Actors;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Plans;

/// <summary>
/// /user/plans: the front door's way to launch plans. It validates an apply against the registry's snapshot (every
/// problem at once, <see cref="PlanGraph.Problems"/>), runs each apply or remove in a <see cref="PlanActor"/> of its
/// own, one at a time per plan (a second one while one runs is refused), and answers plan_status (the stored plan,
/// with each process as its node reports it now) and list_plans from the <see cref="PlanStore"/>.
/// </summary>
public sealed class PlansActor : ReceiveActor
{
    public const string Name = "plans";

    private readonly IActorRef _router;
    private readonly PlanStore _store;
    private readonly RouteTimeouts _timeouts;
    private readonly string _hubHost;
    private readonly Dictionary<string, IActorRef> _running = new(StringComparer.Ordinal);
    private RegistrySnapshot _snapshot = RegistrySnapshot.Empty;

    /// <summary>A plan actor that throws is stopped, not restarted (a restart would run its apply again); its name is freed.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    public static Props Props(IActorRef registry, IActorRef router, PlanStore store, RouteTimeouts timeouts, string hubHost) =>
        Akka.Actor.Props.Create(() => new PlansActor(registry, router, store, timeouts, hubHost));

    public PlansActor(IActorRef registry, IActorRef router, PlanStore store, RouteTimeouts timeouts, string hubHost)
    {
        _router = router;
        _store = store;
        _timeouts = timeouts;
        _hubHost = hubHost;
        registry.Tell(new SubscribeToRegistry(Self));
        Receive<RegistrySnapshot>(snapshot => _snapshot = snapshot);
        Receive<ApplyPlan>(Apply);
        Receive<RemovePlan>(remove => Run(remove.Name, new PlanWork.Remove(remove.Name)));
        Receive<PlanStatusQuery>(query => Status(query.Name).PipeTo(Sender));
        Receive<ListPlans>(_ => List().PipeTo(Sender));
        Receive<PlanRunFinished>(_ => Forget(Sender));
        Receive<Terminated>(ended => Forget(ended.ActorRef));
    }

    private void Forget(IActorRef planActor)
    {
        foreach (var (name, _) in _running.Where(r => r.Value.Equals(planActor)).ToList()) _running.Remove(name);
    }

    private void Apply(ApplyPlan apply)
    {
        var problems = PlanGraph.Problems(apply.Plan, apply.Problems, HostProblem);
        if (problems.Count > 0) Sender.Tell(new PlanRefused(problems));
        else Run(apply.Plan.Name, new PlanWork.Apply(apply));
    }

    private string? HostProblem(string step, string host)
    {
        if (!_snapshot.Nodes.TryGetValue(host, out var entry))
            return ErrorTexts.PlanUnknownHost(step, host, ClosestName.Find(host, _snapshot.Nodes.Keys));
        return entry.Status == NodeStatus.Up ? null : ErrorTexts.PlanHostNotUp(step, host);
    }

    private void Run(string name, PlanWork work)
    {
        if (_running.ContainsKey(name))
        {
            Sender.Tell(new PlanUnavailable(NotFound: false, ErrorTexts.PlanBusy(name)));
            return;
        }
        var actor = Context.ActorOf(PlanActor.Props(work, _router, _store, _timeouts, Sender, _hubHost));
        Context.Watch(actor);
        _running[name] = actor;
    }

    private async Task<object> List()
    {
        var plans = await _store.All();
        return new PlansListed(plans.Select(p => new PlanSummary(p.Definition.Name, p.State, p.Definition.Steps.Count,
            p.Steps.Values.Count(s => s.State == StepState.Ready), p.AppliedAt)).ToList());
    }

    /// <summary>The stored plan, with each step's pid and state asked of its node now (all at once).</summary>
    private async Task<object> Status(string name)
    {
        if (await _store.Load(name) is not { } plan) return new PlanUnavailable(NotFound: true, ErrorTexts.NoSuchPlan(name));
        var steps = await Task.WhenAll(PlanGraph.StartOrder(plan.Definition).Select(async step =>
        {
            var request = new HubRequest(WireOperations.QueryProcessStatus, step.Host, new QueryProcessStatus(ProcessTarget.ByName(step.Start.Name!)));
            var outcome = await RequestRouter.Ask(_router, request, _timeouts.For(request));
            var stored = plan.Steps.GetValueOrDefault(step.Name);
            var info = outcome is NodeAnswered { Reply: ProcessStatus status } ? status.Info : null;
            var error = outcome switch
            {
                NodeAnswered { Reply: CommandFailed f } => f.ErrorMessage,
                RouteFailed f => f.ErrorMessage,
                _ => null,
            };
            var alive = info is not null && (info.State.HasLiveProcess() || info.State.IsWaiting()
                || step.Ready.Kind == ReadyKind.ExitCode && info.LastExit?.ExitCode == step.Ready.ExitCode);
            return new StepStatus(step.Name, step.Host, step.Start.Name!, info?.Pid ?? stored?.Pid, info?.State,
                alive && stored?.State == StepState.Ready, stored?.Since, error);
        }));
        return new PlanStatus(plan.Definition.Name, plan.State, plan.AppliedAt, steps);
    }
}
