using Akka.Actor;

namespace BlueZero.Messages.Protocol;

/// <summary>Sent by a node to every hub it sees come up; repeated until acknowledged.</summary>
public sealed record RegisterNode(string HostName, IActorRef ProcessManager) : IRegistrationMessage;

public sealed record NodeRegistered(string HostName) : IRegistrationMessage;

/// <summary>Another live node already owns this host_name; the first registration stays.</summary>
public sealed record NodeRegistrationRefused(string HostName, string Reason) : IRegistrationMessage;

/// <summary>
/// The hub got a registration from a node that is not a member of its cluster: the hub was restarted and formed a
/// new cluster, while the node still belongs to the old one. The node rejoins at once instead of waiting for downing.
/// </summary>
public sealed record RejoinRequired(string HostName, string Reason) : IRegistrationMessage;
