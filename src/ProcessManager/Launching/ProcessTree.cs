using System.Diagnostics;
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
        var asked = Stopwatch.GetTimestamp();
        if (LibC.kill(-rootPid, 0) == 0 && GroupHasLiveMember(rootPid, asked))
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

    /// <summary>
    /// Looks at a scan begun after <paramref name="asked"/>: the caller has just seen the root end, and a scan from
    /// before (the stop step's own, a moment ago) still shows it running. Our own child is reaped, so its group is gone
    /// before anyone looks; a re-adopted root stays a zombie of init's and needs this look.
    /// </summary>
    private bool GroupHasLiveMember(int rootPid, long asked)
    {
        try
        {
            return _snapshots.ScannedAfter(asked).ByGroup[rootPid].Any(p => p.State != 'Z');
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
        // The kernel's children lists cost O(the tree): a stop of one process does not read every process's stat.
        // Without them (CONFIG_PROC_CHILDREN off), one shared scan of /proc.
        Func<int, IEnumerable<ProcStat>> children;
        if (ProcChildren.Supported) children = ProcChildren.Of;
        else
        {
            var byParent = _snapshots.Current().ByParent;
            children = pid => byParent[pid];
        }
        List<int> known;
        lock (_gate) known = _strayDescendants.GetValueOrDefault(rootPid)?.Keys.ToList() ?? [];
        var found = new Dictionary<int, ulong>();
        var frontier = new Queue<int>(known.Append(rootPid));
        var seen = new HashSet<int>();
        while (frontier.Count > 0)
        {
            var parent = frontier.Dequeue();
            if (!seen.Add(parent)) continue;
            foreach (var child in children(parent))
            {
                if (child.ProcessGroup != rootPid) found[child.Pid] = child.StartTimeTicks;
                frontier.Enqueue(child.Pid);
            }
        }
        lock (_gate)
        {
            if (!_strayDescendants.TryGetValue(rootPid, out var strays))
                _strayDescendants[rootPid] = strays = new Dictionary<int, ulong>();
            foreach (var (pid, start) in found) strays[pid] = start;
            return strays.ToList();
        }
    }
}

/// <summary>
/// One scan of /proc shared by every stop that needs it within a short window. Stopping thousands of processes at once
/// (kill_all, node shutdown) would otherwise read all of /proc once per process and step: quadratic in the process
/// count. A snapshot is reused while younger than twice the time a scan takes (at least 50 ms), so a descendant forked
/// in that window is found by the next step of the escalation instead. Whoever must see a change it has just observed
/// asks for a scan begun after that (<see cref="ScannedAfter"/>); every such question asked during one scan is answered
/// by the next, so a mass stop still costs one scan at a time, not one per process.
/// </summary>
internal sealed class ProcSnapshotCache
{
    /// <param name="StartedAt">When the scan began, as a <see cref="Stopwatch"/> timestamp.</param>
    public sealed record Snapshot(ILookup<int, ProcStat> ByParent, ILookup<int, ProcStat> ByGroup, long TakenAtMs, long StartedAt);

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
            return Scan(now);
        }
    }

    /// <summary>The newest snapshot if its scan began after <paramref name="asked"/> (a <see cref="Stopwatch"/> timestamp), else a new one.</summary>
    public Snapshot ScannedAfter(long asked)
    {
        lock (_gate)
        {
            if (_last is { } last && last.StartedAt > asked) return last;
            return Scan(Environment.TickCount64);
        }
    }

    private Snapshot Scan(long now)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var all = ProcStat.ReadAll().ToList();
        var taken = Environment.TickCount64;
        _reuseMs = Math.Max(MinReuseMs, 2 * (taken - now));
        return _last = new Snapshot(all.ToLookup(p => p.ParentPid), all.ToLookup(p => p.ProcessGroup), taken, startedAt);
    }
}

/// <summary>
/// A process's children from <c>/proc/PID/task/TID/children</c> (one file per thread), each with its stat. The files
/// are a snapshot like a scan of /proc: a child forked or re-parented meanwhile may be missed, and the next step of an
/// escalation looks again.
/// </summary>
internal static class ProcChildren
{
    public static bool Supported { get; } = File.Exists($"/proc/{Environment.ProcessId}/task/{Environment.ProcessId}/children");

    public static IEnumerable<ProcStat> Of(int pid)
    {
        var found = new List<ProcStat>();
        foreach (var child in PidsOf(pid))
            if (ProcStat.Read(child) is { } stat && stat.ParentPid == pid)
                found.Add(stat);
        return found;
    }

    /// <summary>
    /// The pids in <paramref name="pid"/>'s children lists, unchecked (a pid may have been reused since). A process
    /// known to have one thread has one list, its main thread's: no listing of /proc/PID/task.
    /// </summary>
    public static List<int> PidsOf(int pid, bool singleThreaded = false)
    {
        var found = new List<int>();
        try
        {
            var tasks = singleThreaded ? [$"/proc/{pid}/task/{pid}"] : Directory.EnumerateDirectories($"/proc/{pid}/task");
            foreach (var task in tasks)
                foreach (var field in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    if (int.TryParse(field, out var child)) found.Add(child);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process (or a thread of it) ended meanwhile: what was read so far is what there is.
        }
        return found;
    }
}
