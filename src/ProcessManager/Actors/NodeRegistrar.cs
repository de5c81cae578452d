using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Actors;

/// <summary>
/// Registers this node's process manager with every hub that comes up, and again with any hub that
/// appears later (a restarted hub is a new member). Unacknowledged registrations are retried on a timer.
/// While a hub is unreachable the registration is repeated too: a hub restarted at the same address answers
/// <see cref="RejoinRequired"/>, and the node downs itself to rejoin the new cluster at once (its processes are
/// untouched; see NodeRuntime) rather than after the split-brain resolver's timers. A dropped connection to a hub
/// counts as unreachable for this purpose, so a restarted hub is found without waiting for the failure detector.
/// </summary>
public sealed class NodeRegistrar : ReceiveActor, IWithTimers
{
    public const string Name = "node-registrar";
    public const string HubRole = "hub";
    public const string RegistryName = "node-registry";
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RefusedRetryInterval = TimeSpan.FromSeconds(2);

    private sealed record RetryRegistration : INoSerializationVerificationNeeded;

    private sealed class HubState
    {
        public bool Acknowledged;
        public bool Refused;
        public bool Unreachable;
        /// <summary>Its connection dropped and it has not acknowledged us since: possibly restarted.</summary>
        public bool Disconnected;
        public DateTime NextAttempt;
    }

    private readonly string _hostName;
    private readonly IActorRef _processManager;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<Address, HubState> _hubs = new();

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string hostName, IActorRef processManager) =>
        Akka.Actor.Props.Create(() => new NodeRegistrar(hostName, processManager));

    public NodeRegistrar(string hostName, IActorRef processManager)
    {
        _hostName = hostName;
        _processManager = processManager;

        Receive<ClusterEvent.MemberUp>(up => HubAppeared(up.Member));
        Receive<ClusterEvent.MemberWeaklyUp>(up => HubAppeared(up.Member));
        Receive<ClusterEvent.MemberRemoved>(removed => _hubs.Remove(removed.Member.Address));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.UnreachableMember>(e => SetReachable(e.Member.Address, false));
        Receive<ClusterEvent.ReachableMember>(e => SetReachable(e.Member.Address, true));
        // A dropped connection to a hub is the quick sign of a hub restart (the failure detector waits 5 s or more):
        // knock at once; the same hub simply acknowledges again.
        Receive<Akka.Remote.DisassociatedEvent>(e => OnDisconnected(e.RemoteAddress));
        Receive<RejoinRequired>(OnRejoinRequired);
        Receive<NodeRegistered>(_ => OnAcknowledged());
        Receive<NodeRegistrationRefused>(OnRefused);
        Receive<RetryRegistration>(_ => SendPending());
    }

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer("retry", new RetryRegistration(), RetryInterval);
        Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.DisassociatedEvent));
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe(Self);
    }

    private void HubAppeared(Member member)
    {
        if (!member.HasRole(HubRole) || _hubs.ContainsKey(member.Address)) return;
        _hubs[member.Address] = new HubState();
        SendPending();
    }

    private void SendPending()
    {
        var now = DateTime.UtcNow;
        foreach (var (address, state) in _hubs)
        {
            if (state.Acknowledged || state.NextAttempt > now) continue;
            state.NextAttempt = now + (state.Refused ? RefusedRetryInterval : RetryInterval);
            Context.ActorSelection(new RootActorPath(address) / "user" / RegistryName)
                .Tell(new RegisterNode(_hostName, _processManager));
        }
    }

    private void SetReachable(Address address, bool reachable)
    {
        if (!_hubs.TryGetValue(address, out var state)) return;
        state.Unreachable = !reachable;
        if (!reachable) state.Acknowledged = false; // keep knocking: a restarted hub will answer
    }

    private void OnDisconnected(Address address)
    {
        if (!_hubs.TryGetValue(address, out var state)) return;
        state.Disconnected = true;
        state.Acknowledged = false;
    }

    private void OnRejoinRequired(RejoinRequired rejoin)
    {
        var address = HubAddressOf(Sender);
        if (!_hubs.TryGetValue(address, out var state) || !(state.Unreachable || state.Disconnected)) return; // only a hub we lost can say so
        _log.Warning("Hub {Hub} was restarted ({Reason}); leaving the old cluster to rejoin it", address, rejoin.Reason);
        // Down alone waits for the leader, which the dead hub blocks; shutting down as Akka does on being downed
        // is immediate. The node runtime then starts a fresh actor system that joins the new hub.
        _cluster.Down(_cluster.SelfAddress);
        CoordinatedShutdown.Get(Context.System).Run(CoordinatedShutdown.ClusterDowningReason.Instance);
    }

    private Address HubAddressOf(IActorRef sender) =>
        sender.Path.Address.HasLocalScope ? _cluster.SelfAddress : sender.Path.Address;

    private void OnAcknowledged()
    {
        var address = HubAddressOf(Sender);
        if (!_hubs.TryGetValue(address, out var state)) return;
        state.Acknowledged = true;
        state.Disconnected = false; // the same hub answered: it was not restarted
        _log.Info("Registered as {Host} with hub {Hub}", _hostName, address);
    }

    private void OnRefused(NodeRegistrationRefused refused)
    {
        var address = HubAddressOf(Sender);
        if (!_hubs.TryGetValue(address, out var state)) return;
        if (!state.Refused)
            _log.Error("Hub {Hub} refused host_name {Host}: {Reason}. Retrying every {Interval}s in case the other node goes away.",
                address, _hostName, refused.Reason, RefusedRetryInterval.TotalSeconds);
        state.Refused = true;
    }
}
