using Akka.Actor;
using Akka.Event;
using BlueZero.Hub.Events;
using BlueZero.Mesh.Hosting;
using BlueZero.Messages.Protocol;

namespace BlueZero.Hub.Actors;

/// <summary>Something the hub itself saw (a node's status changed), published on the event stream for the history.</summary>
public sealed record HubEventOccurred(MeshEvent Event) : INoSerializationVerificationNeeded;

/// <summary>
/// /user/event-ingest: nodes ship their journals here (<see cref="EventBatch"/>); each batch is handed to the
/// <see cref="EventStore"/> and, once committed, acknowledged to its sender with <see cref="EventsStored"/> so that the
/// node trims its journal. A batch that could not be stored is not acknowledged: the node sends it again. The hub's own
/// events (hub_started, and <see cref="HubEventOccurred"/> from the node registry) are stored the same way. The last
/// phase before the actor system terminates asks it to flush (<see cref="AddShutdownTask"/>), so the events of the
/// hub's own shutdown (its host's node_left) are committed before the actors stop.
/// </summary>
public sealed class EventIngest : ReceiveActor
{
    public const string Name = MeshNames.EventIngestName;

    private sealed record BatchStored(IActorRef Sender, EventsStored Ack) : INoSerializationVerificationNeeded;
    private sealed record NotStored(string What, Exception Reason) : INoSerializationVerificationNeeded;
    private sealed record HubEventStored : INoSerializationVerificationNeeded;
    private sealed record FlushStore : INoSerializationVerificationNeeded;
    private sealed record StoreFlushed : INoSerializationVerificationNeeded;

    private readonly EventStore _store;
    private readonly string _hostName;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public static Props Props(EventStore store, string hostName) => Akka.Actor.Props.Create(() => new EventIngest(store, hostName));

    /// <summary>
    /// Phase before-actor-system-terminate: by then the cluster is shut down and the node registry has recorded the
    /// hub host's leave (phase cluster-exiting-done), so nothing more reaches the ingest; wait until the store has it.
    /// </summary>
    public static void AddShutdownTask(ActorSystem system, IActorRef ingest) =>
        ShutdownSteps.AddAsk<StoreFlushed>(system, CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "flush-event-history", ingest,
            new FlushStore(), () => "the hub's last events may be missing from the event history");

    public EventIngest(EventStore store, string hostName)
    {
        _store = store;
        _hostName = hostName;
        Receive<EventBatch>(OnBatch);
        Receive<HubEventOccurred>(occurred => Store(occurred.Event));
        Receive<BatchStored>(stored => stored.Sender.Tell(stored.Ack));
        Receive<HubEventStored>(_ => { });
        Receive<FlushStore>(_ => _store.Flush().PipeTo(Sender, success: () => new StoreFlushed()));
        Receive<NotStored>(failed => _log.Warning("Could not store {0}: {1}", failed.What, failed.Reason.GetBaseException().Message));
    }

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(HubEventOccurred));
        Store(new MeshEvent(MeshEventType.HubStarted, DateTimeOffset.UtcNow, _hostName));
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void OnBatch(EventBatch batch)
    {
        if (batch.Events.Count == 0) return;
        var sender = Sender;
        var ack = new EventsStored(batch.HostName, batch.JournalId, batch.Events.Max(e => e.NodeSeq));
        _store.Append(batch).PipeTo(Self,
            success: _ => new BatchStored(sender, ack),
            failure: ex => new NotStored($"{batch.Events.Count} events of {batch.HostName}", ex));
    }

    private void Store(MeshEvent e) =>
        _store.Append([new EventStore.Incoming(e)]).PipeTo(Self,
            success: _ => new HubEventStored(),
            failure: ex => new NotStored($"the hub's {e.Type} event", ex));
}
