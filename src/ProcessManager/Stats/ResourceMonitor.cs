using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Stats;

/// <summary>
/// The latest resource figures of a node: per managed entry (with a short history), the node process itself, and the
/// host's cpu and memory. Written by the <see cref="Actors.StatsCollector"/> once per sample interval, read by the
/// protocol handlers; like the process table it outlives the actor system.
/// </summary>
public sealed class ResourceMonitor(int historyLength)
{
    private sealed class EntryFigures
    {
        public ResourceUsage? Latest { get; set; }
        public Queue<StatsSample> History { get; } = new();
    }

    private readonly object _gate = new();
    private readonly Dictionary<long, EntryFigures> _entries = new();
    private static readonly ResourceUsage Nothing = new(0, 0, 0, 0, 0);

    public ResourceUsage Node { get; private set; } = Nothing;
    public CpuFacts? HostCpu { get; private set; }
    public MemoryFacts? HostMemory { get; private set; }

    /// <summary>One sample of every running entry; entries not in it no longer run and lose their latest figure.</summary>
    public void Record(DateTimeOffset at, IReadOnlyDictionary<long, ResourceUsage> byEntry, ResourceUsage node, CpuFacts hostCpu, MemoryFacts hostMemory)
    {
        lock (_gate)
        {
            foreach (var (id, figures) in _entries)
                if (!byEntry.ContainsKey(id)) figures.Latest = null;
            foreach (var (id, usage) in byEntry)
            {
                if (!_entries.TryGetValue(id, out var figures)) _entries[id] = figures = new EntryFigures();
                figures.Latest = usage;
                figures.History.Enqueue(new StatsSample(at, usage.CpuPercent, usage.RssBytes, usage.Threads));
                while (figures.History.Count > historyLength) figures.History.Dequeue();
            }
            Node = node;
            HostCpu = hostCpu;
            HostMemory = hostMemory;
        }
    }

    /// <summary>The entry's figures from the last sample, or null if it was not running then.</summary>
    public ResourceUsage? UsageOf(long entryId)
    {
        lock (_gate) return _entries.GetValueOrDefault(entryId)?.Latest;
    }

    public IReadOnlyList<StatsSample> HistoryOf(long entryId)
    {
        lock (_gate) return _entries.GetValueOrDefault(entryId)?.History.ToList() ?? [];
    }

    /// <summary>Sums over every entry that was running at the last sample.</summary>
    public ResourceUsage ManagedTotals()
    {
        lock (_gate)
        {
            var running = _entries.Values.Select(f => f.Latest).OfType<ResourceUsage>().ToList();
            return new ResourceUsage(running.Sum(u => u.CpuPercent), running.Sum(u => u.RssBytes), running.Sum(u => u.Threads),
                running.Sum(u => u.Processes), 0);
        }
    }

    public void Forget(IEnumerable<long> entryIds)
    {
        lock (_gate)
            foreach (var id in entryIds) _entries.Remove(id);
    }
}
