using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.State;

/// <summary>
/// The node's process table: every managed entry, live or kept for the retention window. It lives outside the actor
/// system, so a node that is downed and rejoins with a fresh actor system keeps its processes, and it is written to
/// disk on every change when a <see cref="ProcessTableFile"/> is attached, so a node restarted after a crash re-adopts
/// them. Each entry has one writer, its ProcessActor (the manager creates and prunes); readers may be anywhere.
/// </summary>
public sealed class ProcessTable
{
    private readonly object _gate = new();
    private readonly SortedDictionary<long, ManagedEntry> _byId = new();
    private readonly Dictionary<int, long> _idByPid = new();
    /// <summary>Every pid an entry has had (one per run), so dropping it is O(its runs), not a scan of every pid.</summary>
    private readonly Dictionary<long, List<int>> _pidsById = new();
    private readonly Dictionary<string, long> _idByName = new(StringComparer.Ordinal);
    /// <summary>Final entries, oldest end first, so pruning takes what it drops from the front instead of sorting them all.</summary>
    private readonly SortedSet<(DateTimeOffset EndedAt, long Id)> _finalsByEnd = new();
    private long _lastId;
    private int _notFinal;

    /// <summary>Raised after every change with the id of the entry put or removed, outside the lock; the durable writer listens.</summary>
    public event Action<long>? Changed;

    public ProcessTable(IEnumerable<ManagedEntry>? restored = null)
    {
        foreach (var entry in restored ?? [])
        {
            Index(entry);
            _lastId = Math.Max(_lastId, entry.Id);
        }
    }

    public long NextId()
    {
        lock (_gate) return ++_lastId;
    }

    public void Put(ManagedEntry entry)
    {
        lock (_gate) Index(entry);
        Changed?.Invoke(entry.Id);
    }

    private void Index(ManagedEntry entry)
    {
        if (_byId.TryGetValue(entry.Id, out var previous))
        {
            if (previous.IsFinal) _finalsByEnd.Remove(EndKey(previous));
            else _notFinal--;
        }
        if (entry.IsFinal) _finalsByEnd.Add(EndKey(entry));
        else _notFinal++;
        _byId[entry.Id] = entry;
        if (entry.Pid is { } pid && !(_idByPid.TryGetValue(pid, out var owner) && owner == entry.Id))
        {
            _idByPid[pid] = entry.Id; // a recycled pid points at its newest owner
            if (!_pidsById.TryGetValue(entry.Id, out var pids)) _pidsById[entry.Id] = pids = [];
            pids.Add(pid);
        }
        if (entry.Name is { } name && (!_idByName.TryGetValue(name, out var current) || current <= entry.Id))
            _idByName[name] = entry.Id;
    }

    public ManagedEntry? Get(long id)
    {
        lock (_gate) return _byId.GetValueOrDefault(id);
    }

    public ManagedEntry? Find(ProcessTarget target)
    {
        lock (_gate)
        {
            if (target.Pid is { } pid) return _idByPid.TryGetValue(pid, out var byPid) ? _byId.GetValueOrDefault(byPid) : null;
            return target.Name is { } name && _idByName.TryGetValue(name, out var byName) ? _byId.GetValueOrDefault(byName) : null;
        }
    }

    /// <summary>True while an entry of that name may still run (names are unique among those).</summary>
    public bool NameActive(string name)
    {
        lock (_gate) return _idByName.TryGetValue(name, out var id) && _byId.TryGetValue(id, out var entry) && !entry.IsFinal;
    }

    /// <summary>Entries that may still run; kept as a count so the start path never walks the table.</summary>
    public int NotFinalCount
    {
        get { lock (_gate) return _notFinal; }
    }

    /// <summary>Entries with a process running now; counted in place, without copying the table.</summary>
    public int LiveCount()
    {
        lock (_gate)
        {
            var live = 0;
            foreach (var entry in _byId.Values)
                if (entry.HasLiveProcess) live++;
            return live;
        }
    }

    /// <summary>Entries by state, counted in place; states without an entry are left out.</summary>
    public IReadOnlyList<StateCount> CountByState()
    {
        lock (_gate)
        {
            var counts = new int[Enum.GetValues<ProcessState>().Length];
            foreach (var entry in _byId.Values) counts[(int)entry.State]++;
            return counts.Select((count, state) => new StateCount((ProcessState)state, count)).Where(c => c.Count > 0).ToList();
        }
    }

    public IReadOnlyList<ManagedEntry> All()
    {
        lock (_gate) return _byId.Values.ToList();
    }

    public int Count
    {
        get { lock (_gate) return _byId.Count; }
    }

    public IReadOnlyList<int> RunningPids()
    {
        lock (_gate)
        {
            var pids = _byId.Values.Where(e => e.HasLiveProcess && e.Pid is not null).Select(e => e.Pid!.Value).ToList();
            pids.Sort();
            return pids;
        }
    }

    /// <summary>Drops final entries beyond the count limit or older than the age limit; returns the ids that went.</summary>
    public IReadOnlyList<long> Prune(int maxRecords, TimeSpan maxAge, DateTimeOffset now)
    {
        var ids = new List<long>();
        lock (_gate)
        {
            while (_finalsByEnd.Count > 0 && (_finalsByEnd.Count > maxRecords || now - _finalsByEnd.Min.EndedAt > maxAge))
            {
                var oldest = _finalsByEnd.Min;
                Remove(_byId[oldest.Id]);
                ids.Add(oldest.Id);
            }
        }
        foreach (var id in ids) Changed?.Invoke(id);
        return ids;
    }

    private static (DateTimeOffset, long) EndKey(ManagedEntry final) => (final.EndedAt ?? final.StartedAt, final.Id);

    private void Remove(ManagedEntry entry)
    {
        _byId.Remove(entry.Id); // only final entries are pruned: the not-final count is unchanged
        _finalsByEnd.Remove(EndKey(entry));
        if (_pidsById.Remove(entry.Id, out var pids))
            foreach (var pid in pids)
                if (_idByPid.TryGetValue(pid, out var owner) && owner == entry.Id) _idByPid.Remove(pid);
        if (entry.Name is { } name && _idByName.TryGetValue(name, out var id) && id == entry.Id) _idByName.Remove(name);
    }
}
