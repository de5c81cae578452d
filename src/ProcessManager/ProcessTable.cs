using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager;

/// <summary>One managed process: running while <see cref="Exit"/> is null.</summary>
public sealed record ProcessRecord(int Pid, StartProcess Spec, DateTimeOffset StartedAt, ProcessExit? Exit = null, DateTimeOffset? EndedAt = null)
{
    public bool Running => Exit is null;
    public string? Name => Spec.Name;
}

/// <summary>
/// The node's process table: running processes and exited ones kept for the retention window.
/// It lives outside the actor system so a node that is downed and rejoins with a fresh actor system keeps its
/// processes. Exactly one <see cref="Actors.ProcessManagerActor"/> owns it at a time, so it needs no locking.
/// </summary>
public sealed class ProcessTable
{
    private readonly Dictionary<int, ProcessRecord> _byPid = new();
    private readonly Dictionary<string, int> _latestPidByName = new(StringComparer.Ordinal);
    private readonly SortedSet<int> _running = new();
    private readonly LinkedList<int> _exitedOldestFirst = new();

    public IReadOnlyCollection<int> RunningPids => _running;
    public int ExitedCount => _exitedOldestFirst.Count;
    public IEnumerable<ProcessRecord> Running => _running.Select(pid => _byPid[pid]);

    public void AddRunning(ProcessRecord record)
    {
        if (_byPid.ContainsKey(record.Pid)) Remove(record.Pid); // a recycled pid replaces its old exited record
        _byPid[record.Pid] = record;
        _running.Add(record.Pid);
        if (record.Name is { } name) _latestPidByName[name] = record.Pid;
    }

    public ProcessRecord? MarkExited(int pid, ProcessExit exit, DateTimeOffset at)
    {
        if (!_byPid.TryGetValue(pid, out var record) || !record.Running) return null;
        var exited = record with { Exit = exit, EndedAt = at };
        _byPid[pid] = exited;
        _running.Remove(pid);
        _exitedOldestFirst.AddLast(pid);
        return exited;
    }

    public ProcessRecord? Find(ProcessTarget target)
    {
        if (target.Pid is { } pid) return _byPid.GetValueOrDefault(pid);
        return target.Name is { } name && _latestPidByName.TryGetValue(name, out var byName) ? _byPid.GetValueOrDefault(byName) : null;
    }

    public bool NameRunning(string name) => _latestPidByName.TryGetValue(name, out var pid) && _byPid[pid].Running;

    /// <summary>Drops exited records beyond the count limit or older than the age limit; returns how many went.</summary>
    public int Prune(int maxRecords, TimeSpan maxAge, DateTimeOffset now)
    {
        var removed = 0;
        while (_exitedOldestFirst.First is { } oldest &&
               (_exitedOldestFirst.Count > maxRecords || now - _byPid[oldest.Value].EndedAt > maxAge))
        {
            Remove(oldest.Value);
            removed++;
        }
        return removed;
    }

    private void Remove(int pid)
    {
        if (!_byPid.Remove(pid, out var record)) return;
        _running.Remove(pid);
        _exitedOldestFirst.Remove(pid);
        if (record.Name is { } name && _latestPidByName.TryGetValue(name, out var latest) && latest == pid)
            _latestPidByName.Remove(name);
    }
}
