using Akka.Actor;
using Akka.TestKit;
using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Actors;
using BlueZero.ProcessManager.Events;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.ProcessManager;

/// <summary>
/// The shipper against a probe standing in for the hub's /user/event-ingest (the contract: EventBatch in, EventsStored
/// back to the batch's sender), in an actor system that serializes every message with the production serializer.
/// </summary>
public sealed class EventShipperTests : ProcessManagerTestKit
{
    /// <summary>How long a message must stay away (ExpectNoMsg).</summary>
    private static readonly TimeSpan Quick = TimeSpan.FromMilliseconds(300);

    /// <summary>How long an expected message may take: returns as soon as it comes, so it is generous for a loaded machine.</summary>
    private static readonly TimeSpan Arrives = TimeSpan.FromSeconds(3);
    private readonly TestProbe _ingest;
    private readonly NodeEvents _events = new(EventJournal.InMemory(HostName, 10_000), HostName);
    private readonly IActorRef _shipper;

    public EventShipperTests(ITestOutputHelper output) : base(output)
    {
        _ingest = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new ForwardTo(_ingest.Ref)), MeshNames.EventIngestName);
        _shipper = Sys.ActorOf(EventShipper.Props(_events.Journal, HostName));
    }

    private sealed class ForwardTo : ReceiveActor
    {
        public ForwardTo(IActorRef target) => ReceiveAny(message => target.Forward(message));
    }

    private EventJournal Journal => _events.Journal;

    private void Record(int pid) =>
        _events.Record(Sys, _events.New(MeshEventType.ProcessStarted) with { Pid = pid, Path = "/bin/true", Args = [] });

    private void Register() => _shipper.Tell(new HubRegistered(((ExtendedActorSystem)Sys).Provider.DefaultAddress));

    /// <summary>The next batch; it comes from the shipper, which is where the hub sends its acknowledgement.</summary>
    private EventBatch ExpectBatch(TimeSpan? within = null)
    {
        var batch = _ingest.ExpectMsg<EventBatch>(within ?? Arrives);
        Assert.Equal(_shipper, _ingest.LastSender);
        return batch;
    }

    private void Acknowledge(EventBatch batch, string? journalId = null) =>
        _shipper.Tell(new EventsStored(HostName, journalId ?? batch.JournalId, batch.Events[^1].NodeSeq), _ingest.Ref);

    [Fact]
    public void Ships_the_journaled_events_in_order_once_a_hub_registered_the_node()
    {
        for (var pid = 1; pid <= 3; pid++) Record(pid);
        _ingest.ExpectNoMsg(Quick);

        Register();

        var batch = ExpectBatch();
        Assert.Equal(HostName, batch.HostName);
        Assert.Equal(Journal.JournalId, batch.JournalId);
        Assert.Equal([1L, 2L, 3L], batch.Events.Select(e => e.NodeSeq));
        Assert.Equal([1, 2, 3], batch.Events.Select(e => e.Event.Pid!.Value));
    }

    [Fact]
    public void Ship_journal_is_answered_once_the_hub_has_acknowledged_every_journaled_event()
    {
        Register();
        Record(1);
        var batch = ExpectBatch();

        _shipper.Tell(new ShipJournal(), TestActor);
        ExpectNoMsg(Quick);
        Acknowledge(batch);

        ExpectMsg<JournalShipped>(Arrives);
        Assert.Equal(0, Journal.Count);
    }

    [Fact]
    public void Ship_journal_is_answered_at_once_without_a_hub_and_the_journal_keeps_its_events()
    {
        Record(1);

        _shipper.Tell(new ShipJournal(), TestActor);

        ExpectMsg<JournalShipped>(Arrives);
        Assert.Equal(1, Journal.Count);
    }

    [Fact]
    public void A_live_event_is_shipped_at_once_when_nothing_is_in_flight()
    {
        Register();
        _ingest.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        Record(7);

        Assert.Equal(7, Assert.Single(ExpectBatch(TimeSpan.FromMilliseconds(600)).Events).Event.Pid);
    }

    [Fact]
    public void Events_recorded_while_a_batch_is_in_flight_follow_its_acknowledgement()
    {
        Register();
        Record(1);
        var first = ExpectBatch();

        Record(2);
        _ingest.ExpectNoMsg(Quick);
        Acknowledge(first);

        Assert.Equal([2L], ExpectBatch().Events.Select(e => e.NodeSeq));
    }

    [Fact]
    public void A_batch_holds_at_most_500_events_and_the_rest_follows_in_order()
    {
        for (var pid = 1; pid <= 600; pid++) Record(pid);
        Register();

        // 500 events pass the serializer check of this test actor system: allow it time.
        var first = ExpectBatch(TimeSpan.FromSeconds(3));
        Acknowledge(first);
        var second = ExpectBatch(TimeSpan.FromSeconds(3));

        Assert.Equal(EventShipper.MaxBatch, first.Events.Count);
        Assert.Equal(Enumerable.Range(1, 600).Select(n => (long)n), first.Events.Concat(second.Events).Select(e => e.NodeSeq));
    }

    [Fact]
    public void An_acknowledgement_trims_the_journal()
    {
        Record(1);
        Record(2);
        Register();

        Acknowledge(ExpectBatch());

        AwaitAssert(() => Assert.Equal(0, Journal.Count), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void An_unacknowledged_batch_is_sent_again_from_the_first_unacknowledged_event()
    {
        Record(1);
        Record(2);
        Register();
        var first = ExpectBatch();

        var again = ExpectBatch(EventShipper.ResendAfter + TimeSpan.FromSeconds(2));

        Assert.Equal(first.Events.Select(e => e.NodeSeq), again.Events.Select(e => e.NodeSeq));
    }

    [Fact]
    public void A_new_registration_resends_the_unacknowledged_events_at_once()
    {
        Record(1);
        Register();
        ExpectBatch();

        Register(); // e.g. a restarted hub acknowledged the node again

        Assert.Equal([1L], ExpectBatch(TimeSpan.FromMilliseconds(600)).Events.Select(e => e.NodeSeq));
    }

    [Fact]
    public void An_acknowledgement_for_another_journal_id_is_ignored()
    {
        Record(1);
        Register();
        var batch = ExpectBatch();

        Acknowledge(batch, journalId: "an-earlier-journal");

        Assert.Equal([1L], ExpectBatch(EventShipper.ResendAfter + TimeSpan.FromSeconds(2)).Events.Select(e => e.NodeSeq));
        Assert.Equal(1, Journal.Count);
    }
}
