using BlueZero.ProcessManager.Native;

namespace BlueZero.ProcessManager.Launching;

/// <summary>
/// Finds and signals a managed process tree. Every managed process leads its own process group, so one
/// kill(-pgid) reaches everything that stayed in the group; descendants that moved to a group of their own
/// (a child node's children, daemons) are found through /proc parent links and remembered, so they are still
/// reached after their parent has died and they were re-parented.
/// </summary>
public sealed class ProcessTree
{
    private readonly object _gate = new();
    private readonly Dictionary<int, Dictionary<int, ulong>> _strayDescendants = new();
    private readonly ProcSnapshotCache _snapshots = new();

    public void Signal(int rootPid, int signal)
    {
        // Scan first: once the group is signalled the root may die at once, and its children are re-parented
        // to init before a later scan could find them.
        List<KeyValuePair<int, ulong>> strays;
        try
        {
            strays = RefreshStrays(rootPid);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No descriptor left to read /proc (or it vanished): the group still gets its signal, and the
            // strays found by earlier steps too. kill() itself needs no descriptor.
            lock (_gate) strays = _strayDescendants.GetValueOrDefault(rootPid)?.ToList() ?? [];
        }
        LibC.kill(-rootPid, signal);
        foreach (var (pid, start) in strays)
        {
            if (ProcStat.Read(pid) is { } stat && stat.StartTimeTicks == start)
                LibC.kill(pid, signal);
        }
    }

    /// <summary>
    /// True while a member of the group (other than a zombie: an exited process not yet reaped, which a re-adopted
    /// tree's reaper, init, may be slow to collect) or a remembered stray is alive.
    /// </summary>
    public bool Alive(int rootPid)
    {
        if (LibC.kill(-rootPid, 0) == 0 && GroupHasLiveMember(rootPid))
            return true;
        lock (_gate)
        {
            if (!_strayDescendants.TryGetValue(rootPid, out var strays)) return false;
            foreach (var (pid, start) in strays)
                if (ProcStat.Read(pid) is { State: not 'Z' } stat && stat.StartTimeTicks == start)
                    return true;
            return false;
        }
    }

    private bool GroupHasLiveMember(int rootPid)
    {
        try
        {
            return _snapshots.Current().ByGroup[rootPid].Any(p => p.State != 'Z');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true; // cannot look: assume the group still lives, so the escalation carries on
        }
    }

    public void Forget(int rootPid)
    {
        lock (_gate) _strayDescendants.Remove(rootPid);
    }

    private List<KeyValuePair<int, ulong>> RefreshStrays(int rootPid)
    {
        var children = _snapshots.Current().ByParent;
        lock (_gate)
        {
            if (!_strayDescendants.TryGetValue(rootPid, out var strays))
                _strayDescendants[rootPid] = strays = new Dictionary<int, ulong>();
            var frontier = new Queue<int>(strays.Keys.Append(rootPid));
            var seen = new HashSet<int>();
            while (frontier.Count > 0)
            {
                var parent = frontier.Dequeue();
                if (!seen.Add(parent)) continue;
                foreach (var child in children[parent])
                {
                    if (child.ProcessGroup != rootPid) strays[child.Pid] = child.StartTimeTicks;
                    frontier.Enqueue(child.Pid);
                }
            }
            return strays.ToList();
        }
    }
}

/// <summary>
/// One scan of /proc shared by every stop that needs it within a short window. Stopping thousands of processes at once
/// (kill_all, node shutdown) would otherwise read all of /proc once per process and step: quadratic in the process
/// count. A snapshot is reused while younger than twice the time a scan takes (at least 50 ms), so a descendant forked
/// in that window is found by the next step of the escalation instead.
/// </summary>
internal sealed class ProcSnapshotCache
{
    public sealed record Snapshot(ILookup<int, ProcStat> ByParent, ILookup<int, ProcStat> ByGroup, long TakenAtMs);

    private const long MinReuseMs = 50;
    private readonly object _gate = new();
    private Snapshot? _last;
    private long _reuseMs = MinReuseMs;

    public Snapshot Current()
    {
        lock (_gate)
        {
            var now = Environment.TickCount64;
            if (_last is { } last && now - last.TakenAtMs < _reuseMs) return last;
            var all = ProcStat.ReadAll().ToList();
            var taken = Environment.TickCount64;
            _reuseMs = Math.Max(MinReuseMs, 2 * (taken - now));
            return _last = new Snapshot(all.ToLookup(p => p.ParentPid), all.ToLookup(p => p.ProcessGroup), taken);
        }
    }
}
