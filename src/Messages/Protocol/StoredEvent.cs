using Akka.Actor;

namespace BlueZero.Messages.Protocol;

/// <summary>
/// An event as the hub stored it: its global <see cref="Seq"/>, the fields the filters read, and <see cref="Body"/>, its
/// wire JSON without seq (written once when it is stored, see Wire.WireResponseWriter.EventBody), so that answering a
/// query does not shape every event again.
/// </summary>
public sealed record StoredEvent(long Seq, DateTimeOffset Time, string HostName, MeshEventType Type, int? Pid, string? Name, string Body)
    : INoSerializationVerificationNeeded;

/// <summary>One page of a query: the events, and the seq to pass as since_seq to get what came after them.</summary>
public sealed record EventPage(IReadOnlyList<StoredEvent> Events, long NextSeq) : INoSerializationVerificationNeeded;
