using System.Diagnostics;
using System.Text;
using Akka.Actor;
using Akka.Hosting;
using BlueZero.Hub;
using BlueZero.Hub.Actors;
using BlueZero.Hub.Events;
using BlueZero.Hub.Http;
using BlueZero.Mesh.Configuration;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using BlueZero.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>
/// The dashboard's snapshot gatherer, with a stand-in for the hub's router: what it sends the pages, and that it stops
/// with the hub.
/// </summary>
public sealed class FleetSnapshotsTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly HubOptions Shipped =
        HubOptions.From(MeshSetup.Build(MeshMember.Hub, GivenFlags.None, new Dictionary<string, string>(), HubOptions.Flags).Settings);

    /// <summary>The sleep's figures: the test sets its CPU; every listing adds 5 s to its uptime.</summary>
    private sealed class Figures
    {
        public volatile int Listings;
        public double Cpu;
    }

    /// <summary>Answers as the router does for one host with one sleep.</summary>
    private sealed class OneHostRouter : ReceiveActor
    {
        public OneHostRouter(Figures figures)
        {
            var entry = new NodeEntry("alpha", Self, new Address("akka.tcp", "bluezero", "127.0.0.1", 1), NodeStatus.Up, DateTimeOffset.UnixEpoch);
            Receive<GetRegistrySnapshot>(_ => Sender.Tell(new RegistrySnapshot(RegistrySnapshot.Empty.Nodes.Add("alpha", entry))));
            Receive<ListHosts>(_ => Sender.Tell(new HostsListed([new HostSummary("alpha", "akka.tcp://bluezero@127.0.0.1:1", "up", DateTimeOffset.UnixEpoch, 1, 1.0, 2.0)])));
            Receive<RouteRequest>(_ =>
            {
                var listing = Interlocked.Increment(ref figures.Listings);
                var sleep = new ProcessInfo(42, "sleeper", "/bin/sleep", ["60"], ProcessState.Running, 0, null, DateTimeOffset.UnixEpoch, null,
                    new ResourceUsage(Volatile.Read(ref figures.Cpu), 1 << 20, 1, 1, 5.0 * listing));
                Sender.Tell(new ClusterWideAnswered([new HostReply("alpha", new ProcessList([sleep]), null)]));
            });
        }
    }

    [Fact]
    public async Task A_process_whose_uptime_alone_grew_is_not_sent_again_and_one_whose_cpu_changed_is()
    {
        var fast = Shipped with { DashboardRefresh = TimeSpan.FromMilliseconds(50), DashboardFigures = TimeSpan.FromMilliseconds(100) };
        var figures = new Figures();
        var actors = new ActorRegistry();
        actors.Register<RequestRouter>(Sys.ActorOf(Props.Create(() => new OneHostRouter(figures))));
        var snapshots = new FleetSnapshots(actors, fast, new EventFeed(), NullLogger<FleetSnapshots>.Instance);
        using var page = snapshots.Subscribe();
        await snapshots.StartAsync(CancellationToken.None);
        try
        {
            var first = await NextFrame(page);
            Assert.Equal(FleetSnapshots.FleetEvent, first.Event);
            Assert.Contains("\"uptime_s\":5", Encoding.UTF8.GetString(first.Bytes));

            // Ten figure reads, each with a longer uptime and nothing else changed: no table goes out again.
            var listedBefore = figures.Listings;
            await Polling.Until(() => figures.Listings >= listedBefore + 10, TimeSpan.FromSeconds(10), "ten more listings");
            Assert.False(page.Frames.TryPeek(out var extra) && extra.Event == FleetSnapshots.FleetEvent, "a fleet frame went out for uptimes alone");

            Volatile.Write(ref figures.Cpu, 12.5);
            var changed = await NextFrame(page);
            Assert.Equal(FleetSnapshots.FleetEvent, changed.Event);
            Assert.Contains("\"cpu_percent\":12.5", Encoding.UTF8.GetString(changed.Bytes));
        }
        finally
        {
            await snapshots.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<FleetSnapshots.Frame> NextFrame(FleetSnapshots.Subscription page)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var frame = await page.Frames.ReadAsync(patience.Token);
            if (frame.Event == FleetSnapshots.FleetEvent) return frame;
        }
    }

    /// <summary>
    /// The gatherer stops with the hub even when its ask will never be answered. The hub stops its
/// actor system before this service (hosted services stop in reverse order), so a snapshot begun meanwhile (a node
/// leaving wakes it) asked a router that was gone, and held the hub's exit for a whole request timeout (12 s): CI
/// caught a hub with a page open still alive 10 s after SIGTERM.
    /// </summary>
    [Fact]
    public async Task A_snapshot_waiting_on_an_actor_system_that_is_gone_does_not_hold_the_stop()
    {
        var options = Shipped;
        var silentRouter = CreateTestProbe();
        var actors = new ActorRegistry();
        actors.Register<RequestRouter>(silentRouter.Ref);
        var snapshots = new FleetSnapshots(actors, options, new EventFeed(), NullLogger<FleetSnapshots>.Instance);
        using var page = snapshots.Subscribe();

        await snapshots.StartAsync(CancellationToken.None);
        silentRouter.ExpectMsg<GetRegistrySnapshot>(); // asked, and never answered
        var clock = Stopwatch.StartNew();
        var stop = snapshots.StopAsync(CancellationToken.None);

        Assert.True(await Task.WhenAny(stop, Task.Delay(options.RequestTimeout)) == stop,
            $"still stopping after {clock.Elapsed.TotalSeconds:F1} s: the unanswered ask held it");
        await stop;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"stopped after {clock.Elapsed.TotalSeconds:F1} s");
    }
}
