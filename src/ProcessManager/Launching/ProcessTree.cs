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

    private static bool GroupHasLiveMember(int rootPid)
    {
        try
        {
            return ProcStat.ReadAll().Any(p => p.ProcessGroup == rootPid && p.State != 'Z');
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
        var all = ProcStat.ReadAll().ToList();
        var children = all.ToLookup(s => s.ParentPid);
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
