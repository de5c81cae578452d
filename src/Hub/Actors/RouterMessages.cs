using Akka.Actor;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Actors;

// What the HTTP front door asks the router, and the typed outcomes it gets back. JSON is shaped at the edge.

public sealed record RouteRequest(HubRequest Request) : INoSerializationVerificationNeeded;

public sealed record ListHosts : INoSerializationVerificationNeeded;

/// <summary>The router's current view of the registry, for cheap health checks.</summary>
public sealed record GetRegistrySnapshot : INoSerializationVerificationNeeded;

public abstract record RouteOutcome : INoSerializationVerificationNeeded;

/// <summary>The node answered; its reply goes back wrapped in the hub form.</summary>
public sealed record NodeAnswered(string Operation, INodeReply Reply) : RouteOutcome;

public enum RouteFailure { BadRequest, UnknownHost, HostUnreachable, Timeout, HostLeft, HostIsUp }

public sealed record RouteFailed(RouteFailure Failure, string ErrorMessage) : RouteOutcome;

/// <summary>An operation sent to every host; each host's reply or error, in host_name order.</summary>
public sealed record ClusterWideAnswered(string Operation, IReadOnlyList<HostReply> Hosts) : RouteOutcome;

/// <summary>forget_host dropped this entry from the registry.</summary>
public sealed record HostForgotten(NodeEntry Entry) : RouteOutcome;

public sealed record HostsListed(IReadOnlyList<HostSummary> Hosts) : RouteOutcome;
