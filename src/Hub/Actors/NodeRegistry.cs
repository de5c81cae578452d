using System.Collections.Immutable;
using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using BlueZero.Mesh.Downing;
using BlueZero.Mesh.Hosting;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Actors;

/// <summary>
/// host_name -> node, with reachability. Nodes register themselves; cluster events keep each entry's status
/// (up, unreachable, removed, left) current: a member removed after leaving gracefully is left, one removed after
/// being downed is removed. Left and removed entries are forgotten after a retention period, or at once by
/// forget_host. A host_name owned by a live node at another address is refused: the first registration stays.
/// A node that comes back under the same host_name after its old entry went unreachable, was removed or left
/// replaces it. While the old entry still looks up, the old node is probed first: a node restarted
/// right after a crash replaces its dead predecessor in about a second instead of waiting for failure detection.
/// A node whose connection to the hub drops (a crashed node's sockets are closed by its kernel) is marked
/// unreachable at once, before the failure detector, which is tuned to tolerate an overloaded machine, would notice;
/// it is probed every second and marked up again as soon as it answers. So is a node that keeps its connection but
/// does not answer a probe made because a request's answer is overdue (a node cut off by the network). A member the
/// cluster calls unreachable is probed every second too, and is unreachable here only while it does not answer the hub:
/// reachability is gossiped, and a neighbour's lossy link must not make a node the hub reaches unroutable.
/// Every status change is published on the event stream (<see cref="HubEventOccurred"/>) for the event history. The
/// hub's own leave is recorded by a shutdown task (<see cref="AddShutdownTask"/>) rather than by the last cluster
/// events, which may come after the event history has stopped.
/// </summary>
public sealed class NodeRegistry : ReceiveActor, IWithTimers
{
    public const string Name = MeshNames.RegistryName;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(1500);

    /// <summary>The retention of a left or removed entry is over, if it still has the status it had at <paramref name="Since"/>.</summary>
    private sealed record ForgetDue(string HostName, DateTimeOffset Since) : INoSerializationVerificationNeeded;

    private sealed record ProbeDisconnected : INoSerializationVerificationNeeded;

    /// <summary>The hub has left the cluster: its own entries (the local node) are left; answered with <see cref="Done"/>.</summary>
    private sealed record RecordOwnLeave : INoSerializationVerificationNeeded;

    /// <summary>Whether a node whose connection dropped answered a protocol request since.</summary>
    private sealed record ReconnectProbeResult(Address Address, bool Alive) : INoSerializationVerificationNeeded;

    /// <summary>Whether a node whose answer to a request is overdue answered a probe.</summary>
    private sealed record SilentProbeResult(Address Address, bool Alive) : INoSerializationVerificationNeeded;

    /// <summary>With <see cref="RequestRouter.AnswerOverdueAfter"/>, a silent node is answered "host unreachable" about 2.2 s after a request.</summary>
    private static readonly TimeSpan SilentProbeTimeout = TimeSpan.FromSeconds(1);
    private readonly HashSet<Address> _probingSilent = new();

    private static readonly TimeSpan ReconnectProbeInterval = TimeSpan.FromSeconds(1);
    /// <summary>Below the interval, so one round's asks are over before the next round starts.</summary>
    private static readonly TimeSpan ReconnectProbeTimeout = TimeSpan.FromMilliseconds(900);

    /// <summary>Whether the owner of a host_name answered a probe made for a competing registration.</summary>
    private sealed record ProbeResult(RegisterNode Competitor, IActorRef CompetitorSender, IActorRef Probed, bool Alive)
        : INoSerializationVerificationNeeded;

    private readonly HashSet<string> _probing = new();
    /// <summary>Refusals already logged at Warning: the refused registrar retries every few seconds.</summary>
    private readonly HashSet<(string HostName, Address Competitor)> _refusalsLogged = new();
    /// <summary>Members that announced their leaving (Leaving or Exiting), so their removal is a goodbye, not a failure.</summary>
    private readonly HashSet<Address> _leaving = new();
    private readonly TimeSpan _forgetAfter;

    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<Address> _unreachable = new();
    /// <summary>Members the cluster calls unreachable that answered the hub's last probe (see UnreachableMember).</summary>
    private readonly HashSet<Address> _answersAnyway = new();
    /// <summary>Addresses whose connection dropped and that have not answered since (see the class comment).</summary>
    private readonly HashSet<Address> _disconnected = new();
    private readonly List<IActorRef> _subscribers = new();
    private ImmutableSortedDictionary<string, NodeEntry> _nodes = RegistrySnapshot.Empty.Nodes;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="forgetAfter">How long left and removed entries are kept.</param>
    public static Props Props(TimeSpan forgetAfter) => Akka.Actor.Props.Create(() => new NodeRegistry(forgetAfter));

