using Akka.Actor;
using BlueZero.Hub.Actors;
using BlueZero.Hub.Events;
using BlueZero.Messages.Protocol;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace BlueZero.Tests.Unit.Events;

/// <summary>/user/event-ingest: a node's batch is acknowledged once the store committed it, and the hub records its own events.</summary>
public sealed class EventIngestTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bluezero-ingest-").FullName;
    private readonly EventStore _store;

    public EventIngestTests()
    {
        _store = EventStore.Open(_dir, new EventOptions(TimeSpan.FromDays(30), 1000, TimeSpan.FromHours(1), TimeSpan.FromSeconds(15), 100),
            NullLoggerFactory.Instance);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _store.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static EventBatch Batch(params long[] nodeSeqs) =>
        new("alpha", "journal-1", nodeSeqs.Select(seq => new JournaledEvent(seq,
            new MeshEvent(MeshEventType.ProcessExited, DateTimeOffset.UtcNow, "alpha", Pid: 7, ExitCode: 7))).ToList());

    private long StoredFrom(string host) => _store.Query(new EventQuery(Hosts: [host])).Events.Count;

    [Fact]
    public void A_batch_is_acknowledged_up_to_its_last_node_seq_after_it_is_stored()
    {
        var ingest = Sys.ActorOf(EventIngest.Props(_store, "hub"));

        ingest.Tell(Batch(4, 5, 6), TestActor);

        ExpectMsg(new EventsStored("alpha", "journal-1", 6));
        Assert.Equal(3, StoredFrom("alpha")); // the ack came after the commit
    }

    [Fact]
    public void A_resent_batch_is_acknowledged_again_and_stored_once()
    {
        var ingest = Sys.ActorOf(EventIngest.Props(_store, "hub"));

        ingest.Tell(Batch(1, 2), TestActor);
        ExpectMsg(new EventsStored("alpha", "journal-1", 2));
        ingest.Tell(Batch(1, 2), TestActor);
        ExpectMsg(new EventsStored("alpha", "journal-1", 2));

        Assert.Equal(2, StoredFrom("alpha"));
    }

    [Fact]
    public void The_ingest_records_that_the_hub_started()
    {
        Sys.ActorOf(EventIngest.Props(_store, "hub"));

        AwaitAssert(() => Assert.Equal(MeshEventType.HubStarted,
            Assert.Single(_store.Query(new EventQuery(Hosts: ["hub"])).Events).Type), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_node_status_change_published_by_the_registry_is_stored()
    {
        var ingest = Sys.ActorOf(EventIngest.Props(_store, "hub"));
        AwaitAssert(() => Assert.Equal(1, StoredFrom("hub")), TimeSpan.FromSeconds(5)); // subscribed by now (PreStart)

        Sys.EventStream.Publish(new HubEventOccurred(new MeshEvent(MeshEventType.NodeUnreachable, DateTimeOffset.UtcNow, "beta")));

        AwaitAssert(() => Assert.Equal(MeshEventType.NodeUnreachable,
            Assert.Single(_store.Query(new EventQuery(Hosts: ["beta"])).Events).Type), TimeSpan.FromSeconds(5));
        Sys.Stop(ingest);
    }
}
