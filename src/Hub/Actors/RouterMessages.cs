using Akka.Actor;
using Akka.Event;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Actors;

// What the HTTP front door asks the router, and the typed outcomes it gets back. JSON is shaped at the edge, under
// the operation the parser named (HubRequest.Operation).

/// <summary>
/// Answered by the router (a <see cref="RouteOutcome"/>), or, for a request routed to one host, by the node itself: the
/// router forwards the command with the asker as sender, so a routed request is one ask (<see cref="RequestRouter.Ask"/>).
/// </summary>
public sealed record RouteRequest(HubRequest Request) : INoSerializationVerificationNeeded;

public sealed record ListHosts : INoSerializationVerificationNeeded;

/// <summary>A request routed to this host has waited <see cref="RequestRouter.AnswerOverdueAfter"/> for its answer.</summary>
public sealed record AnswerOverdue(string HostName) : INoSerializationVerificationNeeded;

/// <summary>The router asks the registry to probe a node whose answer is overdue; a silent one is marked unreachable.</summary>
public sealed record ProbeSilentNode(Akka.Actor.Address Address) : INoSerializationVerificationNeeded;

/// <summary>The router's current view of the registry, for cheap health checks.</summary>
public sealed record GetRegistrySnapshot : INoSerializationVerificationNeeded;

/// <summary>The registry snapshot and the node state of every up host that answered in time (GET /hosts, GET /metrics).</summary>
public sealed record GatherMeshState : INoSerializationVerificationNeeded;

/// <param name="States">By host_name; a host that is not up, or did not answer in time, has none.</param>
public sealed record MeshStateGathered(RegistrySnapshot Snapshot, IReadOnlyDictionary<string, NodeState> States) : INoSerializationVerificationNeeded;

public abstract record RouteOutcome : INoSerializationVerificationNeeded;

/// <summary>The node answered; its reply goes back wrapped in the hub form.</summary>
public sealed record NodeAnswered(INodeReply Reply) : RouteOutcome;

/// <summary>
/// The hub could not route the request, or refused it; <see cref="Code"/> decides the HTTP status. "host unreachable"
/// may reach an asker that the node has answered already, so an undelivered one is not worth a dead-letter line.
/// </summary>
public sealed record RouteFailed(ErrorCode Code, string ErrorMessage) : RouteOutcome, IDeadLetterSuppression;

/// <summary>An operation sent to every host; each host's reply or error, in host_name order.</summary>
public sealed record ClusterWideAnswered(IReadOnlyList<HostReply> Hosts) : RouteOutcome;

/// <summary>forget_host dropped this entry from the registry.</summary>
public sealed record HostForgotten(NodeEntry Entry) : RouteOutcome;

public sealed record HostsListed(IReadOnlyList<HostSummary> Hosts) : RouteOutcome;
