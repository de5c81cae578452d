namespace BlueZero.Hub.Events;

/// <summary>The event history's settings (bluezero.hub.events in hub.hocon, which holds every default).</summary>
/// <param name="MaxAge">Events that happened longer ago are pruned.</param>
/// <param name="MaxCount">Beyond this many stored events the oldest are pruned.</param>
/// <param name="PruneInterval">How often the retention runs.</param>
/// <param name="StreamHeartbeat">How often GET /events/stream sends a comment when there is nothing else to send.</param>
/// <param name="StreamBuffer">Live events one stream subscriber may have waiting; one more cuts it off.</param>
public sealed record EventOptions(TimeSpan MaxAge, long MaxCount, TimeSpan PruneInterval, TimeSpan StreamHeartbeat, int StreamBuffer);
