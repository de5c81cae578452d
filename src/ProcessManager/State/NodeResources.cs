using BlueZero.Mesh.Configuration;
using BlueZero.ProcessManager.Events;
using BlueZero.ProcessManager.Output;
using BlueZero.ProcessManager.Stats;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlueZero.ProcessManager.State;

/// <summary>
/// What a node keeps besides its process table across actor systems (a node that is downed rejoins with a fresh one):
/// the captured output of its entries, their latest resource figures, its event journal, and when the node started.
/// </summary>
public sealed record NodeResources(OutputStore Output, ResourceMonitor Monitor, NodeEvents Events, DateTimeOffset StartedAt) : IDisposable
{
    /// <param name="persist">Write output files and the event journal under the data directory; tests may keep both in memory only.</param>
    public static NodeResources For(ProcessManagerOptions options, bool persist = true, ILogger? logger = null)
    {
        var journal = persist
            ? EventJournal.Open(options.DataDirectory, options.HostName, options.EventJournalMaxEvents, logger ?? NullLogger.Instance)
            : EventJournal.InMemory(options.HostName, options.EventJournalMaxEvents);
        return new(new OutputStore(options.Output, persist ? options.DataDirectory : null), new ResourceMonitor(options.StatsHistory),
            new NodeEvents(journal, options.HostName, options.EventsEnabled), DateTimeOffset.UtcNow);
    }

    public void Dispose() => Events.Journal.Dispose();
}
