using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using BlueZero.Mesh.Configuration;
using BlueZero.Mesh.Downing;
using Xunit;
using static BlueZero.Mesh.Downing.HubDowning;

namespace BlueZero.Tests.Unit;

/// <summary>The referee's rule (docs/ARCHITECTURE.md, "Downing, and why"): unreachable nodes are candidates to be downed (if the hub's own probe fails too), a hub never.</summary>
public sealed class HubDowningTests
{
    private static readonly Address Hub = new("akka.tcp", "bluezero", "10.0.0.1", 4053);
    private static readonly Address NodeA = new("akka.tcp", "bluezero", "10.0.0.2", 40001);
    private static readonly Address NodeB = new("akka.tcp", "bluezero", "10.0.0.3", 40002);

    [Fact]
    public void A_hub_seen_unreachable_is_never_downed_while_the_node_that_lost_it_is()
    {
        // The flapping-link case: the hub and a node each saw the other unreachable ("indirectly connected").
        var down = DowningCandidates([new UnreachableMember(Hub, IsHub: true, MemberStatus.Up), new UnreachableMember(NodeA, IsHub: false, MemberStatus.Up)]);

        Assert.Equal([NodeA], down);
    }

    [Fact]
    public void Every_unreachable_node_is_downed_but_not_one_already_down_or_exiting()
    {
        var down = DowningCandidates([
            new UnreachableMember(NodeA, IsHub: false, MemberStatus.WeaklyUp),
            new UnreachableMember(NodeB, IsHub: false, MemberStatus.Down),
            new UnreachableMember(new Address("akka.tcp", "bluezero", "10.0.0.4", 40003), IsHub: false, MemberStatus.Exiting),
        ]);

        Assert.Equal([NodeA], down);
    }

    [Fact]
    public void A_round_on_time_is_judged_and_one_the_hub_itself_ran_late_is_repeated_twice_at_most()
    {
        Assert.False(ProbeAgain(TimeSpan.FromMilliseconds(50), repeats: 0)); // timer jitter: judged
        Assert.False(ProbeAgain(HubLateBy - TimeSpan.FromMilliseconds(1), repeats: 0));
        Assert.True(ProbeAgain(HubLateBy, repeats: 0));
        Assert.True(ProbeAgain(TimeSpan.FromSeconds(9), repeats: 1));
        Assert.False(ProbeAgain(TimeSpan.FromSeconds(9), repeats: RepeatsAfterHubStall)); // a hub stalled for good still downs the dead
        Assert.Equal(2, RepeatsAfterHubStall);
    }

    [Fact]
    public void The_shipped_configuration_makes_the_cluster_use_the_hub_referee_with_a_3_s_wait_and_nodes_wait_10_s_for_a_silent_hub()
    {
        var shipped = HoconFiles.Merge(MeshSetup.HoconFilesOf(MeshMember.Node).Select(HoconFiles.BuiltIn).ToList());
        var config = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.hostname = 127.0.0.1\nakka.remote.dot-netty.tcp.port = 0")
            .WithFallback(shipped);
        using var system = ActorSystem.Create("bluezero", config);

        Assert.IsType<HubDowningProvider>(Cluster.Get(system).DowningProvider);
        Assert.Equal(TimeSpan.FromSeconds(3), HubDowningProvider.StableAfter(system.Settings.Config));
        Assert.Equal(TimeSpan.FromSeconds(10), HubDowningProvider.NodeLeavesAfter(system.Settings.Config));
    }
}
