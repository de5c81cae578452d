using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;

namespace BlueZero.Mesh.Downing;

/// <summary>
/// BlueZero's downing: the hub is the referee and is never downed (docs/ARCHITECTURE.md, "Downing, and why").
/// Enabled in hocon/common.hocon with <c>akka.cluster.downing-provider-class</c>. The downing actor runs on every member
/// and acts only on a hub; a node that loses its hub leaves by itself (the node's registrar, which probes the hub).
/// </summary>
/// <remarks>
/// Akka's split-brain resolver with static-quorum kept the hub's side, but its "indirectly connected" rule downs every
/// member that both sees and is seen unreachable, and on a flapping link the hub was one of them.
/// </remarks>
public sealed class HubDowningProvider : IDowningProvider
{
    /// <summary>How long the set of unreachable members must stay the same before the hub downs them.</summary>
    public const string StableAfterPath = "bluezero.downing.stable-after";

    private readonly ActorSystem _system;

    // Akka creates the provider by reflection with exactly these parameters.
    public HubDowningProvider(ActorSystem system, Akka.Cluster.Cluster cluster) => _system = system;

    /// <summary>How long a node goes on knocking at an unreachable hub that does not answer before it leaves to rejoin.</summary>
    public const string NodeLeavesAfterPath = "bluezero.downing.node-leaves-after";

    public static TimeSpan StableAfter(Config config) => config.GetTimeSpan(StableAfterPath, TimeSpan.FromSeconds(3), allowInfinite: false);

    public static TimeSpan NodeLeavesAfter(Config config) => config.GetTimeSpan(NodeLeavesAfterPath, TimeSpan.FromSeconds(10), allowInfinite: false);

    /// <summary>No singletons or shards live in this cluster, so nothing waits for a margin after a downing.</summary>
    public TimeSpan DownRemovalMargin => TimeSpan.Zero;

    public Props DowningActorProps => HubDowning.Props(StableAfter(_system.Settings.Config));
}
