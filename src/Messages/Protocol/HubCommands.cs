using Akka.Actor;

namespace BlueZero.Messages.Protocol;

/// <summary>Drops a host that is not up (left, removed or unreachable) from the hub's registry.</summary>
public sealed record ForgetHost(string HostName) : IHubCommand, INoSerializationVerificationNeeded;
