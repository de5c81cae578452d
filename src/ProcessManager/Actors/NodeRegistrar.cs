using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using BlueZero.Mesh.Downing;
using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Hosting;

namespace BlueZero.ProcessManager.Actors;

/// <summary>
/// Registers this node's process manager with every hub that comes up, and again with any hub that
/// appears later (a restarted hub is a new member). Unacknowledged registrations are retried on a timer.
/// A node never stays in a cluster without a hub:
/// <list type="bullet">
/// <item>a hub that crashed and was restarted at the same address answers a repeated registration with
/// <see cref="RejoinRequired"/> (a dropped connection counts as a possible restart, so this is quick);</item>
/// <item>a hub that left cleanly (SIGTERM, Ctrl-C) is removed from the cluster by the remaining members, and the node
/// that sees the last hub removed leaves too;</item>
/// <item>a hub that the cluster calls unreachable is asked again every second (a registration is answered by the same
/// hub every time); a node whose hub has not answered for node-leaves-after (10 s) of the node's own running time
/// (<see cref="HubSilence"/>) leaves: it is cut off from the referee, and the hub downs it on its side
/// (<see cref="BlueZero.Mesh.Downing.HubDowning"/>);</item>
/// <item>a hub that has quarantined this actor system (it removed this node while the node was frozen or cut off, and
/// says so at the node's next knock) will never talk to it again: the node leaves at once instead of waiting out
/// node-leaves-after.</item>
/// </list>
/// Either way the node ends its actor system without touching its processes, and the node runtime starts a fresh one
/// that joins through the seeds, as after being downed.
/// </summary>
public sealed class NodeRegistrar : ReceiveActor, IWithTimers
{
    public const string Name = "node-registrar";
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RefusedRetryInterval = TimeSpan.FromSeconds(2);
    /// <summary>The most one retry tick adds to a hub's silence: the interval and the scheduler's lateness on a busy machine.</summary>
    private static readonly TimeSpan MaxSilencePerTick = RetryInterval * 1.5;

    /// <summary>
    /// What the standalone node's runtime wants to hear. <paramref name="Registered"/>: the first hub acknowledged this
    /// actor system's registration (the node is ready). <paramref name="Refused"/>: a hub refused the host_name because a
    /// live node owns it; the registrar then ends the actor system. Without listeners (the hub's own local node) a refusal
    /// is logged and retried in case the other node goes away.
    /// </summary>
    public sealed record Listeners(Action<Address> Registered, Action<string> Refused);

    private sealed record RetryRegistration : INoSerializationVerificationNeeded;

    private sealed class HubState
    {
        public bool Acknowledged;
        public bool Refused;
        public bool Unreachable;
        /// <summary>How long an unreachable hub has not answered us, counted while this node ran.</summary>
        public readonly HubSilence Silence = new(MaxSilencePerTick);
        /// <summary>Its connection dropped and it has not acknowledged us since: possibly restarted.</summary>
        public bool Disconnected;
        public DateTime NextAttempt;
    }

    private readonly string _hostName;
    private readonly IActorRef _processManager;
    private readonly Listeners? _listeners;
    private readonly IActorRef? _shipper;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<Address, HubState> _hubs = new();
    private readonly TimeSpan _leaveAfter = HubDowningProvider.NodeLeavesAfter(Context.System.Settings.Config);
    private bool _announcedReady;
    private bool _leaving;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="shipper">Hears of every hub that acknowledges the registration (<see cref="HubRegistered"/>), to ship events there.</param>
    public static Props Props(string hostName, IActorRef processManager, Listeners? listeners = null, IActorRef? shipper = null) =>
        Akka.Actor.Props.Create(() => new NodeRegistrar(hostName, processManager, listeners, shipper));

