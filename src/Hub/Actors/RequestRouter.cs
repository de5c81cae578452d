using Akka.Actor;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Actors;

/// <summary>
/// Routes parsed requests to the node that owns the host_name, from the registry's pushed snapshot (no ask to
/// the registry on the request path). Unknown and unreachable hosts are answered at once; every node call is an
/// ask with a timeout, so nothing ever hangs; an ask in flight to a host that becomes unreachable is answered
/// "host unreachable" at that moment rather than at its timeout; a host that left is answered "host left". Requests
/// without host_name that may go to every host (the listings, and kill_all with all_hosts) are a scatter-gather over
/// the hosts that have not left. The hub's own commands (forget_host) go to the registry, which answers them.
/// </summary>
public sealed class RequestRouter : ReceiveActor
{
    public const string Name = "request-router";

    private readonly IActorRef _registry;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeSpan _stopWaitTimeout;
    private static readonly TimeSpan CountTimeout = TimeSpan.FromSeconds(2);

    private RegistrySnapshot _snapshot = RegistrySnapshot.Empty;

    /// <summary>Per live node: completes when that node stops being up, to cut its asks short.</summary>
    private readonly Dictionary<IActorRef, TaskCompletionSource> _lostSignals = new();

    public static Props Props(IActorRef registry, TimeSpan requestTimeout, TimeSpan stopWaitTimeout) =>
        Akka.Actor.Props.Create(() => new RequestRouter(registry, requestTimeout, stopWaitTimeout));

    public RequestRouter(IActorRef registry, TimeSpan requestTimeout, TimeSpan stopWaitTimeout)
    {
        _registry = registry;
        _requestTimeout = requestTimeout;
        _stopWaitTimeout = stopWaitTimeout;

        Receive<RegistrySnapshot>(OnSnapshot);
        Receive<RouteRequest>(route => Route(route.Request));
        Receive<ListHosts>(_ => ListAllHosts());
        Receive<GetRegistrySnapshot>(_ => Sender.Tell(_snapshot));
    }

    protected override void PreStart() => _registry.Tell(new SubscribeToRegistry(Self));

    private void OnSnapshot(RegistrySnapshot snapshot)
    {
        _snapshot = snapshot;
        var live = snapshot.Nodes.Values.Where(n => n.Status == NodeStatus.Up).Select(n => n.Node).ToHashSet();
        foreach (var node in _lostSignals.Keys.Where(n => !live.Contains(n)).ToList())
        {
            _lostSignals[node].TrySetResult();
            _lostSignals.Remove(node);
        }
    }

    private Task LostSignal(NodeEntry entry)
    {
        if (!_lostSignals.TryGetValue(entry.Node, out var signal))
            _lostSignals[entry.Node] = signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return signal.Task;
    }

