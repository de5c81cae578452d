using System.Collections.Immutable;
using Akka.Actor;

namespace BlueZero.Hub.Actors;

/// <summary>
/// Up: serving. Unreachable: a member the hub cannot reach. Removed: out of the cluster without saying goodbye
/// (crashed, then downed). Left: out of the cluster after a graceful leave (the node was stopped on purpose).
/// </summary>
public enum NodeStatus { Up, Unreachable, Removed, Left }

/// <summary>What the hub knows of one host_name.</summary>
/// <param name="Since">When the entry got its current status.</param>
public sealed record NodeEntry(string HostName, IActorRef Node, Address Address, NodeStatus Status, DateTimeOffset Since)
{
    public string StatusText => TextOf(Status);

    /// <summary>The wire and metrics form of a status.</summary>
    public static string TextOf(NodeStatus status) => status switch
    {
        NodeStatus.Up => "up",
        NodeStatus.Unreachable => "unreachable",
        NodeStatus.Left => "left",
        _ => "removed",
    };

    /// <summary>Out of the cluster: only a new registration revives it, and it is forgotten after the retention period.</summary>
    public bool IsGone => Status is NodeStatus.Removed or NodeStatus.Left;
}

/// <summary>The registry's current view, pushed to subscribers on every change so routing never has to ask.</summary>
public sealed record RegistrySnapshot(ImmutableSortedDictionary<string, NodeEntry> Nodes) : INoSerializationVerificationNeeded
{
    public static readonly RegistrySnapshot Empty = new(ImmutableSortedDictionary<string, NodeEntry>.Empty.WithComparers(StringComparer.Ordinal));
}

public sealed record SubscribeToRegistry(IActorRef Subscriber) : INoSerializationVerificationNeeded;
