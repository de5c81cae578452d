using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Stats;

/// <summary>
/// The latest resource figures of a node: per managed entry (with a short history), the node process itself, and the
/// host's cpu and memory. Written by the <see cref="Actors.StatsCollector"/> once per sample interval, read by the
/// protocol handlers; like the process table it outlives the actor system.
/// </summary>
public sealed class ResourceMonitor(int historyLength)
{
    /// <summary>One sample as kept: values, not an object each, so ten thousand full histories stay small.</summary>
    private readonly record struct Kept(long AtUtcTicks, double CpuPercent, long RssBytes, int Threads)
    {
        public StatsSample ToSample() => new(new DateTimeOffset(AtUtcTicks, TimeSpan.Zero), CpuPercent, RssBytes, Threads);
    }

    /// <summary>
    /// An entry's latest figures and its history, a ring that grows by doubling up to the history length: an entry
    /// sampled a few times holds a few samples, not the whole length.
    /// </summary>
    private sealed class EntryFigures
    {
        private Kept[] _ring = [];
        private int _first;
        private int _count;

        public ResourceUsage? Latest { get; set; }

        public void Add(Kept sample, int capacity)
        {
            if (capacity <= 0) return;
            if (_count == capacity)
            {
                _ring[_first] = sample;
                _first = (_first + 1) % capacity;
                return;
            }
            if (_count == _ring.Length) Grow(capacity);
            _ring[(_first + _count) % _ring.Length] = sample;
            _count++;
        }

        private void Grow(int capacity)
        {
            var larger = new Kept[Math.Min(capacity, Math.Max(4, _ring.Length * 2))];
            for (var i = 0; i < _count; i++) larger[i] = _ring[(_first + i) % _ring.Length];
            (_ring, _first) = (larger, 0);
        }

        public List<StatsSample> History()
        {
            var samples = new List<StatsSample>(_count);
            for (var i = 0; i < _count; i++) samples.Add(_ring[(_first + i) % _ring.Length].ToSample());
            return samples;
        }
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
        var atUtcTicks = at.UtcTicks;
        lock (_gate)
        {
            foreach (var (id, figures) in _entries)
                if (!byEntry.ContainsKey(id)) figures.Latest = null;
            foreach (var (id, usage) in byEntry)
            {
                if (!_entries.TryGetValue(id, out var figures)) _entries[id] = figures = new EntryFigures();
                figures.Latest = usage;
                figures.Add(new Kept(atUtcTicks, usage.CpuPercent, usage.RssBytes, usage.Threads), historyLength);
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

    /// <summary>The entry's samples, oldest first, at most the history length.</summary>
    public IReadOnlyList<StatsSample> HistoryOf(long entryId)
    {
        lock (_gate) return _entries.GetValueOrDefault(entryId)?.History() ?? [];
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
