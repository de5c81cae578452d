using Akka.Actor;
using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Actors;

namespace BlueZero.ProcessManager.Events;

/// <summary>
/// How the node's actors record an event: into the <see cref="EventJournal"/> first, then a notice on the actor
/// system's event stream, so the <see cref="EventShipper"/> sends it at once. Kept with the journal outside the actor
/// system, like the process table.
/// </summary>
public sealed class NodeEvents(EventJournal journal, string hostName, bool enabled = true)
{
    private readonly HashSet<long> _readopted = new();

    public EventJournal Journal => journal;

    /// <summary>An event of <paramref name="type"/> that happens now on this host; the caller adds its fields with <c>with</c>.</summary>
    public MeshEvent New(MeshEventType type) => new(type, DateTimeOffset.UtcNow, hostName);

    /// <summary>Appends (a buffered write flushed to the OS, no fsync), so this is quick enough for an actor's thread.</summary>
    public void Record(ActorSystem system, MeshEvent mesh)
    {
        if (!enabled) return; // events.enabled = off
        journal.Append(mesh);
        system.EventStream.Publish(EventsJournaled.Instance);
    }

    /// <summary>
    /// True the first time an entry's process is re-adopted in this node process: a rejoin with a fresh actor system
    /// takes the entry over again, which is no new re-adoption.
    /// </summary>
    public bool FirstReadoption(long entryId)
    {
        lock (_readopted) return _readopted.Add(entryId);
    }
}
