using System.Collections.Immutable;
using Akka.Actor;

namespace BlueZero.Hub.Actors;

public enum NodeStatus { Up, Unreachable, Removed }

/// <summary>What the hub knows of one host_name.</summary>
public sealed record NodeEntry(string HostName, IActorRef Node, Address Address, NodeStatus Status, DateTimeOffset Since)
{
    public string StatusText => Status switch
    {
        NodeStatus.Up => "up",
        NodeStatus.Unreachable => "unreachable",
        _ => "removed",
    };
}

/// <summary>The registry's current view, pushed to subscribers on every change so routing never has to ask.</summary>
public sealed record RegistrySnapshot(ImmutableSortedDictionary<string, NodeEntry> Nodes) : INoSerializationVerificationNeeded
{
    public static readonly RegistrySnapshot Empty = new(ImmutableSortedDictionary<string, NodeEntry>.Empty.WithComparers(StringComparer.Ordinal));
}

public sealed record SubscribeToRegistry(IActorRef Subscriber) : INoSerializationVerificationNeeded;
