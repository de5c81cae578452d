using System.Diagnostics;
using Akka.Hosting;
using BlueZero.Hub;
using BlueZero.Hub.Actors;
using BlueZero.Hub.Events;
using BlueZero.Hub.Http;
using BlueZero.Mesh.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>
/// The dashboard's snapshot gatherer stops with the hub even when its ask will never be answered. The hub stops its
/// actor system before this service (hosted services stop in reverse order), so a snapshot begun meanwhile (a node
/// leaving wakes it) asked a router that was gone, and held the hub's exit for a whole request timeout (12 s): CI
/// caught a hub with a page open still alive 10 s after SIGTERM.
/// </summary>
public sealed class FleetSnapshotsStopTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public async Task A_snapshot_waiting_on_an_actor_system_that_is_gone_does_not_hold_the_stop()
    {
        var options = HubOptions.From(MeshSetup.Build(MeshMember.Hub, GivenFlags.None, new Dictionary<string, string>(), HubOptions.Flags).Settings);
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
