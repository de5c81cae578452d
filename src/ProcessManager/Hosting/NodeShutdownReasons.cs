using Akka.Actor;
using BlueZero.Mesh.Hosting;

namespace BlueZero.ProcessManager.Hosting;

/// <summary>
/// Why a node's actor system ends, beyond Akka's own reasons. Every reason listed in <see cref="KeepsProcesses"/> ends
/// the actor system without stopping managed processes: cluster events never kill them.
/// </summary>
public static class NodeShutdownReasons
{
    /// <summary>The last hub left the cluster (a hub stopped cleanly): the node rejoins through its seeds.</summary>
    public sealed class HubLost : CoordinatedShutdown.Reason
    {
        public static readonly HubLost Instance = new();
        private HubLost() { }
        public override int ExitCode => ExitCodes.Stopped; // the actor system ends, the process does not
    }

    /// <summary>A hub refused the node's host_name because a live node owns it: the node exits.</summary>
    public sealed class HostNameTaken : CoordinatedShutdown.Reason
    {
        public static readonly HostNameTaken Instance = new();
        private HostNameTaken() { }
        public override int ExitCode => ExitCodes.HostNameTaken;
    }

    public static bool KeepsProcesses(CoordinatedShutdown.Reason? reason) =>
        reason is CoordinatedShutdown.ClusterDowningReason
            or CoordinatedShutdown.ClusterLeavingReason
            or CoordinatedShutdown.ClusterJoinUnsuccessfulReason
            or HubLost
            or HostNameTaken;
}
