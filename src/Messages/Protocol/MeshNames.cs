namespace BlueZero.Messages.Protocol;

/// <summary>
/// Names that cross the wire: every member of the mesh must agree on them, so they live with the protocol.
/// A hub finds nodes by role and a node finds the hub's registry by its actor name.
/// </summary>
public static class MeshNames
{
    /// <summary>The actor system of every hub and node; part of every cluster address (akka.tcp://bluezero@HOST:PORT).</summary>
    public const string SystemName = "bluezero";
    /// <summary>The cluster role of a hub: the referee that downs unreachable nodes and is never downed itself.</summary>
    public const string HubRole = "hub";
    /// <summary>The cluster role of a standalone process-manager node.</summary>
    public const string ProcessManagerRole = "process-manager";
    /// <summary>The hub's registry, /user/node-registry, where nodes register.</summary>
    public const string RegistryName = "node-registry";
    /// <summary>The hub's event ingest, /user/event-ingest, where nodes ship their journals.</summary>
    public const string EventIngestName = "event-ingest";
}