    public NodeRegistrar(string hostName, IActorRef processManager, Listeners? listeners, IActorRef? shipper)
    {
        _hostName = hostName;
        _processManager = processManager;
        _listeners = listeners;
        _shipper = shipper;

        Receive<ClusterEvent.MemberUp>(up => HubAppeared(up.Member));
        Receive<ClusterEvent.MemberWeaklyUp>(up => HubAppeared(up.Member));
        Receive<ClusterEvent.MemberRemoved>(removed => OnMemberRemoved(removed.Member));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.UnreachableMember>(e => SetReachable(e.Member.Address, false));
        Receive<ClusterEvent.ReachableMember>(e => SetReachable(e.Member.Address, true));
        // A dropped connection to a hub is the quick sign of a hub restart (the failure detector waits 5 s or more):
        // knock at once; the same hub simply acknowledges again.
        Receive<Akka.Remote.DisassociatedEvent>(e => OnDisconnected(e.RemoteAddress));
        Receive<Akka.Remote.ThisActorSystemQuarantinedEvent>(e => OnQuarantinedBy(e.RemoteAddress));
        Receive<RejoinRequired>(OnRejoinRequired);
        Receive<NodeRegistered>(_ => OnAcknowledged());
        Receive<NodeRegistrationRefused>(OnRefused);
        Receive<RetryRegistration>(_ => OnRetryTick());
    }

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer("retry", new RetryRegistration(), RetryInterval);
        Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.DisassociatedEvent));
        Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.ThisActorSystemQuarantinedEvent));
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe(Self);
    }

    private void HubAppeared(Member member)
    {
        if (!member.HasRole(MeshNames.HubRole) || _hubs.ContainsKey(member.Address)) return;
        _hubs[member.Address] = new HubState();
        SendPending();
    }

    private static TimeSpan MonotonicNow => TimeSpan.FromMilliseconds(Environment.TickCount64);

    private void OnRetryTick()
    {
        var now = MonotonicNow;
        foreach (var (address, state) in _hubs)
        {
            state.Silence.Tick(now);
            if (state.Silence.Counted < _leaveAfter) continue;
            _log.Warning("Hub {Hub} has been unreachable and silent for {Seconds:0.0} s of this node's running time ({Clock:0.0} s by the clock); leaving to rejoin through the seeds, managed processes untouched",
                address, state.Silence.Counted.TotalSeconds, state.Silence.ByClock(now).TotalSeconds);
            LeaveToRejoin(CoordinatedShutdown.ClusterDowningReason.Instance);
            return;
        }
        SendPending();
    }

    private void SendPending()
    {
        var now = DateTime.UtcNow;
        foreach (var (address, state) in _hubs)
        {
            // An unreachable hub is asked even after it answered: its answers are how this node knows it still has one.
            if ((state.Acknowledged && !state.Unreachable) || state.NextAttempt > now) continue;
            state.NextAttempt = now + (state.Refused ? RefusedRetryInterval : RetryInterval);
            Context.ActorSelection(new RootActorPath(address) / "user" / MeshNames.RegistryName)
                .Tell(new RegisterNode(_hostName, _processManager));
        }
    }

    private void OnMemberRemoved(Member member)
    {
        if (!_hubs.Remove(member.Address)) return;
        // The hub's own local node goes down with its hub; and while this node leaves anyway (also when a restarted hub
        // at the same address has just said so, a moment before the old one's removal arrives), there is nothing to do.
        if (_leaving || member.Address == _cluster.SelfAddress || _hubs.Count > 0 || _cluster.IsTerminated
            || _cluster.SelfMember.Status is MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down or MemberStatus.Removed)
            return;
        // Without this the remaining nodes would live on as a cluster of their own, and a hub started again would form
        // another one that they never join (split-brain resolution acts on unreachable members, not on one that left).
        _log.Warning("Lost hub {Hub}: it left the cluster. Rejoining through the seeds; managed processes are untouched", member.Address);
        LeaveToRejoin(NodeShutdownReasons.HubLost.Instance);
    }

    private void SetReachable(Address address, bool reachable)
    {
        if (!_hubs.TryGetValue(address, out var state)) return;
        if (reachable) state.Silence.Stop();
        else if (!state.Unreachable) state.Silence.Restart(MonotonicNow);
        state.Unreachable = !reachable;
        if (!reachable) state.Acknowledged = false; // keep knocking: a restarted hub will answer
    }

    private void OnDisconnected(Address address)
    {
        if (!_hubs.TryGetValue(address, out var state)) return;
        state.Disconnected = true;
        state.Acknowledged = false;
    }

    private void OnQuarantinedBy(Address address)
    {
        if (!_hubs.ContainsKey(address)) return;
        _log.Warning("Hub {Hub} has quarantined this actor system (it removed this node); leaving to rejoin through the seeds, managed processes untouched", address);
        LeaveToRejoin(CoordinatedShutdown.ClusterDowningReason.Instance);
    }

    private void OnRejoinRequired(RejoinRequired rejoin)
    {
        var address = HubAddressOf(Sender);
        if (!_hubs.TryGetValue(address, out var state) || !(state.Unreachable || state.Disconnected)) return; // only a hub we lost can say so
        _log.Warning("Hub {Hub} was restarted ({Reason}); leaving the old cluster to rejoin it", address, rejoin.Reason);
        LeaveToRejoin(CoordinatedShutdown.ClusterDowningReason.Instance);
    }

    /// <summary>
    /// Ends this actor system at once; the node runtime then starts a fresh one that joins through the seeds. The Down
    /// tells whoever still hears this member. The cluster's shutdown phases are skipped: a plain Down would wait for a
    /// leader, which a dead hub blocks, and Akka lets a downed member exit only once every other downed member has seen
    /// it or is found unreachable (after a hub's SIGKILL and restart that held a node 5 s, until its failure detector
    /// gave up on another node that had left the same way). Nothing of this node runs in those phases when it keeps its
    /// processes.
    /// </summary>
    private void LeaveToRejoin(CoordinatedShutdown.Reason reason)
    {
        if (_leaving) return;
        _leaving = true;
        _cluster.Down(_cluster.SelfAddress);
        CoordinatedShutdown.Get(Context.System).Run(reason, CoordinatedShutdown.PhaseBeforeActorSystemTerminate);
    }

    private Address HubAddressOf(IActorRef sender) =>
        sender.Path.Address.HasLocalScope ? _cluster.SelfAddress : sender.Path.Address;

    private void OnAcknowledged()
    {
        var address = HubAddressOf(Sender);
        if (!_hubs.TryGetValue(address, out var state)) return;
        if (state.Unreachable) state.Silence.Restart(MonotonicNow);
        var wasAcknowledged = state.Acknowledged;
        state.Acknowledged = true;
        state.Disconnected = false; // the same hub answered: it was not restarted
        if (wasAcknowledged) return; // a repeated answer of an unreachable hub
        _log.Info("Registered as {Host} with hub {Hub}", _hostName, address);
        _shipper?.Tell(new HubRegistered(address));
        if (_announcedReady) return;
        _announcedReady = true;
        _listeners?.Registered(address);
    }

    private void OnRefused(NodeRegistrationRefused refused)
    {
        var address = HubAddressOf(Sender);
        if (!_hubs.TryGetValue(address, out var state)) return;
        if (_listeners is { } listeners)
        {
            // The hub refuses only after its probe found the owner alive: waiting will not change that.
            if (_leaving) return;
            _leaving = true;
            listeners.Refused(refused.Reason);
            CoordinatedShutdown.Get(Context.System).Run(NodeShutdownReasons.HostNameTaken.Instance);
            return;
        }
        if (!state.Refused)
            _log.Error("Hub {Hub} refused host_name {Host}: {Reason}. Retrying every {Interval}s in case the other node goes away.",
                address, _hostName, refused.Reason, RefusedRetryInterval.TotalSeconds);
        state.Refused = true;
    }
}
