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

    /// <summary>The round's time is up; <paramref name="Due"/> is when, in the hub's <see cref="Environment.TickCount64"/> milliseconds.</summary>
    private sealed record ProbeOver(long Due) : INoSerializationVerificationNeeded;

    private const string DecideTimer = "decide";
    private const string ProbeOverTimer = "probe-over";
    /// <summary>
    /// How long a probed member has to answer. A live one on a sound link answers in milliseconds, and a dead one is
    /// answered for at once (by dead letters), so this much is waited only for a member that is frozen, cut off or
    /// starved of CPU; 1 s downed live nodes that fifty starting nodes starved on two cores (bench/PROFILE.md).
    /// </summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);
    /// <summary>A round that ended this much later than <see cref="ProbeTimeout"/> ran on a hub that was itself stalled.</summary>
    public static readonly TimeSpan HubLateBy = TimeSpan.FromSeconds(1);
    /// <summary>How many times a round is repeated, at most, because the hub itself was stalled.</summary>
    public const int RepeatsAfterHubStall = 2;

    private readonly TimeSpan _stableAfter;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<UniqueAddress, Member> _unreachable = new();
    /// <summary>The members probed in the current round, by the probe's id (the round's number and the address, as text).</summary>
    private readonly Dictionary<string, Address> _probed = new();
    private long _round;
    /// <summary>The probe ids of the current round that nothing has answered for yet.</summary>
    private readonly HashSet<string> _unanswered = new();
    /// <summary>The members that answered the current round themselves.</summary>
    private readonly HashSet<Address> _alive = new();
    /// <summary>When the current round started, in <see cref="Environment.TickCount64"/> milliseconds: the log says how long it took.</summary>
    private long _roundStarted;
    private int _repeats;
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
            if (identity.MessageId is not string probeId || !_unanswered.Remove(probeId)) return; // an earlier round's
            // Only a live system names its guardian; a message to an address that cannot be reached goes to dead
            // letters, which answer an Identify too, with no subject.
            if (identity.Subject is { } subject && subject.Path.Address.Equals(_probed[probeId])) _alive.Add(subject.Path.Address);
            if (_unanswered.Count == 0) EndRound(); // everyone is accounted for: no need to wait out the timeout
        });
        Receive<ProbeOver>(over =>
        {
            var lateBy = TimeSpan.FromMilliseconds(Environment.TickCount64 - over.Due);
            if (!ProbeAgain(lateBy, _repeats))
            {
                EndRound();
                return;
            }
            // The hub did not run for a while: answers may be late for the same reason, so it judges no one by this round.
            _repeats++;
            _log.Info("Probing {Count} member(s) again: this hub was stalled, its probe round ended {LateBy:0.0} s late", _unanswered.Count, lateBy.TotalSeconds);
            SendProbes(_unanswered.ToList());
        });
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
        _probed.Clear();
        _alive.Clear();
        _repeats = 0;
        _round++;
        _roundStarted = Environment.TickCount64;
        foreach (var address in candidates) _probed[$"{_round} {address}"] = address;
        SendProbes(_probed.Keys.ToList());
        Become(Probing);
    }

    private void SendProbes(IReadOnlyList<string> probeIds)
    {
        foreach (var probeId in probeIds)
        {
            _unanswered.Add(probeId);
            // A live system at that address answers with its system guardian. The id is text: it crosses the wire
            // with the Identify and comes back in the answer.
            Context.ActorSelection(new RootActorPath(_probed[probeId]) / "system").Tell(new Identify(probeId));
        }
        Timers.StartSingleTimer(ProbeOverTimer, new ProbeOver(Environment.TickCount64 + (long)ProbeTimeout.TotalMilliseconds), ProbeTimeout);
    }

    private void EndRound()
    {
        Timers.Cancel(ProbeOverTimer);
        var took = TimeSpan.FromMilliseconds(Environment.TickCount64 - _roundStarted).TotalSeconds;
        // Only this round's members are judged: one that became unreachable meanwhile waits for its own stable-after.
        foreach (var address in DowningCandidates(Seen()).Where(_probed.ContainsValue))
        {
            if (!_alive.Contains(address))
            {
                _spared.Remove(address);
                _log.Info("Downing {Member}: unreachable for {StableAfter} s and silent to the hub's probe (round of {Took:0.00} s)", address, _stableAfter.TotalSeconds, took);
                _cluster.Down(address);
            }
            else if (_spared.Add(address))
            {
                _log.Info("Not downing {Member}: the cluster calls it unreachable, but it answers the hub (round of {Took:0.00} s)", address, took);
            }
        }
        _probed.Clear();
        _unanswered.Clear();
        _alive.Clear();
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

    /// <summary>
    /// Whether a round that ended <paramref name="lateBy"/> after it was due, already repeated <paramref name="repeats"/>
    /// times, is repeated instead of judged: a hub that was itself stalled cannot tell a silent member from a late answer.
    /// </summary>
    public static bool ProbeAgain(TimeSpan lateBy, int repeats) => lateBy >= HubLateBy && repeats < RepeatsAfterHubStall;

    /// <summary>Downed, exiting or removed: downing it (again) changes nothing.</summary>
    public static bool OnItsWayOut(MemberStatus status) => status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed;
}