    /// <summary>
    /// Phase cluster-exiting-done: the hub has left (a hub the cluster downed has not, and skips this), so its local
    /// node's entry is left now, in time for the event history's flush in a later phase (<see cref="EventIngest.AddShutdownTask"/>).
    /// </summary>
    public static void AddShutdownTask(ActorSystem system, IActorRef registry) =>
        ShutdownSteps.AddAsk<Done>(system, CoordinatedShutdown.PhaseClusterExitingDone, "record-hub-host-left", registry, new RecordOwnLeave(),
            () => "the hub host's node_left may be missing from the event history",
            skip: reason => reason is CoordinatedShutdown.ClusterDowningReason);

    public NodeRegistry(TimeSpan forgetAfter)
    {
        _forgetAfter = forgetAfter;
        Receive<RegisterNode>(register => Register(register, Sender));
        Receive<SubscribeToRegistry>(subscribe =>
        {
            _subscribers.Add(subscribe.Subscriber);
            Context.Watch(subscribe.Subscriber);
            subscribe.Subscriber.Tell(new RegistrySnapshot(_nodes));
        });
        Receive<ClusterEvent.UnreachableMember>(e =>
        {
            // Reachability is gossiped: a member is unreachable when any member misses its heartbeats, so a node behind
            // a lossy link makes its healthy neighbours unreachable too. The hub routes by what it sees itself: the member
            // stays routable while it answers the hub's probes (every second), and is unreachable once one goes unanswered.
            _unreachable.Add(e.Member.Address);
            _answersAnyway.Add(e.Member.Address);
            StartProbing();
        });
        Receive<ClusterEvent.ReachableMember>(e =>
        {
            _unreachable.Remove(e.Member.Address);
            _answersAnyway.Remove(e.Member.Address);
            Refresh(e.Member.Address);
        });
        Receive<ClusterEvent.MemberLeft>(e => _leaving.Add(e.Member.Address));
        Receive<ClusterEvent.MemberExited>(e =>
        {
            // Exiting: the leave is done and the member is shutting down. It is left now, not at its removal a second or
            // three later (after gossip and the leader's next pass): a node stopped with its processes waited for is
            // listed left, and can be forgotten, as soon as its process has exited.
            _leaving.Add(e.Member.Address);
            SetStatus(e.Member.Address, NodeStatus.Left);
        });
        Receive<ClusterEvent.MemberRemoved>(e =>
        {
            _unreachable.Remove(e.Member.Address);
            _answersAnyway.Remove(e.Member.Address);
            _disconnected.Remove(e.Member.Address);
            // Exiting: removed after a graceful leave; Down: removed after being downed (crashed or cut off).
            var saidGoodbye = _leaving.Remove(e.Member.Address) || e.PreviousStatus == MemberStatus.Exiting;
            SetStatus(e.Member.Address, saidGoodbye ? NodeStatus.Left : NodeStatus.Removed);
        });
        Receive<Akka.Remote.DisassociatedEvent>(e => OnDisconnected(e.RemoteAddress));
        Receive<ProbeSilentNode>(probe => ProbeSilent(probe.Address));
        Receive<SilentProbeResult>(result =>
        {
            _probingSilent.Remove(result.Address);
            if (!result.Alive && MarkUnreachableUntilItAnswers(result.Address))
                _log.Info("{Address} does not answer a request; marking it unreachable until it answers again", result.Address);
        });
        Receive<ProbeDisconnected>(_ => ProbeDisconnectedNodes());
        Receive<ReconnectProbeResult>(OnReconnectProbeResult);
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
        Receive<Terminated>(OnTerminated);
        Receive<ForgetDue>(OnForgetDue);
        Receive<ForgetHost>(forget => Sender.Tell(Forget(forget.HostName)));
        Receive<ProbeResult>(OnProbeResult);
        Receive<RecordOwnLeave>(_ =>
        {
            SetStatus(_cluster.SelfAddress, NodeStatus.Left); // a no-op if the cluster's last events did it already
            Sender.Tell(Done.Instance);
        });
    }

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.DisassociatedEvent));
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe(Self);
    }

    private void OnDisconnected(Address address)
    {
        // A node that is leaving closes its connection as it exits; its removal (left) follows within a second.
        if (_cluster.State.Members.Any(m => m.Address == address && m.Status is MemberStatus.Leaving or MemberStatus.Exiting)) return;
        if (MarkUnreachableUntilItAnswers(address))
            _log.Info("Lost the connection to {Address}; marking it unreachable until it answers again", address);
    }

    /// <summary>A request's answer is overdue: one probe, and a node that stays silent is marked unreachable.</summary>
    private void ProbeSilent(Address address)
    {
        if (_disconnected.Contains(address) || !_probingSilent.Add(address)) return;
        if (_nodes.Values.FirstOrDefault(e => e.Address == address && e.Status == NodeStatus.Up) is not { } entry)
        {
            _probingSilent.Remove(address);
            return;
        }
        ProbeAlive(entry.Node, SilentProbeTimeout, alive => new SilentProbeResult(address, alive));
    }

    /// <summary>False when it was not up, or already so marked.</summary>
    private bool MarkUnreachableUntilItAnswers(Address address)
    {
        if (!_nodes.Values.Any(e => e.Address == address && e.Status == NodeStatus.Up)) return false;
        if (!_disconnected.Add(address)) return false;
        Refresh(address);
        StartProbing();
        return true;
    }

    private void StartProbing()
    {
        if (!Timers.IsTimerActive("probe-disconnected"))
            Timers.StartPeriodicTimer("probe-disconnected", new ProbeDisconnected(), ReconnectProbeInterval);
    }

    /// <summary>Probes every node whose connection dropped or that the cluster calls unreachable.</summary>
    private void ProbeDisconnectedNodes()
    {
        if (_disconnected.Count == 0 && _unreachable.Count == 0)
        {
            Timers.Cancel("probe-disconnected");
            return;
        }
        foreach (var entry in _nodes.Values.Where(e => (_disconnected.Contains(e.Address) || _unreachable.Contains(e.Address)) && !e.IsGone))
        {
            var address = entry.Address;
            ProbeAlive(entry.Node, ReconnectProbeTimeout, alive => new ReconnectProbeResult(address, alive));
        }
    }

    /// <summary>
    /// Asks a node's process manager for a sign of life and pipes the verdict back. A protocol command, not Identify:
    /// only a live process manager can answer it (dead letters answer Identify). Sending it also reconnects.
    /// </summary>
    private void ProbeAlive(IActorRef node, TimeSpan timeout, Func<bool, object> verdict) =>
        node.Ask<INodeReply>(new NodeStateQuery(), timeout)
            .ContinueWith(t => verdict(t.IsCompletedSuccessfully), TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(Self);

    /// <summary>Up unless its connection dropped, or the cluster calls it unreachable and it did not answer the hub's last probe.</summary>
    private NodeStatus StatusFor(Address address) =>
        (_unreachable.Contains(address) && !_answersAnyway.Contains(address)) || _disconnected.Contains(address) ? NodeStatus.Unreachable : NodeStatus.Up;

    private void Refresh(Address address) => SetStatus(address, StatusFor(address));

    private void OnReconnectProbeResult(ReconnectProbeResult probe)
    {
        if (_unreachable.Contains(probe.Address))
        {
            if (probe.Alive) _answersAnyway.Add(probe.Address);
            else _answersAnyway.Remove(probe.Address);
        }
        if (probe.Alive && _disconnected.Remove(probe.Address)) _log.Info("{Address} answers again", probe.Address);
        Refresh(probe.Address);
    }

    private Address AddressOf(IActorRef node) =>
        node.Path.Address.HasLocalScope ? _cluster.SelfAddress : node.Path.Address;

    private void Register(RegisterNode register, IActorRef replyTo)
    {
        var address = AddressOf(register.ProcessManager);
        if (!_cluster.State.Members.Any(m => m.Address == address))
        {
            _log.Info("Node {Host} at {Address} registered from outside this hub's cluster; asking it to rejoin", register.HostName, address);
            replyTo.Tell(new RejoinRequired(register.HostName, $"{address} is not a member of the cluster of hub {_cluster.SelfAddress}"));
            return;
        }
        _disconnected.Remove(address); // it just spoke to us
        var status = StatusFor(address);
        if (_nodes.TryGetValue(register.HostName, out var existing) && existing.Address != address)
        {
            if (existing.Status == NodeStatus.Up)
            {
                // Always a fresh probe: a refusal is final for a standalone node (it exits), so it must rest on an owner
                // that answered just now, not on an answer from seconds ago.
                ProbeOwner(existing, register, address, replyTo);
                return;
            }
            _log.Info("Node {Host} at {Address} replaces its {Status} entry at {Old}", register.HostName, address, existing.StatusText, existing.Address);
            Context.Unwatch(existing.Node);
            DownReplacedMember(existing);
        }
        else if (existing is null)
        {
            _log.Info("Node {Host} registered from {Address}", register.HostName, address);
        }

        Context.Watch(register.ProcessManager);
        _refusalsLogged.RemoveWhere(refusal => refusal.HostName == register.HostName);
        Update(_nodes.SetItem(register.HostName, new NodeEntry(register.HostName, register.ProcessManager, address, status, DateTimeOffset.UtcNow)));
        replyTo.Tell(new NodeRegistered(register.HostName));
    }

    /// <summary>
    /// A host_name's earlier member that its successor replaced (a node restarted after a crash) is downed at once
    /// rather than after the failure detector and stable-after: while it stays an unreachable member the cluster
    /// cannot converge, so the successor's own leave (its SIGTERM) would wait for it, about 10 s.
    /// </summary>
    private void DownReplacedMember(NodeEntry replaced)
    {
        if (replaced.Status != NodeStatus.Unreachable || replaced.Address == _cluster.SelfAddress) return;
        if (!_cluster.State.Members.Any(m => m.Address == replaced.Address && !HubDowning.OnItsWayOut(m.Status))) return;
        _log.Info("Downing {Old}: node {Host} runs on at its successor's address", replaced.Address, replaced.HostName);
        _cluster.Down(replaced.Address);
    }

    /// <summary>
    /// Asks the current owner for a sign of life before deciding: a live owner keeps the name (the newcomer is
    /// refused), a silent one is marked unreachable and the newcomer takes over at once.
    /// </summary>
    private void ProbeOwner(NodeEntry existing, RegisterNode register, Address address, IActorRef competitorSender)
    {
        if (!_probing.Add(register.HostName)) return; // the newcomer's registrar repeats itself; one probe is enough
        _log.Info("Node {Host} registers from {Address} while {Old} holds the name; probing the old node", register.HostName, address, existing.Address);
        var probed = existing.Node;
        ProbeAlive(probed, ProbeTimeout, alive => new ProbeResult(register, competitorSender, probed, alive));
    }

    private void OnProbeResult(ProbeResult probe)
    {
        var host = probe.Competitor.HostName;
        _probing.Remove(host);
        if (!_nodes.TryGetValue(host, out var entry) || !entry.Node.Equals(probe.Probed) || entry.Status != NodeStatus.Up) return;
        if (probe.Alive)
        {
            Refuse(probe.Competitor, entry, probe.CompetitorSender);
            return;
        }
        _log.Info("Node {Host} at {Address} did not answer the probe; its successor takes the name", host, entry.Address);
        Update(_nodes.SetItem(host, entry with { Status = NodeStatus.Unreachable, Since = DateTimeOffset.UtcNow }));
        Register(probe.Competitor, probe.CompetitorSender);
    }

    private void Refuse(RegisterNode register, NodeEntry owner, IActorRef? replyTo = null)
    {
        var reason = $"host_name {register.HostName} is already registered by the live node at {owner.Address}";
        var competitor = AddressOf(register.ProcessManager);
        // Once per refused node: its registrar repeats the registration every few seconds.
        if (_refusalsLogged.Add((register.HostName, competitor)))
            _log.Warning("Refused registration of {Host} from {Address}: {Reason}", register.HostName, competitor, reason);
        (replyTo ?? Sender).Tell(new NodeRegistrationRefused(register.HostName, reason));
    }

    private void SetStatus(Address address, NodeStatus status)
    {
        var changed = _nodes;
        foreach (var entry in _nodes.Values.Where(e => e.Address == address && e.Status != status))
        {
            if (entry.IsGone) continue; // only a new registration revives a left or removed entry
            _log.Info("Node {Host} at {Address} is now {Status}", entry.HostName, address, status.ToString().ToLowerInvariant());
            changed = changed.SetItem(entry.HostName, entry with { Status = status, Since = DateTimeOffset.UtcNow });
        }
        Update(changed);
    }

    /// <summary>
    /// The node's process manager stopped. A node that is leaving the cluster has left; otherwise, while its member is
    /// still in the cluster it cannot serve requests (unreachable), and once the member is gone the entry is removed.
    /// </summary>
    private void OnTerminated(Terminated terminated)
    {
        if (_subscribers.Remove(terminated.ActorRef)) return;
        var changed = _nodes;
        foreach (var entry in _nodes.Values.Where(e => e.Node.Equals(terminated.ActorRef) && !e.IsGone))
        {
            var member = _cluster.State.Members.FirstOrDefault(m => m.Address == entry.Address);
            var status = _leaving.Contains(entry.Address) || member?.Status is MemberStatus.Leaving or MemberStatus.Exiting ? NodeStatus.Left
                : member is not null && member.Status != MemberStatus.Removed ? NodeStatus.Unreachable
                : NodeStatus.Removed;
            _log.Info("Node {Host} at {Address} stopped serving; now {Status}", entry.HostName, entry.Address, status.ToString().ToLowerInvariant());
            changed = changed.SetItem(entry.HostName, entry with { Status = status, Since = DateTimeOffset.UtcNow });
        }
        Update(changed);
    }

    /// <summary>forget_host: drops an entry that is not up; a live node keeps its name.</summary>
    private RouteOutcome Forget(string hostName)
    {
        if (!_nodes.TryGetValue(hostName, out var entry)) return new RouteFailed(ErrorCode.UnknownHost, ErrorTexts.UnknownHost);
        if (entry.Status == NodeStatus.Up) return new RouteFailed(ErrorCode.HostIsUp, ErrorTexts.HostIsUp);
        _log.Info("Forgetting node {Host} at {Address} ({Status}) on request", hostName, entry.Address, entry.StatusText);
        Drop(entry);
        return new HostForgotten(entry);
    }

    private void OnForgetDue(ForgetDue due)
    {
        if (!_nodes.TryGetValue(due.HostName, out var entry) || !entry.IsGone || entry.Since != due.Since) return;
        _log.Info("Forgetting node {Host} at {Address}: {Status} for {ForgetAfter}", due.HostName, entry.Address, entry.StatusText, _forgetAfter);
        Drop(entry);
    }

    private void Drop(NodeEntry entry)
    {
        Context.Unwatch(entry.Node);
        Timers.Cancel(ForgetTimerKey(entry.HostName));
        _refusalsLogged.RemoveWhere(refusal => refusal.HostName == entry.HostName);
        if (!_nodes.Values.Any(other => other.HostName != entry.HostName && other.Address == entry.Address))
            _disconnected.Remove(entry.Address);
        Update(_nodes.Remove(entry.HostName));
    }

    /// <summary>The history's event for an entry's change, if its status changed (a node at a new address is a new node_up).</summary>
    private static MeshEventType? StatusEvent(NodeEntry? before, NodeEntry after)
    {
        var sameNode = before is not null && before.Address == after.Address;
        if (sameNode && before!.Status == after.Status) return null;
        return after.Status switch
        {
            NodeStatus.Up => sameNode && before!.Status == NodeStatus.Unreachable ? MeshEventType.NodeReachable : MeshEventType.NodeUp,
            NodeStatus.Unreachable => MeshEventType.NodeUnreachable,
            NodeStatus.Left => MeshEventType.NodeLeft,
            _ => MeshEventType.NodeRemoved,
        };
    }

    /// <summary>
    /// The hub's own member is leaving (a SIGTERM): the other members then drop out of its view only, they are not
    /// removed from the cluster, so the history gets no node_removed for them.
    /// </summary>
    private bool SelfLeaving =>
        _cluster.IsTerminated || _cluster.SelfMember.Status is MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Removed;

    private static string ForgetTimerKey(string hostName) => "forget:" + hostName;

    private void Update(ImmutableSortedDictionary<string, NodeEntry> nodes)
    {
        if (ReferenceEquals(nodes, _nodes)) return;
        // Every entry that just became left or removed is forgotten after the retention period, unless it changes again.
        foreach (var gone in nodes.Values.Where(e => e.IsGone && !(_nodes.TryGetValue(e.HostName, out var before) && before == e)))
            Timers.StartSingleTimer(ForgetTimerKey(gone.HostName), new ForgetDue(gone.HostName, gone.Since), _forgetAfter);
        foreach (var entry in nodes.Values)
            if (StatusEvent(_nodes.GetValueOrDefault(entry.HostName), entry) is { } type && (entry.Address == _cluster.SelfAddress || !SelfLeaving))
                Context.System.EventStream.Publish(new HubEventOccurred(new MeshEvent(type, entry.Since, entry.HostName)));
        _nodes = nodes;
        var snapshot = new RegistrySnapshot(nodes);
        foreach (var subscriber in _subscribers) subscriber.Tell(snapshot);
    }
}
