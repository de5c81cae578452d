namespace BlueZero.Messages.Protocol;

/// <summary>
/// Everything bound to <see cref="Serialization.BlueZeroSerializer"/>: the messages that may cross the wire
/// between hub and nodes. Local-only messages implement Akka's INoSerializationVerificationNeeded instead.
/// </summary>
public interface IBlueZeroMessage { }

/// <summary>Anything a client may ask through the hub's front door: a node command, or one the hub answers itself.</summary>
public interface IClientCommand { }

/// <summary>Everything the hub (or any client actor) may send to a node's /user/process-manager.</summary>
public interface INodeCommand : IBlueZeroMessage, IClientCommand { }

/// <summary>A client command the hub answers itself, without asking any node; it never crosses the wire.</summary>
public interface IHubCommand : IClientCommand { }

/// <summary>Everything a node answers to an <see cref="INodeCommand"/>.</summary>
public interface INodeReply : IBlueZeroMessage { }

/// <summary>The handshake between a node's registrar and the hub's node registry.</summary>
public interface IRegistrationMessage : IBlueZeroMessage { }

/// <summary>Events shipped from a node's journal to the hub, and the hub's acknowledgements.</summary>
public interface IEventMessage : IBlueZeroMessage { }
