using Akka.Actor;
using Akka.Event;
using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Actors;

namespace BlueZero.ProcessManager.Events;

/// <summary>
/// Ships the journal's events to the hub this node is registered with (its /user/event-ingest), in NodeSeq order, as
/// <see cref="EventBatch"/>es of up to <see cref="MaxBatch"/> events, one batch in flight. The hub answers with
/// <see cref="EventsStored"/>; the shipper then trims the journal and sends what came meanwhile. A batch left without
/// an answer for <see cref="ResendAfter"/> (a hub down, a partition, a lost message) is sent again from the first
/// unacknowledged event; so is everything, at once, when a hub (re)acknowledges the node's registration. The hub drops
/// duplicates by (host, journal id, NodeSeq), so resending is always safe. At node shutdown <see cref="ShipJournal"/>
/// waits for the journal to be acknowledged, so the last events (the exits of the processes the shutdown stopped) reach
/// the hub before the node leaves.
/// </summary>
public sealed class EventShipper : ReceiveActor, IWithTimers
{
    public const string Name = "event-shipper";
    public const int MaxBatch = 500;
    public static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(1);
    private const string ResendTimer = "resend";

    private sealed record ResendDue : INoSerializationVerificationNeeded;

    private readonly EventJournal _journal;
    private readonly string _hostName;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ActorSelection? _ingest;
    /// <summary>The last NodeSeq of the batch in flight; null when none is.</summary>
    private long? _inFlightUpTo;
    /// <summary>Who asked for <see cref="ShipJournal"/> and waits for the journal to be acknowledged.</summary>
    private readonly List<IActorRef> _awaitingShipped = new();

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(EventJournal journal, string hostName) =>
        Akka.Actor.Props.Create(() => new EventShipper(journal, hostName));

    public EventShipper(EventJournal journal, string hostName)
    {
        _journal = journal;
        _hostName = hostName;
        Receive<EventsJournaled>(_ => { if (_inFlightUpTo is null) ShipNext(); });
        Receive<HubRegistered>(OnHubRegistered);
        Receive<EventsStored>(OnStored);
        Receive<ResendDue>(_ => ShipFromFirstUnacknowledged());
        Receive<ShipJournal>(_ => OnShipJournal());
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(EventsJournaled));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void OnHubRegistered(HubRegistered registered)
    {
        _ingest = Context.ActorSelection(new RootActorPath(registered.Hub) / "user" / MeshNames.EventIngestName);
        _log.Debug("Shipping events of {Host} to {Hub} ({Count} unacknowledged)", _hostName, registered.Hub, _journal.Count);
        ShipFromFirstUnacknowledged();
    }

    private void OnShipJournal()
    {
        _awaitingShipped.Add(Sender);
        if (_ingest is null) AnswerShipped(); // no hub to ship to: the journal keeps the events for the next start
        else if (_inFlightUpTo is null) ShipNext();
    }

    private void AnswerShipped()
    {
        foreach (var asker in _awaitingShipped) asker.Tell(JournalShipped.Instance);
        _awaitingShipped.Clear();
    }

    private void OnStored(EventsStored stored)
    {
        if (stored.JournalId != _journal.JournalId) return; // for an earlier journal of this host (a wiped data directory)
        _journal.Acknowledge(stored.UpToNodeSeq);
        if (_inFlightUpTo is { } upTo && stored.UpToNodeSeq < upTo) return; // an answer to an earlier send
        _inFlightUpTo = null;
        ShipNext();
    }

    private void ShipFromFirstUnacknowledged()
    {
        _inFlightUpTo = null;
        ShipNext();
    }

    private void ShipNext()
    {
        var events = _ingest is null ? [] : _journal.Read(MaxBatch);
        if (events.Count == 0)
        {
            Timers.Cancel(ResendTimer);
            if (_journal.Count == 0) AnswerShipped();
            return;
        }
        _ingest!.Tell(new EventBatch(_hostName, _journal.JournalId, events), Self);
        _inFlightUpTo = events[^1].NodeSeq;
        Timers.StartSingleTimer(ResendTimer, new ResendDue(), ResendAfter);
    }
}