    private void Route(HubRequest request)
    {
        if (request.Command is not INodeCommand command)
        {
            _registry.Forward(request.Command); // a hub command: the registry answers it
            return;
        }
        if (request.HostName is null)
        {
            switch (command)
            {
                case ListActiveProcesses or ListProcesses or HostInfoQuery or NodeStateQuery:
                case KillAll when request.AllHosts:
                    SendToEveryHost(request.Operation, command);
                    break;
                case KillAll:
                    Sender.Tell(new RouteFailed(RouteFailure.BadRequest, ErrorTexts.KillAllNeedsConsent));
                    break;
                default:
                    Sender.Tell(new RouteFailed(RouteFailure.BadRequest, ErrorTexts.MissingHostName));
                    break;
            }
            return;
        }
        if (!_snapshot.Nodes.TryGetValue(request.HostName, out var entry))
        {
            var closest = ClosestName.Find(request.HostName, _snapshot.Nodes.Keys);
            Sender.Tell(new RouteFailed(RouteFailure.UnknownHost, ErrorTexts.UnknownHostNear(closest)));
            return;
        }
        if (entry.Status == NodeStatus.Left)
        {
            Sender.Tell(new RouteFailed(RouteFailure.HostLeft, ErrorTexts.HostLeft));
            return;
        }
        if (entry.Status != NodeStatus.Up)
        {
            Sender.Tell(new RouteFailed(RouteFailure.HostUnreachable, ErrorTexts.HostUnreachable));
            return;
        }

        var operation = request.Operation;
        var timeout = command switch
        {
            StopProcess { Wait: true } => _stopWaitTimeout,
            ReadOutput { WaitMs: > 0 } follow => _requestTimeout + TimeSpan.FromMilliseconds(follow.WaitMs), // the node holds a follower's read
            _ => _requestTimeout,
        };
        AskNode(entry, command, timeout)
            .ContinueWith(task => task.Result switch
            {
                NodeAnswer.Replied replied => (RouteOutcome)new NodeAnswered(operation, replied.Reply),
                NodeAnswer.Lost => new RouteFailed(RouteFailure.HostUnreachable, ErrorTexts.HostUnreachable),
                _ => new RouteFailed(RouteFailure.Timeout, ErrorTexts.Timeout),
            }, TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(Sender);
    }

    /// <summary>A host that left is no failure and no longer a member: cluster-wide answers leave it out.</summary>
    private void SendToEveryHost(string operation, INodeCommand command) =>
        AskEveryHost(command, _requestTimeout)
            .ContinueWith(t => (RouteOutcome)new ClusterWideAnswered(operation,
                    t.Result.Where(r => r.Entry.Status != NodeStatus.Left).Select(r => r.Reply).ToList()),
                TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(Sender);

    private void ListAllHosts() =>
        AskEveryHost(new NodeStateQuery(), CountTimeout)
            .ContinueWith(t => (RouteOutcome)new HostsListed(t.Result.Select(r => Summary(r.Entry, r.Reply.Reply as NodeState)).ToList()),
                TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(Sender);

    private static HostSummary Summary(NodeEntry entry, NodeState? state) =>
        new(entry.HostName, entry.Address.ToString(), entry.StatusText, entry.Since, state?.RunningProcesses, state?.HostCpuPercent, state?.HostMemoryPercent);

    /// <summary>Scatter-gather: one bounded ask per up host; hosts that are not up answer "host unreachable" at once.</summary>
    private Task<(NodeEntry Entry, HostReply Reply)[]> AskEveryHost(INodeCommand command, TimeSpan timeout) =>
        Task.WhenAll(_snapshot.Nodes.Values.Select(entry => entry.Status == NodeStatus.Up
            ? AskNode(entry, command, timeout).ContinueWith(t => (entry, t.Result switch
            {
                NodeAnswer.Replied replied => new HostReply(entry.HostName, replied.Reply, null),
                NodeAnswer.Lost => new HostReply(entry.HostName, null, ErrorTexts.HostUnreachable),
                _ => new HostReply(entry.HostName, null, ErrorTexts.Timeout),
            }), TaskContinuationOptions.ExecuteSynchronously)
            : Task.FromResult((entry, new HostReply(entry.HostName, null, ErrorTexts.HostUnreachable)))));

    private abstract record NodeAnswer
    {
        public sealed record Replied(INodeReply Reply) : NodeAnswer;
        public sealed record Lost : NodeAnswer;
        public sealed record TimedOut : NodeAnswer;
    }

    /// <summary>Asks a node, racing its answer against the node being marked unreachable or removed.</summary>
    private Task<NodeAnswer> AskNode(NodeEntry entry, INodeCommand command, TimeSpan timeout)
    {
        var ask = entry.Node.Ask<INodeReply>(command, timeout);
        return Task.WhenAny(ask, LostSignal(entry)).ContinueWith(winner =>
            winner.Result == ask
                ? ask.IsCompletedSuccessfully ? new NodeAnswer.Replied(ask.Result) : new NodeAnswer.TimedOut()
                : (NodeAnswer)new NodeAnswer.Lost(),
            TaskContinuationOptions.ExecuteSynchronously);
    }
}
