using Akka.Actor;

namespace BlueZero.Messages.Protocol;

/// <summary>
/// A filter over the hub's event history (GET /events, GET /events/stream and the "events" wire op). Each list is OR
/// within and AND across; an empty list does not filter. <see cref="From"/> is inclusive, <see cref="To"/> exclusive.
/// </summary>
public sealed record EventQuery(
    long SinceSeq = 0,
    IReadOnlyList<string>? Hosts = null,
    IReadOnlyList<MeshEventType>? Types = null,
    IReadOnlyList<string>? Names = null,
    int? Pid = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Limit = EventQuery.DefaultLimit,
    bool Descending = false) : IHubCommand, INoSerializationVerificationNeeded
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    /// <summary>Whether a stored event passes every filter but the limit and order (for live events; the store filters in SQL).</summary>
    public bool Matches(StoredEvent e) =>
        e.Seq > SinceSeq
        && (Hosts is not { Count: > 0 } || Hosts.Contains(e.HostName))
        && (Types is not { Count: > 0 } || Types.Contains(e.Type))
        && (Names is not { Count: > 0 } || (e.Name is not null && Names.Contains(e.Name)))
        && (Pid is null || e.Pid == Pid)
        && (From is null || e.Time >= From)
        && (To is null || e.Time < To);
}
