using Akka.Actor;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Actors;

/// <summary>
/// Routes parsed requests to the node that owns the host_name, from the registry's pushed snapshot (no ask to
/// the registry on the request path). Unknown and unreachable hosts are answered at once; every node call is an
/// ask with a timeout, so nothing ever hangs. The cluster-wide listing is a scatter-gather over all hosts.
/// </summary>
public sealed class RequestRouter : ReceiveActor
{
    public const string Name = "request-router";

    private readonly IActorRef _registry;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeSpan _stopWaitTimeout;
    private RegistrySnapshot _snapshot = RegistrySnapshot.Empty;

    public static Props Props(IActorRef registry, TimeSpan requestTimeout, TimeSpan stopWaitTimeout) =>
        Akka.Actor.Props.Create(() => new RequestRouter(registry, requestTimeout, stopWaitTimeout));

    public RequestRouter(IActorRef registry, TimeSpan requestTimeout, TimeSpan stopWaitTimeout)
    {
        _registry = registry;
        _requestTimeout = requestTimeout;
        _stopWaitTimeout = stopWaitTimeout;

        Receive<RegistrySnapshot>(snapshot => _snapshot = snapshot);
        Receive<RouteRequest>(route => Route(route.Request));
        Receive<ListHosts>(_ => ListAllHosts());
        Receive<GetRegistrySnapshot>(_ => Sender.Tell(_snapshot));
    }

    protected override void PreStart() => _registry.Tell(new SubscribeToRegistry(Self));

    private void Route(HubRequest request)
    {
        if (request.HostName is null)
        {
            if (request.Command is ListActiveProcesses list)
                ListClusterWide(list);
            else
                Sender.Tell(new RouteFailed(RouteFailure.BadRequest, ErrorTexts.MissingHostName));
            return;
        }
        if (!_snapshot.Nodes.TryGetValue(request.HostName, out var entry))
        {
            Sender.Tell(new RouteFailed(RouteFailure.UnknownHost, ErrorTexts.UnknownHost));
            return;
        }
        if (entry.Status != NodeStatus.Up)
        {
            Sender.Tell(new RouteFailed(RouteFailure.HostUnreachable, ErrorTexts.HostUnreachable));
            return;
        }

        var operation = request.Operation;
        var timeout = request.Command is StopProcess { Wait: true } ? _stopWaitTimeout : _requestTimeout;
        AskNode(entry, request.Command, timeout)
            .ContinueWith(task => task.Result switch
            {
                { } reply => (RouteOutcome)new NodeAnswered(operation, reply),
                null => new RouteFailed(RouteFailure.Timeout, ErrorTexts.Timeout),
            }, TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(Sender);
    }

    private void ListClusterWide(ListActiveProcesses list)
    {
        var entries = _snapshot.Nodes.Values.ToList();
        var answers = entries.Select(entry => entry.Status == NodeStatus.Up
            ? AskNode(entry, list, _requestTimeout).ContinueWith(t => t.Result switch
            {
                ActiveProcesses active => new HostPids(entry.HostName, active.Pids, null),
                CommandFailed failed => new HostPids(entry.HostName, null, failed.ErrorMessage),
                _ => new HostPids(entry.HostName, null, ErrorTexts.Timeout),
            }, TaskContinuationOptions.ExecuteSynchronously)
            : Task.FromResult(new HostPids(entry.HostName, null, ErrorTexts.HostUnreachable)));
        Task.WhenAll(answers)
            .ContinueWith(t => (RouteOutcome)new ClusterListing(t.Result), TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(Sender);
    }

    private void ListAllHosts()
    {
        var rows = _snapshot.Nodes.Values.Select(entry =>
        {
            var address = entry.Address.ToString();
            if (entry.Status != NodeStatus.Up)
                return Task.FromResult(new HostSummary(entry.HostName, address, entry.StatusText, null));
            return AskNode(entry, new ListActiveProcesses(), _requestTimeout).ContinueWith(t =>
                new HostSummary(entry.HostName, address, entry.StatusText, (t.Result as ActiveProcesses)?.Pids.Count),
                TaskContinuationOptions.ExecuteSynchronously);
        });
        Task.WhenAll(rows)
            .ContinueWith(t => (RouteOutcome)new HostsListed(t.Result), TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(Sender);
    }

    /// <summary>Asks a node; null means no answer in time (or the node went away mid-request).</summary>
    private static Task<INodeReply?> AskNode(NodeEntry entry, INodeCommand command, TimeSpan timeout) =>
        entry.Node.Ask<INodeReply>(command, timeout)
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskContinuationOptions.ExecuteSynchronously);
}
