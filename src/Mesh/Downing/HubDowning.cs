using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using BlueZero.Messages.Protocol;

namespace BlueZero.Mesh.Downing;

/// <summary>
/// On a hub: once the set of unreachable members has stayed the same for stable-after, downs every unreachable member
/// that is not a hub. Any change of reachability or membership starts the wait again, so a lossy or flapping link is
/// not downed while it keeps recovering. On a node this actor does nothing: nodes never down anyone.
/// </summary>
public sealed class HubDowning : ReceiveActor, IWithTimers
{
    private sealed record Decide : INoSerializationVerificationNeeded
    {
        public static readonly Decide Instance = new();
    }

    private const string DecideTimer = "decide";

    private readonly TimeSpan _stableAfter;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<UniqueAddress, Member> _unreachable = new();

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TimeSpan stableAfter) => Akka.Actor.Props.Create(() => new HubDowning(stableAfter));

    public HubDowning(TimeSpan stableAfter)
    {
        _stableAfter = stableAfter;
        if (_cluster.SelfRoles.Contains(MeshNames.HubRole)) Referee();
        else Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
    }

    protected override void PreStart()
    {
        if (_cluster.SelfRoles.Contains(MeshNames.HubRole))
            _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Referee()
    {
        Receive<ClusterEvent.UnreachableMember>(e => Changed(() => _unreachable[e.Member.UniqueAddress] = e.Member));
        Receive<ClusterEvent.ReachableMember>(e => Changed(() => _unreachable.Remove(e.Member.UniqueAddress)));
        Receive<ClusterEvent.MemberRemoved>(e => Changed(() => _unreachable.Remove(e.Member.UniqueAddress)));
        // Keeps the status current (a member already downed or exiting is not downed again).
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            if (_unreachable.ContainsKey(e.Member.UniqueAddress)) _unreachable[e.Member.UniqueAddress] = e.Member;
        });
        Receive<Decide>(_ => DownUnreachableNodes());
    }

    private void Changed(Action update)
    {
        update();
        if (_unreachable.Count == 0) Timers.Cancel(DecideTimer);
        else Timers.StartSingleTimer(DecideTimer, Decide.Instance, _stableAfter); // replaces a running wait
    }

    private void DownUnreachableNodes()
    {
        var seen = _unreachable.Values.Select(m => new UnreachableMember(m.Address, m.HasRole(MeshNames.HubRole), m.Status));
        foreach (var address in NodesToDown(seen))
        {
            _log.Info("Downing {Member}: unreachable for {StableAfter} s with no change in the cluster", address, _stableAfter.TotalSeconds);
            _cluster.Down(address);
        }
    }

    /// <summary>What the referee knows of an unreachable member when it decides.</summary>
    public sealed record UnreachableMember(Address Address, bool IsHub, MemberStatus Status);

    /// <summary>The decision, apart from the actor: every unreachable node that is not already on its way out; never a hub.</summary>
    public static IReadOnlyList<Address> NodesToDown(IEnumerable<UnreachableMember> unreachable) =>
        unreachable.Where(m => !m.IsHub && m.Status is not (MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed))
            .Select(m => m.Address).ToList();
}
