using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using BlueZero.Messages.Protocol;

namespace BlueZero.Mesh.Downing;

/// <summary>
/// On a hub: once the set of unreachable members has stayed the same for stable-after, probes every unreachable member
/// that is not a hub, and downs those that do not answer the hub itself. Any change of reachability starts the wait
/// again, so a lossy or flapping link is not downed while it keeps recovering; and a member that only another member
/// lost (that member's own link is bad) is not downed while the hub reaches it. On a node this actor does nothing:
/// nodes never down anyone.
/// </summary>
public sealed class HubDowning : ReceiveActor, IWithTimers
{
    private sealed record Decide : INoSerializationVerificationNeeded
    {
        public static readonly Decide Instance = new();
    }

    private sealed record ProbeOver : INoSerializationVerificationNeeded
    {
        public static readonly ProbeOver Instance = new();
    }

    private const string DecideTimer = "decide";
    /// <summary>How long a probed member has to answer; a live one on a sound link answers in milliseconds.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _stableAfter;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<UniqueAddress, Member> _unreachable = new();
    /// <summary>The members probed in the current round that have not answered yet, by the probe's id (the address as text).</summary>
    private readonly HashSet<string> _silent = new();
    /// <summary>Members left alone because they answer the hub, so that this is logged once, not every stable-after.</summary>
    private readonly HashSet<Address> _spared = new();

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TimeSpan stableAfter) => Akka.Actor.Props.Create(() => new HubDowning(stableAfter));

    public HubDowning(TimeSpan stableAfter)
    {
        _stableAfter = stableAfter;
        if (IsHub) Watching();
        else Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
    }

    private bool IsHub => _cluster.SelfRoles.Contains(MeshNames.HubRole);

    protected override void PreStart()
    {
        if (IsHub)
            _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    /// <summary>Waiting for the unreachable set to stay the same for stable-after.</summary>
    private void Watching()
    {
        ClusterEvents(restartWait: true);
        Receive<Decide>(_ => ProbeCandidates());
    }

    /// <summary>A probe round is out: every candidate has <see cref="ProbeTimeout"/> to answer the hub.</summary>
    private void Probing()
    {
        ClusterEvents(restartWait: false);
        Receive<ActorIdentity>(identity =>
        {
            // Only a live system names its guardian; a message to an address that cannot be reached goes to dead
            // letters, which answer an Identify too, with no subject.
            if (identity.MessageId is string probeId && identity.Subject is { } subject && subject.Path.Address.ToString() == probeId)
                _silent.Remove(probeId);
        });
        Receive<ProbeOver>(_ => DownTheSilent());
    }

    private void ClusterEvents(bool restartWait)
    {
        Receive<ClusterEvent.UnreachableMember>(e => Changed(() => _unreachable[e.Member.UniqueAddress] = e.Member, restartWait));
        Receive<ClusterEvent.ReachableMember>(e => Changed(() =>
        {
            _unreachable.Remove(e.Member.UniqueAddress);
            _spared.Remove(e.Member.Address);
        }, restartWait));
        Receive<ClusterEvent.MemberRemoved>(e => Changed(() => _unreachable.Remove(e.Member.UniqueAddress), restartWait));
        // Keeps the status current (a member already downed or exiting is not downed again).
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            if (_unreachable.ContainsKey(e.Member.UniqueAddress)) _unreachable[e.Member.UniqueAddress] = e.Member;
        });
    }

    private void Changed(Action update, bool restartWait)
    {
        update();
        if (restartWait) ArmDecision();
    }

    private void ArmDecision()
    {
        if (_unreachable.Count == 0) Timers.Cancel(DecideTimer);
        else Timers.StartSingleTimer(DecideTimer, Decide.Instance, _stableAfter); // replaces a running wait
    }

    private void ProbeCandidates()
    {
        var candidates = DowningCandidates(Seen());
        if (candidates.Count == 0) return;
        _silent.Clear();
        foreach (var address in candidates)
        {
            _silent.Add(address.ToString());
            // A live system at that address answers with its system guardian. The id is text: it crosses the wire
            // with the Identify and comes back in the answer.
            Context.ActorSelection(new RootActorPath(address) / "system").Tell(new Identify(address.ToString()));
        }
        Timers.StartSingleTimer(ProbeOver.Instance, ProbeOver.Instance, ProbeTimeout);
        Become(Probing);
    }

    private void DownTheSilent()
    {
        foreach (var address in DowningCandidates(Seen()))
        {
            if (_silent.Contains(address.ToString()))
            {
                _spared.Remove(address);
                _log.Info("Downing {Member}: unreachable for {StableAfter} s and silent to the hub's probe", address, _stableAfter.TotalSeconds);
                _cluster.Down(address);
            }
            else if (_spared.Add(address))
            {
                _log.Info("Not downing {Member}: the cluster calls it unreachable, but it answers the hub", address);
            }
        }
        _silent.Clear();
        Become(Watching);
        ArmDecision(); // still unreachable for someone: look again after another stable-after
    }

    private IEnumerable<UnreachableMember> Seen() =>
        _unreachable.Values.Select(m => new UnreachableMember(m.Address, m.HasRole(MeshNames.HubRole), m.Status)).ToList();

    /// <summary>What the referee knows of an unreachable member when it decides.</summary>
    public sealed record UnreachableMember(Address Address, bool IsHub, MemberStatus Status);

    /// <summary>The candidates, apart from the actor: every unreachable node that is not already on its way out; never a hub.</summary>
    public static IReadOnlyList<Address> DowningCandidates(IEnumerable<UnreachableMember> unreachable) =>
        unreachable.Where(m => !m.IsHub && !OnItsWayOut(m.Status)).Select(m => m.Address).ToList();

    /// <summary>Downed, exiting or removed: downing it (again) changes nothing.</summary>
    public static bool OnItsWayOut(MemberStatus status) => status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed;
}
